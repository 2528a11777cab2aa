"""On PostgreSQL, a GIN trigram index (pg_trgm) on the searched text, which serves the
``LIKE '%…%'`` of every query (doubled text: two-character queries too, see
search/text.py). pg_trgm ships with PostgreSQL and is a trusted extension from version 13:
the database's owner may create it. SQLite, the development database, goes without and
reads the table."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "search_document_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} "
            "ON search_searchdocument USING gin (text gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
