"""The red route demo content loaded by ``manage.py load_demo``."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from routes import booking as rules
from routes.models import Booking, BookingSettings, OpeningRule, Route, Slot, Stop

pytestmark = pytest.mark.django_db


def load():
    call_command("load_demo", "--no-accounts", stdout=io.StringIO())


def snapshot():
    return {
        "counts": [model.objects.count() for model in (Route, Stop, OpeningRule)],
        "codes": dict(Stop.objects.values_list("number", "check_in_code")),
    }


def test_demo_route_load_twice_keeps_rows_and_check_in_codes():
    load()
    first = snapshot()
    load()
    assert snapshot() == first
    assert first["counts"] == [1, 13, 2]
    assert len(set(first["codes"].values())) == 13


def test_demo_route_keeps_check_in_code_after_staff_edit():
    load()
    stop = Stop.objects.get(number=1)
    code = stop.check_in_code
    stop.name = "员工改过的名字"
    stop.save()
    load()
    stop.refresh_from_db()
    assert stop.check_in_code == code


def test_demo_route_is_marked_demo_with_13_numbered_stops():
    load()
    route = Route.objects.get(slug="lujiazui-red-route")
    assert route.is_demo
    assert route.name == "陆家嘴改革开放红色路线"
    assert route.name_en == "Lujiazui Reform and Opening Red Route"
    assert "13" in route.summary and "人民网上海频道" in route.summary
    assert route.name_zh_hant == "陸家嘴改革開放紅色路線"
    stops = list(route.stops.order_by("number"))
    assert [stop.number for stop in stops] == list(range(1, 14))
    for stop in stops:
        assert stop.is_demo
        assert stop.name_en
        assert stop.summary.startswith("演示点位")
        assert stop.coordinate_system == Stop.CoordinateSystem.GCJ02
        # Lujiazui, roughly
        assert Decimal("31.22") < stop.latitude < Decimal("31.25"), stop
        assert Decimal("121.49") < stop.longitude < Decimal("121.53"), stop
    assert stops[0].name == "浦东开发陈列馆"
    assert stops[0].address == "浦东新区浦东大道141号"


def test_demo_route_can_be_booked_over_the_next_eight_weeks():
    load()
    route = Route.objects.get(slug="lujiazui-red-route")
    options = rules.open_slots(route)
    assert options
    today = timezone.localdate()
    assert options[-1].date >= today + datetime.timedelta(weeks=7)
    assert {option.date.weekday() for option in options} == set(range(7))
    assert {option.capacity for option in options} == {40}
    assert BookingSettings.objects.count() == 1


def test_demo_has_one_example_booking_for_today_waiting_for_approval():
    load()
    load()
    example = Booking.objects.get()
    assert example.slot.date == timezone.localdate()
    assert example.status == Booking.Status.PENDING
    assert "示例" in example.organization_name
    assert example.slot.places_taken == example.group_size
    assert Slot.objects.count() == 1
