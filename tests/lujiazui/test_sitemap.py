"""/sitemap.xml and /robots.txt, read the way crawlers read them: the sitemap index and the
files it names parsed as XML with the sitemap and XHTML namespaces, robots.txt line by line."""

import datetime
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlsplit

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Speech
from lujiazui import sitemaps
from lujiazui.audit import record_access
from lujiazui.publishing import Publishable
from tests import factories
from tests.routes.conftest import build_route

pytestmark = pytest.mark.django_db

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
NS = {"sm": SITEMAP, "xhtml": XHTML}
HOST = "http://testserver"
PREFIXES = {"zh-Hans": "", "zh-Hant": "/zh-hant", "en": "/en"}


def sitemap_files(client, **extra):
    """[(location, parsed urlset)] of every file the index /sitemap.xml names."""
    response = client.get("/sitemap.xml", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    index = ET.fromstring(response.content)
    assert index.tag == f"{{{SITEMAP}}}sitemapindex"
    files = []
    for location in index.findall("sm:sitemap/sm:loc", NS):
        parts = urlsplit(location.text)
        answer = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path, **extra)
        assert answer.status_code == 200, location.text
        assert answer["Content-Type"].startswith("application/xml")
        root = ET.fromstring(answer.content)
        assert root.tag == f"{{{SITEMAP}}}urlset"
        files.append((location.text, root))
    return files


def read_sitemap(client):
    """{loc: {"lastmod": text or None, "alternates": {hreflang: href}}} from every file."""
    urls = {}
    for url in (url for _location, root in sitemap_files(client) for url in root):
        loc = url.findtext("sm:loc", namespaces=NS)
        assert loc not in urls, f"{loc} listed twice"
        alternates = {}
        for link in url.findall("xhtml:link", NS):
            assert link.get("rel") == "alternate"
            alternates[link.get("hreflang")] = link.get("href")
        urls[loc] = {"lastmod": url.findtext("sm:lastmod", namespaces=NS), "alternates": alternates}
    return urls


def addresses(path, languages=("zh-Hans", "zh-Hant", "en")):
    """{hreflang: absolute address} of ``path`` (Simplified, as get_absolute_url gives it)."""
    return {language: f"{HOST}{PREFIXES[language]}{path}" for language in languages}


def expected_alternates(path, languages=("zh-Hans", "zh-Hant", "en")):
    return addresses(path, languages) | {"x-default": f"{HOST}{path}"}


def assert_listed_in(urls, path, languages):
    """``path`` is listed once in each of ``languages`` and in no other, with alternates to
    exactly those languages and x-default."""
    for language, address in addresses(path).items():
        if language in languages:
            assert address in urls, f"{address} missing"
            assert urls[address]["alternates"] == expected_alternates(path, languages)
        else:
            assert address not in urls, f"{address} listed"


def test_sitemap_is_xml_in_the_sitemap_namespace_with_xhtml_links(client):
    factories.event(title_en="Joint meeting")
    files = dict(sitemap_files(client))
    assert set(files) == {f"{HOST}/sitemap-{name}.xml" for name in sitemaps.SITEMAPS}
    root = files[f"{HOST}/sitemap-events.xml"]
    children = {child.tag for url in root for child in url}
    assert children <= {f"{{{SITEMAP}}}{name}" for name in ("loc", "lastmod", "changefreq")} | {
        f"{{{XHTML}}}link"
    }
    assert root.findall("sm:url/xhtml:link[@hreflang='x-default']", NS)


def test_sitemap_lists_every_page_of_interface_text_in_every_language(client):
    route = build_route(stops=1)
    urls = read_sitemap(client)
    for path in [
        "/",
        "/events/",
        "/events/upcoming/",
        "/lessons/",
        "/speakers/",
        "/organizations/",
        "/network/",
        "/routes/",
        "/privacy/",
        f"/routes/{route.slug}/book/",
    ]:
        assert_listed_in(urls, path, {"zh-Hans", "zh-Hant", "en"})


def test_sitemap_lists_every_public_object_in_each_language_it_has(client):
    translated = factories.event(title_en="Party-building joint meeting")
    untranslated = factories.event()
    lesson = factories.lesson(title_en="Four histories")
    speaker = Speech.objects.get(event=translated).speaker
    organization = factories.organization(name_en="Pudong Civil Affairs Bureau")
    route = build_route(stops=2, name_en="Red route")
    stop = route.stops.get(number=2)
    stop.name_en = "Pudong Development Exhibition Hall"
    stop.save()
    urls = read_sitemap(client)
    everything = {"zh-Hans", "zh-Hant", "en"}
    chinese = {"zh-Hans", "zh-Hant"}
    assert_listed_in(urls, translated.get_absolute_url(), everything)
    assert_listed_in(urls, untranslated.get_absolute_url(), chinese)
    assert_listed_in(urls, lesson.get_absolute_url(), everything)
    assert_listed_in(urls, speaker.get_absolute_url(), chinese)
    assert_listed_in(urls, organization.get_absolute_url(), everything)
    assert_listed_in(urls, route.get_absolute_url(), everything)
    assert_listed_in(urls, route.stops.get(number=1).get_absolute_url(), chinese)
    assert_listed_in(urls, stop.get_absolute_url(), everything)


