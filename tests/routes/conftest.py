"""Shared builders for the red route tests.

Fixtures (names are stable, other test modules use them):

* ``route`` — a Route with 13 stops (with GCJ-02 coordinates around Lujiazui) and opening
  rules Monday to Sunday 09:00–10:30 and 14:00–15:30, 30 people each.
* ``make_route(stops=3, coordinates=True, **fields)`` — the same with any number of stops.
* ``confirmed_booking_today(route, phone="13800138000", group_size=10)`` — a confirmed
  booking in a slot today (09:00, whatever the time now), made with ``routes.booking``.

The plain functions ``build_route`` and ``book_confirmed_today`` do the same outside
fixtures (``from tests.routes.conftest import build_route``).
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from routes import booking as rules
from routes.models import Booking, OpeningRule, Route, Slot, Stop

_sequence = itertools.count(1)
EVERY_DAY = list(range(7))
OPENING_TIMES = [
    (datetime.time(9, 0), datetime.time(10, 30)),
    (datetime.time(14, 0), datetime.time(15, 30)),
]
# Around Lujiazui (GCJ-02): the first stop near the Oriental Pearl Tower, then eastwards.
FIRST_LATITUDE = Decimal("31.239700")
FIRST_LONGITUDE = Decimal("121.495000")


def build_route(stops=13, coordinates=True, capacity=30, **fields):
    n = next(_sequence)
    fields = {
        "name": f"红色路线{n}",
        "slug": f"route-{n}",
        "summary": "沿着陆家嘴的红色足迹。",
        "body": "<p>从东方明珠出发。</p>",
    } | fields
    route = Route.objects.create(**fields)
    for number in range(1, stops + 1):
        Stop.objects.create(
            route=route,
            number=number,
            name=f"站点{number}",
            summary=f"第{number}站简介",
            address=f"浦东新区陆家嘴环路{number}号",
            opening_hours="9:00–17:00",
            suggested_minutes=20,
            latitude=FIRST_LATITUDE - Decimal("0.0008") * number if coordinates else None,
            longitude=FIRST_LONGITUDE + Decimal("0.0012") * number if coordinates else None,
        )
    for start, end in OPENING_TIMES:
        OpeningRule.objects.create(
            route=route, weekdays=EVERY_DAY, start_time=start, end_time=end, capacity=capacity
        )
    return route


def book_confirmed_today(route, phone="13800138000", group_size=10, status="confirmed"):
    """A booking for today at 09:00 made and confirmed through ``routes.booking``.

    ``create_booking`` cannot book today (lead time, and the slot may have started), so the
    slot and the pending booking are written directly; places and the confirmation go
    through the rules module. ``status="pending"`` leaves it unconfirmed.
    """
    start, end = OPENING_TIMES[0]
    slot, _created = Slot.objects.get_or_create(
        route=route,
        date=timezone.localdate(),
        start_time=start,
        defaults={"end_time": end, "capacity": 30},
    )
    rules.take_places(slot, group_size)
    booking = Booking.objects.create(
        reference=rules.random_reference(),
        slot=slot,
        group_size=group_size,
        language="zh-hans",
        consent_at=timezone.now(),
        consent_version="test",
        token_hash=rules.hash_token(f"token-{next(_sequence)}"),
        organization_name="陆家嘴金融城党委",
        contact_name="张三",
        contact_phone=phone,
    )
    if status == "confirmed":
        rules.confirm(booking)
    return booking


@pytest.fixture
def make_route(db):
    return build_route


@pytest.fixture
def route(make_route):
    return make_route(stops=13)


@pytest.fixture
def confirmed_booking_today(db):
    return book_confirmed_today
