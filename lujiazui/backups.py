"""Backups: every table's rows and every uploaded file in one ``.tar.gz`` (``manage.py backup``,
``manage.py restore``).

The archive holds, in this order:

* ``manifest.json``: the format, when and from which database it was made, the row count of
  every table (many-to-many tables too), and the rows and SHA-256 of each file below;
* ``data/<app>.<model>.jsonl``: each model's rows as Django serializes them (one JSON object
  a line, primary keys kept, no natural keys), read in one snapshot of the database;
* ``media/<path>``: every file under ``MEDIA_ROOT`` (uploads and their renditions).

Django's own serialization, not ``pg_dump`` or SQLite's ``.backup``, so that one format and
one code path serve both databases, and an archive made on one loads into the other. Unlike
``dumpdata``, times keep their microseconds (``ExactJSONEncoder``).
"""

import datetime
import hashlib
from pathlib import Path

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json"
DATA = "data"
MEDIA = "media"
CHUNK = 1024 * 1024


class ExactJSONEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds (dumpdata loses the rest); a restore must
    give back the very values, or ordering and equality by time could change."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def models():
    """The models whose rows are backed up, each once (proxies share their model's table;
    many-to-many rows travel with the model that declares the field)."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def tables():
    """Every table of the site's models, many-to-many tables included, sorted."""
    names = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    }
    return sorted(names)


def row_counts():
    """Rows in each table, by table name."""
    counts = {}
    with connection.cursor() as cursor:
        for table in tables():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def data_name(model):
    return f"{DATA}/{model._meta.label_lower}.jsonl"


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while block := file.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def media_files(root):
    """Every regular file under ``root``, as paths relative to it in POSIX form, sorted."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink()
    )
