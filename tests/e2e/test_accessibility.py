"""axe-core (from the npm registry, pinned in conftest) on every kind of public page and on
each step of the booking and check-in flows: no serious or critical violation.

The per-page results (violations by impact, passes) are written to
test-results/axe-summary.json at the end of the run.
"""

import re

import pytest
from django.core.management import call_command

from events.models import Event, Lesson
from routes import booking as rules
from routes.models import Booking, Route
from speakers.models import Organization
from tests.e2e.conftest import RESULTS, describe
from tests.routes.conftest import book_confirmed_today, build_route

pytestmark = pytest.mark.django_db(transaction=True)

EVENT_SLUG = "2020-party-building-joint-meeting"
ROUTE_SLUG = "lujiazui-red-route"


@pytest.fixture
def demo_site(live_server):
    """The demo content, and a pending booking of the demo route with its secret token."""
    call_command("load_demo", "--no-accounts", verbosity=0)
    route = Route.objects.get(slug=ROUTE_SLUG)
    option = next(option for option in rules.open_slots(route) if option.places_left >= 10)
    _booking, token = rules.create_booking(
        route,
        option.key,
        group_size=10,
        language="zh-hans",
        organization_name="陆家嘴金融城党委",
        contact_name="张三",
        contact_phone="13800138000",
    )
    return live_server.url, token


def public_pages(token):
    """Every kind of public page: ``{name: path}`` in Simplified Chinese (no prefix)."""
    event = Event.objects.get(slug=EVENT_SLUG)
    speaker = event.speeches.select_related("speaker").first().speaker
    lesson = Lesson.objects.order_by("pk").first()
    organization = Organization.objects.order_by("pk").first()
    route = f"/routes/{ROUTE_SLUG}"
    return {
        "home": "/",
        "event list": "/events/",
        "event": event.get_absolute_url(),
        "lesson list": "/lessons/",
        "lesson": lesson.get_absolute_url(),
        "speaker list": "/speakers/",
        "speaker": speaker.get_absolute_url(),
        "organization list": "/organizations/",
        "organization": organization.get_absolute_url(),
        "network": "/network/",
        "route list": "/routes/",
        "route": f"{route}/",
        "stop": f"{route}/stops/1/",
        "stop sign": f"{route}/stops/1/sign/",
        "booking form": f"{route}/book/",
        "booking management": f"/bookings/{token}/",
        "cancel": f"/bookings/{token}/cancel/",
        "privacy": "/privacy/",
        "reading mode": "/reading/?next=/",
        "search results": "/search/?q=陆家嘴",
        "404": "/no-such-page/",
    }


def leaked_template_text(page):
    """Template syntax shown to readers (a multi-line {# #} is not a comment in Django)."""
    return re.findall(r"\{[#%].{0,60}", page.locator("body").inner_text())


SOME_PAGES = ["home", "event", "speaker", "stop", "booking form", "booking management", "404"]


def check_pages(page, axe, base_url, prefix, language, names, token):
    failures = {}
    for name, path in public_pages(token).items():
        if name not in names:
            continue
        page.goto(f"{base_url}{prefix}{path}")
        assert page.locator("html").get_attribute("lang") == language, name
        found = axe.check(page, f"{language} {name}")
        if found:
            failures[name] = describe(found)
        if leaked_template_text(page):
            failures[name] = f"template syntax shown as text: {leaked_template_text(page)}"
    return failures


@pytest.mark.parametrize(
    "prefix, language, names",
    [
        ("", "zh-hans", None),
        ("/en", "en", SOME_PAGES),
        ("/zh-hant", "zh-hant", SOME_PAGES),
    ],
    ids=["zh-hans", "en", "zh-hant"],
)
def test_public_pages_have_no_serious_violations(phone, axe, demo_site, prefix, language, names):
    base_url, token = demo_site
    names = names or list(public_pages(token))
    failures = check_pages(phone, axe, base_url, prefix, language, names, token)
    assert {f"{language} {name}" for name in names} <= set(axe.pages)
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())


def test_axe_check_reports_a_broken_page(phone, axe, live_server):
    """The checker itself fails a page with an unnamed link and an image without text."""
    phone.goto(f"{live_server.url}/privacy/")
    phone.evaluate(
        """() => document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<a href="/events/"></a><img src="data:,">')"""
    )
    found = {rule["id"] for rule in axe.check(phone, "self-check: broken privacy page")}
    assert {"link-name", "image-alt"} <= found
    del axe.pages["self-check: broken privacy page"]  # not a page of the site


# ------------------------------------------------------------------ the flows, step by step


def assert_accessible(axe, page, name):
    found = axe.check(page, name)
    assert not found, f"{name}:\n{describe(found)}"
    assert not leaked_template_text(page), name


def test_booking_steps_have_no_serious_violations(phone, axe, live_server):
    route = build_route(stops=13)
    base = live_server.url
    phone.goto(f"{base}/routes/{route.slug}/book/")
    assert_accessible(axe, phone, "booking step 1: form")

    # Everything missing: the browser's own checks are turned off to see each field's error.
    phone.evaluate("document.querySelector('.booking-form').noValidate = true")
    phone.locator(".booking-form button[type=submit]").click()
    phone.wait_for_load_state()
    assert phone.locator(".booking-form [aria-invalid=true]").count() >= 5
    assert_accessible(axe, phone, "booking step 2: form with errors")

    phone.locator("input[name=slot]").first.check()
    phone.locator("input[name=group_size]").fill("8")
    phone.locator("input[name=organization_name]").fill("陆家嘴金融城党委")
    phone.locator("input[name=contact_name]").fill("王芳")
    phone.locator("input[name=contact_phone]").fill("13800138000")
    phone.locator("input[name=consent]").check()
    phone.locator(".booking-form button[type=submit]").click()
    phone.wait_for_url("**/bookings/**")
    assert phone.locator(".reference").is_visible()
    assert_accessible(axe, phone, "booking step 3: received")

    phone.locator("a[href$='/cancel/']").click()
    phone.wait_for_url("**/cancel/")
    assert_accessible(axe, phone, "booking step 4: cancel")
    phone.locator("form.actions button[type=submit]").click()
    phone.wait_for_url("**?cancelled=1")
    assert_accessible(axe, phone, "booking step 5: cancelled")
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.CANCELLED


