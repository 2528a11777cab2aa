"""``manage.py backup <folder or file>``: one archive of every table and uploaded file
(see ``lujiazui/backups.py``)."""

import hashlib
import io
import json
import os
import tarfile
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from lujiazui import backups


class HashingReader:
    """A file read by ``tarfile`` that checks, as it goes, that it still has the content the
    manifest recorded: an upload replaced during the backup fails it instead of leaving an
    archive that cannot be verified."""

    def __init__(self, upload):
        self.upload = upload
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        block = self.upload.read(size)
        self.digest.update(block)
        return block


class Command(BaseCommand):
    help = "Write every table's rows and every uploaded file into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "target", help="a folder (a dated file is made in it) or the archive's file name"
        )

    def handle(self, target, **options):
        path = Path(target)
        if path.is_dir() or target.endswith(os.sep):
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = path / f"lujiazui-backup-{stamp}.tar.gz"
        if not path.parent.is_dir():
            raise CommandError(f"No such folder: {path.parent}")
        if path.exists() or path.is_symlink():
            raise CommandError(f"{path} already exists; a backup never replaces a file.")
        media_root = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory() as staging:
            manifest = self.dump(Path(staging))
            manifest["media"] = {
                name: {"sha256": backups.sha256(media_root / name)}
                for name in backups.media_files(media_root)
            }
            # Written beside the target under a name of its own (mkstemp: new, exclusive,
            # readable by this user only, as it holds password hashes and residents' contact
            # details), then linked to the final name, which fails if that name was taken
            # meanwhile: an archive under the final name is always complete and never
            # replaces another, even with two backups running at once.
            descriptor, partial = tempfile.mkstemp(
                dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
            )
            try:
                self.write(descriptor, Path(staging), media_root, manifest)
                os.link(partial, path)
            except FileExistsError:
                raise CommandError(
                    f"{path} already exists; a backup never replaces a file."
                ) from None
            finally:
                os.unlink(partial)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Backed up {rows} rows of {len(manifest['tables'])} tables and "
            f"{len(manifest['media'])} files to {path}"
        )

    def dump(self, staging):
        """Each model's rows into ``staging``, and the manifest's record of them, all read in
        one snapshot so that rows and counts agree with each other."""
        (staging / backups.DATA).mkdir()
        manifest = {
            "format": backups.FORMAT,
            "created": timezone.now().isoformat(),
            "database": connection.vendor,
        }
        data = {}
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for model in backups.models():
                name = backups.data_name(model)
                rows = model._base_manager.order_by("pk").iterator(chunk_size=2000)
                counted = Counted(rows)
                with open(staging / name, "w", encoding="utf-8") as file:
                    serializers.serialize(
                        "jsonl", counted, stream=file, cls=backups.ExactJSONEncoder
                    )
                if counted.count:
                    data[name] = {
                        "model": model._meta.label_lower,
                        "rows": counted.count,
                        "sha256": backups.sha256(staging / name),
                    }
                else:
                    (staging / name).unlink()
            manifest["tables"] = backups.row_counts()
        manifest["data"] = data
        return manifest

    def write(self, descriptor, staging, media_root, manifest):
        with open(descriptor, "wb") as file, tarfile.open(fileobj=file, mode="w:gz") as archive:
            content = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(backups.MANIFEST)
            info.size, info.mtime = len(content), int(time.time())
            archive.addfile(info, io.BytesIO(content))
            for name in manifest["data"]:
                archive.add(staging / name, arcname=name, recursive=False)
            for name, recorded in manifest["media"].items():
                source = media_root / name
                info = archive.gettarinfo(source, arcname=f"{backups.MEDIA}/{name}")
                with open(source, "rb") as upload:
                    reader = HashingReader(upload)
                    archive.addfile(info, reader)
                if reader.digest.hexdigest() != recorded["sha256"]:
                    raise CommandError(f"{name} changed during the backup; run it again.")


class Counted:
    """Passes objects through, counting them."""

    def __init__(self, objects):
        self.objects = objects
        self.count = 0

    def __iter__(self):
        for item in self.objects:
            self.count += 1
            yield item
