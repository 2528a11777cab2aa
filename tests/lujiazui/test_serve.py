"""`make serve` (scripts/serve) and the bare view `make bench` measures pages against."""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from lujiazui import bench

ROOT = Path(__file__).resolve().parents[2]


def test_bench_view_absent_by_default(client):
    assert client.get("/bench/hello/").status_code == 404


def test_bench_view_says_hello_alone(rf):
    response = bench.hello(rf.get("/bench/hello/"))
    assert (response.status_code, response.content) == (200, b"Hello, world")


def database_url():
    """The test database as a URL, for a server in another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = urllib.parse.quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def served(tmp_path_factory):
    """scripts/serve on a free port and the test database, with its private redis-server
    under its own temporary folder; (base URL, that folder, the process)."""
    if shutil.which("redis-server") is None and not os.environ.get("CI"):
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    tmp = tmp_path_factory.mktemp("serve")  # short: a unix socket path has ~100 characters
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("CACHE_URL", "GUNICORN_CMD_ARGS")
    }
    env.update(
        DATABASE_URL=database_url(),
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="1",
        BENCHMARK_VIEW="true",
        HTTPS="false",  # plain HTTP here, no redirect to https
        TMPDIR=str(tmp),
    )
    process = subprocess.Popen(
        [str(ROOT / "scripts/serve")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30  # a few seconds, more on a busy machine
        while time.monotonic() < deadline:
            try:
                get(base + "/bench/hello/")
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                time.sleep(0.05)
        yield base, tmp, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        process.stdout.close()


@pytest.mark.django_db(transaction=True)
def test_serve_answers_pages_without_debug(served):
    base, tmp, process = served
    assert get(base + "/bench/hello/") == (200, "Hello, world")
    assert get(base + "/")[0] == 200
    status, body = get(base + "/no-such-page/")
    assert status == 404 and "URLconf" not in body
    # Its own cache: a redis-server on a socket in its temporary folder.
    assert list(tmp.glob("lujiazui-redis.*/redis.sock"))
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=20) == 0
    # Stopping the site stopped its redis-server, which took its folder along.
    assert not list(tmp.glob("lujiazui-redis.*"))


@pytest.mark.parametrize(("value", "kept"), [("60", "60 True"), ("", "0 False")])
def test_database_connection_kept_only_when_asked(value, kept):
    """scripts/serve asks for 60 s (CONN_MAX_AGE); reused connections are checked first."""
    shown = subprocess.run(
        [
            str(ROOT / ".venv/bin/python"),
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "db = settings.DATABASES['default']; "
            "print(db.get('CONN_MAX_AGE', 0), db.get('CONN_HEALTH_CHECKS', False))",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lujiazui.settings", "CONN_MAX_AGE": value},
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip().splitlines()[-1] == kept
