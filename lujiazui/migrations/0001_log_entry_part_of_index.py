"""An index for the history page's lookup of an object's parts (lujiazui.audit.history_of):
``additional_data -> 'part_of'``, the expression Django's JSON key lookup compiles to on
PostgreSQL. SQLite, the development database, goes without."""

from django.db import migrations

INDEX = "lujiazui_logentry_part_of"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} "
            "ON auditlog_logentry ((additional_data -> 'part_of'))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]

    operations = [migrations.RunPython(create_index, drop_index)]
