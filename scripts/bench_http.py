"""The HTTP half of `make bench` (README, "Benchmarks"): pages and booking POSTs under wrk.

The site runs under gunicorn (scripts/serve: 2 workers, production settings, its own
redis-server) on DATABASE_URL, with the bare view of lujiazui/bench.py. `wrk -c8` measures
the bare view and each page alternately (bare, page, bare, page, …, bare), so that drift
affects both; a page's ratio is its requests per second over the mean of the bare runs on
either side. Once without the page cache and once with it, gunicorn restarted between. Then
booking POSTs (scripts/wrk/book.lua), checked for overbooking and removed again.

Run by scripts/bench-http with the project's Python; exits non-zero when any answer was an
error or a slot is overbooked, not when a target is missed (the table says so).
"""

import argparse
import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lujiazui.settings")

import django  # noqa: E402

django.setup()

from auditlog.context import disable_auditlog  # noqa: E402
from auditlog.models import LogEntry  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.db.models import F, Max, Q, Sum  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402

from routes.models import Booking, BookingSettings, Slot  # noqa: E402

PAGES = ["home", "event", "route", "stop"]
TARGETS = {"uncached": 0.25, "cached": 0.8, "booking": 0.05}
BARE = "/bench/hello/"
WARM_UP_SECONDS = 2


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """scripts/serve in its own session, so that Ctrl-C on this script stops it in order."""

    def __init__(self, page_cache, log_path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            key: value
            for key, value in os.environ.items()
            # A fresh private redis-server for each run; never a shared or production cache.
            if key not in ("CACHE_URL", "GUNICORN_CMD_ARGS")
        }
        env.update(
            BENCHMARK_VIEW="true",
            PAGE_CACHE="true" if page_cache else "false",
            WEB_CONCURRENCY="2",
            BIND=f"127.0.0.1:{self.port}",
            CLIENT_ADDRESS_HEADER="HTTP_X_REAL_IP",
            HTTPS="false",  # wrk speaks plain HTTP to gunicorn: no redirect to https
            EMAIL_URL="dummymail://",
        )
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [str(ROOT / "scripts/serve")],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"scripts/serve exited early; see {log_path}")
            try:
                if get(self.base + BARE)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"the site did not answer {BARE} within 60 s; see {log_path}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def get(url):
    """(status, headers, body) of one GET, redirects not followed."""
    try:
        with OPENER.open(url, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


DURATION = re.compile(r"([\d.]+)(us|ms|s)\b")
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, seconds, script=None, env=None):
    """Run wrk -t2 -c8 on ``url``: (its figures, its output, for a Lua script's lines)."""
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", str(script)]
    result = subprocess.run(
        [*command, url], capture_output=True, text=True, env={**os.environ, **(env or {})}
    )
    out = result.stdout
    if result.returncode != 0 or "Requests/sec" not in out:
        raise SystemExit(f"wrk failed on {url}:\n{out}{result.stderr}")

    def number(pattern, default=0.0):
        match = re.search(pattern, out)
        return float(match.group(1)) if match else default

    def latency(percent):
        match = re.search(rf"^\s+{percent}%\s+(\S+)", out, re.MULTILINE)
        value = DURATION.match(match.group(1))
        return round(float(value.group(1)) * UNIT_MS[value.group(2)], 2)

    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": number(r"Requests/sec:\s+([\d.]+)"),
        "requests": int(number(r"(\d+) requests in")),
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "non_2xx_3xx": int(number(r"Non-2xx or 3xx responses: (\d+)")),
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
    }, out


def measure_pages(server, urls, seconds):
    """Bare view and pages alternately; each page against the bare runs around it."""
    for path in [BARE, *(urls[name] for name in PAGES)]:
        status, _headers, _body = get(server.base + path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}, not 200")
        wrk(server.base + path, WARM_UP_SECONDS)
    bare_runs = [wrk(server.base + BARE, seconds)[0]]
    pages = {}
    for name in PAGES:
        page = wrk(server.base + urls[name], seconds)[0]
        bare_runs.append(wrk(server.base + BARE, seconds)[0])
        bare = mean(run["rps"] for run in bare_runs[-2:])
        _status, headers, body = get(server.base + urls[name])
        pages[name] = {
            "url": urls[name],
            "bytes": len(body),
            "page_cache": headers.get("X-Page-Cache", ""),
            **page,
            "bare_rps": round(bare, 1),
            "ratio": round(page["rps"] / bare, 3),
        }
    return {
        "bare_rps": round(mean(run["rps"] for run in bare_runs), 1),
        "bare_runs": bare_runs,
        "pages": pages,
    }


