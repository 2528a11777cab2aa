"""Lean pages (issue 6): hashed, compressed static files cached for a year; a light home page,
little CSS and JavaScript; nothing loaded from another host; pictures below the fold lazy.

Residents open the site from WeChat groups on phones, often all at once: every byte and every
request to a third host costs them time (and a host abroad may not answer at all).
"""

import datetime
import gzip
import json
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import brotli
import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from events.models import Lesson
from lujiazui.models import SiteSettings
from lujiazui.views import HOME_EVENTS, HOME_LESSONS
from tests import factories
from tests.public_pages import HTML_PAGES, PAGES
from tests.routes.conftest import build_route

pytestmark = pytest.mark.django_db

KB = 1000
HOME_HTML_BUDGET = 40 * KB
CSS_BUDGET = 25 * KB
JS_BUDGET = 15 * KB
YEAR = 365 * 24 * 3600
LANGUAGE_PREFIXES = ["", "/zh-hant", "/en"]
SITE_CSS = "css/site.css"
# Static folders only the admin uses; public pages reference none of them (a page that did
# would fail to render: the manifest would not know the file). Leaving them out keeps
# collectstatic, and its Brotli compression, to a second.
ADMIN_ONLY_STATIC = ["admin", "django_prose_editor", "modeltranslation", "vendor"]
# <link rel> values that make the browser fetch the address.
FETCHED_LINKS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "preload",
    "modulepreload",
    "prefetch",
    "preconnect",
    "dns-prefetch",
    "manifest",
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""")
IMPORT = re.compile(r"""@import\s+['"]([^'"]+)""")


# --------------------------------------------------------------------------- reading pages


