"""A database that really fails: the site, served by gunicorn in another process, answers a
503 page in the reader's language and ``/healthz`` names the database, leaking nothing; once
the database is back, pages are served again. On SQLite the database file's folder goes
away; on PostgreSQL a cluster of the test's own is stopped with ``pg_ctl``."""

import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.signals import got_request_exception
from django.db import connection
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Pw-never-shown-4821"
# What no answer may contain (/healthz names the class of the error, pages not even that).
LEAKS = ["Traceback", "SELECT", "DATABASES", PASSWORD]
DOWN_PAGES = [
    ("/", "zh-hans", "网站暂时无法访问"),
    ("/zh-hant/events/", "zh-hant", "網站暫時無法訪問"),
    ("/en/speakers/", "en", "The site is temporarily unavailable"),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url):
    """(status, headers, body) of a GET, error answers included."""
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def site_env(tmp_path, database_url):
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "PAGE_CACHE")}
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="false",
        VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
    )
    return env


def migrate(tmp_path, database_url):
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=site_env(tmp_path, database_url),
        check=True,
        timeout=300,
    )


class Site:
    """The site under gunicorn (one worker) on ``database_url``; its log goes to a file.
    ``hidden``: what its 503 answers must not show besides ``LEAKS`` (the database's
    address; pages served show the site's own, which is the same host here)."""

    def __init__(self, tmp_path, database_url, hidden):
        self.leaks = [*LEAKS, *hidden]
        self.pages_unavailable = 0
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = tmp_path / "server.log"
        self.log = open(self.log_path, "wb")  # closed in stop()
        self.process = subprocess.Popen(
            # No control socket: gunicorn's default one is shared by every instance.
            [sys.executable, "-m", "gunicorn", "lujiazui.wsgi", "--workers", "1"]
            + ["--bind", f"127.0.0.1:{port}", "--no-control-socket"],
            cwd=ROOT,
            env=site_env(tmp_path, database_url),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert self.process.poll() is None, self.log_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)

    def get(self, path):
        status, headers, body = get(self.base + path)
        if status == 503:
            assert not [leak for leak in self.leaks if leak in body], body
            self.pages_unavailable += path != "/healthz"
        return status, headers, body

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)
        self.log.close()

    def log_text(self):
        return self.log_path.read_text(errors="replace")


def assert_unavailable_page(site, path, language, heading):
    status, headers, body = site.get(path)
    assert status == 503, body
    assert headers["Retry-After"] == "60"
    assert f'<html lang="{language}">' in body and f"<h1>{heading}</h1>" in body
    assert "Error" not in body


def assert_health(site, expected_status, database, error=None):
    status, headers, body = site.get("/healthz")
    assert (status, headers["Content-Type"]) == (expected_status, "application/json"), body
    assert "no-store" in headers["Cache-Control"]
    answer = json.loads(body)
    assert (answer["database"], answer["cache"]) == (database, "ok")
    assert answer.get("errors", {}).get("database") == error


def until_served(site, path, seconds=10):
    """The status of ``path`` once it is no longer 503 (a connection the worker kept from
    before the outage may fail one request first), or the last 503."""
    deadline = time.monotonic() + seconds
    while (status := site.get(path)[0]) == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
    return status


def outage(tmp_path, database_url, stop, start, hidden):
    """With the database down (``stop`` already done), start the site, then bring the
    database up (``start``), down again and up again, checking what readers see each time."""
    site = Site(tmp_path, database_url, hidden)
    try:
        # Down from the start: even the 404 page, whose footer reads the site settings
        # from the database (nothing cached yet), is the 503 page.
        assert_unavailable_page(site, "/no-such-page/", "zh-hans", "网站暂时无法访问")
        assert_health(site, 503, "unavailable", "OperationalError")

        start()
        assert until_served(site, "/") == 200
        assert [site.get(path)[0] for path, _language, _heading in DOWN_PAGES] == [200] * 3
        assert_health(site, 200, "ok")

        stop()
        for path, language, heading in DOWN_PAGES:
            assert_unavailable_page(site, path, language, heading)
        assert_health(site, 503, "unavailable", "OperationalError")

        start()
        assert until_served(site, "/en/") == 200
        assert_health(site, 200, "ok")
    finally:
        site.stop()
    log = site.log_text()
    # One line per 503 page, with the reason; never a traceback or the password.
    assert site.pages_unavailable >= 1 + len(DOWN_PAGES)
    assert log.count("Database unavailable, answered 503") == site.pages_unavailable
    assert "Traceback" not in log and PASSWORD not in log


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the PostgreSQL pass stops a server")
def test_site_answers_503_while_sqlite_file_unreachable(tmp_path):
    ready, live = tmp_path / "ready", tmp_path / "db"
    ready.mkdir()
    migrate(tmp_path, f"sqlite:///{ready / 'site.sqlite3'}")
    # The site is pointed at a folder that does not exist yet, then appears and goes again.
    outage(
        tmp_path,
        f"sqlite:///{live / 'site.sqlite3'}",
        stop=lambda: live.rename(ready),
        start=lambda: ready.rename(live),
        hidden=[str(tmp_path)],
    )


