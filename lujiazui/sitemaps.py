"""``/sitemap.xml``, a sitemap index of ``/sitemap-<section>.xml`` files (``?p=2`` and on
for big sections), which list every public page in each language that really has it
(``lujiazui.alternates.available_languages``), each with its hreflang alternates and an
``x-default`` pointing at the Simplified Chinese address.

Language-neutral, with absolute addresses on ``SITE_URL`` (the request's host when unset).
A file holds at most ``PAGE_SIZE`` addresses (one per item and language), well inside the
protocol's 50,000 addresses and 50 MB, so that each is quick to make. ``lastmod`` is the
newest change in the object's history (its own and its parts', as the admin's History shows
them; never reads), and never earlier than a publish date.
"""

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.core.paginator import Paginator
from django.db.models import Max
from django.db.models.fields.json import KT
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property
from modeltranslation.utils import build_localized_fieldname

from events.models import Event, Lesson
from routes.models import Route, Stop
from speakers.models import Organization, Speaker

from . import pagecache
from .alternates import available_languages, hreflang, language_codes, main_text_field
from .audit import part_key
from .pages import absolute_url

PAGE_SIZE = 5_000  # addresses per sitemap file (the protocol allows 50,000)
MAX_AGE = 3600  # seconds a cache may keep the sitemap


def last_changes(model):
    """{pk as text: time of the newest create, change or delete} in the history of each
    object of ``model``, its parts included; two queries."""
    changes = LogEntry.objects.exclude(action=LogEntry.Action.ACCESS).order_by()
    own = (
        changes.filter(content_type=ContentType.objects.get_for_model(model))
        .values_list("object_pk")
        .annotate(last=Max("timestamp"))
    )
    prefix = part_key(model, "")
    parts = (
        changes.annotate(parent=KT("additional_data__part_of"))
        .filter(parent__startswith=prefix)
        .values_list("parent")
        .annotate(last=Max("timestamp"))
    )
    newest = {}
    for key, last in [*own, *((parent.removeprefix(prefix), last) for parent, last in parts)]:
        if key not in newest or last > newest[key]:
            newest[key] = last
    return newest


class LanguageSitemap(Sitemap):
    """A section whose items are listed in each of their languages, with alternates."""

    i18n = True
    alternates = True
    limit = PAGE_SIZE
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

    def get_latest_lastmod(self):
        """The index gives no dates: finding them would read every section's history."""
        return None

    def get_urls(self, page=1, site=None, protocol=None):
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
            "events:upcoming",
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
    """The pages of a model's public objects; ``lastmod`` from their history, read only when
    a section's file is made (the index needs the objects alone, to count its files)."""

    model = None
    # The fields read besides the main text in each language (which decides the languages):
    # what the address is made of, and a publish date for lastmod.
    fields = ["slug"]

    def queryset(self):
        return self.model.objects.order_by("pk")

    def items(self):
        """Only the columns used: full rows (an event's body in three languages) would take
        a second to read and build at bench size, for the index alone."""
        text = main_text_field(self.model)
        texts = [build_localized_fieldname(text, code) for code in language_codes()]
        return list(self.queryset().only(*self.fields, *texts))

    @cached_property
    def changes(self):
        return last_changes(self.model)

    def lastmod(self, item):
        times = [self.changes.get(str(item.pk)), getattr(item, "publish_at", None)]
        return max((time for time in times if time is not None), default=None)


class EventSitemap(ObjectSitemap):
    model = Event
    fields = ["slug", "publish_at"]

    def queryset(self):
        return Event.objects.published().order_by("pk")


class LessonSitemap(ObjectSitemap):
    model = Lesson
    fields = ["slug", "publish_at"]

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
    fields = ["number", "route__slug"]

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


def index(request):
    """The sitemap index: each section's file, and its further pages (``?p=2`` …), on
    ``SITE_URL`` like the addresses inside (Django's own index names the request's host)."""
    files = []
    for name, sitemap in SITEMAPS.items():
        location = absolute_url(request, reverse("sitemap_section", kwargs={"section": name}))
        pages = sitemap().paginator.num_pages
        files += [location] + [f"{location}?p={page}" for page in range(2, pages + 1)]
    response = TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": [sitemap_views.SitemapIndexItem(location, None) for location in files]},
        content_type="application/xml",
    )
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def section(request, section):
    asked = request.GET.get("p")
    if asked is not None and not (asked.isascii() and asked.isdigit() and asked == str(int(asked))):
        pagecache.skip(request)  # ?p=01, ?p=+1: Django shows page 1, not kept under them
    # lastmod comes from the history, which every booking and check-in adds to; made again
    # for each, a file would take seconds after every booking. Crawlers may keep it for
    # MAX_AGE anyway; the page cache makes it again within PAGE_CACHE_MAX_AGE.
    pagecache.may_lag(request, LogEntry._meta.db_table)
    response = sitemap_views.sitemap(request, SITEMAPS, section=section)
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response