class Tags(HTMLParser):
    """The start tags of a page, with their attributes, and the text of each <script> and
    <style> (kept on the tag as ``"#text"``)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.open = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"#tag": tag, **{name: value or "" for name, value in attrs}}
        self.tags.append(element)
        self.open = element if tag in ("script", "style") else None
        if self.open is not None:
            element["#text"] = ""

    def handle_data(self, data):
        if self.open is not None:
            self.open["#text"] += data

    def handle_endtag(self, tag):
        self.open = None

    def all(self, tag):
        return [element for element in self.tags if element["#tag"] == tag]

    def rels(self, element):
        return set(element.get("rel", "").lower().split())


def is_javascript(script):
    kind = script.get("type", "").lower()
    return kind in ("", "module", "text/javascript", "application/javascript")


def fetched_addresses(tags):
    """Every address the browser fetches while showing the page (not the links it may follow,
    nor canonical and alternate addresses, which name pages)."""
    addresses = []
    for element in tags.tags:
        for name in ("src", "poster", "data", "action", "formaction"):
            if name in element:
                addresses.append(element[name])
        for name in ("srcset", "imagesrcset"):
            addresses += [part.split()[0] for part in element.get(name, "").split(",") if part]
        if element["#tag"] == "link" and tags.rels(element) & FETCHED_LINKS:
            addresses.append(element.get("href", ""))
        if element["#tag"] == "style" or "style" in element:
            addresses += CSS_URL.findall(element.get("#text", "") + element.get("style", ""))
    return addresses


def other_hosts(addresses, host="testserver"):
    """The addresses that name another host, or a scheme that reaches out (data: does not)."""
    return [
        address
        for address in addresses
        if (urlsplit(address.strip()).netloc not in ("", host))
        or urlsplit(address.strip()).scheme not in ("", "http", "https", "data")
    ]


def static_name(address):
    """``css/site.css`` for ``/static/css/site.css`` (or its hashed name), else None."""
    path = urlsplit(address).path
    prefix = "/" + django_settings.STATIC_URL.lstrip("/")
    return path.removeprefix(prefix) if path.startswith(prefix) else None


def public_html_pages():
    """The address of every public HTML page, with one item of everything saved, and of the
    page answering an unknown address. Pages share their head in every language."""
    pages = [url for name in HTML_PAGES for url, _texts in PAGES[name](1)]
    return pages + ["/no-such-page/"]


# --------------------------------------------------------------------------- static files


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """The site's static files collected with the configured storage (not the plain one the
    other tests use) into a folder of their own: what ``make static`` makes in production,
    whatever state var/static is in. Gives the STATIC_ROOT and the STORAGES setting."""
    root = tmp_path_factory.mktemp("static")
    storages = django_settings.STORAGES  # as configured: conftest replaces it per test only
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command(
            "collectstatic", interactive=False, verbosity=0, ignore_patterns=ADMIN_ONLY_STATIC
        )
    return root, storages


@pytest.fixture
def production_static(collected, settings):
    """Pages and WhiteNoise use the collected files, as in production."""
    root, storages = collected
    settings.STATIC_ROOT = root
    settings.STORAGES = storages
    settings.PAGE_CACHE = False
    return root


def hashed_name(root, name):
    manifest = json.loads((root / "staticfiles.json").read_text())
    return manifest["paths"][name]


def test_collectstatic_gives_css_a_hashed_name_and_compressed_copies(collected):
    """Hashed names let browsers keep a file for ever; the copies save compressing each time."""
    root, _storages = collected
    hashed = hashed_name(root, SITE_CSS)
    assert hashed != SITE_CSS
    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    original = (root / hashed).read_bytes()
    assert gzip.decompress((root / f"{hashed}.gz").read_bytes()) == original
    assert brotli.decompress((root / f"{hashed}.br").read_bytes()) == original


@pytest.mark.parametrize(
    "encoding, decompress", [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_static_css_served_compressed_and_cached_for_a_year(
    client, production_static, encoding, decompress
):
    """WhiteNoise answers with the precompressed copy the browser accepts, to keep a year."""
    hashed = hashed_name(production_static, SITE_CSS)
    response = client.get(
        "/" + django_settings.STATIC_URL.strip("/") + "/" + hashed,
        headers={"Accept-Encoding": encoding},
    )
    assert response.status_code == 200
    assert response["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response["Vary"]
    body = b"".join(response.streaming_content)
    assert decompress(body) == (production_static / hashed).read_bytes()
    cache_control = response["Cache-Control"]
    max_age = int(re.search(r"max-age=(\d+)", cache_control)[1])
    assert max_age >= YEAR
    assert "immutable" in cache_control
    assert "public" in cache_control


# --------------------------------------------------------------------------- budgets


def full_home():
    """The home page's every section filled to its limit with texts of realistic length in
    the three languages, each item with a cover, and the footer with every site setting."""
    covers = []
    for i in range(HOME_EVENTS * 2):
        days = i + 1 if i < HOME_EVENTS else -(i + 1)
        covers.append(
            factories.event(
                title=f"陆家嘴街道社区党建联席会议第{i}次全体会议暨党建引领基层治理现场推进会",
                title_en=f"Lujiazui community party-building joint meeting no. {i}: "
                "grassroots governance led by party building",
                summary="陆家嘴街道党工委召开社区党建联席会议，成员单位围绕党建引领、多元参与、"
                "共建共享新时代人民之城的主题交流经验，签订共建项目，推进基层治理现代化。" * 2,
                summary_en="The Lujiazui Subdistrict party working committee held the community "
                "party-building joint meeting; member units shared experience and signed joint "
                "projects for the people's city of the new era. " * 2,
                venue="陆家嘴街道党群服务中心三楼报告厅",
                venue_en="Lujiazui Subdistrict Party and Mass Service Centre, third-floor hall",
                start=timezone.now() + datetime.timedelta(days=days),
                cover_alt="会议现场，与会代表在报告厅内认真听讲",
                cover_alt_en="The meeting hall, representatives listening",
            )
        )
    for i in range(HOME_LESSONS):
        covers.append(
            factories.lesson(
                title=f"云党课第{i}讲：从浦东开发开放看党的创新理论在基层的生动实践",
                title_en=f"Cloud lesson {i}: the party's theory in practice, seen from Pudong",
                summary="本讲围绕浦东开发开放三十余年的历程，讲述陆家嘴金融城从农田到高楼的变迁，"
                "以及党建引领在其中发挥的作用。" * 2,
                summary_en="This lesson follows thirty years of Pudong's development and opening "
                "up, from fields to the towers of the Lujiazui finance city. " * 2,
                series=Lesson.Series.REFORM,
                speaker=factories.speaker(name="陆家嘴街道党工委书记", name_en="Party Secretary"),
            )
        )
    # One cover wider than the widest rendition, so that every copy is made; the others
    # show the same files (making copies of each would take seconds and change no byte).
    first = covers[0]
    first.cover = factories.image_file("cover.jpg", "JPEG", (1600, 900))
    first.save()
    for item in covers[1:]:
        type(item).objects.filter(pk=item.pk).update(
            cover=first.cover.name, cover_renditions=first.cover_renditions
        )
    build_route(stops=13)
    SiteSettings(
        icp_filing="沪ICP备2020000000号-1",
        public_security_filing="沪公网安备31011502000000号",
        office_name="陆家嘴街道党群服务中心",
        address="上海市浦东新区陆家嘴环路1000号",
        phone="021-58880000",
        email="dangjian@example.cn",
        office_hours="周一至周五 9:00–17:00",
    ).save()


def test_home_html_within_budget_with_every_section_full(client, settings):
    """The first page a reader opens, uncompressed: in each language, at most 40 KB."""
    settings.PAGE_CACHE = False
    full_home()
    for prefix in LANGUAGE_PREFIXES:
        response = client.get(f"{prefix}/")
        assert len(response.context["lessons"]) == HOME_LESSONS
        assert len(response.context["recent_events"]) == HOME_EVENTS
        assert response.content.count(b"<picture>") == 2 * HOME_EVENTS + HOME_LESSONS
        assert len(response.content) <= HOME_HTML_BUDGET, (prefix, len(response.content))


def test_css_and_javascript_hashed_and_within_budget_on_every_public_page(
    client, production_static
):
    """All the CSS and all the JavaScript the public pages use, files (collected, under hashed
    names) and inline, uncompressed; JSON-LD is data, not JavaScript."""
    files = {"stylesheet": set(), "script": set()}
    inline = {"style": {}, "script": {}}  # text: the page it is on
    for url in public_html_pages():
        response = client.get(url)
        assert response.status_code == (404 if url == "/no-such-page/" else 200), url
        tags = Tags(response.content.decode())
        files["stylesheet"] |= {
            link["href"] for link in tags.all("link") if "stylesheet" in tags.rels(link)
        }
        files["script"] |= {script["src"] for script in tags.all("script") if script.get("src")}
        inline["style"] |= {style["#text"]: url for style in tags.all("style")}
        inline["script"] |= {
            script["#text"]: url
            for script in tags.all("script")
            if is_javascript(script) and not script.get("src")
        }
    assert files["stylesheet"], "no page names a stylesheet"
    sizes = {}
    for kind, addresses in files.items():
        sizes[kind] = 0
        for name in {static_name(address) for address in addresses}:
            assert name is not None, f"a {kind} from outside the static files: {addresses}"
            assert re.search(r"\.[0-9a-f]{12}\.", name), f"{name} has no hashed name"
            sizes[kind] += (production_static / name).stat().st_size
    css = sizes["stylesheet"] + sum(len(text.encode()) for text in inline["style"])
    javascript = sizes["script"] + sum(len(text.encode()) for text in inline["script"])
    assert css <= CSS_BUDGET, (css, files["stylesheet"], set(inline["style"].values()))
    assert javascript <= JS_BUDGET, (javascript, files["script"], set(inline["script"].values()))


# --------------------------------------------------------------------------- other hosts


@pytest.mark.parametrize("name", HTML_PAGES)
def test_public_page_requests_nothing_from_other_hosts(client, settings, name):
    """Every image, stylesheet, script, icon and form is on this site; links to other sites
    (the ICP register, AMap) are allowed: following one is the reader's choice. And pages
    work without JavaScript."""
    settings.PAGE_CACHE = False
    SiteSettings(icp_filing="沪ICP备2020000000号-1").save()
    for url, _texts in PAGES[name](1):
        for prefix in LANGUAGE_PREFIXES:
            response = client.get(prefix + url)
            assert response.status_code == 200
            tags = Tags(response.content.decode())
            addresses = fetched_addresses(tags)
            assert addresses, "the page fetches nothing at all: its stylesheet?"
            assert other_hosts(addresses) == [], prefix + url
            assert not [script for script in tags.all("script") if is_javascript(script)]


def test_stylesheet_requests_nothing_from_other_hosts():
    """Fonts, images and imports in the CSS come from this site (or are data: URLs)."""
    css = open(finders.find(SITE_CSS), encoding="utf-8").read()
    assert other_hosts(CSS_URL.findall(css) + IMPORT.findall(css)) == []


def test_other_hosts_finds_addresses_of_other_hosts():
    """The check above can fail: protocol-relative and absolute addresses elsewhere count."""
    addresses = ["//cdn.example.com/a.js", "https://fonts.example.com/f.css", "/static/a.css"]
    assert other_hosts(addresses) == addresses[:2]
    css = "a{background:url('https://img.example.com/x.png')} b{background:url(/static/y.png)}"
    assert other_hosts(CSS_URL.findall(css)) == ["https://img.example.com/x.png"]


# --------------------------------------------------------------------------- lazy pictures


def pictures(response):
    """The page's <img> elements, in page order."""
    assert response.status_code == 200
    return Tags(response.content.decode()).all("img")


def assert_lazy_below_the_fold(images, count):
    assert len(images) == count
    assert all(img.get("loading") == "lazy" for img in images[1:]), [
        img.get("src") for img in images[1:] if img.get("loading") != "lazy"
    ]
    for img in images:
        assert int(img.get("width", 0)) > 0 and int(img.get("height", 0)) > 0, img.get("src")


def test_home_pictures_after_the_first_are_lazy_and_sized(client, settings):
    """Only the first picture may load with the page; each has its size, so that nothing
    moves while they arrive."""
    settings.PAGE_CACHE = False
    full_home()
    images = pictures(client.get("/"))
    assert_lazy_below_the_fold(images, 2 * HOME_EVENTS + HOME_LESSONS)


def test_event_photos_are_lazy_and_every_picture_sized(client, settings):
    """The cover is the first screen; the photos below it wait until the reader scrolls."""
    settings.PAGE_CACHE = False
    event = factories.full_event(3, cover=factories.image_file("cover.png"))
    images = pictures(client.get(event.get_absolute_url()))
    assert_lazy_below_the_fold(images, 1 + event.photos.count())
