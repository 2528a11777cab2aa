"""`make bench` keeps working: the data set it builds (at a tiny scale) is consistent, and the
page bench measures every page on it within the query budget."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F, Q, Sum
from django.test import override_settings
from django.utils import timezone

from events.models import Attendance, Event, Photo, Section, Speech
from lujiazui import demo_content, demo_route
from lujiazui.management.commands import bench_data, bench_pages
from routes.models import Booking, CheckIn, Slot
from speakers.models import Organization, Speaker
from tests import factories

pytestmark = pytest.mark.django_db
SCALE = 0.002


def test_bench_data_refuses_a_database_with_other_content():
    # First in the module: the data set below is built once for the tests after this one.
    organization = factories.organization()
    with pytest.raises(CommandError, match="did not build"):
        call_command("bench_data", scale=SCALE, stdout=io.StringIO())
    assert Organization.objects.filter(pk=organization.pk).exists()
    assert not Event.objects.exists()


@pytest.fixture(scope="module")
def bench_set(django_db_setup, django_db_blocker, tmp_path_factory):
    """The data set at a tiny scale, built once for the module and rolled back after it."""
    media = tmp_path_factory.mktemp("bench-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        out = io.StringIO()
        call_command("bench_data", scale=SCALE, stdout=out)
        yield {"output": out.getvalue(), "media": media}
        transaction.set_rollback(True)


def bench_events():
    return Event.objects.exclude(slug=demo_content.EVENT["slug"])


def bench_bookings():
    return Booking.objects.exclude(organization_name=demo_route.BOOKING["organization_name"])


def test_bench_data_counts_follow_the_scale(bench_set):
    events = bench_events()
    expected = {name: bench_data.scaled(count, SCALE) for name, count in bench_data.COUNTS.items()}
    assert events.count() == expected["events"]
    assert Section.objects.filter(event__in=events).count() == 3 * expected["events"]
    assert Speech.objects.filter(event__in=events).count() == 8 * expected["events"]
    assert Attendance.objects.filter(event__in=events).count() == 10 * expected["events"]
    assert Photo.objects.filter(event__in=events).count() == 6 * expected["events"]
    assert Speaker.objects.count() == expected["speakers"] + len(demo_content.SPEAKERS)
    assert bench_bookings().count() == expected["bookings"]
    assert CheckIn.objects.count() == expected["check_ins"]
    assert "Bench data set built" in bench_set["output"]


def test_bench_data_places_taken_match_the_bookings_holding_places(bench_set):
    holding = Q(bookings__status__in=Booking.HOLDS_PLACES)
    slots = Slot.objects.annotate(held=Sum("bookings__group_size", filter=holding))
    assert slots.filter(places_taken__gt=0).exists()
    assert [(s.places_taken, s.held or 0) for s in slots if s.places_taken != (s.held or 0)] == []
    assert not Slot.objects.filter(places_taken__gt=F("capacity")).exists()


def test_bench_data_checks_in_only_confirmed_groups_of_past_visits(bench_set):
    check_ins = CheckIn.objects.all()
    assert check_ins.exists()
    assert not check_ins.exclude(booking__status=Booking.Status.CONFIRMED).exists()
    assert not check_ins.filter(booking__slot__date__gte=timezone.localdate()).exists()


def test_bench_data_fills_traditional_text_and_real_renditions(bench_set):
    event = bench_events().first()
    assert event.title_zh_hant and event.title_zh_hant != event.title_zh_hans
    assert event.is_traditional_derived("title")
    photo = Photo.objects.filter(event=event).first()
    renditions = photo.image.renditions
    assert renditions["webp"] and (bench_set["media"] / renditions["webp"][0]["name"]).exists()


def test_bench_data_reuses_a_set_of_the_same_scale(bench_set):
    out = io.StringIO()
    call_command("bench_data", scale=SCALE, reuse=True, stdout=out)
    assert "built already" in out.getvalue()
    assert bench_events().count() == bench_data.scaled(bench_data.COUNTS["events"], SCALE)


def test_bench_pages_measures_every_page_within_the_budget(bench_set, tmp_path):
    bookings = bench_bookings().count()
    places = Slot.objects.aggregate(Sum("places_taken"))["places_taken__sum"]
    report = tmp_path / "pages.json"
    call_command("bench_pages", runs=1, json_path=str(report), stdout=io.StringIO())
    figures = json.loads(report.read_text())
    pages = {(page["page"], page["language"]) for page in figures["pages"]}
    expected = {
        (label, language)
        for label, language, _path in bench_pages.page_list(bench_pages.subjects())
    }
    assert pages == expected | {("booking POST", "zh-hans")}
    assert figures["failures"] == []
    for page in figures["pages"]:
        assert 200 <= page["status"] < 400, page
        assert page["method"] == "POST" or page["queries"] <= bench_pages.QUERY_BUDGET, page
        assert page["median_ms"] > 0 and page["ratio"] > 0
    # The booking POSTs booked, and their bookings are gone again with their places.
    post = next(page for page in figures["pages"] if page["method"] == "POST")
    assert post["status"] == 303
    assert bench_bookings().count() == bookings
    assert Slot.objects.aggregate(Sum("places_taken"))["places_taken__sum"] == places


def test_bench_pages_fails_on_too_many_queries_an_error_or_a_post_that_did_not_book():
    page = {"page": "p", "language": "zh-hans", "path": "/p/", "method": "GET"}
    results = [
        {**page, "page": "bare view", "status": 200, "queries": 0},
        {**page, "status": 200, "queries": bench_pages.QUERY_BUDGET},
        {**page, "status": 302, "queries": bench_pages.QUERY_BUDGET + 1},
        {**page, "status": 500, "queries": 1},
        {**page, "method": "POST", "status": 200, "queries": 30},
    ]
    failures = bench_pages.Command().failures(results)
    assert failures == [
        f"p (zh-hans, /p/): {bench_pages.QUERY_BUDGET + 1} queries, over 10",
        "p (zh-hans, /p/): answered 500",
        "p (zh-hans, /p/): answered 200",
    ]
