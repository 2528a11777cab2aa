"""End-to-end flows on a phone (390×844) against the live server, in Debian's Chromium.

* a resident reads home → event → speaker → lesson in each language, and switches language
  on the event page without losing their place;
* an organization books a slot, sees its reference, opens its management link, cancels;
* a group checks in at all 13 stops through the /q/ links of the signs and sees completion;
* an editor writes an event in Simplified Chinese, a publisher publishes it, and a resident
  reads it with its Traditional text derived;
* a route manager confirms a booking and finds it in today's visits.

Each page opened is screenshotted into test-results/ when a test fails (``open_page``).
Interface texts are looked up in the translation catalogs, as residents read them.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from events.models import Event
from lujiazui import roles
from routes import views as route_views
from routes.models import Booking, CheckIn
from tests.e2e.conftest import RESULTS, log_in
from tests.routes.conftest import book_confirmed_today, build_route

pytestmark = pytest.mark.django_db(transaction=True)

EVENT_SLUG = "2020-party-building-joint-meeting"
PREFIXES = {"zh-hans": "", "zh-hant": "/zh-hant", "en": "/en"}
PASSWORD = "e2e-Lujiazui-2020"
REFERENCE = re.compile(r"^[A-Z2-9]{8}$")


def text(message, language="zh-hans"):
    with translation.override(language):
        return gettext(message)


def screenshot(page, name):
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / f"{name}.png")


def staff(django_user_model, username, role):
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", "--no-accounts", verbosity=0)
    return live_server.url


# ------------------------------------------------------------------ a resident reads


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_resident_reads_home_event_speaker_lesson_and_switches_language(
    open_page, demo_site, language
):
    page = open_page()
    prefix = PREFIXES[language]
    event = Event.objects.get(slug=EVENT_SLUG)
    page.goto(f"{demo_site}{prefix}/")
    assert page.locator("html").get_attribute("lang") == language

    page.locator(f'main a[href="{prefix}{event.get_absolute_url()}"]').first.click()
    page.wait_for_url(f"**{prefix}/events/{EVENT_SLUG}/")
    assert page.get_by_role("heading", name=text("Agenda", language)).is_visible()
    screenshot(page, f"flow-event-{language}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits the phone

    # Switching language keeps the reader on the same event, and back again.
    for other in PREFIXES.keys() - {language}:
        page.locator(f'.languages a[hreflang="{other}"]').click()
        page.wait_for_url(f"{demo_site}{PREFIXES[other]}/events/{EVENT_SLUG}/")
        assert page.locator("html").get_attribute("lang") == other
        title = getattr(event, f"title_{other.replace('-', '_')}") or event.title_zh_hans
        assert page.locator("h1").inner_text() == title
        page.locator(f'.languages a[hreflang="{language}"]').click()
        page.wait_for_url(f"{demo_site}{prefix}/events/{EVENT_SLUG}/")

    speaker_link = page.locator(".speech a[href*='/speakers/']").first
    speaker_name = speaker_link.inner_text()
    speaker_link.click()
    page.wait_for_url(f"**{prefix}/speakers/**")
    assert page.locator("html").get_attribute("lang") == language
    assert speaker_name in page.locator("h1").inner_text()

    page.locator(".site-nav a", has_text=text("Cloud lessons", language)).click()
    page.wait_for_url(f"{demo_site}{prefix}/lessons/")
    lesson = page.locator("main a[href*='/lessons/']:not([href*='?'])").first
    lesson_title = lesson.inner_text()
    lesson.click()
    page.wait_for_url(f"**{prefix}/lessons/*/")
    assert page.locator("h1").inner_text() == lesson_title.strip()
    assert page.locator(".demo-label").first.is_visible()
    assert page.locator("html").get_attribute("lang") == language


# ------------------------------------------------------------------ an organization books


def test_organization_books_sees_reference_and_cancels_from_its_link(open_page, live_server):
    route = build_route(stops=13)
    page = open_page()
    page.goto(f"{live_server.url}{route.get_absolute_url()}")
    page.get_by_role("link", name=text("Book a group visit")).first.click()
    page.wait_for_url(f"**/routes/{route.slug}/book/")

    page.locator("input[name=slot]").first.check()
    page.get_by_label(text("Number of people"), exact=True).fill("12")
    page.get_by_label(text("We would like a guide"), exact=True).check()
    page.get_by_label(text("Organization"), exact=True).fill("陆家嘴金融城党委")
    page.get_by_label(text("Contact person"), exact=True).fill("王芳")
    page.get_by_label(text("Mobile number"), exact=True).fill("1380013")  # too short
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name=text("Send the booking")).click()

    # The form comes back with its errors, what was typed kept; consent is asked again.
    errors = page.get_by_role("alert")
    assert text("Please check the form") in errors.inner_text()
    assert page.title().startswith(text("Please check the form"))
    # The summary has the focus: read first, and Tab goes on to its links.
    assert page.evaluate("document.activeElement.getAttribute('role')") == "alert"
    assert page.locator("input[name=slot]:checked").count() == 1
    assert page.get_by_label(text("Organization"), exact=True).input_value() == "陆家嘴金融城党委"
    screenshot(page, "flow-booking-errors")
    errors.get_by_role("link").first.click()  # the error summary leads to the field
    assert page.evaluate("document.activeElement.name") == "contact_phone"
    page.get_by_label(text("Mobile number"), exact=True).fill("138 0013 8000")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name=text("Send the booking")).click()

    # The error link's #fragment stays in the address across the redirect: harmless.
    page.wait_for_url(re.compile(r"/bookings/[^/]+/\?new=1(#.*)?$"))
    reference = page.locator(".reference").inner_text().strip()
    assert REFERENCE.match(reference)
    booking = Booking.objects.get(reference=reference)
    assert booking.status == Booking.Status.PENDING
    assert (booking.group_size, booking.contact_phone, booking.needs_guide) == (
        12,
        "13800138000",
        True,
    )
    screenshot(page, "flow-booking-received")
    management_link = page.url.split("?")[0]

    # Later, from the link kept in a chat: another browser, nothing but the link.
    later = open_page()
    later.goto(management_link)
    assert reference in later.locator("h1").inner_text()
    later.get_by_role("link", name=text("Cancel this booking")).click()
    later.wait_for_url(f"{management_link}cancel/")
    later.get_by_role("button", name=text("Yes, cancel the booking")).click()
    later.wait_for_url(f"{management_link}?cancelled=1")
    cancelled = text("Your booking is cancelled. Its places are free again for other groups.")
    assert cancelled in later.get_by_role("status").first.inner_text()
    assert later.get_by_role("link", name=text("Cancel this booking")).count() == 0
    booking.refresh_from_db()
    booking.slot.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.slot.places_taken == 0
    screenshot(later, "flow-booking-cancelled")


# ------------------------------------------------------------------ a group checks in


def test_group_checks_in_at_all_13_stops_through_their_links_and_completes(
    open_page, live_server, monkeypatch
):
    route = build_route(stops=13)
    booking = book_confirmed_today(route, phone="13912345678")
    # A group walks the route in hours; the limit of 10 check-ins per device and ten minutes
    # would stop this test, which walks it in seconds.
    monkeypatch.setattr(route_views, "CHECK_IN_LIMIT", 20)
    page = open_page(locale="zh-CN")  # the phone's language decides where /q/ leads
    stops = list(route.stops.order_by("number"))
    assert len(stops) == 13

    for stop in stops:
        page.goto(f"{live_server.url}/q/{stop.check_in_code}")
        page.wait_for_url(f"{live_server.url}{stop.get_absolute_url()}")
        assert stop.name in page.locator("h1").inner_text()
        if stop.number == 1:  # a mistyped phone number is refused, and said so
            page.get_by_label(text("Booking reference"), exact=True).fill(booking.reference)
            page.get_by_label(text("Last four digits of the contact's mobile number")).fill("0000")
            page.get_by_role("button", name=text("Check in")).click()
            message = text("We could not find a booking with this reference and phone number.")
            assert message in page.get_by_role("alert").inner_text()
        page.get_by_label(text("Booking reference"), exact=True).fill(booking.reference.lower())
        page.get_by_label(text("Last four digits of the contact's mobile number")).fill("5678")
        page.get_by_role("button", name=text("Check in")).click()
        page.wait_for_url(re.compile(r"\?checked="))
        progress = page.locator(".check-in-progress")
        # The form posts to #check-in: the phone shows the result, not the form again.
        expect(progress).to_be_in_viewport()
        assert page.locator("#route-progress").get_attribute("value") == str(stop.number)
        if stop.number < 13:
            assert text("Checked in at this stop") in progress.inner_text()
            assert page.get_by_role("link", name=re.compile(stops[stop.number].name)).count()

    assert text("Route complete") in progress.locator("h2").inner_text()
    screenshot(page, "flow-check-in-complete")
    assert CheckIn.objects.filter(booking=booking).count() == 13


# ------------------------------------------------------------------ staff publish an event


def test_event_written_by_editor_is_public_in_traditional_after_publisher_publishes(
    open_page, live_server, django_user_model
):
    staff(django_user_model, "editor", roles.EDITOR)
    staff(django_user_model, "publisher", roles.PUBLISHER)
    base = live_server.url

    editor = open_page()
    log_in(editor, base, "editor", PASSWORD)
    editor.goto(f"{base}/admin/events/event/add/")
    editor.locator("#id_title_zh_hans").fill("陆家嘴滨江党建服务站开放日")
    editor.locator("#id_summary_zh_hans").fill("滨江党群服务站向居民开放，欢迎参观。")
    # The address is made from the Simplified title (Chinese slugs are allowed).
    assert editor.locator("#id_slug").input_value() == "陆家嘴滨江党建服务站开放日"
    editor.locator("#id_start_0").fill("2030-07-01")
    editor.locator("#id_start_1").fill("14:00:00")
    statuses = editor.locator("#id_status option").evaluate_all(
        "options => options.map(o => o.value)"
    )
    assert "published" not in statuses  # editors cannot publish
    editor.locator("#id_status").select_option("submitted")
    editor.locator("input[name=_save]").click()
    editor.wait_for_url(f"{base}/admin/events/event/")
    event = Event.objects.get(slug="陆家嘴滨江党建服务站开放日")
    assert event.status == Event.Status.SUBMITTED

    resident = open_page()
    response = resident.goto(f"{base}/zh-hant{event.get_absolute_url()}")
    assert response.status == 404  # not public before it is published

    publisher = open_page()
    log_in(publisher, base, "publisher", PASSWORD)
    publisher.goto(f"{base}/admin/events/event/?status__exact=submitted")
    publisher.locator(f"input[name=_selected_action][value='{event.pk}']").check()
    publisher.locator("select[name=action]").select_option("publish_now")
    publisher.locator("button[name=index]").click()
    assert "1" in publisher.locator(".messagelist .success").inner_text()

    resident.goto(f"{base}/zh-hant/events/")
    resident.get_by_role("link", name="陸家嘴濱江黨建服務站開放日").click()
    resident.wait_for_url(f"{base}/zh-hant{event.get_absolute_url()}")
    assert resident.locator("h1").inner_text() == "陸家嘴濱江黨建服務站開放日"
    assert "濱江黨群服務站向居民開放，歡迎參觀。" in resident.locator("main").inner_text()
    screenshot(resident, "flow-published-event-zh-hant")
    resident.locator('.languages a[hreflang="zh-hans"]').click()
    resident.wait_for_url(f"{base}{event.get_absolute_url()}")
    assert resident.locator("h1").inner_text() == "陆家嘴滨江党建服务站开放日"


# ------------------------------------------------------------------ a route manager confirms


def test_booking_confirmed_by_route_manager_is_in_todays_visits(
    open_page, live_server, django_user_model
):
    route = build_route(stops=13)
    booking = book_confirmed_today(route, status="pending")
    staff(django_user_model, "manager", roles.ROUTE_MANAGER)
    base = live_server.url
    page = open_page()
    log_in(page, base, "manager", PASSWORD)

    page.goto(f"{base}/admin/routes/booking/?status__exact=pending")
    page.locator(f"input[name=_selected_action][value='{booking.pk}']").check()
    page.locator("select[name=action]").select_option("confirm_bookings")
    page.locator("button[name=index]").click()
    assert "1" in page.locator(".messagelist .success").inner_text()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED

    page.get_by_role("link", name=text("Visits today and in the next days")).click()
    page.wait_for_url(f"{base}/admin/routes/booking/visits/")
    today = page.locator("section", has=page.locator("#visits-today"))
    row = today.locator("tbody tr", has_text=booking.reference)
    assert row.count() == 1
    with translation.override("zh-hans"):
        assert booking.get_status_display() in row.inner_text()
    assert "陆家嘴金融城党委" in row.inner_text()
    screenshot(page, "flow-visits-today")
