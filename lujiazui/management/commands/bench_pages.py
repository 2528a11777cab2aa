"""Measure every public page in-process, through all the middleware (see README, "Benchmarks").

Each page is requested with Django's test client, which calls the WSGI handler without a
server: what is timed is the site's own work (middleware, view, queries, templates), not
sockets or gunicorn. After a warm-up, one request counts the queries; then ``--runs``
requests are timed (fewer for a page that takes longer than ``--max-seconds`` in all, but at
least ``MIN_RUNS``). The yardstick is a bare "hello world" view (``lujiazui.bench.hello``)
served through the same middleware by this module's URLconf, which adds it to the site's.
The page cache is off: these are the costs of rendering.

Every request comes from a client address of its own, as from many readers, so that no rate
limit answers (search, booking). The booking POST makes a real booking each time (a new
phone number, the CSRF check enforced); the bookings it made are removed at the end, their
places released, so that runs do not drift.

Fails when a public page runs more than ``QUERY_BUDGET`` queries or answers neither 2xx nor
3xx, or when the booking POST does not book.
"""

import ipaddress
import itertools
import json
import math
import random
import re
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import path, reverse
from django.utils import timezone, translation

import lujiazui.urls
from events.models import Attendance, Event, Lesson, Photo, Section, Speech
from lujiazui.bench import hello
from lujiazui.management.commands.bench_data import bench_state
from routes.booking import open_slots
from routes.models import Booking, BookingSettings, Route, Slot
from speakers.models import Organization, Position, Speaker

# This module is the URLconf while measuring: the site's patterns (their language prefixes
# work only at the top level, so they are not include()d) and the bare view.
BARE_PATH = "/bench/hello/"
urlpatterns = [path(BARE_PATH.strip("/") + "/", hello), *lujiazui.urls.urlpatterns]