def postgres_bin():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if not found:
        message = "PostgreSQL server binaries are missing (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return Path(found[-1])


class Cluster:
    """A throwaway PostgreSQL cluster of this test's own (as ``scripts/with-postgres`` makes
    one), so that stopping it disturbs no other test."""

    def __init__(self):
        self.bin = postgres_bin()
        self.port = free_port()
        # Under /tmp, not pytest's folder: the postgres user must reach it when run as root.
        self.dir = Path(tempfile.mkdtemp(prefix="lujiazui-pg-fault."))
        self.as_postgres = []
        if os.geteuid() == 0:  # the server refuses to run as root
            shutil.chown(self.dir, "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]
        try:
            self.run(
                "initdb",
                "-D",
                self.dir / "data",
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            )
            self.start()
            self.run("createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "site")
        except BaseException:
            self.remove()
            raise

    def run(self, program, *args):
        command = [str(part) for part in [*self.as_postgres, self.bin / program, *args]]
        result = subprocess.run(command, capture_output=True, text=True)
        assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"

    def start(self):
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off"
        data, log = self.dir / "data", self.dir / "log"
        self.run("pg_ctl", "-D", data, "-l", log, "-w", "-o", options, "start")

    def stop(self, mode="fast"):
        self.run("pg_ctl", "-D", self.dir / "data", "-m", mode, "-w", "stop")

    def remove(self):
        subprocess.run(
            [*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.dir / "data")]
            + ["-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQLite pass loses a file")
def test_site_answers_503_while_postgres_stopped(tmp_path):
    cluster = Cluster()
    try:
        # Trust authentication ignores the password: it is there to be looked for in the
        # output. Kept connections, as in production, must survive the server's restart.
        url = f"postgres://postgres:{PASSWORD}@127.0.0.1:{cluster.port}/site?conn_max_age=60"
        migrate(tmp_path, url)
        cluster.stop()
        hidden = ["127.0.0.1", str(cluster.port)]
        outage(tmp_path, url, stop=cluster.stop, start=cluster.start, hidden=hidden)
    finally:
        cluster.remove()


@pytest.mark.django_db
def test_healthz_reports_ok_without_session(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies and "Cookie" not in response.get("Vary", "")


@pytest.mark.django_db
def test_healthz_names_cache_when_redis_unreachable(client):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": closed}
    with override_settings(CACHES={"default": redis}):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "cache": "unavailable",
        "errors": {"cache": "ConnectionError"},
    }


@pytest.mark.django_db(transaction=True)
def test_view_database_error_answered_without_crash_report(client, monkeypatch):
    """The middleware answers a view's database error itself: Django does not treat it as
    an uncaught exception (no got_request_exception, which crash reporters and the test
    client listen to; the client would raise it here)."""
    reports = []

    def report(**kwargs):
        reports.append(kwargs)

    got_request_exception.connect(report)
    connection.close()  # the next query connects anew, to a database that is not there
    if connection.vendor == "sqlite":
        monkeypatch.setitem(connection.settings_dict, "NAME", "/no-such-folder/site.sqlite3")
    else:
        monkeypatch.setitem(connection.settings_dict, "PORT", str(free_port()))
    try:
        response = client.get("/zh-hant/")
    finally:
        got_request_exception.disconnect(report)
        monkeypatch.undo()
    assert response.status_code == 503
    assert "<h1>網站暫時無法訪問</h1>" in response.content.decode()
    assert reports == []
