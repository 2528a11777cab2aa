"""`manage.py backup` and `manage.py restore`: a backup restored into a new database, in
another process, gives back every row of every table and every uploaded file."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import urllib.parse
import uuid
from pathlib import Path
from unittest import mock

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from events.models import Event
from lujiazui import backups, pagecache
from lujiazui.management.commands import backup as backup_command
from lujiazui.models import SiteSettings
from routes import booking as rules
from routes.models import CheckIn
from tests import factories
from tests.routes.conftest import book_confirmed_today, build_route

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


def table_checksums():
    """Each table's row count and a SHA-256 of its rows as stored (every column, read with
    plain SQL, rows sorted), by table. Many-to-many rows leave out their own id, which a
    restore numbers anew."""
    result = {}
    with connection.cursor() as cursor:
        for table in backups.tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [column[0] for column in cursor.description]
            rows = sorted(
                json.dumps(
                    {
                        name: value
                        for name, value in zip(columns, row, strict=True)
                        if not (name == "id" and is_many_to_many(table))
                    },
                    sort_keys=True,
                    default=str,
                    ensure_ascii=False,
                )
                for row in cursor.fetchall()
            )
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            result[table] = {"rows": len(rows), "sha256": digest}
    return result


def is_many_to_many(table):
    return table not in {model._meta.db_table for model in backups.models()}


def media_checksums(root):
    return {name: backups.sha256(Path(root) / name) for name in backups.media_files(root)}


def build_site():
    """Content of every kind the site keeps: an event with speeches, guests, organizers and
    photos, its cover with renditions, a lesson, a route with a booking and check-ins, site
    settings, a staff user with a role, a locked-out login, and their history."""
    factories.full_event(2, cover=factories.image_file("cover.jpg", "JPEG", size=(1600, 900)))
    factories.lesson(speaker=factories.speaker())
    route = build_route(stops=3)
    booking = book_confirmed_today(route, phone="13800138000")
    for stop in route.stops.all()[:2]:
        rules.check_in(stop, booking.reference, "8000")
    SiteSettings(icp_filing="沪ICP备2020000000号-1", office_name="陆家嘴街道").save()
    AccessAttempt.objects.create(
        username="someone", ip_address="10.0.0.1", user_agent="test", failures_since_start=3
    )
    call_command(
        "createsuperuser", username="admin", email="a@example.com", interactive=False, verbosity=0
    )


def database_url(name):
    """A URL for the database ``name`` on the server the tests use."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    credentials = urllib.parse.quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{name}"


@pytest.fixture
def new_database(tmp_path):
    """An empty database beside the test database (a new file on SQLite, a new database on
    the PostgreSQL server), as a URL; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield database_url(tmp_path / "restored.sqlite3")
        return
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")
    try:
        yield database_url(name)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def manage(tmp_path, url, *args):
    """``manage.py`` in another process, on the database ``url`` and the media folder
    ``tmp_path/restored-media``."""
    env = {k: v for k, v in os.environ.items() if k not in ("CACHE_URL", "PAGE_CACHE")}
    env.update(
        DATABASE_URL=url,
        VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "restored-media"),
    )
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


SNAPSHOT = (
    "import json, django; django.setup(); "
    "from tests.lujiazui.test_backup import table_checksums; "
    "print(json.dumps(table_checksums()))"
)


# Slugs are numbered from far beyond those of the restored rows.
NEW_ROWS = (
    "import itertools, django; django.setup(); "
    "from tests import factories; from tests.routes import conftest; "
    "factories._sequence = conftest._sequence = itertools.count(10_000); "
    "factories.full_event(1); conftest.build_route(stops=1)"
)


def test_backup_restores_every_row_and_file_in_new_database(tmp_path, new_database):
    build_site()
    before = table_checksums()
    files = media_checksums(settings.MEDIA_ROOT)
    # What the backup must carry really is there.
    assert any(name.startswith("renditions/") for name in files)
    assert before["routes_checkin"]["rows"] == 2 == CheckIn.objects.count()
    assert before["auditlog_logentry"]["rows"] == LogEntry.objects.count() > 0
    assert before["events_event_organizers"]["rows"] == 2
    assert before["search_searchdocument"]["rows"] > 0

    output = io.StringIO()
    call_command("backup", str(tmp_path), stdout=output)
    (archive,) = tmp_path.glob("lujiazui-backup-*.tar.gz")
    assert archive.stat().st_mode & 0o077 == 0  # password hashes and phone numbers inside

    manage(tmp_path, new_database, "manage.py", "migrate", "--noinput", "-v0")
    restored = manage(tmp_path, new_database, "manage.py", "restore", str(archive))
    assert "Restored and verified" in restored
    after = json.loads(manage(tmp_path, new_database, "-c", SNAPSHOT))

    assert after == before
    assert media_checksums(tmp_path / "restored-media") == files
    # New rows get keys past the restored ones (PostgreSQL's sequences were reset).
    manage(tmp_path, new_database, "-c", NEW_ROWS)


def test_restore_refuses_database_with_content_unless_forced(tmp_path):
    factories.event()
    call_command("backup", str(tmp_path / "site.tar.gz"), stdout=io.StringIO())
    factories.event(title="后来的活动")

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "site.tar.gz"))
    assert Event.objects.filter(title="后来的活动").exists()

    call_command("restore", str(tmp_path / "site.tar.gz"), "--force", stdout=io.StringIO())
    assert not Event.objects.filter(title="后来的活动").exists()
    assert Event.objects.count() == 1


def rewrite(archive, change):
    """The archive again, each member's bytes passed through ``change(name, content)``."""
    with tarfile.open(archive, "r:gz") as tar:
        members = [(member, tar.extractfile(member).read()) for member in tar]
    with tarfile.open(archive, "w:gz") as tar:
        for member, content in members:
            content = change(member.name, content)
            member.size = len(content)
            tar.addfile(member, io.BytesIO(content))


