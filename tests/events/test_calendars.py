"""Calendar files of events, read back with icalendar as calendar programs do."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from lujiazui.publishing import Publishable
from tests import factories

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
LANGUAGES = {"": "zh-hans", "/zh-hant": "zh-hant", "/en": "en"}


def path(name, **kwargs):
    """The address without a language prefix, whatever language a request left active."""
    with translation.override("zh-hans"):
        return reverse(name, kwargs=kwargs)


def fetch(client, address):
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    ical = icalendar.Calendar.from_ical(response.content)
    assert str(ical["VERSION"]) == "2.0"
    assert str(ical["PRODID"]).startswith("-//Lujiazui Subdistrict//")
    assert str(ical["CALSCALE"]) == "GREGORIAN"
    assert str(ical["METHOD"]) == "PUBLISH"
    assert str(ical["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    return response, ical


def event_file(client, event, prefix=""):
    return fetch(client, prefix + path("events:event_calendar", slug=event.slug))


def subscribed(client, prefix=""):
    return fetch(client, prefix + path("events:calendar"))[1]


def shanghai(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def in_days(days, hour=9):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour), SHANGHAI)


# One event's file


def test_event_file_in_shanghai_time_with_its_wall_time(client):
    event = factories.event(
        speeches=0,
        title="党建联席会议",
        summary="庆祝建党99周年",
        theme="党建引领 多元参与",
        venue="上海国际会议中心",
        start=shanghai(2030, 6, 30, 14, 0),
        end=shanghai(2030, 6, 30, 17, 30),
    )
    response, ical = event_file(client, event)
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    assert [str(tz["TZID"]) for tz in ical.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    (vevent,) = ical.walk("VEVENT")
    start = vevent.decoded("DTSTART")
    assert start == shanghai(2030, 6, 30, 14, 0)
    assert str(start.tzinfo) == "Asia/Shanghai"
    assert (start.hour, start.minute) == (14, 0)  # the wall time in Shanghai, not UTC
    assert vevent["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert vevent.decoded("DTEND") == shanghai(2030, 6, 30, 17, 30)
    assert vevent["DTEND"].params["TZID"] == "Asia/Shanghai"
    assert vevent.decoded("DTSTAMP").tzinfo is not None
    assert str(vevent["UID"]) == f"event-{event.pk}@lujiazui"
    assert str(vevent["SUMMARY"]) == "党建联席会议"
    assert str(vevent["LOCATION"]) == "上海国际会议中心"
    url = f"http://testserver/events/{event.slug}/"
    assert str(vevent["URL"]) == url
    description = str(vevent["DESCRIPTION"])
    assert "庆祝建党99周年" in description
    assert "党建引领 多元参与" in description
    assert url in description
    assert "X-WR-CALNAME" not in ical  # added to the reader's calendar, not a calendar of its own


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_event_file_in_each_language_same_uid(client, prefix):
    event = factories.event(
        speeches=0,
        title="党建联席会议",
        title_en="Party-building joint meeting",
        venue="上海国际会议中心",
        venue_en="Shanghai International Convention Center",
    )
    _, ical = event_file(client, event, prefix)
    (vevent,) = ical.walk("VEVENT")
    summary, location = {
        "zh-hans": ("党建联席会议", "上海国际会议中心"),
        "zh-hant": ("黨建聯席會議", "上海國際會議中心"),
        "en": ("Party-building joint meeting", "Shanghai International Convention Center"),
    }[LANGUAGES[prefix]]
    assert str(vevent["SUMMARY"]) == summary
    assert str(vevent["LOCATION"]) == location
    assert str(vevent["URL"]) == f"http://testserver{prefix}/events/{event.slug}/"
    assert str(vevent["UID"]) == f"event-{event.pk}@lujiazui"


def test_event_file_falls_back_to_simplified(client):
    event = factories.event(speeches=0, title="红色路线发布")
    _, ical = event_file(client, event, "/en")
    assert str(ical.walk("VEVENT")[0]["SUMMARY"]) == "红色路线发布"


def test_event_uid_stable_after_title_and_slug_change(client):
    event = factories.event(speeches=0, slug="old-slug")
    before = event_file(client, event)[1].walk("VEVENT")[0]
    event.title = "新标题"
    event.slug = "new-slug"
    event.save()
    after = event_file(client, event)[1].walk("VEVENT")[0]
    assert str(after["UID"]) == str(before["UID"])
    assert str(after["SUMMARY"]) == "新标题"
    assert str(after["URL"]) == "http://testserver/events/new-slug/"
    assert client.get("/events/old-slug/event.ics").status_code == 404


def test_event_file_whose_start_time_is_unknown_is_all_day(client):
    # Midnight in Shanghai is still the day before in UTC.
    event = factories.event(speeches=0, start=shanghai(2030, 7, 1, 0, 0), start_time_known=False)
    _, ical = event_file(client, event)
    (vevent,) = ical.walk("VEVENT")
    assert vevent["DTSTART"].params["VALUE"] == "DATE"
    assert vevent.decoded("DTSTART") == datetime.date(2030, 7, 1)
    assert vevent.decoded("DTEND") == datetime.date(2030, 7, 2)  # the end is exclusive
    assert not isinstance(vevent.decoded("DTSTART"), datetime.datetime)


def test_event_file_all_day_over_several_days_ends_after_the_last(client):
    event = factories.event(
        speeches=0,
        start=shanghai(2030, 7, 1, 0, 0),
        end=shanghai(2030, 7, 3, 0, 0),
        start_time_known=False,
    )
    (vevent,) = event_file(client, event)[1].walk("VEVENT")
    assert vevent.decoded("DTSTART") == datetime.date(2030, 7, 1)
    assert vevent.decoded("DTEND") == datetime.date(2030, 7, 4)


def test_event_file_without_an_end_invents_none(client):
    event = factories.event(speeches=0, start=shanghai(2030, 7, 1, 9, 30), end=None)
    (vevent,) = event_file(client, event)[1].walk("VEVENT")
    assert vevent.decoded("DTSTART") == shanghai(2030, 7, 1, 9, 30)
    assert "DTEND" not in vevent
    assert "DURATION" not in vevent
    assert "LOCATION" not in vevent  # no venue given


def test_event_file_with_a_chinese_slug_names_the_file(client):
    event = factories.event(speeches=0, slug="党建联席会议")
    response, _ = event_file(client, event)
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E5%85%9A%E5%BB%BA%E8%81%94%E5%B8%AD%E4%BC%9A%E8%AE%AE.ics"
    )


@pytest.mark.parametrize(
    "status, delay",
    [
        (Publishable.Status.DRAFT, -1),
        (Publishable.Status.SUBMITTED, -1),
        (Publishable.Status.PUBLISHED, 1),
    ],
    ids=["draft", "submitted", "scheduled"],
)
def test_event_file_of_unpublished_event_not_found(client, staff_client, status, delay):
    event = factories.event(
        status=status, publish_at=timezone.now() + datetime.timedelta(days=delay)
    )
    address = path("events:event_calendar", slug=event.slug)
    assert client.get(address).status_code == 404
    assert staff_client.get(address).status_code == 404  # no calendar of a preview


@pytest.mark.parametrize("items", [1, 3])
def test_event_file_query_count_constant(client, django_assert_num_queries, items):
    event = factories.full_event(items)
    with django_assert_num_queries(1):
        response = client.get(path("events:event_calendar", slug=event.slug))
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == 1


# The calendar to subscribe to


def test_subscribed_calendar_holds_upcoming_and_last_year_events(client):
    soon = factories.event(speeches=0, start=in_days(3))
    later = factories.event(speeches=0, start=in_days(40))
    running = factories.event(speeches=0, start=in_days(-2), end=in_days(2))
    recent = factories.event(speeches=0, start=in_days(-300))
    factories.event(speeches=0, start=in_days(-400))  # over for more than a year
    factories.event(speeches=0, start=in_days(5), status=Publishable.Status.DRAFT)
    factories.event(
        speeches=0, start=in_days(5), publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    ical = subscribed(client)
    assert [str(vevent["UID"]) for vevent in ical.walk("VEVENT")] == [
        f"event-{event.pk}@lujiazui" for event in (recent, running, soon, later)
    ]
    assert [str(tz["TZID"]) for tz in ical.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert ical.walk("VEVENT")[2].decoded("DTSTART") == in_days(3)


@pytest.mark.parametrize("prefix", LANGUAGES)
def test_subscribed_calendar_in_each_language(client, prefix):
    event = factories.event(
        speeches=0, title="党建联席会议", title_en="Party-building joint meeting", start=in_days(3)
    )
    ical = subscribed(client, prefix)
    name, title = {
        "zh-hans": ("活动 | 陆家嘴党建", "党建联席会议"),
        "zh-hant": ("活動 | 陸家嘴黨建", "黨建聯席會議"),
        "en": ("Events | Lujiazui Party Building", "Party-building joint meeting"),
    }[LANGUAGES[prefix]]
    assert str(ical["X-WR-CALNAME"]) == name
    assert str(ical["NAME"]) == name
    assert ical["X-WR-CALDESC"]
    assert ical.decoded("REFRESH-INTERVAL") > datetime.timedelta(0)
    (vevent,) = ical.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == title
    assert str(vevent["URL"]) == f"http://testserver{prefix}/events/{event.slug}/"
    assert str(vevent["UID"]) == f"event-{event.pk}@lujiazui"


def test_subscribed_calendar_mixes_timed_and_all_day_events(client):
    factories.event(speeches=0, start=in_days(2, hour=14))
    factories.event(speeches=0, start=in_days(3, hour=0), start_time_known=False)
    timed, all_day = subscribed(client).walk("VEVENT")
    assert timed.decoded("DTSTART") == in_days(2, hour=14)
    assert timed.decoded("DTSTART").hour == 14
    assert all_day.decoded("DTSTART") == in_days(3).date()


def test_subscribed_calendar_uses_site_url_when_set(client, settings):
    settings.SITE_URL = "https://dangjian.example.cn"
    event = factories.event(speeches=0, start=in_days(3))
    (vevent,) = subscribed(client, "/en").walk("VEVENT")
    assert str(vevent["URL"]) == f"https://dangjian.example.cn/en/events/{event.slug}/"


@pytest.mark.parametrize("items", [1, 3])
def test_subscribed_calendar_query_count_constant(client, django_assert_num_queries, items):
    for i in range(items):
        factories.full_event(1, start=in_days(i + 1))
    with django_assert_num_queries(1):
        response = client.get(path("events:calendar"))
    assert len(icalendar.Calendar.from_ical(response.content).walk("VEVENT")) == items


# Links on the pages


def test_event_page_offers_its_calendar_file_until_it_is_over(client):
    upcoming = factories.event(speeches=0, start=in_days(3))
    today = factories.event(speeches=0, start=in_days(0, hour=0), start_time_known=False)
    past = factories.event(speeches=0, start=in_days(-3))
    for event, offered in [(upcoming, True), (today, True), (past, False)]:
        page = client.get(f"/en/events/{event.slug}/").content.decode()
        link = f'href="/en/events/{event.slug}/event.ics"'
        assert (link in page) is offered, event
        assert ("Add to calendar" in page) is offered


def test_event_page_preview_offers_no_calendar_file(staff_client):
    event = factories.event(speeches=0, start=in_days(3), status=Publishable.Status.DRAFT)
    page = staff_client.get(f"/en/events/{event.slug}/").content.decode()
    assert "event.ics" not in page


def test_event_list_links_the_subscribed_calendar(client):
    text = client.get("/en" + path("events:event_list")).content.decode()
    head = text[: text.index("</head>")]
    assert '<link rel="alternate" type="text/calendar"' in head
    assert text.count('href="/en/events/calendar.ics"') == 2  # in the head and in the page
    assert "Subscribe to the events calendar" in text
