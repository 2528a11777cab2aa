"""The search index: one row per searchable object, kept up to date by signals
(``search/indexing.py``) and rebuilt by ``manage.py rebuild_search_index``.

A row holds what the results page shows (title and summary in each language, what its
address is made of) and ``text``, the folded and doubled text of all three languages that
queries are matched against (``search/text.py``). Whether an object is public is *not*
copied: ``SearchDocumentQuerySet.public()`` asks the same querysets as the public pages
(``published()``, ``Speaker.objects.public()``) inside the search query itself, so a
scheduled item is found exactly when its publish date passes, and a person appears exactly
when their directory page does.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from events.models import Event, Lesson
from speakers.models import Speaker

from .text import double

ORDER = ["-date", "sort_key", "pk"]


class SearchDocumentQuerySet(models.QuerySet):
    def public(self):
        """Documents of what the public pages show, decided when the query runs."""
        kind = SearchDocument.Kind
        return self.filter(
            Q(kind=kind.EVENTS, object_id__in=Event.objects.published().values("pk"))
            | Q(kind=kind.LESSONS, object_id__in=Lesson.objects.published().values("pk"))
            | Q(kind=kind.PEOPLE, object_id__in=Speaker.objects.public().values("pk"))
            | Q(kind__in=[kind.ORGANIZATIONS, kind.STOPS])
        )

    def matching(self, terms):
        """Documents containing every one of the folded ``terms`` (``search.text.parse_query``).

        ``contains`` compiles to ``LIKE '%…%'``, which the trigram index serves on
        PostgreSQL; both sides are already lower case, so no ``UPPER()`` hides the column
        from the index as ``icontains`` would.
        """
        documents = self
        for term in terms:
            documents = documents.filter(text__contains=double(term))
        return documents.defer("text")

    def in_order(self):
        return self.order_by(*ORDER)

    def grouped(self, per_kind):
        """The first ``per_kind`` documents of each kind with the number of each kind, in one
        query: ``[{"kind", "label", "documents", "total"}, …]`` in the order of the kinds."""
        rows = self.annotate(
            row=Window(RowNumber(), partition_by=F("kind"), order_by=ORDER),
            kind_total=Window(Count("pk"), partition_by=F("kind")),
        ).filter(row__lte=per_kind)
        by_kind = {}
        for document in rows:
            by_kind.setdefault(document.kind, []).append(document)
        return [
            {
                "kind": kind,
                "label": label,
                "documents": sorted(by_kind[kind], key=lambda document: document.row),
                "total": by_kind[kind][0].kind_total,
            }
            for kind, label in SearchDocument.Kind.choices
            if kind in by_kind
        ]


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        # values appear in addresses (?kind=people); the order is the order of the groups
        EVENTS = "events", _("Events")
        LESSONS = "lessons", _("Cloud lessons")
        PEOPLE = "people", _("People")
        ORGANIZATIONS = "organizations", _("Organizations")
        STOPS = "stops", _("Red route stops")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    title_zh_hans = models.CharField(max_length=300)
    title_zh_hant = models.CharField(max_length=300, blank=True)
    title_en = models.CharField(max_length=300, blank=True)
    summary_zh_hans = models.CharField(max_length=300, blank=True)
    summary_zh_hant = models.CharField(max_length=300, blank=True)
    summary_en = models.CharField(max_length=300, blank=True)
    # the address: /<kind>/<slug>/, or for a stop /routes/<slug>/stops/<number>/
    slug = models.CharField(max_length=100)
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    date = models.DateTimeField(null=True, blank=True)  # events: start; lessons: publish date
    sort_key = models.CharField(max_length=200, blank=True)  # then by name, or route and number
    is_demo = models.BooleanField(default=False)
    text = models.TextField()  # folded, then doubled (search/text.py); only for matching

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_once")
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.title_zh_hans}"

    def get_absolute_url(self):
        if self.kind == self.Kind.STOPS:
            return reverse("routes:stop", kwargs={"slug": self.slug, "number": self.number})
        name = {
            self.Kind.EVENTS: "events:event",
            self.Kind.LESSONS: "events:lesson",
            self.Kind.PEOPLE: "speakers:speaker",
            self.Kind.ORGANIZATIONS: "speakers:organization",
        }[self.kind]
        return reverse(name, kwargs={"slug": self.slug})

    def _localized(self, name):
        """The text in the active language, or else in Simplified Chinese."""
        language = get_language() or settings.LANGUAGE_CODE
        value = getattr(self, build_localized_fieldname(name, language), "")
        return value or getattr(self, build_localized_fieldname(name, settings.LANGUAGE_CODE))

    # Read by templates and by {% fallback_lang %}, like modeltranslation's fields.
    @property
    def title(self):
        return self._localized("title")

    @property
    def summary(self):
        return self._localized("summary")