def booking_form(server, path):
    """CSRF cookie and token and the open slot values, from one GET of the booking form."""
    status, headers, body = get(server.base + path)
    if status != 200:
        raise SystemExit(f"{path} answered {status}, not 200")
    html = body.decode()
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", ""))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    slots = re.findall(r'name="slot" value="([^"]+)"', html)
    if not (cookie and token and slots):
        raise SystemExit(f"{path} has no CSRF cookie, token or open slot")
    return cookie.group(1), token.group(1), slots


def lua_string(value):
    return json.dumps(value)  # ASCII only (percent-encoded), where JSON and Lua agree


def measure_booking(server, path, seconds):
    cookie, token, slots = booking_form(server, path)
    tag = secrets.token_hex(4)
    organization = f"压测单位 {tag} "
    quote = urllib.parse.quote
    data = {
        "csrf_cookie": lua_string(cookie),
        "csrf_token": lua_string(token),
        "tag": lua_string(tag),
        "organization": lua_string(quote(organization)),
        "contact": lua_string(quote(f"联系人 {tag} ")),
        "phone_base": str(secrets.randbelow(10**8)),
        # The smallest group the rules allow: as many bookings as possible fit the slots.
        "group_size": str(BookingSettings.load().min_group_size),
        "slots": "{" + ", ".join(lua_string(quote(slot)) for slot in slots) + "}",
    }
    connections.close_all()
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as data_file:
        data_file.write("return {\n")
        data_file.writelines(f"  {key} = {value},\n" for key, value in data.items())
        data_file.write("}\n")
        data_file.flush()
        run, out = wrk(
            server.base + path,
            seconds,
            ROOT / "scripts/wrk/book.lua",
            {"BOOK_DATA": data_file.name},
        )
    match = re.search(r"^BOOKING_STATUSES (\{.*\})$", out, re.MULTILINE)
    statuses = json.loads(match.group(1))
    booked = statuses.get("303", 0)
    return {
        "url": path,
        "slots": len(slots),
        **run,
        "statuses": statuses,
        "booked": booked,
        "booked_per_second": round(booked / seconds, 1),
        "rows": Booking.objects.filter(organization_name__startswith=organization).count(),
        "organization": organization,
    }


def overbooking():
    """Slots over capacity, and slots whose places taken differ from their bookings' groups."""
    held = Coalesce(
        Sum("bookings__group_size", filter=Q(bookings__status__in=Booking.HOLDS_PLACES)), 0
    )
    return {
        "over_capacity": Slot.objects.filter(places_taken__gt=F("capacity")).count(),
        "miscounted": Slot.objects.alias(held=held).exclude(places_taken=F("held")).count(),
    }


def remove_bookings(organization, last_slot):
    """Take the benchmark's bookings out again, places, new slots and history included, so
    that runs can be repeated (and the demo database stays as it was)."""
    with transaction.atomic(), disable_auditlog():
        bookings = Booking.objects.filter(organization_name__startswith=organization)
        for row in bookings.values("slot").annotate(people=Sum("group_size")):
            Slot.objects.filter(pk=row["slot"]).update(
                places_taken=F("places_taken") - row["people"]
            )
        new_slots = Slot.objects.filter(pk__gt=last_slot)
        content_type = ContentType.objects.get_for_model
        LogEntry.objects.filter(
            Q(content_type=content_type(Booking), object_id__in=bookings.values("pk"))
            | Q(content_type=content_type(Slot), object_id__in=new_slots.values("pk"))
        ).delete()
        bookings.delete()
        new_slots.filter(bookings=None).delete()


def bench(seconds, log_dir):
    out = io.StringIO()
    call_command("bench_urls", stdout=out)
    urls = json.loads(out.getvalue())
    result = {"database": connection.vendor, "seconds": seconds, "targets": TARGETS}
    last_slot = Slot.objects.aggregate(last=Coalesce(Max("pk"), 0))["last"]
    connections.close_all()
    for phase, page_cache in (("uncached", False), ("cached", True)):
        print(f"{phase}: measuring {', '.join(PAGES)} against {BARE} …", file=sys.stderr)
        server = Server(page_cache, log_dir / f"serve-{phase}.log")
        try:
            result[phase] = measure_pages(server, urls, seconds)
            if page_cache:
                print("booking POSTs …", file=sys.stderr)
                before = wrk(server.base + BARE, seconds)[0]
                booking = measure_booking(server, urls["book"], seconds)
                after = wrk(server.base + BARE, seconds)[0]
        finally:
            server.stop()
    bare = mean([before["rps"], after["rps"]])
    booking["bare_runs"] = [before, after]
    organization = booking.pop("organization")
    booking.update(
        bare_rps=round(bare, 1),
        ratio=round(booking["booked_per_second"] / bare, 3),
        **overbooking(),
    )
    remove_bookings(organization, last_slot)
    result["booking"] = booking
    return result


def problems(result):
    """Errors that make the run fail: error answers, refused bookings, overbooking."""
    booking = result["booking"]
    runs = [("booking", booking), *(("booking bare view", run) for run in booking["bare_runs"])]
    for phase in ("uncached", "cached"):
        runs += [(f"{phase} {name}", run) for name, run in result[phase]["pages"].items()]
        runs += [(f"{phase} bare view", run) for run in result[phase]["bare_runs"]]
    found = [
        f"{name}: {run['non_2xx_3xx']} error answers, {run['socket_errors']} socket errors"
        for name, run in runs
        if run["non_2xx_3xx"] or run["socket_errors"]
    ]
    unexpected = {code: n for code, n in booking["statuses"].items() if code not in ("303", "200")}
    if unexpected:
        found.append(f"booking answers other than 303 or 200 (form again): {unexpected}")
    if booking["over_capacity"] or booking["miscounted"]:
        found.append(
            f"overbooking: {booking['over_capacity']} slots over capacity, "
            f"{booking['miscounted']} with places taken not matching their bookings"
        )
    return found


def table(result):
    rows = [
        (
            "run",
            "page",
            "req/s",
            "bare req/s",
            "ratio",
            "target",
            "p50 ms",
            "p99 ms",
            "bytes",
            "cache",
        )
    ]
    for phase in ("uncached", "cached"):
        for name, run in result[phase]["pages"].items():
            met = "ok" if run["ratio"] >= TARGETS[phase] else "BELOW"
            rows.append(
                (
                    phase,
                    f"{name} {run['url']}",
                    f"{run['rps']:.1f}",
                    f"{run['bare_rps']:.1f}",
                    f"{run['ratio']:.3f}",
                    f"≥{TARGETS[phase]} {met}",
                    f"{run['p50_ms']:.1f}",
                    f"{run['p99_ms']:.1f}",
                    str(run["bytes"]),
                    run["page_cache"],
                )
            )
    booking = result["booking"]
    met = "ok" if booking["ratio"] >= TARGETS["booking"] else "BELOW"
    rows.append(
        (
            "booking",
            f"POST {booking['url']}",
            f"{booking['booked_per_second']:.1f}",
            f"{booking['bare_rps']:.1f}",
            f"{booking['ratio']:.3f}",
            f"≥{TARGETS['booking']} {met}",
            f"{booking['p50_ms']:.1f}",
            f"{booking['p99_ms']:.1f}",
            "",
            "",
        )
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.append(
        f"bookings: {booking['booked']} made (303) of {booking['requests']} POSTs over "
        f"{booking['slots']} slots, answers {booking['statuses']}, {booking['rows']} rows; "
        f"slots over capacity {booking['over_capacity']}, miscounted {booking['miscounted']}"
    )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default=str(ROOT / "var/bench/http.json"), help="output file")
    args = parser.parse_args()
    seconds = int(os.environ.get("BENCH_HTTP_SECONDS", "10"))
    output = Path(args.json)
    output.parent.mkdir(parents=True, exist_ok=True)
    result = bench(seconds, output.parent)
    found = problems(result)
    result["problems"] = found
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"HTTP under gunicorn, 2 workers, wrk -c8, {seconds} s each, on {result['database']}:")
    print(table(result))
    print(f"written to {output}")
    for problem in found:
        print(f"FAILED: {problem}", file=sys.stderr)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
