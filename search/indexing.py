"""Keeping the search index in step with the content.

Saving or deleting an event, lesson, person, organization or stop updates its row; saving a
route updates its stops (their address and demo label come from it). What is public is not
decided here but when searching (``SearchDocumentQuerySet.public``), so publishing,
scheduling and a person's first published appearance need no re-indexing.

Like the derived Traditional text (``lujiazui/chinese.py``), this happens on ``save()``:
``bulk_create``, ``QuerySet.update`` and ``loaddata`` skip it; run
``manage.py rebuild_search_index`` after writing content in bulk.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.text import Truncator
from django_prose_editor.fields import ProseEditorField
from modeltranslation.utils import build_localized_fieldname

from events.models import Event, Lesson
from routes.models import Route, Stop
from speakers.models import Organization, Speaker

from .models import SearchDocument
from .text import double, searchable

Kind = SearchDocument.Kind
SUMMARY_LENGTH = 300
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@dataclass(frozen=True)
class Source:
    kind: str
    searched: tuple  # translated fields whose text is searched, in every language
    title: str
    summary: tuple  # the first of these with text, per language
    place: Callable  # object → slug, number, date, sort_key, is_demo
    queryset: Callable = None  # for rebuilding: the objects, with what ``place`` reads


SOURCES = {
    Event: Source(
        Kind.EVENTS,
        ("title", "theme", "summary", "body", "venue"),
        "title",
        ("summary", "theme"),
        lambda event: {"slug": event.slug, "date": event.start},
    ),
    Lesson: Source(
        Kind.LESSONS,
        ("title", "summary"),
        "title",
        ("summary",),
        lambda lesson: {"slug": lesson.slug, "date": lesson.publish_at, "is_demo": lesson.is_demo},
    ),
    Speaker: Source(
        Kind.PEOPLE,
        ("name", "biography"),
        "name",
        ("biography",),
        lambda speaker: {"slug": speaker.slug, "sort_key": speaker.name_zh_hans},
    ),
    Organization: Source(
        Kind.ORGANIZATIONS,
        ("name", "short_name", "description", "address"),
        "name",
        ("description",),
        lambda organization: {"slug": organization.slug, "sort_key": organization.name_zh_hans},
    ),
    Stop: Source(
        Kind.STOPS,
        ("name", "summary", "body", "address"),
        "name",
        ("summary",),
        lambda stop: {
            "slug": stop.route.slug,
            "number": stop.number,
            "sort_key": f"{stop.route_id:012d}-{stop.number:03d}",
            "is_demo": stop.is_demo or stop.route.is_demo,
        },
        lambda: Stop.objects.select_related("route"),
    ),
}


def _translations(instance, name):
    return {
        code: getattr(instance, build_localized_fieldname(name, code)) or "" for code in LANGUAGES
    }


def document(instance):
    """The unsaved ``SearchDocument`` of ``instance``."""
    source = SOURCES[type(instance)]
    model = type(instance)
    values = {"date": None, "number": None, "sort_key": "", "is_demo": False}
    values |= source.place(instance)
    for code, title in _translations(instance, source.title).items():
        values[build_localized_fieldname("title", code)] = Truncator(title).chars(SUMMARY_LENGTH)
    summaries = [_translations(instance, name) for name in source.summary]
    for code in LANGUAGES:
        summary = next((texts[code] for texts in summaries if texts[code]), "")
        values[build_localized_fieldname("summary", code)] = Truncator(summary).chars(
            SUMMARY_LENGTH
        )
    texts = []
    for name in source.searched:
        rich = isinstance(model._meta.get_field(name), ProseEditorField)
        for text in _translations(instance, name).values():
            folded = searchable(text, rich=rich)
            if folded and folded not in texts:
                texts.append(folded)
    # One field per line: terms never hold whitespace, so no match spans two fields.
    values["text"] = double("\n".join(texts))
    return SearchDocument(kind=source.kind, object_id=instance.pk, **values)


def index(instance):
    """Create or update the row of ``instance``."""
    new = document(instance)
    fields = {
        field.attname: getattr(new, field.attname)
        for field in SearchDocument._meta.concrete_fields
        if field.attname not in ("id", "kind", "object_id")
    }
    SearchDocument.objects.update_or_create(kind=new.kind, object_id=new.object_id, defaults=fields)


def unindex(instance):
    SearchDocument.objects.filter(kind=SOURCES[type(instance)].kind, object_id=instance.pk).delete()


def rebuild():
    """Replace the whole index; returns the number of rows per kind."""
    counts = {}
    with transaction.atomic():
        SearchDocument.objects.all().delete()
        for model, source in SOURCES.items():
            objects = source.queryset() if source.queryset else model.objects.all()
            documents = [document(instance) for instance in objects.iterator(chunk_size=500)]
            SearchDocument.objects.bulk_create(documents, batch_size=500)
            counts[source.kind] = len(documents)
    return counts


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: related rows may not be there yet; rebuild afterwards
        index(instance)


def _deleted(sender, instance, **kwargs):
    unindex(instance)


def _route_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        for stop in instance.stops.all():
            index(stop)


def connect():
    for model in SOURCES:
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-delete-{model.__name__}")
    post_save.connect(_route_saved, sender=Route, dispatch_uid="search-save-Route")


def index_new_table(plan=None, **kwargs):
    """After the ``migrate`` that creates the index table, fill it from the content already
    there (signals keep it up to date from then on)."""
    created = any(
        migration.app_label == "search" and migration.initial and not backwards
        for migration, backwards in plan or []
    )
    if created:
        rebuild()
