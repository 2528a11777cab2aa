"""The public booking pages: the form, the private booking page, its calendar file,
cancelling, the emails and the privacy notice."""

import base64
import datetime
import re
import zoneinfo

import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from routes import booking as rules
from routes import booking_views
from routes.emails import send_booking_email
from routes.models import Booking, BookingSettings, Closure, Slot

pytestmark = pytest.mark.django_db

LANGUAGES = [("zh-hans", ""), ("zh-hant", "/zh-hant"), ("en", "/en")]
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def in_language(language, message):
    """``message`` as a page in ``language`` shows it, escaped like the templates do."""
    with translation.override(language):
        return escape(gettext(message))


def url(name, prefix="", **kwargs):
    """The address of a page in the language of ``prefix`` ("" for Simplified Chinese).

    Reversed in the default language: the test client leaves the language of its last
    request active."""
    with translation.override("zh-hans"):
        return prefix + reverse(name, kwargs=kwargs)


def book_url(route, prefix=""):
    return url("routes:book", prefix, slug=route.slug)


def manage_url(token, prefix=""):
    return url("routes:manage", prefix, token=token)


def form_data(route, **changes):
    return {
        "organization_name": "陆家嘴金融城党委",
        "contact_name": "张三",
        "contact_phone": "138 0013 8000",
        "contact_email": "",
        "group_size": "12",
        "slot": rules.open_slots(route)[0].key,
        "needs_guide": "on",
        "note": "两位老同志行动不便",
        "consent": "on",
        "website": "",
    } | changes


def token_of(response):
    assert response.status_code == 303, response.content.decode()[:2000]
    return re.search(r"/bookings/([^/?]+)/\?new=1$", response["Location"]).group(1)


def book(client, route, prefix="", **changes):
    """Book through the form; returns ``(booking, token)``."""
    token = token_of(client.post(book_url(route, prefix), form_data(route, **changes)))
    return Booking.objects.get(token_hash=rules.hash_token(token)), token


def set_token(booking, token):
    """Give a booking made outside the form (``confirmed_booking_today``) a known token."""
    Booking.objects.filter(pk=booking.pk).update(token_hash=rules.hash_token(token))
    return token


# The booking form


