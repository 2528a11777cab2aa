"""The reading mode (适老化): large text and high contrast chosen on /reading/ with a POST, kept
in a cookie, shown as a class on every page's <html> (lujiazui/reading.py)."""

import html
import re
from urllib.parse import quote, unquote, urlsplit

import pytest
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path

from lujiazui import faults, reading
from lujiazui.urls import urlpatterns as site_patterns
from tests.public_pages import HTML_PAGES, PAGES

pytestmark = pytest.mark.django_db

PREFIXES = ["", "/zh-hant", "/en"]
HTML_TAG = re.compile(r"<html\b[^>]*>")
READING_LINK = re.compile(r'<a class="reading-link" href="([^"]+)"')
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ERROR = {
    "": "请选择标准模式或大字模式。",
    "/zh-hant": "請選擇標準模式或大字模式。",
    "/en": "Please choose standard or large text.",
}


def html_tag(response):
    return HTML_TAG.search(response.content.decode())[0]


@pytest.fixture
def browser():
    """A client that checks CSRF like a real browser request, with the token of the form."""
    client = Client(enforce_csrf_checks=True)

    def post(data, prefix=""):
        page = client.get(f"{prefix}/reading/")
        token = TOKEN.search(page.content.decode())[1]
        return client.post(f"{prefix}/reading/", {"csrfmiddlewaretoken": token, **data})

    client.choose = post
    return client


# ------------------------------------------------------------------ choosing


def test_reading_post_large_sets_cookie_and_redirects_to_safe_next(browser):
    response = browser.choose({"mode": "large", "next": "/events/?year=2020"})
    assert response.status_code == 303
    assert response["Location"] == "/events/?year=2020"
    cookie = response.cookies[reading.COOKIE_NAME]
    assert cookie.value == "large"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"] is True
    assert not cookie["secure"]  # plain http, as local runs


def test_reading_cookie_secure_when_session_cookie_is(browser, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = browser.choose({"mode": "large", "next": "/"})
    assert response.cookies[reading.COOKIE_NAME]["secure"] is True


def test_reading_cookie_secure_over_https(rf):
    request = rf.post("/reading/", secure=True)
    response = reading.remember(HttpResponse(), reading.LARGE, request)
    assert response.cookies[reading.COOKIE_NAME]["secure"] is True


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/", "//evil.example", "/\\evil.example", "events/", ""]
)
@pytest.mark.parametrize("prefix, home", [("", "/"), ("/en", "/en/")])
def test_reading_post_with_unsafe_next_goes_home(browser, unsafe, prefix, home):
    response = browser.choose({"mode": "large", "next": unsafe}, prefix)
    assert response.status_code == 303
    assert response["Location"] == home
    assert response.cookies[reading.COOKIE_NAME].value == "large"


def test_reading_post_without_csrf_token_is_forbidden():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/reading/", {"mode": "large", "next": "/events/"})
    assert response.status_code == 403
    assert reading.COOKIE_NAME not in response.cookies


def test_reading_get_changes_nothing(client):
    response = client.get("/reading/?mode=large&next=/events/")
    assert response.status_code == 200
    assert reading.COOKIE_NAME not in response.cookies
    assert "no-store" in response["Cache-Control"]


def test_reading_standard_choice_deletes_the_cookie(browser):
    browser.cookies[reading.COOKIE_NAME] = "large"
    response = browser.choose({"mode": "standard", "next": "/events/"})
    assert response.status_code == 303
    cookie = response.cookies[reading.COOKIE_NAME]
    assert cookie.value == "" and cookie["max-age"] == 0
    assert "class=" not in html_tag(browser.get("/events/"))


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("data", [{"mode": "huge-xyzzy"}, {}, {"mode": ""}])
def test_reading_bad_choice_shows_form_again_with_error(browser, prefix, data):
    response = browser.choose({**data, "next": "/events/"}, prefix)
    assert response.status_code == 400
    page = response.content.decode()
    assert ERROR[prefix] in page and 'role="alert"' in page
    assert "xyzzy" not in page
    assert 'name="next" value="/events/"' in page  # the way back is kept
    assert reading.COOKIE_NAME not in response.cookies


# ------------------------------------------------------------------ the preference page