def test_sitemap_english_less_event_has_no_english_address_nor_alternate(client):
    event = factories.event(title="党建联席会议", slug="党建联席会议")
    urls = read_sitemap(client)
    path = f"/events/{quote('党建联席会议')}/"
    english = f"{HOST}/en{path}"
    assert english not in urls
    assert not any(english in url["alternates"].values() for url in urls.values())
    assert urls[f"{HOST}{path}"]["alternates"] == {
        "zh-Hans": f"{HOST}{path}",
        "zh-Hant": f"{HOST}/zh-hant{path}",
        "x-default": f"{HOST}{path}",
    }
    assert event.get_absolute_url() == path


def test_sitemap_english_of_whitespace_only_is_not_english(client):
    event = factories.event(title_en="   ")
    assert_listed_in(read_sitemap(client), event.get_absolute_url(), {"zh-Hans", "zh-Hant"})


def test_sitemap_leaves_out_drafts_scheduled_items_and_hidden_speakers(client):
    future = timezone.now() + datetime.timedelta(days=2)
    draft = factories.event(status=Publishable.Status.DRAFT)
    submitted = factories.lesson(status=Publishable.Status.SUBMITTED)
    scheduled_event = factories.event(publish_at=future)
    scheduled_lesson = factories.lesson(publish_at=future)
    hidden_speaker = Speech.objects.get(event=draft).speaker
    urls = read_sitemap(client)
    listed = " ".join(urls)
    for item in [draft, submitted, scheduled_event, scheduled_lesson, hidden_speaker]:
        assert item.get_absolute_url() not in listed


def test_sitemap_lists_demo_content_which_the_public_site_shows(client):
    route = build_route(stops=1, is_demo=True)
    lesson = factories.lesson(is_demo=True)
    listed = " ".join(read_sitemap(client))
    assert route.get_absolute_url() in listed
    assert lesson.get_absolute_url() in listed


def test_sitemap_x_default_of_a_slug_that_is_a_language_code_keeps_its_slug(client):
    event = factories.event(slug="zh-hans")
    urls = read_sitemap(client)
    alternates = urls[f"{HOST}/events/zh-hans/"]["alternates"]
    assert alternates["x-default"] == f"{HOST}{event.get_absolute_url()}" == alternates["zh-Hans"]


def test_sitemap_addresses_use_site_url_when_set(client, settings):
    settings.SITE_URL = "https://dangjian.example.cn/"
    event = factories.event()
    files = sitemap_files(client, HTTP_HOST="127.0.0.1")
    locations = [location for location, _root in files]
    for _location, root in files:
        locations += [loc.text for loc in root.iter(f"{{{SITEMAP}}}loc")]
    hrefs = [link.get("href") for _l, root in files for link in root.iter(f"{{{XHTML}}}link")]
    assert f"https://dangjian.example.cn{event.get_absolute_url()}" in locations
    assert all(url.startswith("https://dangjian.example.cn/") for url in locations + hrefs)


def test_sitemap_lastmod_is_the_newest_change_in_the_objects_history(client):
    event = factories.event(start=timezone.now() - datetime.timedelta(days=400))
    old = timezone.now() - datetime.timedelta(days=100)
    LogEntry.objects.all().update(timestamp=old)
    Event = type(event)
    Event.objects.filter(pk=event.pk).update(publish_at=old - datetime.timedelta(days=1))
    path = f"{HOST}{event.get_absolute_url()}"
    assert read_sitemap(client)[path]["lastmod"] == timezone.localdate(old).isoformat()

    speech = Speech.objects.get(event=event)  # a part: shown in the event's history
    speech.title = "新标题"
    speech.save()
    assert read_sitemap(client)[path]["lastmod"] == timezone.localdate().isoformat()


def test_sitemap_lastmod_is_never_before_the_publish_date(client):
    event = factories.event()
    LogEntry.objects.all().update(timestamp=timezone.now() - datetime.timedelta(days=100))
    published = timezone.now() - datetime.timedelta(days=3)
    type(event).objects.filter(pk=event.pk).update(publish_at=published)
    lastmod = read_sitemap(client)[f"{HOST}{event.get_absolute_url()}"]["lastmod"]
    assert lastmod == timezone.localdate(published).isoformat()


