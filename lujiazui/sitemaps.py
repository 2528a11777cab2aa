"""``/sitemap.xml``: every public page in each language that really has it
(``lujiazui.alternates.available_languages``), each with its hreflang alternates and an
``x-default`` pointing at the Simplified Chinese address.

One file, language-neutral, with absolute addresses on ``SITE_URL`` (the request's host when
unset). The protocol allows 50,000 addresses per file, so each section takes at most its
share (``limit`` counts addresses, one per item and language); past that a section would
need Django's sitemap index, which this site is far from (a section's share is thousands of
events). ``lastmod`` is the newest change in the object's history (its own and its parts',
as the admin's History shows them; never reads), and never earlier than a publish date.
"""

import logging
from functools import reduce
from operator import or_

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property

from events.models import Event, Lesson
from routes.models import Route, Stop
from speakers.models import Organization, Speaker

from .alternates import available_languages, hreflang
from .audit import part_key

logger = logging.getLogger(__name__)

MAX_URLS = 50_000  # per sitemap file, by the protocol
MAX_AGE = 3600  # seconds a cache may keep the sitemap


def last_changes(models):
    """{model: {pk as text: time of the newest create, change or delete}} in the history of
    each object of each of ``models``, its parts included; two queries for all of them."""
    changes = LogEntry.objects.exclude(action=LogEntry.Action.ACCESS).order_by()
    types = ContentType.objects.get_for_models(*models)
    own = (
        changes.filter(content_type__in=types.values())
        .values_list("content_type_id", "object_pk")
        .annotate(last=Max("timestamp"))
    )
    prefixes = {part_key(model, ""): model for model in models}
    parts = (
        changes.annotate(parent=KT("additional_data__part_of"))
        .filter(reduce(or_, (Q(parent__startswith=prefix) for prefix in prefixes)))
        .values_list("parent")
        .annotate(last=Max("timestamp"))
    )
    model_of_type = {content_type.pk: model for model, content_type in types.items()}
    found = [(model_of_type[type_id], pk, last) for type_id, pk, last in own]
    for parent, last in parts:
        label, _, pk = parent.partition(":")
        found.append((prefixes[f"{label}:"], pk, last))
    newest = {model: {} for model in models}
    for model, pk, last in found:
        if pk not in newest[model] or last > newest[model][pk]:
            newest[model][pk] = last
    return newest


class LanguageSitemap(Sitemap):
    """A section whose items are listed in each of their languages, with alternates."""

    i18n = True
    alternates = True
    # x-default is added in get_urls: Django's own strips "/zh-hans/" out of the address,
    # which would also change an address whose slug happens to be a language code.
    x_default = False

    @cached_property
    def paginator(self):
        """Django's makes a new paginator, running the queries again, at each use."""
        return Paginator(self._items(), self.limit)

    def get_languages_for_item(self, item):
        return available_languages(item)

    def site_url_parts(self):
        protocol, _, domain = settings.SITE_URL.rstrip("/").partition("://")
        return (protocol, domain) if domain else (None, None)

    def get_protocol(self, protocol=None):
        return self.site_url_parts()[0] or super().get_protocol(protocol)

    def get_domain(self, site=None):
        return self.site_url_parts()[1] or super().get_domain(site)

    def get_urls(self, page=1, site=None, protocol=None):
        if self.paginator.num_pages > 1:
            logger.warning(
                "Sitemap section %s has more than %d addresses; some are left out.",
                type(self).__name__,
                self.limit,
            )
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            default = next(
                a["location"] for a in url["alternates"] if a["lang_code"] == settings.LANGUAGE_CODE
            )
            url["alternates"] = [
                {"location": a["location"], "lang_code": hreflang(a["lang_code"])}
                for a in url["alternates"]
            ] + [{"location": default, "lang_code": "x-default"}]
        return urls


class PageSitemap(LanguageSitemap):
    """Pages of interface text, in every language."""

    changefreq = "daily"

    def items(self):
        names = [
            "home",
            "events:event_list",
            "events:lesson_list",
            "speakers:speaker_list",
            "speakers:organization_list",
            "network",
            "routes:route_list",
            "routes:privacy",
        ]
        return [(name, {}) for name in names] + [
            ("routes:book", {"slug": slug})
            for slug in Route.objects.order_by("pk").values_list("slug", flat=True)
        ]

    def get_languages_for_item(self, item):
        return available_languages(None)

    def location(self, item):
        name, kwargs = item
        return reverse(name, kwargs=kwargs)


class ObjectSitemap(LanguageSitemap):
    """The pages of a model's public objects; ``lastmod`` from their history, read for every
    section at once (``changes``, from ``last_changes``) or else for this one."""

    model = None

    def __init__(self, changes=None):
        self.all_changes = changes

    def queryset(self):
        return self.model.objects.order_by("pk")

    def items(self):
        if self.all_changes is None:
            self.all_changes = last_changes([self.model])
        self.changes = self.all_changes[self.model]
        return list(self.queryset())

    def lastmod(self, item):
        times = [self.changes.get(str(item.pk)), getattr(item, "publish_at", None)]
        return max((time for time in times if time is not None), default=None)


class EventSitemap(ObjectSitemap):
    model = Event

    def queryset(self):
        return Event.objects.published().order_by("pk")


class LessonSitemap(ObjectSitemap):
    model = Lesson

    def queryset(self):
        return Lesson.objects.published().order_by("pk")


class SpeakerSitemap(ObjectSitemap):
    model = Speaker

    def queryset(self):
        return Speaker.objects.public().order_by("pk")


class OrganizationSitemap(ObjectSitemap):
    model = Organization


class RouteSitemap(ObjectSitemap):
    model = Route


class StopSitemap(ObjectSitemap):
    model = Stop

    def queryset(self):
        return Stop.objects.select_related("route").order_by("route_id", "number")


SITEMAPS = {
    "pages": PageSitemap,
    "events": EventSitemap,
    "lessons": LessonSitemap,
    "speakers": SpeakerSitemap,
    "organizations": OrganizationSitemap,
    "routes": RouteSitemap,
    "stops": StopSitemap,
}
# Each section's share of the one file.
LanguageSitemap.limit = MAX_URLS // len(SITEMAPS)


def sitemap(request):
    objects = [section for section in SITEMAPS.values() if issubclass(section, ObjectSitemap)]
    changes = last_changes([section.model for section in objects])
    sections = {
        name: section(changes) if section in objects else section
        for name, section in SITEMAPS.items()
    }
    response = sitemap_views.sitemap(request, sections)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
