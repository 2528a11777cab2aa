"""Holes found in review: stale admin saves, address-bar lookups, odd input, logs."""

import datetime
import logging
from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from lujiazui.log_filters import RedactBookingTokens
from routes import booking as rules
from routes.models import Booking, Slot

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


def book(route, days=2, group_size=5):
    day = timezone.localdate() + datetime.timedelta(days=days)
    booking, token = rules.create_booking(
        route,
        rules.slot_key(day, rules.open_slots(route)[0].start_time),
        group_size=group_size,
        language="zh-hans",
        organization_name="仁恒居民区党支部",
        contact_name="唐佳",
        contact_phone=PHONE,
    )
    return booking, token


def test_admin_edit_never_brings_back_a_cancelled_booking(route, admin_user):
    booking, _ = book(route)
    stale = Booking.objects.get(pk=booking.pk)  # as the admin form loaded it
    rules.cancel(booking)  # meanwhile, the group cancels online
    stale.contact_name = "唐佳（改）"
    request = RequestFactory().post("/")
    request.user = admin_user
    site._registry[Booking].save_model(
        request, stale, SimpleNamespace(changed_data=["contact_name"]), change=True
    )
    fresh = Booking.objects.select_related("slot").get(pk=booking.pk)
    assert fresh.status == Booking.Status.CANCELLED
    assert fresh.contact_name == "唐佳（改）"
    assert fresh.slot.places_taken == 0


def test_slot_capacity_never_below_places_booked_meanwhile(route, admin_client):
    booking, _ = book(route, group_size=20)
    slot = booking.slot
    response = admin_client.post(
        reverse("admin:routes_slot_change", args=[slot.pk]),
        {"end_time": "15:30", "capacity": "10"},
        follow=True,
    )
    assert response.status_code == 200
    slot.refresh_from_db()
    assert slot.capacity == 30 and slot.places_taken == 20
    with pytest.raises(rules.BookingError):
        rules.change_slot(slot, capacity=19, end_time=slot.end_time)
    rules.change_slot(slot, capacity=20, end_time=slot.end_time)
    assert Slot.objects.get().capacity == 20


@pytest.mark.parametrize(
    "lookup",
    [
        "contact_phone__startswith=138",
        "contact_phone__endswith=5678",
        "contact_email__startswith=a",
        "note__icontains=x",
        "contact_name__contains=唐",
        "token_hash__startswith=a",
    ],
)
def test_admin_lookups_on_contact_details_need_the_permission(
    route, client, django_user_model, lookup
):
    book(route)
    clerk = django_user_model.objects.create_user("clerk", password="x-7Hq9!pLm", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_booking"))
    client.force_login(clerk)
    url = f"{reverse('admin:routes_booking_changelist')}?{lookup}"
    assert client.get(url).status_code == 400
    clerk.user_permissions.add(Permission.objects.get(codename="view_contact_details"))
    clerk = django_user_model.objects.get(pk=clerk.pk)
    client.force_login(clerk)
    assert client.get(url).status_code == 200


def test_admin_slot_list_links_to_its_bookings(route, admin_client):
    booking, _ = book(route)
    book(route, days=3)
    page = admin_client.get(reverse("admin:routes_slot_changelist")).content.decode()
    link = f"?slot__id__exact={booking.slot_id}"
    assert link in page
    listing = admin_client.get(reverse("admin:routes_booking_changelist") + link)
    assert list(listing.context["cl"].result_list) == [booking]


def test_confirming_a_past_visit_is_refused(route, confirmed_booking_today):
    booking = confirmed_booking_today(route, status="pending")
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(rules.BookingError) as error:
        rules.confirm(booking, now=tomorrow)
    assert error.value.code == "past"


def test_booking_form_refuses_an_email_longer_than_the_column(client, route):
    option = rules.open_slots(route)[0]
    response = client.post(
        reverse("routes:book", kwargs={"slug": route.slug}),
        {
            "organization_name": "单位",
            "contact_name": "联系人",
            "contact_phone": PHONE,
            "contact_email": "a" * 250 + "@example.com",
            "group_size": "5",
            "slot": option.key,
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert "contact_email" in response.context["form"].errors
    assert not Booking.objects.exists()


@pytest.mark.parametrize("code", ["AB%00CD", "%E4%B8%AD", "a" * 17, "A-B"])
def test_odd_check_in_links_are_not_found(client, code):
    assert client.get(f"/q/{code}").status_code == 404


def test_check_in_link_ignores_letter_case(client, route):
    stop = route.stops.get(number=1)
    response = client.get(f"/q/{stop.check_in_code.lower()}")
    assert response.status_code == 302


def test_check_in_digits_cannot_be_guessed(route, confirmed_booking_today):
    booking = confirmed_booking_today(route, phone=PHONE)
    stop = route.stops.get(number=1)
    for guess in range(rules.CHECK_IN_TRIES):
        with pytest.raises(rules.BookingError):
            rules.check_in(stop, booking.reference, f"{guess:04d}")
    with pytest.raises(rules.BookingError) as error:
        rules.check_in(stop, booking.reference, PHONE[-4:])  # right, but too late
    assert error.value.code == "too_many"
    assert not booking.check_ins.exists()


def test_booking_tokens_are_kept_out_of_the_logs():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Not Found", "/en/bookings/SeCrEt-token_123/calendar.ics"),
        None,
    )
    RedactBookingTokens().filter(record)
    assert "SeCrEt" not in record.getMessage()
    assert "/en/bookings/[token]/calendar.ics" in record.getMessage()