def test_check_in_steps_have_no_serious_violations(phone, axe, live_server):
    route = build_route(stops=13)
    booking = book_confirmed_today(route, phone="13912345678")
    stops = list(route.stops.order_by("number"))
    base = live_server.url
    phone.goto(f"{base}/q/{stops[0].check_in_code}")
    # The phone's browser asks for English (Playwright's default locale): /q/ leads to /en/.
    phone.wait_for_url(f"{base}/en{stops[0].get_absolute_url()}")
    assert_accessible(axe, phone, "check-in step 1: stop from its /q/ link")

    phone.locator(".check-in button[type=submit]").click()  # nothing typed
    phone.wait_for_load_state()
    assert phone.locator(".check-in .errorlist").count() == 2
    assert_accessible(axe, phone, "check-in step 2: form with errors")

    phone.locator("input[name=reference]").fill(booking.reference)
    phone.locator("input[name=phone_last_four]").fill("0000")
    phone.locator(".check-in button[type=submit]").click()
    phone.wait_for_load_state()
    assert phone.get_by_role("alert").is_visible()
    assert_accessible(axe, phone, "check-in step 3: wrong digits")

    phone.locator("input[name=reference]").fill(booking.reference)
    phone.locator("input[name=phone_last_four]").fill("5678")
    phone.locator(".check-in button[type=submit]").click()
    phone.wait_for_url("**?checked=*")
    assert phone.locator("#route-progress").get_attribute("value") == "1"
    assert_accessible(axe, phone, "check-in step 4: checked in")

    for stop in stops[1:12]:
        rules.check_in(stop, booking.reference, "5678")
    phone.goto(f"{base}/q/{stops[12].check_in_code}")
    phone.locator("input[name=reference]").fill(booking.reference)
    phone.locator("input[name=phone_last_four]").fill("5678")
    phone.locator(".check-in button[type=submit]").click()
    phone.wait_for_url("**?checked=*")
    assert phone.locator(".check-in-progress--complete").is_visible()
    assert_accessible(axe, phone, "check-in step 5: route complete")


# ------------------------------------------------------------------ keyboard alone

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return {
    tag: element.tagName.toLowerCase(),
    name: element.name || "",
    type: element.type || "",
    text: (element.innerText || "").trim().slice(0, 40),
    visible: outline || style.boxShadow !== "none",
  };
}"""


def focused(page):
    return page.evaluate(FOCUSED)


def tab_to(page, wanted, key="Tab", limit=80):
    """Press Tab (or Shift+Tab) until the focused element passes ``wanted``; each element
    met on the way must show where the focus is."""
    for _ in range(limit):
        page.keyboard.press(key)
        element = focused(page)
        assert element["visible"], f"no visible focus on {element}"
        assert element["name"] != "website", "the honeypot field takes no focus"
        if wanted(element):
            return element
    raise AssertionError(f"{key} never reached the element wanted")


def field(name):
    return lambda element: element["name"] == name


def test_booking_form_by_keyboard_alone_books_with_visible_focus(phone, live_server):
    route = build_route(stops=13)
    phone.goto(f"{live_server.url}/routes/{route.slug}/book/")

    # The skip link comes first and takes the reader to the page's content.
    skip = tab_to(phone, lambda element: element["tag"] == "a", limit=1)
    assert skip["visible"] and phone.locator(".skip-link").is_visible()
    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"

    tab_to(phone, lambda element: element["tag"] == "summary")  # the first week, open
    tab_to(phone, field("slot"))
    phone.keyboard.press("ArrowRight")  # the next time of the day, as radio buttons move
    phone.keyboard.press("Space")
    assert phone.locator("input[name=slot]:checked").count() == 1
    tab_to(phone, field("group_size"))
    phone.keyboard.type("9")
    tab_to(phone, field("needs_guide"))
    phone.keyboard.press("Space")
    tab_to(phone, field("organization_name"))
    phone.keyboard.type("陆家嘴金融城党委")
    tab_to(phone, field("contact_name"))
    phone.keyboard.type("王芳")
    tab_to(phone, field("contact_phone"))
    phone.keyboard.type("139 1234 5678")
    tab_to(phone, field("note"))
    phone.keyboard.type("轮椅一位")
    tab_to(phone, field("contact_email"), key="Shift+Tab")  # back to the optional email
    phone.keyboard.type("wangfang@example.com")
    tab_to(phone, field("consent"))
    phone.keyboard.press("Space")
    button = tab_to(phone, lambda element: element["tag"] == "button")
    assert button["type"] == "submit"
    RESULTS.mkdir(exist_ok=True)
    phone.screenshot(path=RESULTS / "keyboard-booking-submit-focused.png")
    phone.keyboard.press("Enter")

    phone.wait_for_url(re.compile(r"/bookings/[^/]+/\?new=1(#main)?$"))  # the skip link's #main
    booking = Booking.objects.get(reference=phone.locator(".reference").inner_text().strip())
    assert booking.slot.start_time.hour == 14  # the second time of the first day
    assert (booking.group_size, booking.needs_guide, booking.contact_phone) == (
        9,
        True,
        "13912345678",
    )
    assert (booking.contact_email, booking.note) == ("wangfang@example.com", "轮椅一位")
