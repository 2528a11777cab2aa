"""The booking rules of routes/booking.py, with time passed in explicitly."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from routes import booking
from routes.booking import BookingError
from routes.models import UNAMBIGUOUS, Booking, BookingSettings, CheckIn, Closure, Route, Slot, Stop

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI)  # a Tuesday morning
NINE = datetime.time(9, 0)
DETAILS = {
    "organization_name": "仁恒居民区党支部",
    "contact_name": "唐佳",
    "contact_phone": "13800138000",
    "contact_email": "",
    "needs_guide": True,
    "note": "",
}


@pytest.fixture
def route():
    rules = BookingSettings.load()
    rules.lead_time_hours = 0
    rules.booking_window_days = 7
    rules.cancellation_cutoff_hours = 12
    rules.save()
    route = Route.objects.create(name="红色路线", slug="red")
    route.opening_rules.create(
        weekdays=list(range(7)), start_time=NINE, end_time=datetime.time(10, 30), capacity=20
    )
    for number in (1, 2):
        Stop.objects.create(route=route, number=number, name=f"点位{number}")
    return route


def key(day_offset=0, start=NINE):
    return booking.slot_key(NOW.date() + datetime.timedelta(days=day_offset), start)


def book(route, group_size=5, day_offset=0, **details):
    return booking.create_booking(
        route,
        key(day_offset),
        group_size=group_size,
        language="zh-hans",
        now=NOW,
        **(DETAILS | details),
    )


def test_open_slots_cover_the_window_from_the_rules(route):
    options = booking.open_slots(route, NOW)
    assert [option.date for option in options] == [
        NOW.date() + datetime.timedelta(days=n) for n in range(8)
    ]
    assert all(option.places_left == 20 for option in options)


def test_open_slots_leave_out_closures_and_times_inside_the_lead_time(route):
    Closure.objects.create(
        route=route,
        start_date=NOW.date() + datetime.timedelta(days=2),
        end_date=NOW.date() + datetime.timedelta(days=3),
        reason="维修",
    )
    rules = BookingSettings.load()
    rules.lead_time_hours = 2  # 08:00 + 2 h: today's 09:00 is too soon
    rules.save()
    dates = [option.date for option in booking.open_slots(route, NOW)]
    assert NOW.date() not in dates
    assert NOW.date() + datetime.timedelta(days=2) not in dates
    assert NOW.date() + datetime.timedelta(days=3) not in dates
    assert NOW.date() + datetime.timedelta(days=1) in dates


def test_create_booking_holds_places_and_keeps_only_a_hash_of_the_token(route):
    made, token = book(route, group_size=7)
    assert made.status == Booking.Status.PENDING
    assert len(made.reference) == 8 and set(made.reference) <= set(UNAMBIGUOUS)
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert token not in {str(value) for value in Booking.objects.values_list().get()}
    assert booking.booking_for_token(token) == made
    assert Slot.objects.get().places_taken == 7
    assert made.consent_version == BookingSettings.load().privacy_notice_version
    assert made.consent_at == NOW


def test_create_booking_in_an_existing_slot_gives_its_places_as_they_are_now(route):
    """The second booking uses the slot the open times read, by its id: its places taken
    are read again when asked for, not the count from before the booking."""
    first, _token = book(route, group_size=7)
    second, _token = book(route, group_size=4)
    assert second.slot.pk == first.slot.pk
    assert second.slot.places_taken == 11
    assert str(second.slot) == str(Slot.objects.get())


def test_create_booking_refuses_options_of_another_route(route):
    """Options name slots by id: one of another route is refused, not booked there."""
    other = Route.objects.create(name="另一条路线", slug="other")
    other.opening_rules.create(
        weekdays=list(range(7)), start_time=NINE, end_time=datetime.time(10, 30), capacity=20
    )
    book(other)
    with pytest.raises(BookingError):
        booking.create_booking(
            route,
            key(),
            group_size=5,
            language="zh-hans",
            now=NOW,
            options=booking.open_slots(other, NOW),
            **DETAILS,
        )
    assert Slot.objects.get().places_taken == 5
    assert Booking.objects.count() == 1


def test_create_booking_draws_another_reference_when_one_is_taken(route, monkeypatch):
    first, _token = book(route, group_size=7)
    drawn = iter([first.reference, "WXY34679"])
    monkeypatch.setattr(booking, "random_reference", lambda: next(drawn))
    second, _token = book(route, group_size=4)
    assert second.reference == "WXY34679"
    assert Slot.objects.get().places_taken == 11
    assert Booking.objects.count() == 2


def test_create_booking_gives_up_when_references_keep_clashing(route, monkeypatch):
    """Never in practice (a taken reference drawn three times in a row); an error then,
    with nothing half made."""
    first, _token = book(route, group_size=7)
    monkeypatch.setattr(booking, "random_reference", lambda: first.reference)
    with pytest.raises(IntegrityError):
        book(route, group_size=4)
    assert Slot.objects.get().places_taken == 7
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    "token_change",
    [lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"), lambda t: "", lambda t: t * 10],
)
def test_booking_for_token_refuses_other_tokens(route, token_change):
    _, token = book(route)
    assert booking.booking_for_token(token_change(token)) is None


@pytest.mark.parametrize("size", [0, 2, 41, 10000])
def test_create_booking_refuses_group_sizes_outside_the_range(route, size):
    with pytest.raises(BookingError) as error:
        book(route, group_size=size)
    assert error.value.code == "group_size"
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "slot", ["2026-11-30T09:00", "2026-12-01T11:00", "2027-12-01T09:00", "nonsense", ""]
)
def test_create_booking_refuses_times_that_are_not_open(route, slot):
    with pytest.raises(BookingError) as error:
        booking.create_booking(route, slot, group_size=5, language="en", now=NOW, **DETAILS)
    assert error.value.code == "no_slot"


def test_create_booking_refuses_a_full_slot(route):
    book(route, group_size=20 - 3)
    with pytest.raises(BookingError) as error:
        book(route, group_size=5)
    assert error.value.code == "full"
    assert Booking.objects.count() == 1
    assert Slot.objects.get().places_taken == 17


def test_slot_cannot_be_overbooked_even_by_a_direct_update(route):
    book(route, group_size=20)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.update(places_taken=F("places_taken") + 1)


def test_confirm_once(route):
    made, _ = book(route)
    booking.confirm(made)
    assert Booking.objects.get().status == Booking.Status.CONFIRMED
    with pytest.raises(BookingError) as error:
        booking.confirm(made)
    assert error.value.code == "stale"


def test_decline_needs_a_reason_and_frees_the_places(route):
    made, _ = book(route, group_size=6)
    with pytest.raises(BookingError):
        booking.decline(made, "  ")
    booking.decline(made, "当天闭馆")
    made.refresh_from_db()
    assert made.status == Booking.Status.DECLINED
    assert made.decline_reason == "当天闭馆"
    assert Slot.objects.get().places_taken == 0


def test_cancel_before_the_cutoff_frees_the_places(route):
    made, _ = book(route, group_size=6, day_offset=1)
    booking.cancel(made, now=NOW)
    assert Booking.objects.get().status == Booking.Status.CANCELLED
    assert Slot.objects.get().places_taken == 0
    with pytest.raises(BookingError):
        booking.cancel(made, now=NOW)  # a second click changes nothing
    assert Slot.objects.get().places_taken == 0


def test_cancel_after_the_cutoff_is_refused(route):
    made, _ = book(route, day_offset=0)  # 09:00 today; the cut-off is 12 hours before
    with pytest.raises(BookingError) as error:
        booking.cancel(made, now=NOW)
    assert error.value.code == "too_late"
    assert Booking.objects.get().status == Booking.Status.PENDING


def test_no_show_only_for_confirmed_bookings_from_the_day_of_the_visit(route):
    made, _ = book(route, day_offset=1)
    day_of_visit = NOW + datetime.timedelta(days=1)
    with pytest.raises(BookingError):
        booking.mark_no_show(made, now=day_of_visit)
    booking.confirm(made)
    with pytest.raises(BookingError) as error:
        booking.mark_no_show(made, now=NOW)
    assert error.value.code == "not_yet"
    booking.mark_no_show(made, now=day_of_visit)
    assert Booking.objects.get().status == Booking.Status.NO_SHOW


@pytest.fixture
def confirmed(route):
    made, _ = book(route)
    booking.confirm(made)
    return made


def test_check_in_counts_once_per_stop(route, confirmed):
    stop = route.stops.get(number=1)
    first, created = booking.check_in(stop, confirmed.reference.lower(), "8000", now=NOW)
    again, created_again = booking.check_in(stop, f" {confirmed.reference} ", "8000", now=NOW)
    assert created and not created_again and first == again
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize(
    "reference, last_four, code",
    [("WRONGREF", "8000", "unknown"), (None, "1234", "unknown"), (None, "800", "unknown")],
)
def test_check_in_refuses_wrong_details(route, confirmed, reference, last_four, code):
    stop = route.stops.get(number=1)
    with pytest.raises(BookingError) as error:
        booking.check_in(stop, reference or confirmed.reference, last_four, now=NOW)
    assert error.value.code == code
    assert not CheckIn.objects.exists()


def test_check_in_only_for_confirmed_bookings_on_their_day(route):
    pending, _ = book(route)
    stop = route.stops.get(number=1)
    with pytest.raises(BookingError) as error:
        booking.check_in(stop, pending.reference, "8000", now=NOW)
    assert error.value.code == "not_confirmed"
    tomorrow, _ = book(route, day_offset=1)
    booking.confirm(tomorrow)
    with pytest.raises(BookingError) as error:
        booking.check_in(stop, tomorrow.reference, "8000", now=NOW)
    assert error.value.code == "not_today"


def test_check_in_refuses_a_booking_of_another_route(route, confirmed):
    other = Route.objects.create(name="另一条路线", slug="other")
    stop = Stop.objects.create(route=other, number=1, name="别处")
    with pytest.raises(BookingError):
        booking.check_in(stop, confirmed.reference, "8000", now=NOW)


def test_purge_removes_contact_details_and_keeps_the_booking(route, confirmed):
    recent, _ = book(route, day_offset=1, contact_email="a@example.com", note="备注")
    later = NOW + datetime.timedelta(days=BookingSettings.load().retention_days + 1)
    assert booking.purge_contact_details(now=later) == 1  # only the visit of day 0
    confirmed.refresh_from_db()
    assert (confirmed.contact_name, confirmed.contact_phone, confirmed.purged_at) == ("", "", later)
    assert confirmed.group_size == 5 and confirmed.organization_name
    recent.refresh_from_db()
    assert recent.contact_phone == "13800138000"
    assert Booking.objects.count() == 2
    with pytest.raises(BookingError):
        booking.check_in(route.stops.get(number=1), confirmed.reference, "8000", now=NOW)


def test_masked_phone():
    assert Booking(contact_phone="13800138000").masked_phone == "138****8000"
    assert Booking(contact_phone="").masked_phone == "****"


def test_visit_starts_at_is_shanghai_time(route):
    made, _ = book(route)
    assert timezone.localtime(booking.visit_starts_at(made)).hour == 9


def test_staff_may_book_today_inside_the_lead_time(route):
    rules = BookingSettings.load()
    rules.lead_time_hours = 48
    rules.save()
    late = NOW.replace(hour=12)  # today's 09:00 visit has begun
    with pytest.raises(BookingError):
        booking.create_booking(route, key(), group_size=5, language="en", now=late, **DETAILS)
    made, _ = booking.create_booking(
        route, key(), group_size=5, language="en", now=late, by_staff=True, **DETAILS
    )
    assert made.slot.date == NOW.date()