@pytest.mark.parametrize("cookie, checked", [(None, "standard"), ("large", "large")])
def test_reading_page_form_has_token_both_choices_and_current_one_checked(client, cookie, checked):
    if cookie:
        client.cookies[reading.COOKIE_NAME] = cookie
    page = client.get("/reading/?next=/network/").content.decode()
    assert TOKEN.search(page)
    assert '<form method="post" action="/reading/"' in page
    for value in ("standard", "large"):
        attributes = f'name="mode" value="{value}" id="reading-{value}"'
        assert (attributes + " checked>" in page) == (value == checked), value
    assert '<input type="hidden" name="next" value="/network/">' in page
    assert '<meta name="robots" content="noindex">' in page


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example"])
def test_reading_page_leaves_unsafe_next_out_of_the_form(client, unsafe):
    page = client.get(f"/reading/?next={quote(unsafe, safe='')}").content.decode()
    assert 'name="next"' not in page and "evil.example" not in page.split("</header>", 1)[1]


# ------------------------------------------------------------------ every page


@pytest.mark.parametrize("prefix", PREFIXES)
def test_pages_with_large_cookie_carry_the_class_in_each_language(client, prefix):
    client.cookies[reading.COOKIE_NAME] = "large"
    for address in ("/", "/events/", "/reading/", "/no-such-page/"):
        tag = html_tag(client.get(prefix + address))
        assert 'class="reading-large"' in tag, (prefix + address, tag)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_pages_without_cookie_have_no_reading_class(client, prefix):
    for address in ("/", "/events/", "/reading/"):
        tag = html_tag(client.get(prefix + address))
        assert "reading" not in tag and "class=" not in tag, tag


@pytest.mark.parametrize(
    "value", ['"><script>alert(1)</script>', "LARGE", "large ", "largex", "1", "standard"]
)
def test_reading_tampered_cookie_is_standard_and_never_echoed(client, value):
    client.cookies[reading.COOKIE_NAME] = value
    for address in ("/", "/reading/"):
        response = client.get(address)
        assert response.status_code == 200
        page = response.content.decode()
        assert "class=" not in html_tag(response)
        assert "<script>alert(1)" not in page and "largex" not in page
    request = RequestFactory().get("/")
    request.COOKIES[reading.COOKIE_NAME] = value
    assert reading.mode(request) == ""


def test_reading_mode_is_large_or_empty():
    request = RequestFactory().get("/")
    assert reading.mode(request) == ""
    request.COOKIES[reading.COOKIE_NAME] = "large"
    assert reading.mode(request) == "large"


def test_reading_cookie_adds_no_query(client, django_assert_num_queries):
    """The context processor reads a cookie: the page runs the same queries either way."""
    client.get("/")
    with CaptureQueriesContext(connection) as standard:
        client.get("/")
    client.cookies[reading.COOKIE_NAME] = "large"
    with django_assert_num_queries(len(standard)):
        response = client.get("/")
    assert 'class="reading-large"' in html_tag(response)


def reading_link(response):
    """The header's link to /reading/ (its address as the browser reads it)."""
    return html.unescape(READING_LINK.search(response.content.decode())[1])


@pytest.mark.parametrize("name", HTML_PAGES)
def test_every_page_links_reading_page_with_its_own_address(client, name):
    """The link comes back to the same page: its path and query, encoded as one value."""
    for url, _texts in PAGES[name](1):
        for prefix in PREFIXES:
            response = client.get(prefix + url)
            assert response.status_code == 200
            request, link = response.wsgi_request, reading_link(response)
            if name == "reading_mode":
                assert link == request.get_full_path()
                continue
            assert link.startswith(f"{prefix}/reading/?next=/"), link
            back = urlsplit(QueryDict(urlsplit(link).query)["next"])
            assert unquote(back.path) == request.path, link
            assert QueryDict(back.query) == request.GET, link


def test_not_found_page_links_reading_page(client):
    page = client.get("/en/no-such-page/").content.decode()
    assert 'href="/en/reading/?next=/en/no-such-page/"' in page


def test_reading_link_names_the_other_mode(client):
    assert ">大字模式</a>" in client.get("/").content.decode()
    client.cookies[reading.COOKIE_NAME] = "large"
    assert ">Standard text</a>" in client.get("/en/").content.decode()


# ------------------------------------------------------------------ error pages


def broken(request):
    raise RuntimeError("broken")


urlpatterns = [path("broken/", broken), *site_patterns]
handler500 = "lujiazui.faults.server_error"


def test_server_error_page_keeps_large_mode(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    assert "class=" not in html_tag(client.get("/broken/"))
    client.cookies[reading.COOKIE_NAME] = "large"
    response = client.get("/broken/")
    assert response.status_code == 500
    assert 'class="reading-large"' in html_tag(response)


def test_database_unavailable_page_keeps_large_mode(rf):
    request = rf.get("/en/events/")
    request.COOKIES[reading.COOKIE_NAME] = "large"
    response = faults.database_unavailable(request, faults.OperationalError("down"))
    assert response.status_code == 503
    assert 'class="reading-large"' in html_tag(response)
