"""Retention: ``manage.py purge_contact_details`` removes old contact details, keeps counts."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from routes import booking as rules
from routes.models import Booking, BookingSettings, Slot

pytestmark = pytest.mark.django_db


def visit(route, days_ago, phone, status=Booking.Status.CONFIRMED):
    """A booking whose visit was ``days_ago`` days ago (written directly: the rules cannot
    book the past)."""
    slot, _created = Slot.objects.get_or_create(
        route=route,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        start_time=datetime.time(9, 0),
        defaults={"end_time": datetime.time(10, 30), "capacity": 30},
    )
    rules.take_places(slot, 6)
    return Booking.objects.create(
        reference=rules.random_reference(),
        slot=slot,
        status=status,
        group_size=6,
        language="zh-hans",
        consent_at=timezone.now(),
        consent_version="test",
        token_hash=rules.hash_token(f"token-{phone}"),
        organization_name="仁恒居民区党支部",
        contact_name="唐佳",
        contact_phone=phone,
        contact_email="tangjia@example.com",
        note="需要讲解",
    )


def purge():
    out = io.StringIO()
    call_command("purge_contact_details", stdout=out)
    return out.getvalue()


def test_retention_purges_old_contact_details_and_keeps_the_booking(route):
    old = visit(route, days_ago=181, phone="13800000001")
    recent = visit(route, days_ago=10, phone="13800000002")
    assert "removed from 1 booking" in purge()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.contact_name, old.contact_phone, old.contact_email, old.note) == ("", "", "", "")
    assert old.purged_at is not None
    assert old.group_size == 6 and old.organization_name == "仁恒居民区党支部"
    assert recent.contact_phone == "13800000002" and recent.purged_at is None
    assert Booking.objects.count() == 2


def test_retention_output_has_no_personal_data(route):
    visit(route, days_ago=400, phone="13800000003")
    output = purge()
    assert "13800000003" not in output and "唐佳" not in output and "example.com" not in output


def test_retention_follows_the_setting(route):
    settings_row = BookingSettings.load()
    settings_row.retention_days = 5
    settings_row.save()
    booking = visit(route, days_ago=10, phone="13800000004")
    purge()
    booking.refresh_from_db()
    assert booking.contact_phone == ""


def test_retention_twice_purges_once(route):
    visit(route, days_ago=200, phone="13800000005")
    assert "removed from 1 " in purge()
    assert "removed from 0 " in purge()


def test_retention_purged_booking_shows_no_contact_in_admin(staff_client, route):
    booking = visit(route, days_ago=200, phone="13800000006")
    purge()
    page = staff_client.get(f"/admin/routes/booking/{booking.pk}/change/").content.decode()
    assert "13800000006" not in page
    assert booking.reference in page