def test_sitemap_lastmod_ignores_reads_of_the_history(client):
    organization = factories.organization()
    old = timezone.now() - datetime.timedelta(days=50)
    LogEntry.objects.all().update(timestamp=old)
    record_access([organization], "export_csv")
    lastmod = read_sitemap(client)[f"{HOST}{organization.get_absolute_url()}"]["lastmod"]
    assert lastmod == timezone.localdate(old).isoformat()


@pytest.mark.parametrize("items", [1, 3])
def test_sitemap_query_count_constant(client, django_assert_num_queries, items):
    events = []
    for _ in range(items):
        events.append(factories.full_event(1))
        factories.lesson(speaker=factories.speaker())
        build_route(stops=2)
    client.get("/sitemap-events.xml")  # content types are cached after the first time
    # the index: one query per section, to count its files
    with django_assert_num_queries(len(sitemaps.SITEMAPS)):
        client.get("/sitemap.xml")
    # a section's file: its objects, their history and the history of their parts
    with django_assert_num_queries(3):
        response = client.get("/sitemap-events.xml")
    for event in events:
        assert f"<loc>{HOST}{event.get_absolute_url()}</loc>" in response.text


def test_sitemap_reads_no_text_but_the_names_in_each_language(client):
    factories.full_event(1, body="<p>正文</p>", summary="摘要")
    factories.lesson(speaker=factories.speaker(biography="简介"))
    build_route(stops=1)
    with CaptureQueriesContext(connection) as queries:
        client.get("/sitemap.xml")
        client.get("/sitemap-events.xml")
    read = " ".join(query["sql"] for query in queries)
    assert '"title_en"' in read  # whether an event has an English page
    assert "body_" not in read and "summary_" not in read and "biography_" not in read


def test_sitemap_big_section_split_into_pages(client, monkeypatch):
    monkeypatch.setattr(sitemaps.LanguageSitemap, "limit", 4)
    events = [factories.event() for _ in range(3)]  # 3 events × 2 languages = 6 addresses
    locations = [location for location, _root in sitemap_files(client)]
    assert f"{HOST}/sitemap-events.xml?p=2" in locations
    assert f"{HOST}/sitemap-events.xml?p=3" not in locations
    listed = read_sitemap(client)
    for event in events:
        assert f"{HOST}{event.get_absolute_url()}" in listed
    assert client.get("/sitemap-events.xml?p=3").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_sitemap_is_cacheable(client):
    for url in ("/sitemap.xml", "/sitemap-events.xml"):
        response = client.get(url)
        assert "public" in response["Cache-Control"]
        assert f"max-age={sitemaps.MAX_AGE}" in response["Cache-Control"]


def test_sitemap_files_stay_within_the_protocol_limit():
    assert sitemaps.LanguageSitemap.limit <= 50_000


def test_sitemap_is_language_neutral(client):
    assert client.get("/en/sitemap.xml").status_code == 404
    assert client.get("/zh-hant/sitemap.xml").status_code == 404


# ----------------------------------------------------------------------------- robots.txt


def robots_lines(client, **extra):
    response = client.get("/robots.txt", **extra)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return response.content.decode().splitlines()


def test_robots_txt_points_at_the_absolute_sitemap(client):
    assert "Sitemap: http://testserver/sitemap.xml" in robots_lines(client)


def test_robots_txt_sitemap_uses_site_url_when_set(client, settings):
    settings.SITE_URL = "https://dangjian.example.cn"
    lines = robots_lines(client, HTTP_HOST="127.0.0.1")
    assert "Sitemap: https://dangjian.example.cn/sitemap.xml" in lines


def test_robots_txt_disallows_admin_and_private_booking_pages_in_every_language(client):
    lines = robots_lines(client)
    assert lines[0] == "User-agent: *"
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow")}
    assert disallowed == {"/admin/", "/bookings/", "/zh-hant/bookings/", "/en/bookings/"}


def test_robots_txt_allows_public_pages_and_the_sign_links(client):
    disallowed = [line.split(": ", 1)[1] for line in robots_lines(client) if ": /" in line]
    for path in ["/", "/events/", "/en/routes/r/stops/1/", "/q/ABC", "/routes/r/book/"]:
        assert not any(path.startswith(prefix) for prefix in disallowed if prefix)


def test_robots_txt_is_language_neutral_and_cacheable(client):
    assert client.get("/en/robots.txt").status_code == 404
    assert "public" in client.get("/robots.txt")["Cache-Control"]