def test_restore_refuses_damaged_file_before_touching_database(tmp_path):
    factories.event(cover=factories.image_file("cover.png"))
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    rewrite(archive, lambda name, data: data[:-1] + b"!" if name.startswith("media/") else data)

    with pytest.raises(CommandError, match="Damaged in the archive: media/"):
        call_command("restore", str(archive), "--force")
    assert Event.objects.count() == 1


def test_restore_fails_loudly_on_row_count_mismatch(tmp_path):
    factories.event()
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    def one_more_event(name, data):
        if name != backups.MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["tables"]["events_event"] += 1
        return json.dumps(manifest).encode()

    rewrite(archive, one_more_event)
    with pytest.raises(CommandError, match="table events_event: 1 rows, 2 in the backup"):
        call_command("restore", str(archive), "--force")


def test_backup_never_replaces_a_file_or_follows_a_planted_link(tmp_path):
    factories.event()
    existing = tmp_path / "site.tar.gz"
    existing.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(existing), stdout=io.StringIO())
    assert existing.read_bytes() == b"an older backup"

    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    (tmp_path / ".new.tar.gz.partial").symlink_to(victim)
    call_command("backup", str(tmp_path / "new.tar.gz"), stdout=io.StringIO())
    assert victim.read_text() == "untouched"
    with tarfile.open(tmp_path / "new.tar.gz", "r:gz") as tar:
        assert "manifest.json" in tar.getnames()
    assert (tmp_path / "new.tar.gz").stat().st_mode & 0o077 == 0
    assert not list(tmp_path.glob(".new.tar.gz.*.partial"))


def test_backup_refuses_a_name_taken_while_it_ran(tmp_path, monkeypatch):
    """Another backup (or anything) that took the name meanwhile is kept, not replaced."""
    factories.event()
    target = tmp_path / "site.tar.gz"
    original_dump = backup_command.Command.dump

    def dump_then_name_taken(self, staging):
        manifest = original_dump(self, staging)
        target.write_bytes(b"the other backup")
        return manifest

    monkeypatch.setattr(backup_command.Command, "dump", dump_then_name_taken)
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(target), stdout=io.StringIO())
    assert target.read_bytes() == b"the other backup"
    assert [path.name for path in tmp_path.iterdir()] == ["site.tar.gz"]


def test_restore_marks_tables_changed_once_for_all_rows(
    tmp_path, django_capture_on_commit_callbacks
):
    """Not once per row: a large site's restore would make a million cache writes."""
    for _number in range(3):
        factories.full_event(2)
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    with (
        mock.patch.object(pagecache, "changed") as changed,
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("restore", str(archive), "--force", stdout=io.StringIO())
    marked = [call.args[0] for call in changed.call_args_list]
    # The load's tables at once, and the site settings again after clearing their copy.
    assert len(marked) == 2
    assert {Event._meta.db_table, LogEntry._meta.db_table} <= marked[0]
    assert marked[1] == {SiteSettings._meta.db_table}
