from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .indexing import connect, index_new_table

        connect()
        post_migrate.connect(index_new_table, sender=self)
