"""Canonical and hreflang links in each page's head, read with an HTML parser, and the one
rule behind them and the sitemap: which languages really have a page's content."""

import datetime
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lujiazui.alternates import available_languages, hreflang
from lujiazui.publishing import Publishable
from routes import booking as rules
from routes.models import Booking
from routes.views import CHECKED_PARAMETER, CHECKED_SALT
from speakers.models import Organization, Speaker
from tests import factories
from tests.routes.conftest import book_confirmed_today, build_route

pytestmark = pytest.mark.django_db

HOST = "http://testserver"
ALL = ["zh-hans", "zh-hant", "en"]
CHINESE = ["zh-hans", "zh-hant"]


class HeadLinks(HTMLParser):
    """The canonical address, the hreflang alternates and the robots meta of a page's head."""

    def __init__(self):
        super().__init__()
        self.in_head = False
        self.canonical = []
        self.alternates = {}
        self.robots = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "link" and attrs.get("rel") == "canonical":
            assert self.in_head
            self.canonical.append(attrs["href"])
        elif tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            assert self.in_head
            assert attrs["hreflang"] not in self.alternates, "hreflang given twice"
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "meta" and attrs.get("name") == "robots":
            self.robots.append(attrs["content"])

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def head(response):
    parser = HeadLinks()
    parser.feed(response.content.decode())
    return parser


def links_of(path, languages=("zh-Hans", "zh-Hant", "en"), query=""):
    prefixes = {"zh-Hans": "", "zh-Hant": "/zh-hant", "en": "/en"}
    links = {language: f"{HOST}{prefixes[language]}{path}{query}" for language in languages}
    return links | {"x-default": f"{HOST}{path}{query}"}


# ----------------------------------------------------------------- which languages a page has


def test_available_languages_of_an_interface_page_are_all():
    assert available_languages() == ALL


def test_available_languages_of_an_event_without_english_are_chinese():
    assert available_languages(factories.event(title="党建联席会议")) == CHINESE


def test_available_languages_of_an_event_with_english_title_are_all():
    assert available_languages(factories.event(title_en="Joint meeting")) == ALL


def test_available_languages_ignore_english_of_spaces_only():
    assert available_languages(factories.event(title_en=" ")) == CHINESE


def test_available_languages_ignore_english_in_other_fields_than_the_main_text():
    event = factories.event(summary_en="A summary", venue_en="Shanghai")
    assert available_languages(event) == CHINESE


@pytest.mark.parametrize(
    "build, field",
    [
        (lambda **f: factories.lesson(**f), "title_en"),
        (lambda **f: factories.speaker(**f), "name_en"),
        (lambda **f: factories.organization(**f), "name_en"),
        (lambda **f: build_route(stops=0, **f), "name_en"),
    ],
)
def test_available_languages_follow_the_english_main_text_of_each_kind(build, field):
    assert available_languages(build()) == CHINESE
    assert available_languages(build(**{field: "In English"})) == ALL


def test_available_languages_of_a_stop_follow_its_english_name():
    stop = build_route(stops=1).stops.get()
    assert available_languages(stop) == CHINESE
    stop.name_en = "Pudong Development Exhibition Hall"
    assert available_languages(stop) == ALL


def test_available_languages_keep_traditional_derived_from_simplified():
    event = factories.event(title="党建联席会议")
    assert event.title_zh_hant == "黨建聯席會議"  # derived on save: real content
    assert "zh-hant" in available_languages(event)


def test_available_languages_make_no_queries(django_assert_num_queries):
    items = [factories.event(), factories.lesson(), factories.speaker(), build_route(stops=1)]
    items.append(items[-1].stops.select_related("route").get())
    with django_assert_num_queries(0):
        for item in items:
            available_languages(item)


@pytest.mark.parametrize(
    "code, tag",
    [("zh-hans", "zh-Hans"), ("zh-hant", "zh-Hant"), ("en", "en"), ("en-gb", "en-GB")],
)
def test_hreflang_is_bcp_47(code, tag):
    assert hreflang(code) == tag


# ----------------------------------------------------------------------------- object pages


def test_event_page_head_without_english_has_no_english_alternate(client):
    event = factories.event()
    page = head(client.get(event.get_absolute_url()))
    assert page.canonical == [f"{HOST}{event.get_absolute_url()}"]
    assert page.alternates == links_of(event.get_absolute_url(), ("zh-Hans", "zh-Hant"))
    assert page.robots == []


def test_event_page_head_in_english_without_english_is_canonical_to_simplified(client):
    path = factories.event().get_absolute_url()
    page = head(client.get(f"/en{path}"))
    assert page.canonical == [f"{HOST}{path}"]
    assert "en" not in page.alternates


