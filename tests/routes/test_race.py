"""Many groups racing for the last places of one slot, each thread with its own connection.

Runs on both databases: on SQLite, writers queue (IMMEDIATE transactions, a file database)
and must not fail; on PostgreSQL they truly overlap. There, the unguarded variant swaps the
conditional UPDATE for a naive read-check-write and shows that the race is real, so the
guarded test is known to bite.
"""

import datetime
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections

from routes import booking
from routes.booking import BookingError
from routes.models import Booking, BookingSettings, Route, Slot

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 40
GROUP = 5
CAPACITY = 30
ALREADY_TAKEN = 10  # 20 places left: room for exactly four groups of five
NOW = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
NINE = datetime.time(9, 0)


@pytest.fixture
def route():
    rules = BookingSettings.load()
    rules.lead_time_hours = 0
    rules.save()
    route = Route.objects.create(name="红色路线", slug="red")
    route.opening_rules.create(
        weekdays=list(range(7)), start_time=NINE, end_time=datetime.time(10, 30), capacity=CAPACITY
    )
    return route


def race(route, threads=THREADS):
    """Start ``threads`` bookings of GROUP people at the same moment; count the outcomes."""
    start = threading.Barrier(threads)
    outcomes = Counter()
    unexpected = []

    def attempt(n):
        try:
            start.wait()
            booking.create_booking(
                route,
                booking.slot_key(NOW.date(), NINE),
                group_size=GROUP,
                language="zh-hans",
                now=NOW,
                organization_name=f"单位{n}",
                contact_name="联系人",
                contact_phone="13800138000",
            )
            outcomes["booked"] += 1
        except BookingError as error:
            outcomes[error.code] += 1
        except Exception as error:  # any other failure would be a 500 for someone
            unexpected.append(repr(error))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=attempt, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not unexpected, unexpected
    return outcomes


def booked_people():
    return sum(
        Booking.objects.filter(status__in=Booking.HOLDS_PLACES).values_list("group_size", flat=True)
    )


def test_race_for_the_last_places_books_exactly_the_capacity(route):
    Slot.objects.create(
        route=route,
        date=NOW.date(),
        start_time=NINE,
        end_time=datetime.time(10, 30),
        capacity=CAPACITY,
        places_taken=ALREADY_TAKEN,
    )
    outcomes = race(route)
    assert outcomes == {"booked": 4, "full": THREADS - 4}
    assert booked_people() == CAPACITY - ALREADY_TAKEN
    assert Slot.objects.get().places_taken == CAPACITY


def test_race_for_a_slot_not_yet_made_creates_it_once(route):
    outcomes = race(route, threads=10)
    assert outcomes == {"booked": 6, "full": 4}
    assert Slot.objects.count() == 1
    assert Slot.objects.get().places_taken == booked_people() == CAPACITY


def naive_take_places(slot, people):
    """What the guard replaces: read, check in Python, write back."""
    current = Slot.objects.get(pk=slot.pk)
    if current.places_left < people:
        raise BookingError("full", "full")
    time.sleep(0.01)  # the moment between check and write that real load provides
    Slot.objects.filter(pk=slot.pk).update(places_taken=current.places_taken + people)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's IMMEDIATE transactions serialize even the naive version",
)
def test_race_without_the_guard_overbooks(route, monkeypatch):
    monkeypatch.setattr(booking, "take_places", naive_take_places)
    Slot.objects.create(
        route=route,
        date=NOW.date(),
        start_time=NINE,
        end_time=datetime.time(10, 30),
        capacity=CAPACITY,
        places_taken=ALREADY_TAKEN,
    )
    race(route)
    assert booked_people() > CAPACITY - ALREADY_TAKEN
