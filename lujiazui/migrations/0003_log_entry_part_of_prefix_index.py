"""An index for the sitemap's last changes of parts (lujiazui.sitemaps.last_changes): a
prefix match on ``additional_data ->> 'part_of'`` as text. PostgreSQL only, as 0001."""

from django.db import migrations

INDEX = "lujiazui_logentry_part_of_prefix"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} "
            "ON auditlog_logentry ((additional_data ->> 'part_of') text_pattern_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("lujiazui", "0002_site_settings")]

    operations = [migrations.RunPython(create_index, drop_index)]