QUERY_BUDGET = 10
WARM_UP = 2
MIN_RUNS = 5
SEARCH_TERM = "党建"
BOOKER = "【基准测试】陆家嘴街道机关党支部"  # marks the bookings this command makes
# RFC 2544's addresses for benchmarks: one per request, so that no rate limit bites.
CLIENTS = ipaddress.ip_network("198.18.0.0/15")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def count_of(model, field):
    """The number of ``model`` rows whose ``field`` is the outer row, as a subquery."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def subjects():
    """The objects whose pages are measured: the most fully loaded of each kind."""
    parts = sum(count_of(model, "event") for model in (Section, Speech, Attendance, Photo))
    events = Event.objects.published().annotate(parts=parts).order_by("-parts", "-start")
    event = events.exclude(title_en="").first() or events.first()
    speaker = (
        Speaker.objects.public()
        .annotate(n=count_of(Speech, "speaker") + count_of(Position, "speaker"))
        .order_by("-n", "pk")
        .first()
    )
    organization = (
        Organization.objects.annotate(
            n=count_of(Event.organizers.through, "organization")
            + count_of(Position, "organization")
        )
        .order_by("-n", "pk")
        .first()
    )
    lessons = Lesson.objects.published()
    lesson = lessons.filter(speaker__isnull=False).first() or lessons.first()
    route = Route.objects.annotate(n=Count("stops")).order_by("-n", "pk").first()
    stop = route and route.stops.order_by("number").first()
    years = Event.objects.published().past().datetimes("start", "year", order="DESC")
    found = {
        "event": event,
        "speaker": speaker,
        "organization": organization,
        "lesson": lesson,
        "route": route,
        "stop": stop,
        "year": years[min(1, len(years) - 1)].year if years else None,
    }
    missing = [name for name, value in found.items() if value is None]
    if missing:
        raise CommandError(
            f"Nothing to measure for: {', '.join(missing)}. Load data first (load_demo or "
            "bench_data)."
        )
    return found


def page_list(found):
    """``(label, language, path)`` of every public page kind."""
    event, route, stop = found["event"], found["route"], found["stop"]
    route_slug = {"slug": route.slug}
    stop_kwargs = {"slug": route.slug, "number": stop.number}
    zh = [
        ("home", "home", {}, ""),
        ("event list", "events:event_list", {}, ""),
        ("event list ?year=", "events:event_list", {}, f"?year={found['year']}"),
        ("upcoming events", "events:upcoming", {}, ""),
        ("event detail", "events:event", {"slug": event.slug}, ""),
        ("event .ics", "events:event_calendar", {"slug": event.slug}, ""),
        ("events calendar.ics", "events:calendar", {}, ""),
        ("events RSS", "events:event_feed_rss", {}, ""),
        ("lesson list", "events:lesson_list", {}, ""),
        ("lesson detail", "events:lesson", {"slug": found["lesson"].slug}, ""),
        ("lessons RSS", "events:lesson_feed_rss", {}, ""),
        ("speaker list", "speakers:speaker_list", {}, ""),
        ("speaker detail", "speakers:speaker", {"slug": found["speaker"].slug}, ""),
        ("organization list", "speakers:organization_list", {}, ""),
        ("organization detail", "speakers:organization", {"slug": found["organization"].slug}, ""),
        ("network", "network", {}, ""),
        ("route list", "routes:route_list", {}, ""),
        ("route detail", "routes:route", route_slug, ""),
        ("stop detail", "routes:stop", stop_kwargs, ""),
        ("stop sign", "routes:sign", stop_kwargs, ""),
        ("check-in link /q/", "check_in_link", {"code": stop.check_in_code}, ""),
        ("booking form", "routes:book", route_slug, ""),
        ("privacy notice", "routes:privacy", {}, ""),
        ("search", "search:results", {}, f"?q={SEARCH_TERM}"),
        ("search, one kind", "search:results", {}, f"?q={SEARCH_TERM}&kind=events"),
        ("sitemap.xml (index)", "sitemap", {}, ""),
        ("sitemap-events.xml", "sitemap_section", {"section": "events"}, ""),
        ("robots.txt", "robots_txt", {}, ""),
    ]
    others = [
        ("home", "home", {}, "", ("en", "zh-hant")),
        ("event detail", "events:event", {"slug": event.slug}, "", ("en", "zh-hant")),
        ("speaker list", "speakers:speaker_list", {}, "", ("en",)),
        ("route detail", "routes:route", route_slug, "", ("zh-hant",)),
        ("stop detail", "routes:stop", stop_kwargs, "", ("en",)),
    ]
    pages = [(label, "zh-hans", name, kwargs, query) for label, name, kwargs, query in zh]
    pages += [
        (label, language, name, kwargs, query)
        for label, name, kwargs, query, languages in others
        for language in languages
    ]
    found_paths = []
    for label, language, name, kwargs, query in pages:
        with translation.override(language):
            found_paths.append((label, language, reverse(name, kwargs=kwargs) + query))
    return found_paths


def timed(request, *arguments):
    started = time.perf_counter()
    request(*arguments)
    return time.perf_counter() - started


def figures(times):
    """Number of runs, median and p95 (nearest rank) in milliseconds."""
    ordered = sorted(times)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {
        "runs": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(p95 * 1000, 3),
    }


class Command(BaseCommand):
    help = (
        "Measure every public page in-process (queries, bytes, median and p95 time) against a "
        "bare view, print a table and write JSON. See README, 'Benchmarks'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=50, help="Timed requests per page.")
        parser.add_argument(
            "--max-seconds",
            type=float,
            default=10.0,
            help=f"Stop timing a page after this long (at least {MIN_RUNS} requests).",
        )
        parser.add_argument(
            "--json",
            dest="json_path",
            default=str(Path(settings.VAR_DIR) / "bench" / "pages.json"),
            help="Where to write the figures (default: var/bench/pages.json).",
        )

    def handle(self, *args, runs, max_seconds, json_path, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        self.runs, self.max_seconds = runs, max_seconds
        if settings.DEBUG:
            self.stderr.write("DEBUG is on: every query is recorded, pages are slower.")
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts, ROOT_URLCONF=__name__, PAGE_CACHE=False):
            results = self.measure_all()
        self.print_table(results)
        failures = self.failures(results)
        report = {
            "database": connection.vendor,
            "data_set_scale": bench_state()[1],  # None: not a complete bench_data set
            "measured_at": timezone.now().isoformat(timespec="seconds"),
            "runs": runs,
            "query_budget": QUERY_BUDGET,
            "bare": results[0],
            "pages": results[1:],
            "failures": failures,
        }
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
        self.stdout.write(f"Written to {json_path}")
        if failures:
            raise CommandError("\n".join(failures))

    # ------------------------------------------------------------------ measuring

    def next_client(self):
        """The request headers of the next client address, from a random start in CLIENTS."""
        address = str(CLIENTS[next(self.clients) % CLIENTS.num_addresses])
        header = settings.CLIENT_ADDRESS_HEADER
        return {"REMOTE_ADDR": address} | ({header: address} if header else {})

    def measure_all(self):
        """The bare view first, then each page; the bare view is timed again next to each
        page's every request, so that each ratio compares times taken under the same load."""
        found = subjects()
        self.clients = itertools.count(random.randrange(CLIENTS.num_addresses))
        client = Client()
        self.bare_request = lambda: client.get(BARE_PATH)
        self.bare_times = []
        bare = self.measure("bare view", "", BARE_PATH, self.bare_request, paired=False)
        results = []
        for label, language, page in page_list(found):
            results.append(
                self.measure(
                    label,
                    language,
                    page,
                    lambda meta, page=page: client.get(page, **meta),
                    lambda: (self.next_client(),),
                )
            )
        results.append(self.measure_booking(found["route"]))
        bare |= figures(self.bare_times)
        bare["ratio"] = 1.0
        return [bare, *results]

    def measure(self, label, language, page, request, prepare=tuple, method="GET", paired=True):
        """Warm up, count the queries of one request, then time requests, each after one
        of the bare view (when ``paired``); ``prepare`` makes each request's arguments,
        untimed."""
        for _ in range(WARM_UP):
            request(*prepare())
        arguments = prepare()
        with CaptureQueriesContext(connection) as queries:
            response = request(*arguments)
        query_count = len(queries)  # read now: the next request empties the log
        times, bare_times = [], []
        deadline = time.perf_counter() + self.max_seconds
        while len(times) < self.runs and (len(times) < MIN_RUNS or time.perf_counter() < deadline):
            if paired:
                bare_times.append(timed(self.bare_request))
            arguments = prepare()
            times.append(timed(request, *arguments))
        result = {
            "page": label,
            "language": language,
            "method": method,
            "path": page,
            "status": response.status_code,
            "queries": query_count,
            "bytes": len(response.content),
        } | figures(times)
        if bare_times:
            self.bare_times += bare_times
            result["bare_median_ms"] = figures(bare_times)["median_ms"]
            result["ratio"] = round(result["bare_median_ms"] / result["median_ms"], 3)
        return result

    def measure_booking(self, route):
        """POST the booking form: a new, valid booking each time."""
        client = Client(enforce_csrf_checks=True)
        with translation.override(settings.LANGUAGE_CODE):
            page = reverse("routes:book", kwargs={"slug": route.slug})
        token = CSRF_INPUT.search(client.get(page).content.decode()).group(1)
        size = BookingSettings.load().min_group_size
        slots = [option.key for option in open_slots(route) if option.places_left >= size]
        if not slots:
            raise CommandError("The route has no open time with places left to book.")
        numbers = itertools.count(random.randrange(10**7))
        phones = []

        def prepare():
            n = next(numbers)
            phones.append(f"138{n % 10**8:08d}")
            data = {
                "csrfmiddlewaretoken": token,
                "organization_name": BOOKER,
                "contact_name": "测试联系人",
                "contact_phone": phones[-1],
                "group_size": size,
                "slot": slots[n % len(slots)],
                "consent": "on",
                "website": "",
            }
            return data, self.next_client()

        try:
            result = self.measure(
                "booking POST",
                "zh-hans",
                page,
                lambda data, meta: client.post(page, data, **meta),
                prepare,
                method="POST",
            )
        finally:
            remove_bookings(phones)
        return result

    # ------------------------------------------------------------------ reporting

    def failures(self, results):
        found = []
        for result in results[1:]:
            name = f"{result['page']} ({result['language']}, {result['path']})"
            if result["method"] == "GET" and result["queries"] > QUERY_BUDGET:
                found.append(f"{name}: {result['queries']} queries, over {QUERY_BUDGET}")
            expected = (303,) if result["method"] == "POST" else range(200, 400)
            if result["status"] not in expected:
                found.append(f"{name}: answered {result['status']}")
        return found

    def print_table(self, results):
        header = (
            f"{'page':<24} {'lang':<7} {'status':>6} {'queries':>7} {'bytes':>9} "
            f"{'runs':>4} {'median ms':>9} {'p95 ms':>8} {'ratio':>6}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for result in results:
            self.stdout.write(
                f"{result['page']:<24} "
                f"{result['language']:<7} {result['status']:>6} {result['queries']:>7} "
                f"{result['bytes']:>9,} {result['runs']:>4} {result['median_ms']:>9.2f} "
                f"{result['p95_ms']:>8.2f} {result['ratio']:>6.3f}"
            )
        self.stdout.write(
            "ratio: median time of the bare view, timed next to the page, divided by the page's."
        )


def remove_bookings(phones):
    """Delete the bookings the POSTs made, releasing their places."""
    with transaction.atomic():
        made = list(Booking.objects.filter(organization_name=BOOKER, contact_phone__in=phones))
        for booking in made:
            if booking.holds_places:
                Slot.objects.filter(pk=booking.slot_id).update(
                    places_taken=F("places_taken") - booking.group_size
                )
        Booking.objects.filter(pk__in=[booking.pk for booking in made]).delete()
