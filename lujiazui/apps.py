from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class LoginSafetyConfig(AxesConfig):
    """django-axes, named in the staff's language in the admin menu."""

    verbose_name = _("Login safety")


class LujiazuiConfig(AppConfig):
    default = True  # this module holds two configs; "lujiazui" in INSTALLED_APPS means this one
    name = "lujiazui"
    verbose_name = _("Site")

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import pagecache
        from .audit import register_models
        from .roles import on_post_migrate

        register_models()

        # Every write, from any process, must reach the page cache's table versions.
        connection_created.connect(pagecache.install)
        for connection in connections.all(initialized_only=True):
            pagecache.install(connection)

        # Sent after all migrations ran, once per app with models: the auth app's turn is
        # enough, since ensure_roles() makes every app's permissions first.
        post_migrate.connect(on_post_migrate, sender=apps.get_app_config("auth"))
        post_migrate.connect(analyze_sqlite, sender=self)


def analyze_sqlite(using, **kwargs):
    """SQLite keeps no planner statistics until asked: without them it reads every published
    event through the status index to find the three latest, instead of the index on when
    events end (150 ms instead of 2 ms with 5,000 events). PostgreSQL's autovacuum keeps its
    own."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
