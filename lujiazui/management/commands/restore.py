"""``manage.py restore <archive> [--force]``: load a ``manage.py backup`` archive into a
migrated, empty database and ``MEDIA_ROOT``, then check that everything arrived."""

import json
import shutil
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from auditlog.context import disable_auditlog
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lujiazui import backups, pagecache
from lujiazui.models import SiteSettings

# What `migrate` itself writes into a new database (content types, permissions, and the
# staff roles of lujiazui/roles.py); a database holding nothing else counts as empty.
MADE_BY_MIGRATE = {
    "django_content_type",
    "auth_permission",
    "auth_group",
    "auth_group_permissions",
}


class Command(BaseCommand):
    help = "Restore a backup archive into an empty (migrated) database and MEDIA_ROOT."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="empty a database that holds data first (every table is flushed); "
            "files of the same name in MEDIA_ROOT are replaced",
        )

    def handle(self, archive, force, **options):
        media_root = Path(settings.MEDIA_ROOT)
        if not force:
            self.refuse_unless_empty(media_root)
        with tempfile.TemporaryDirectory() as staging:
            staging = Path(staging)
            manifest = self.unpack(Path(archive), staging)
            # Everything, content types and permissions too, comes back with its own keys:
            # those migrate made would clash with the archive's, so every table is emptied.
            # One transaction: a load that fails leaves the database as it was, not empty.
            with transaction.atomic(), pagecache.writes_in_bulk():
                call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
                if manifest["data"]:
                    # loaddata saves rows as they are (no save(), no renditions, no search
                    # indexing); history must not record the restore as new changes either.
                    with disable_auditlog():
                        paths = [str(staging / name) for name in manifest["data"]]
                        call_command("loaddata", *paths, verbosity=0)
            for name in manifest["media"]:
                target = media_root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(staging / backups.MEDIA / name, target)
        SiteSettings.forget()
        self.verify(manifest, media_root)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Restored and verified {rows} rows of {len(manifest['tables'])} tables and "
            f"{len(manifest['media'])} files from {archive}"
        )

    def refuse_unless_empty(self, media_root):
        filled = sorted(
            table
            for table, rows in backups.row_counts().items()
            if rows and table not in MADE_BY_MIGRATE
        )
        if filled:
            raise CommandError(
                f"The database is not empty ({', '.join(filled[:5])}…); restore into a new "
                "migrated database, or use --force to flush it first."
            )
        if backups.media_files(media_root):
            raise CommandError(f"{media_root} holds files; use --force to restore over them.")

    def unpack(self, archive, staging):
        """The archive's manifest, with its data and files unpacked into ``staging`` and
        checked against the manifest before anything in the database is touched."""
        try:
            with tarfile.open(archive, "r:gz") as tar:
                members = iter(tar)
                first = next(members, None)
                if first is None or first.name != backups.MANIFEST:
                    raise CommandError(f"{archive} is not a backup: no {backups.MANIFEST} first.")
                manifest = json.load(tar.extractfile(first))
                if manifest.get("format") != backups.FORMAT:
                    raise CommandError(f"Unknown backup format {manifest.get('format')!r}.")
                expected = set(manifest["data"]) | {
                    f"{backups.MEDIA}/{name}" for name in manifest["media"]
                }
                unsafe = [name for name in expected if not inside(name)]
                if unsafe:
                    raise CommandError(f"Unsafe names in the manifest: {unsafe[:5]}")
                for member in members:
                    if member.name not in expected or not member.isfile():
                        raise CommandError(f"Unexpected entry in the archive: {member.name!r}")
                    expected.discard(member.name)
                    target = staging / member.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with tar.extractfile(member) as source, open(target, "wb") as copy:
                        shutil.copyfileobj(source, copy, backups.CHUNK)
        except (OSError, tarfile.TarError, ValueError, KeyError) as error:
            raise CommandError(f"Cannot read {archive}: {error}") from error
        if expected:
            raise CommandError(f"Missing from the archive: {', '.join(sorted(expected))}")
        recorded = {name: entry["sha256"] for name, entry in manifest["data"].items()}
        recorded |= {f"{backups.MEDIA}/{n}": e["sha256"] for n, e in manifest["media"].items()}
        damaged = [name for name, sha in recorded.items() if backups.sha256(staging / name) != sha]
        if damaged:
            raise CommandError(f"Damaged in the archive: {', '.join(sorted(damaged))}")
        return manifest

    def verify(self, manifest, media_root):
        """Every table holds as many rows as when the backup was made, and every file has its
        recorded checksum; anything else is an error, not a warning."""
        counts = backups.row_counts()
        problems = [
            f"table {table}: {counts.get(table)} rows, {rows} in the backup"
            for table, rows in manifest["tables"].items()
            if counts.get(table) != rows
        ]
        for name, entry in manifest["media"].items():
            path = media_root / name
            if not path.is_file() or backups.sha256(path) != entry["sha256"]:
                problems.append(f"file {name}: missing or different from the backup")
        if problems:
            raise CommandError("The restore does not match the backup:\n" + "\n".join(problems))


def inside(name):
    """Whether an archive name stays inside the folder it is unpacked into."""
    path = PurePosixPath(name)
    return bool(path.parts) and not path.is_absolute() and ".." not in path.parts