@pytest.mark.parametrize("prefix", ["", "/zh-hant", "/en"])
def test_event_page_head_with_english_is_its_own_canonical_in_each_language(client, prefix):
    path = factories.event(title_en="Party-building joint meeting").get_absolute_url()
    page = head(client.get(f"{prefix}{path}"))
    assert page.canonical == [f"{HOST}{prefix}{path}"]
    assert page.alternates == links_of(path)


def test_event_page_head_in_traditional_is_its_own_canonical(client):
    path = factories.event().get_absolute_url()
    page = head(client.get(f"/zh-hant{path}"))
    assert page.canonical == [f"{HOST}/zh-hant{path}"]


def test_event_page_head_drops_the_query_string(client):
    event = factories.event()
    page = head(client.get(event.get_absolute_url(), {"from": "timeline", "utm_source": "wx"}))
    assert page.canonical == [f"{HOST}{event.get_absolute_url()}"]
    assert "?" not in " ".join(page.alternates.values())


def test_head_alternates_are_those_of_the_sitemap(client):
    translated = factories.event(title_en="Joint meeting")
    untranslated = factories.event(slug="党建联席会议")
    root = ET.fromstring(client.get("/sitemap-events.xml").content)
    namespaces = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    for event in (translated, untranslated):
        page = head(client.get(event.get_absolute_url()))
        (url,) = [
            url
            for url in root.findall("sm:url", namespaces)
            if url.findtext("sm:loc", namespaces=namespaces) == page.canonical[0]
        ]
        sitemap_alternates = {
            link.get("hreflang"): link.get("href")
            for link in url.findall("{http://www.w3.org/1999/xhtml}link")
        }
        assert page.alternates == sitemap_alternates


@pytest.mark.parametrize(
    "build",
    [
        lambda: factories.lesson(title_en="Four histories"),
        lambda: factories.speaker(name_en="Ling Junfen"),
        lambda: factories.organization(name_en="Oriental Hospital"),
        lambda: build_route(stops=1, name_en="Red route"),
    ],
)
def test_object_pages_head_lists_english_when_translated(client, build):
    path = build().get_absolute_url()
    page = head(client.get(f"/en{path}"))
    assert page.canonical == [f"{HOST}/en{path}"]
    assert page.alternates == links_of(path)


@pytest.mark.parametrize(
    "build",
    [
        lambda: factories.lesson(),
        lambda: factories.speaker(),
        lambda: factories.organization(),
        lambda: build_route(stops=1),
    ],
)
def test_object_pages_head_leaves_out_english_when_untranslated(client, build):
    path = build().get_absolute_url()
    page = head(client.get(f"/en{path}"))
    assert page.canonical == [f"{HOST}{path}"]
    assert page.alternates == links_of(path, ("zh-Hans", "zh-Hant"))


def test_stop_page_head_follows_the_stops_own_english_name(client):
    route = build_route(stops=2, name_en="Red route")
    stop = route.stops.get(number=1)
    page = head(client.get(stop.get_absolute_url()))
    assert page.alternates == links_of(stop.get_absolute_url(), ("zh-Hans", "zh-Hant"))
    stop.name_en = "Pudong Development Exhibition Hall"
    stop.save()
    page = head(client.get(stop.get_absolute_url()))
    assert page.alternates == links_of(stop.get_absolute_url())


def test_head_links_use_site_url_when_set(client, settings):
    settings.SITE_URL = "https://dangjian.example.cn"
    event = factories.event()
    page = head(client.get(event.get_absolute_url(), HTTP_HOST="127.0.0.1"))
    assert page.canonical == [f"https://dangjian.example.cn{event.get_absolute_url()}"]
    assert all(url.startswith("https://dangjian.example.cn/") for url in page.alternates.values())


# ------------------------------------------------------------------------------- list pages


@pytest.mark.parametrize(
    "path", ["/", "/network/", "/events/", "/lessons/", "/speakers/", "/organizations/", "/routes/"]
)
@pytest.mark.parametrize("prefix", ["", "/zh-hant", "/en"])
def test_list_page_head_lists_every_language(client, path, prefix):
    page = head(client.get(prefix + path))
    assert page.canonical == [f"{HOST}{prefix}{path}"]
    assert page.alternates == links_of(path)


def test_booking_form_and_privacy_notice_head_lists_every_language(client):
    route = build_route(stops=1)
    for path in [f"/routes/{route.slug}/book/", "/privacy/"]:
        page = head(client.get(f"/en{path}"))
        assert page.canonical == [f"{HOST}/en{path}"]
        assert page.alternates == links_of(path)


def test_lesson_list_canonical_keeps_the_series_and_drops_other_parameters(client):
    factories.lesson()
    page = head(client.get("/en/lessons/", {"series": "party", "utm_source": "wx", "page": "1"}))
    assert page.canonical == [f"{HOST}/en/lessons/?series=party"]
    assert page.alternates == links_of("/lessons/", query="?series=party")


def test_lesson_list_canonical_drops_an_unknown_series(client):
    page = head(client.get("/lessons/", {"series": "nonsense"}))
    assert page.canonical == [f"{HOST}/lessons/"]


