"""The reading mode (适老化) in Chromium on a phone (390×844): chosen once on /reading/, it holds
on the next pages, makes the text larger, still fits the phone, and passes axe-core."""

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from events.models import Event
from lujiazui import reading
from tests.e2e.conftest import RESULTS, describe

pytestmark = pytest.mark.django_db(transaction=True)

EVENT_SLUG = "2020-party-building-joint-meeting"
ROUTE_SLUG = "lujiazui-red-route"
BODY_FONT = "parseFloat(getComputedStyle(document.body).fontSize)"
SCROLL_WIDTH = "document.documentElement.scrollWidth"
VIEWPORT_WIDTH = "window.innerWidth"


def text(message):
    with translation.override("zh-hans"):
        return gettext(message)


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", "--no-accounts", verbosity=0)
    return live_server.url


def html_class(page):
    return page.locator("html").get_attribute("class") or ""


def fits_the_phone(page):
    return page.evaluate(SCROLL_WIDTH) <= page.evaluate(VIEWPORT_WIDTH)


def reading_cookie(page):
    cookies = page.context.cookies()
    return next((cookie for cookie in cookies if cookie["name"] == reading.COOKIE_NAME), None)


def test_large_mode_chosen_in_browser_holds_on_other_pages(open_page, demo_site, axe):
    page = open_page()
    event_path = Event.objects.get(slug=EVENT_SLUG).get_absolute_url()
    page.goto(f"{demo_site}{event_path}")
    assert html_class(page) == ""
    standard = {"event": page.evaluate(BODY_FONT)}
    page.goto(f"{demo_site}/")
    standard["home"] = page.evaluate(BODY_FONT)

    # From the home page's header link to the preference page, and back after saving.
    page.get_by_role("link", name=text("Large text"), exact=True).click()
    page.wait_for_url(f"{demo_site}/reading/?next=/")
    page.get_by_label(text("Large text, high contrast")).check()
    page.get_by_role("button", name=text("Save")).click()
    page.wait_for_url(f"{demo_site}/")
    assert reading_cookie(page)["value"] == "large"
    assert reading_cookie(page)["httpOnly"] is True
    assert "reading-large" in html_class(page).split()

    for name, path in (
        ("event", event_path),
        ("route", f"/routes/{ROUTE_SLUG}/"),
        ("stop", f"/routes/{ROUTE_SLUG}/stops/1/"),
        ("booking form", f"/routes/{ROUTE_SLUG}/book/"),
        ("English event", f"/en{event_path}"),
        ("search", "/search/?q=陆家嘴"),
    ):
        page.goto(f"{demo_site}{path}")
        assert "reading-large" in html_class(page).split(), name
        assert page.evaluate(BODY_FONT) >= 1.25 * standard["event"], name
        assert fits_the_phone(page), (name, page.evaluate(SCROLL_WIDTH))

    page.goto(f"{demo_site}/")
    large_home = page.evaluate(BODY_FONT)
    assert large_home >= 1.25 * standard["home"], (large_home, standard["home"])
    assert fits_the_phone(page), page.evaluate(SCROLL_WIDTH)
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / "reading-large.png")
    found = axe.check(page, "reading large: home")
    assert not found, describe(found)

    page.goto(f"{demo_site}{event_path}")
    found = axe.check(page, "reading large: event")
    assert not found, describe(found)


def test_standard_mode_chosen_in_browser_removes_the_cookie(open_page, demo_site):
    page = open_page()
    page.context.add_cookies(
        [{"name": reading.COOKIE_NAME, "value": "large", "url": f"{demo_site}/"}]
    )
    page.goto(f"{demo_site}/network/")
    assert "reading-large" in html_class(page).split()
    large = page.evaluate(BODY_FONT)

    page.get_by_role("link", name=text("Standard text"), exact=True).click()
    page.wait_for_url(f"{demo_site}/reading/?next=/network/")
    page.get_by_label(text("Standard"), exact=True).check()
    page.get_by_role("button", name=text("Save")).click()
    page.wait_for_url(f"{demo_site}/network/")
    assert html_class(page) == ""
    assert reading_cookie(page) is None
    assert page.evaluate(BODY_FONT) < large