def test_booking_form_shows_times_by_day_with_places_left(client, route):
    options = rules.open_slots(route)
    response = client.get(book_url(route, "/en"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('type="radio" name="slot"') == len(options)
    assert f'value="{options[0].key}"' in page
    assert "30 places left" in page
    assert f'<legend><time datetime="{options[0].date:%Y-%m-%d}">' in page
    assert "<script" not in page


def test_booking_form_links_the_privacy_notice_by_the_consent_box(client, route):
    page = client.get(book_url(route)).content.decode()
    consent = page.index('name="consent"')
    privacy_link = page.index(f'href="{url("routes:privacy")}"')
    assert 0 < consent - privacy_link < 1500


def test_booking_form_hides_the_honeypot_from_people_but_keeps_it(client, route):
    page = client.get(book_url(route)).content.decode()
    wrapper = re.search(
        r'<div class="visually-hidden" aria-hidden="true">(.*?)</div>', page, re.S
    ).group(1)
    assert 'name="website"' in wrapper
    assert 'tabindex="-1"' in wrapper


def test_booking_form_is_never_cached(client, route):
    response = client.get(book_url(route))
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_booking_form_without_free_times_says_so(client, route):
    for option in rules.open_slots(route):
        Slot.objects.create(
            route=route,
            date=option.date,
            start_time=option.start_time,
            end_time=option.end_time,
            capacity=5,
            places_taken=5,
        )
    page = client.get(book_url(route, "/en")).content.decode()
    assert "There is no time with free places in the next 56 days" in page
    assert 'name="slot"' not in page


def test_booking_form_of_unknown_route_is_not_found(client):
    assert client.get("/routes/no-such-route/book/").status_code == 404


@pytest.mark.parametrize("language, prefix", LANGUAGES)
def test_booking_succeeds_in_each_language(client, route, language, prefix):
    key = rules.open_slots(route)[1].key
    response = client.post(book_url(route, prefix), form_data(route, slot=key))
    token = token_of(response)
    assert response["Location"] == f"{manage_url(token, prefix)}?new=1"
    booking = Booking.objects.get()
    assert booking.language == language
    assert booking.contact_phone == "13800138000"
    assert booking.needs_guide is True
    assert booking.status == Booking.Status.PENDING
    assert booking.consent_version == BookingSettings.load().privacy_notice_version
    assert booking.slot.places_taken == 12
    assert rules.slot_key(booking.slot.date, booking.slot.start_time) == key
    page = client.get(response["Location"]).content.decode()
    assert f'<html lang="{language}"' in page
    assert f'<p class="reference">{booking.reference}</p>' in page
    assert in_language(language, "Your booking is received") in page


def test_booking_post_reads_settings_and_open_times_once(client, route):
    """The form's check and the booking share one reading: reading twice made a booking POST
    cost about twice as much."""
    data = form_data(route)
    with CaptureQueriesContext(connection) as captured:
        token_of(client.post(book_url(route), data))
    reads = [query["sql"] for query in captured if query["sql"].startswith("SELECT")]
    assert sum('FROM "routes_bookingsettings"' in sql for sql in reads) == 1
    assert sum('FROM "routes_openingrule"' in sql for sql in reads) == 1


def test_booking_keeps_what_was_typed_except_consent(client, route):
    key = rules.open_slots(route)[2].key
    data = form_data(route, slot=key, contact_phone="021 5888 8888", contact_email="a@b.cn")
    page = client.post(book_url(route), data).content.decode()
    assert 'value="陆家嘴金融城党委"' in page
    assert 'value="021 5888 8888"' in page
    assert 'value="a@b.cn"' in page
    assert "两位老同志行动不便</textarea>" in page
    assert f'value="{key}" checked' in page
    consent = re.search(r'<input type="checkbox" name="consent"[^>]*>', page).group(0)
    assert "checked" not in consent


def _past_key(route):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return rules.slot_key(yesterday, datetime.time(9, 0))


def _closed_day_key(route):
    option = rules.open_slots(route)[0]
    Closure.objects.create(route=route, start_date=option.date, end_date=option.date)
    return option.key


def _full_slot_key(route):
    option = rules.open_slots(route)[0]
    Slot.objects.create(
        route=route,
        date=option.date,
        start_time=option.start_time,
        end_time=option.end_time,
        capacity=30,
        places_taken=30,
    )
    return option.key


NOT_BOOKABLE = "This time cannot be booked. Please choose another."
NOT_MAINLAND_MOBILE = "Enter a mainland China mobile number, e.g. 138 0013 8000."
GROUP_SIZE = "Groups of 3 to 40 people can book."


@pytest.mark.parametrize(
    "field, value, message",
    [
        (
            "contact_phone",
            "021 5888 8888",
            "This is not a mobile number. Please give a mobile number we can text.",
        ),
        ("contact_phone", "+1 650 253 0000", NOT_MAINLAND_MOBILE),
        ("contact_phone", "1380013800", NOT_MAINLAND_MOBILE),
        ("contact_phone", "138001380001", NOT_MAINLAND_MOBILE),
        ("contact_phone", "", "This field is required."),
        ("group_size", "0", GROUP_SIZE),
        ("group_size", "-1", GROUP_SIZE),
        ("group_size", "10000", GROUP_SIZE),
        ("group_size", "abc", "Enter a whole number."),
        ("slot", _past_key, NOT_BOOKABLE),
        ("slot", _closed_day_key, NOT_BOOKABLE),
        ("slot", _full_slot_key, NOT_BOOKABLE),
        ("slot", "2030-01-01T03:00", NOT_BOOKABLE),
        ("slot", "x" * 300, NOT_BOOKABLE),
        ("consent", "", "Please agree to the privacy notice to book."),
        ("note", "长" * 10240, "Ensure this value has at most 500 characters (it has 10240)."),
        ("contact_email", "not an email", "Enter a valid email address."),
        ("website", "https://spam.example", "Leave this field empty."),
    ],
)
def test_booking_bad_input_gives_a_clear_error_and_saves_nothing(
    client, route, field, value, message
):
    if callable(value):
        value = value(route)
    data = form_data(route, **{field: value})
    if field == "consent":
        del data["consent"]
    taken_before = list(Slot.objects.values_list("pk", "places_taken"))
    response = client.post(book_url(route, "/en"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert escape(message) in page
    if field != "website":  # the honeypot is hidden: its error is in the summary only
        assert f'id="id_{field}_error"' in page  # at the field, not only in the summary
    assert Booking.objects.count() == 0
    assert list(Slot.objects.values_list("pk", "places_taken")) == taken_before


@pytest.mark.parametrize("language, prefix", LANGUAGES)
@pytest.mark.parametrize(
    "field, value, message",
    [
        (
            "contact_phone",
            "021 5888 8888",
            "This is not a mobile number. Please give a mobile number we can text.",
        ),
        ("slot", "2030-01-01T03:00", NOT_BOOKABLE),
        ("consent", "", "Please agree to the privacy notice to book."),
    ],
)
def test_booking_errors_are_in_the_pages_language(
    client, route, language, prefix, field, value, message
):
    data = form_data(route, **{field: value})
    page = client.post(book_url(route, prefix), data).content.decode()
    assert in_language(language, message) in page
    assert in_language(language, "Please check the form") in page
    assert Booking.objects.count() == 0


def test_booking_group_size_above_places_left_is_refused(client, route):
    option = rules.open_slots(route)[0]
    rules.create_booking(
        route,
        option.key,
        group_size=25,
        language="zh-hans",
        organization_name="甲",
        contact_name="乙",
        contact_phone="13800138000",
    )
    page = client.post(book_url(route, "/en"), form_data(route, group_size="6")).content.decode()
    assert "Only 5 places are left at this time." in page
    assert Booking.objects.count() == 1


def test_booking_script_in_every_text_field_is_escaped(client, route):
    fields = [
        "organization_name",
        "contact_name",
        "contact_phone",
        "contact_email",
        "note",
        "website",
    ]
    data = form_data(route, **dict.fromkeys(fields, SCRIPT), group_size=SCRIPT, slot=SCRIPT)
    response = client.post(book_url(route), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert SCRIPT not in page
    assert "<script" not in page
    assert page.count(ESCAPED_SCRIPT) >= 5  # echoed in the text inputs and the note
    assert Booking.objects.count() == 0


def test_booking_script_in_details_is_escaped_on_the_booking_page(client, route):
    booking, token = book(client, route, organization_name=SCRIPT, contact_name=SCRIPT, note=SCRIPT)
    assert booking.organization_name == SCRIPT  # stored as typed, escaped when shown
    page = client.get(manage_url(token)).content.decode()
    assert SCRIPT not in page
    assert page.count(ESCAPED_SCRIPT) == 3


def test_booking_over_the_rate_limit_is_refused_and_keeps_the_form(client, route):
    for _attempt in range(5):
        response = client.post(book_url(route), form_data(route, consent=""))
        assert response.status_code == 200
    response = client.post(book_url(route, "/en"), form_data(route))
    page = response.content.decode()
    assert response.status_code == 429
    assert "Too many bookings were sent from your connection" in page
    assert 'value="陆家嘴金融城党委"' in page
    assert "no-store" in response["Cache-Control"]
    assert Booking.objects.count() == 0


def make_first_slot(route, places_taken=0):
    """The Slot of the first open time, for 30 people."""
    option = rules.open_slots(route)[0]
    return Slot.objects.create(
        route=route,
        date=option.date,
        start_time=option.start_time,
        end_time=option.end_time,
        capacity=30,
        places_taken=places_taken,
    )


def test_booking_when_places_went_meanwhile_says_full(client, route, monkeypatch):
    """Someone else took the places between the form's check and the booking."""
    slot = make_first_slot(route, places_taken=25)
    real_open_slots = rules.open_slots

    def stale_open_slots(*args, **kwargs):  # what the form saw a moment earlier: all free
        return [
            rules.SlotOption(o.date, o.start_time, o.end_time, o.capacity, 0, o.slot_id)
            for o in real_open_slots(*args, **kwargs)
        ]

    monkeypatch.setattr(booking_views, "open_slots", stale_open_slots)
    response = client.post(book_url(route, "/en"), form_data(route, group_size="12"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sorry, this time is now full. Please choose another." in page
    assert 'id="id_slot_error"' in page
    assert Booking.objects.count() == 0
    slot.refresh_from_db()
    assert slot.places_taken == 25


def test_booking_when_slot_went_meanwhile_refuses(client, route, monkeypatch):
    """The slot the form read was deleted before the POST arrived: its id is used without
    reading it again, so the conditional UPDATE is what notices."""
    slot = make_first_slot(route)
    read = rules.open_slots(route)
    monkeypatch.setattr(booking_views, "open_slots", lambda *args, **kwargs: read)
    slot.delete()
    response = client.post(book_url(route, "/en"), form_data(route))
    assert response.status_code == 200
    assert "Sorry, this time is now full. Please choose another." in response.content.decode()
    assert Booking.objects.count() == 0
    assert not Slot.objects.exists()


def book_first_times(route, items):
    """Five places booked in each of the first ``items`` open times, which are returned."""
    options = rules.open_slots(route)[:items]
    for option in options:
        rules.create_booking(
            route,
            option.key,
            group_size=5,
            language="zh-hans",
            organization_name="甲",
            contact_name="乙",
            contact_phone="13800138000",
        )
    return options


@pytest.mark.parametrize("items", [1, 3])
def test_booking_post_query_count_constant(client, route, django_assert_num_queries, items):
    """A booking in an existing slot: route, settings, opening rules, closures, slots, the
    conditional UPDATE, the booking and its history entry (whose content type is read once
    per process, here before counting)."""
    options = book_first_times(route, items)
    data = form_data(route, slot=options[-1].key)
    with django_assert_num_queries(10):  # and the savepoint of its transaction, with release
        response = client.post(book_url(route), data)
    assert response.status_code == 303
    assert (
        Slot.objects.get(date=options[-1].date, start_time=options[-1].start_time).places_taken
        == 17
    )


@pytest.mark.parametrize("items", [1, 3])
def test_booking_form_query_count_constant(client, route, django_assert_num_queries, items):
    book_first_times(route, items)
    address = "/en" + book_url(route)
    with django_assert_num_queries(5):
        response = client.get(address)
    assert response.content.decode().count("25 places left") == items


# Emails


@pytest.mark.parametrize("language, prefix", LANGUAGES)
def test_received_email_in_the_bookers_language(
    client, route, language, prefix, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking, token = book(client, route, prefix, contact_email="zhang@example.cn")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["zhang@example.cn"]
    with translation.override(language):
        assert (
            gettext("Booking %(reference)s received") % {"reference": booking.reference}
            in message.subject
        )
        assert gettext("Dear %(name)s,") % {"name": "张三"} in message.body
        assert str(booking.get_status_display()) in message.body
    assert f"http://testserver{manage_url(token, prefix)}" in message.body
    assert booking.reference in message.body
    assert "\n" not in message.subject


def test_no_email_without_an_address(client, route, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        book(client, route, contact_email="")
    assert mail.outbox == []


@pytest.mark.parametrize("kind", ["confirmed", "declined", "cancelled"])
def test_status_emails_are_in_the_bookers_language(client, route, kind):
    booking, _token = book(client, route, "/en", contact_email="a@example.cn")
    booking.decline_reason = "场馆维修"
    assert send_booking_email(booking, kind) is True
    message = mail.outbox[-1]
    assert f"Booking {booking.reference} {kind}" in message.subject
    assert "Dear 张三," in message.body
    assert ("场馆维修" in message.body) == (kind == "declined")
    assert "/bookings/" not in message.body  # the token is not known after the booking


def test_status_email_is_not_sent_without_an_address(route, confirmed_booking_today):
    booking = confirmed_booking_today(route)
    assert send_booking_email(booking, "confirmed") is False
    assert mail.outbox == []


def test_email_failure_does_not_break_and_hides_the_link(route, settings, client, caplog):
    booking, token = book(client, route, contact_email="a@example.cn")
    settings.EMAIL_BACKEND = "tests.routes.test_booking.BrokenBackend"
    assert send_booking_email(booking, "received", "http://x/bookings/" + token) is False
    assert booking.reference in caplog.text
    assert token not in caplog.text
    assert "a@example.cn" not in caplog.text


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("a@example.cn")


# The private booking page


def test_manage_page_shows_the_booking(client, route):
    booking, token = book(client, route, "/en", contact_email="a@example.cn")
    response = client.get(manage_url(token, "/en"))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Booking {booking.reference}" in page
    assert "Waiting for approval" in page
    assert "138****8000" in page
    assert "13800138000" not in page
    assert "a@example.cn" in page
    assert "两位老同志行动不便" in page
    assert "陆家嘴金融城党委" in page
    assert "12 people" in page
    assert f"{booking.slot.start_time:%H:%M}</time>–{booking.slot.end_time:%H:%M}" in page
    assert "Bookmark this page or keep its link." in page
    assert '<p class="reference">' not in page  # the big reference is for ?new=1
    assert "<strong>0 / 13</strong> stops" in page
    assert url("routes:calendar", token=token) in page
    assert url("routes:cancel", token=token) in page
    assert "<script" not in page


def test_manage_page_is_private_and_not_indexed(client, route):
    _booking, token = book(client, route)
    response = client.get(manage_url(token))
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "strict-origin"
    assert response["X-Robots-Tag"] == "noindex"
    head = response.content.decode().split("</head>")[0]
    assert '<meta name="robots" content="noindex">' in head


def test_manage_page_tells_the_reason_of_a_decline(client, route):
    booking, token = book(client, route, "/en")
    rules.decline(booking, "当天场馆维修")
    page = client.get(manage_url(token, "/en")).content.decode()
    assert "Declined" in page
    assert "当天场馆维修" in page
    assert url("routes:cancel", token=token) not in page
    assert "Only bookings that are waiting for approval or confirmed can be cancelled." in page


def test_manage_page_after_purge_says_contact_details_were_removed(client, route):
    booking, token = book(client, route, "/en", contact_email="a@example.cn")
    later = timezone.now() + datetime.timedelta(days=400)
    assert rules.purge_contact_details(now=later) == 1
    page = client.get(manage_url(token, "/en")).content.decode()
    assert "The contact details of this booking were removed" in page
    assert "138****" not in page
    assert "a@example.cn" not in page
    assert booking.reference in page


def test_manage_page_shows_check_in_progress_and_completion(
    client, make_route, confirmed_booking_today
):
    route = make_route(stops=3)
    booking = confirmed_booking_today(route)
    token = set_token(booking, "t" * 43)
    stops = list(route.stops.all())
    rules.check_in(stops[0], booking.reference, "8000")
    page = client.get(manage_url(token, "/en")).content.decode()
    assert "<strong>1 / 3</strong> stops" in page
    assert page.count('class="is-done"') == 1
    assert "Route completed" not in page
    for stop in stops[1:]:
        rules.check_in(stop, booking.reference, "8000")
    page = client.get(manage_url(token, "/en")).content.decode()
    assert "<strong>3 / 3</strong> stops" in page
    assert page.count('class="is-done"') == 3
    assert "Route completed" in page


@pytest.mark.parametrize(
    "change",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # one character off
        lambda token: "unknown-token",
        lambda token: "x" * 300,
        lambda token: token + "x" * 300,
        lambda token: "令牌",
    ],
)
def test_manage_pages_with_a_wrong_token_are_not_found(client, route, change):
    _booking, token = book(client, route)
    wrong = change(token)
    for name in ["routes:manage", "routes:calendar", "routes:cancel"]:
        response = client.get(url(name, token=wrong))
        assert response.status_code == 404
        assert in_language("zh-hans", "Page not found") in response.content.decode()
    assert client.post(url("routes:cancel", token=wrong)).status_code == 404
    assert Booking.objects.get().status == Booking.Status.PENDING


def test_token_is_never_stored_in_clear_and_has_128_bits_or_more(client, route):
    booking, token = book(client, route)
    assert len(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))) * 8 >= 128
    booking.refresh_from_db()
    for field in Booking._meta.concrete_fields:
        value = str(getattr(booking, field.attname))
        assert token not in value, field.name


@pytest.mark.parametrize("items", [1, 3])
def test_manage_page_query_count_constant(
    client, make_route, confirmed_booking_today, django_assert_num_queries, items
):
    route = make_route(stops=4)
    BookingSettings.load()  # the row exists on a real site
    booking = confirmed_booking_today(route)
    token = set_token(booking, "q" * 43)
    for stop in route.stops.all()[:items]:
        rules.check_in(stop, booking.reference, "8000")
    with django_assert_num_queries(4):
        response = client.get(manage_url(token))
    assert response.content.decode().count('class="is-done"') == items


# The calendar file


def test_calendar_file_parses_with_a_stable_uid_and_the_local_start(client, route):
    booking, token = book(client, route, "/en")
    address = url("routes:calendar", token=token)
    response = client.get("/en" + address)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{booking.reference}.ics"'
    assert response["Referrer-Policy"] == "strict-origin"
    assert "no-store" in response["Cache-Control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar["PRODID"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"booking-{booking.reference}@lujiazui"
    start = datetime.datetime.combine(booking.slot.date, booking.slot.start_time, SHANGHAI)
    assert event.decoded("DTSTART") == start
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event.decoded("DTSTART").hour == booking.slot.start_time.hour  # local, not UTC
    end = datetime.datetime.combine(booking.slot.date, booking.slot.end_time, SHANGHAI)
    assert event.decoded("DTEND") == end
    assert booking.reference in str(event["SUMMARY"])
    assert route.name in str(event["SUMMARY"])
    assert str(event["LOCATION"]) == route.stops.get(number=1).address
    assert str(event["STATUS"]) == "TENTATIVE"
    assert f"http://testserver/en{url('routes:manage', token=token)}" in str(event["DESCRIPTION"])
    rules.confirm(booking)
    again = icalendar.Calendar.from_ical(client.get(address).content).walk("VEVENT")[0]
    assert str(again["UID"]) == str(event["UID"])
    assert str(again["STATUS"]) == "CONFIRMED"


def test_calendar_file_of_a_cancelled_booking_says_cancelled(client, route):
    booking, token = book(client, route)
    rules.cancel(booking)
    response = client.get(url("routes:calendar", token=token))
    event = icalendar.Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED"


# Cancelling


def test_cancel_page_get_does_not_cancel(client, route):
    booking, token = book(client, route, "/en")
    response = client.get(url("routes:cancel", token=token))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<form method="post"' in page
    assert f'href="{manage_url(token)}"' in page  # a way back
    assert response["Referrer-Policy"] == "strict-origin"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    assert booking.slot.places_taken == 12


def test_cancel_post_cancels_frees_the_places_and_emails(
    client, route, django_capture_on_commit_callbacks
):
    booking, token = book(client, route, "/en", contact_email="a@example.cn")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en" + url("routes:cancel", token=token))
    assert response.status_code == 303
    assert response["Location"] == f"{manage_url(token, '/en')}?cancelled=1"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.slot.places_taken == 0
    assert len(mail.outbox) == 1
    assert f"Booking {booking.reference} cancelled" in mail.outbox[0].subject
    page = client.get(response["Location"]).content.decode()
    assert "Your booking is cancelled." in page
    assert url("routes:cancel", token=token) not in page


def test_cancel_sent_twice_cancels_once(client, route):
    booking, token = book(client, route)
    address = url("routes:cancel", token=token)
    assert client.post(address).status_code == 303
    response = client.post(address)
    assert response.status_code == 303
    booking.refresh_from_db()
    assert booking.slot.places_taken == 0


def test_cancel_after_the_cut_off_is_refused_with_a_message(client, route, confirmed_booking_today):
    booking = confirmed_booking_today(route)
    token = set_token(booking, "c" * 43)
    address = url("routes:cancel", "/en", token=token)
    hours = BookingSettings.load().cancellation_cutoff_hours
    with translation.override("en"):
        expected = ngettext(
            "Online cancellation closes %(hours)d hour before the visit.",
            "Online cancellation closes %(hours)d hours before the visit.",
            hours,
        ) % {"hours": hours}
    page = client.get(address).content.decode()
    assert expected in page
    assert '<form method="post"' not in page
    response = client.post(address)
    assert response.status_code == 200
    assert expected in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.slot.places_taken == 10
    manage_page = client.get(manage_url(token, "/en")).content.decode()
    assert expected in manage_page
    assert url("routes:cancel", token=token) not in manage_page


def test_cancel_of_a_declined_booking_is_refused(client, route):
    booking, token = book(client, route, "/en")
    rules.decline(booking, "维修")
    response = client.post("/en" + url("routes:cancel", token=token))
    assert response.status_code == 200
    assert "Only bookings that are waiting for approval or confirmed" in (response.content.decode())
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DECLINED


def test_cancel_needs_the_csrf_token(route):
    booking, token = rules.create_booking(
        route,
        rules.open_slots(route)[0].key,
        group_size=5,
        language="zh-hans",
        organization_name="甲",
        contact_name="乙",
        contact_phone="13800138000",
    )
    response = Client(enforce_csrf_checks=True).post(url("routes:cancel", token=token))
    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


# The privacy notice


@pytest.mark.parametrize("language, prefix", LANGUAGES)
def test_privacy_notice_in_each_language(client, language, prefix):
    rules_settings = BookingSettings.load()
    rules_settings.retention_days = 90
    rules_settings.privacy_notice_version = "2027-01-15"
    rules_settings.save()
    response = client.get(prefix + url("routes:privacy"))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}"' in page
    office = "陸家嘴街道辦事處" if language == "zh-hant" else "陆家嘴街道办事处"
    assert office in page
    assert "90" in page
    assert "2027-01-15" in page
    assert in_language(language, "Contact details will be published by the office.") in page
    assert in_language(language, "Your rights and how to use them") in page
    assert "<script" not in page


def test_privacy_notice_invents_no_phone_number_or_email(client):
    page = client.get("/en" + url("routes:privacy")).content.decode()
    main = page.split('<main id="main"')[1].split("</main>")[0]
    assert not re.search(r"\d{3,4}[- ]?\d{4}[- ]?\d{3,4}", main)
    assert "@" not in main
    assert "mailto:" not in main
    assert "Demo content" in main