def test_speaker_list_canonical_keeps_the_page_number_the_view_showed(client):
    for _ in range(25):  # two pages of 24
        factories.speaker(positions=0)
    assert head(client.get("/speakers/", {"page": "2"})).canonical == [f"{HOST}/speakers/?page=2"]
    assert head(client.get("/speakers/", {"page": "99"})).canonical == [f"{HOST}/speakers/?page=2"]
    assert head(client.get("/speakers/", {"page": "x"})).canonical == [f"{HOST}/speakers/"]


def test_organization_list_canonical_keeps_the_kind(client):
    factories.organization(kind=Organization.Kind.MUSEUM)
    page = head(client.get("/zh-hant/organizations/", {"kind": "museum", "ref": "x"}))
    assert page.canonical == [f"{HOST}/zh-hant/organizations/?kind=museum"]


def test_event_list_canonical_keeps_an_earlier_year_but_not_the_latest(client):
    now = timezone.now()
    factories.event(start=now.replace(year=now.year - 1))
    factories.event(start=now.replace(year=now.year - 3))
    earlier = head(client.get("/events/", {"year": str(now.year - 3)}))
    assert earlier.canonical == [f"{HOST}/events/?year={now.year - 3}"]
    latest = head(client.get("/events/", {"year": str(now.year - 1)}))
    assert latest.canonical == [f"{HOST}/events/"]
    assert head(client.get("/events/", {"year": "1900"})).canonical == [f"{HOST}/events/"]


# ------------------------------------------------- pages that get no links, or get noindex


def test_preview_of_a_draft_is_noindex_without_links(staff_client):
    event = factories.event(status=Publishable.Status.DRAFT, title_en="Draft")
    response = staff_client.get(event.get_absolute_url())
    assert response.context["is_preview"] is True
    page = head(response)
    assert page.robots == ["noindex"]
    assert page.canonical == []
    assert page.alternates == {}


def test_scheduled_lesson_preview_is_noindex_without_links(staff_client):
    lesson = factories.lesson(publish_at=timezone.now() + datetime.timedelta(days=1))
    page = head(staff_client.get(lesson.get_absolute_url()))
    assert page.robots == ["noindex"]
    assert page.canonical == []


def test_check_in_result_is_noindex_without_links(client):
    route = build_route(stops=2)
    booking = book_confirmed_today(route)
    stop = route.stops.get(number=1)
    flag = signing.dumps({"booking": booking.pk, "stop": stop.pk, "new": True}, salt=CHECKED_SALT)
    response = client.get(stop.get_absolute_url(), {CHECKED_PARAMETER: flag})
    assert response.context["progress"]
    page = head(response)
    assert page.robots == ["noindex"]
    assert page.canonical == []
    assert page.alternates == {}


def test_booking_management_page_has_no_links(client):
    booking = book_confirmed_today(build_route(stops=1))
    Booking.objects.filter(pk=booking.pk).update(token_hash=rules.hash_token("secret-token"))
    response = client.get("/en/bookings/secret-token/")
    assert response.status_code == 200
    page = head(response)
    assert page.canonical == []
    assert page.alternates == {}
    assert page.robots == ["noindex"]  # the page's own


def test_stop_sign_has_no_links(client):
    route = build_route(stops=1)
    page = head(client.get(f"/routes/{route.slug}/stops/1/sign/"))
    assert page.canonical == []
    assert page.alternates == {}


@pytest.mark.parametrize("path", ["/events/no-such-event/", "/en/no-such-page/", "/lessons/x/"])
def test_not_found_page_has_no_links(client, path):
    response = client.get(path)
    assert response.status_code == 404
    page = head(response)
    assert page.canonical == []
    assert page.alternates == {}


def test_hidden_speaker_page_has_no_links(client):
    draft = factories.event(status=Publishable.Status.DRAFT)
    speaker = Speaker.objects.get(speeches__event=draft)
    response = client.get(speaker.get_absolute_url())
    assert response.status_code == 404
    assert head(response).canonical == []


# ------------------------------------------------------------------------------- no queries


def queries_for(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize(
    "build",
    [
        lambda: factories.full_event(3, title_en="Meeting"),
        lambda: factories.lesson(speaker=factories.speaker()),
        lambda: factories.speaker(name_en="Tang Jia"),
        lambda: build_route(stops=3).stops.get(number=2),
    ],
)
def test_head_links_add_no_queries(client, monkeypatch, build):
    """The pages' own query-count tests hold with the links; this shows the links are free."""
    path = f"/en{build().get_absolute_url()}"
    queries_for(client, path)  # content types and the like cached
    with_links, response = queries_for(client, path)
    assert head(response).canonical
    monkeypatch.setattr("lujiazui.templatetags.alternates.links_for", lambda context: None)
    without_links, response = queries_for(client, path)
    assert not head(response).canonical
    assert with_links == without_links
