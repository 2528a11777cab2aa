import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from events.models import Lesson
from events.views import UPCOMING_SHOWN
from lujiazui.pages import PAGE_SIZE
from lujiazui.publishing import Publishable
from tests import factories

pytestmark = pytest.mark.django_db

LANGUAGE_PREFIXES = ["", "/zh-hant", "/en"]


@pytest.mark.parametrize("items", [1, 3])
def test_event_detail_query_count_constant(client, django_assert_num_queries, items):
    event = factories.full_event(items)
    with django_assert_num_queries(7):
        response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('<li class="speech">') == 2 * items


@pytest.mark.parametrize("items", [1, 3])
def test_event_list_query_count_constant(client, django_assert_num_queries, items):
    for i in range(items):
        factories.event(start=timezone.now() + datetime.timedelta(days=i + 1))
        factories.event()
    # the latest and first past start (the years), the upcoming events, the year's count
    # and its page
    with django_assert_num_queries(5):
        response = client.get(reverse("events:event_list"))
    assert len(response.context["upcoming"]) == items
    assert len(response.context["past"]) == items


def test_event_list_year_shown_a_page_at_a_time(client):
    year = timezone.localdate().year - 1
    events = [
        factories.event(
            start=timezone.make_aware(datetime.datetime(year, 1, 1, 9))
            + datetime.timedelta(days=day)
        )
        for day in range(PAGE_SIZE + 1)
    ]
    first = client.get(reverse("events:event_list"), {"year": year})
    second = client.get(reverse("events:event_list"), {"year": year, "page": 2})
    assert events[-1].title in first.text and events[0].title not in first.text
    assert events[0].title in second.text and events[-1].title not in second.text
    assert 'rel="next"' in first.text


def test_event_list_links_the_upcoming_events_it_does_not_show(client):
    soon = [
        factories.event(start=timezone.now() + datetime.timedelta(days=day + 1))
        for day in range(UPCOMING_SHOWN + 1)
    ]
    response = client.get(reverse("events:event_list"))
    assert response.context["upcoming"] == soon[:UPCOMING_SHOWN]
    assert soon[-1].title not in response.text
    assert f'href="{reverse("events:upcoming")}"' in response.text


def test_event_list_without_more_upcoming_events_gives_no_link_to_them(client):
    for day in range(UPCOMING_SHOWN):
        factories.event(start=timezone.now() + datetime.timedelta(days=day + 1))
    response = client.get(reverse("events:event_list"))
    assert len(response.context["upcoming"]) == UPCOMING_SHOWN
    assert f'href="{reverse("events:upcoming")}"' not in response.text


def test_upcoming_list_shows_every_upcoming_event_a_page_at_a_time(client):
    soon = [
        factories.event(start=timezone.now() + datetime.timedelta(days=day + 1))
        for day in range(PAGE_SIZE + 1)
    ]
    over = factories.event(start=timezone.now() - datetime.timedelta(days=1))
    first = client.get(reverse("events:upcoming"))
    second = client.get(reverse("events:upcoming"), {"page": 2})
    assert list(first.context["page"]) == soon[:PAGE_SIZE]
    assert list(second.context["page"]) == soon[PAGE_SIZE:]
    assert over.title not in first.text + second.text
    assert 'rel="next"' in first.text


def test_upcoming_list_without_upcoming_events_says_so(client):
    factories.event(start=timezone.now() - datetime.timedelta(days=1))
    response = client.get(reverse("events:upcoming"))
    assert "暂无即将举行的活动" in response.text


def test_event_slug_of_another_page_refused():
    event = factories.event()
    event.slug = "upcoming"
    with pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert refused.value.error_dict["slug"][0].code == "reserved"


def test_event_list_year_without_events_says_so(client):
    year = timezone.localdate().year
    factories.event(start=timezone.make_aware(datetime.datetime(year - 3, 5, 1, 9)))
    factories.event(start=timezone.make_aware(datetime.datetime(year - 1, 5, 1, 9)))
    response = client.get(reverse("events:event_list"), {"year": year - 2})
    assert response.context["years"] == [year - 1, year - 2, year - 3]
    assert response.context["year"] == year - 2
    assert "这一年没有发布活动" in response.text


@pytest.mark.parametrize("items", [1, 3])
def test_lesson_list_query_count_constant(client, django_assert_num_queries, items):
    for _ in range(items):
        factories.lesson(speaker=factories.speaker())
    with django_assert_num_queries(2):
        response = client.get(reverse("events:lesson_list"))
    assert len(response.context["lessons"]) == items


@pytest.mark.parametrize("items", [1, 3])
def test_lesson_detail_query_count_constant(client, django_assert_num_queries, items):
    lesson = factories.lesson(speaker=factories.speaker())
    others = [factories.lesson(speaker=factories.speaker()) for _ in range(items)]
    factories.lesson(series=Lesson.Series.REFORM)  # another series: not shown
    with django_assert_num_queries(2):
        response = client.get(lesson.get_absolute_url())
    assert set(response.context["more_in_series"]) == set(others)


@pytest.mark.parametrize("items", [1, 3])
def test_home_query_count_constant(client, django_assert_num_queries, items):
    for i in range(items):
        factories.event(start=timezone.now() + datetime.timedelta(days=i + 1))
        factories.event()
        factories.lesson(speaker=factories.speaker())
    with django_assert_num_queries(4):
        response = client.get(reverse("home"))
    assert len(response.context["lessons"]) == items


def test_event_detail_shows_position_held_on_event_day(client):
    event = factories.event(
        speeches=0, start=timezone.make_aware(datetime.datetime(2020, 6, 30, 14))
    )
    speaker = factories.speaker(positions=0)
    org = factories.organization(name="陆家嘴街道党工委")
    speaker.positions.create(
        organization=org,
        title="书记",
        start_date=datetime.date(2019, 1, 1),
        end_date=datetime.date(2021, 1, 1),
    )
    speaker.positions.create(
        organization=org, title="退休顾问", start_date=datetime.date(2023, 1, 1)
    )
    event.speeches.create(speaker=speaker, role="keynote")
    page = client.get(event.get_absolute_url()).content.decode()
    assert "书记" in page
    assert "退休顾问" not in page


def test_event_detail_shows_the_position_chosen_by_staff(client):
    event = factories.event(speeches=0)
    speaker = factories.speaker(positions=0)
    org = factories.organization(name="浦东新区区委宣传部")
    chosen = speaker.positions.create(organization=org, title="副部长")
    speaker.positions.create(organization=org, title="另一职务")
    event.attendances.create(speaker=speaker, position=chosen)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "副部长" in page
    assert "另一职务" not in page


def test_event_detail_in_each_language(client):
    event = factories.event(title="党建联席会议", title_en="Party-building joint meeting")
    url = event.get_absolute_url()
    pages = {prefix: client.get(prefix + url) for prefix in LANGUAGE_PREFIXES}
    assert all(response.status_code == 200 for response in pages.values())
    assert '<html lang="zh-hans"' in pages[""].content.decode()
    assert "黨建聯席會議" in pages["/zh-hant"].content.decode()
    assert '<html lang="zh-hant"' in pages["/zh-hant"].content.decode()
    assert "Party-building joint meeting" in pages["/en"].content.decode()


def test_english_falls_back_to_simplified(client):
    event = factories.event(title="党建联席会议")
    page = client.get("/en" + event.get_absolute_url()).content.decode()
    assert "党建联席会议" in page


def test_language_switcher_keeps_the_page(client):
    event = factories.event()
    page = client.get(event.get_absolute_url()).content.decode()
    assert f'href="/en{event.get_absolute_url()}"' in page
    assert f'href="/zh-hant{event.get_absolute_url()}"' in page


def test_event_with_chinese_slug(client):
    event = factories.event(slug="党建联席会议")
    assert client.get(event.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "status, delay",
    [(Publishable.Status.DRAFT, -1), (Publishable.Status.PUBLISHED, 1)],
    ids=["draft", "scheduled"],
)
def test_unpublished_event_not_found_for_public(client, status, delay):
    event = factories.event(
        status=status, publish_at=timezone.now() + datetime.timedelta(days=delay)
    )
    response = client.get(event.get_absolute_url())
    assert response.status_code == 404
    assert event.title not in response.content.decode()
    listing = client.get(reverse("events:event_list"))
    assert event not in [*listing.context["upcoming"], *listing.context["past"]]
    assert event.title not in listing.content.decode()


def test_unpublished_event_previewed_by_staff_never_cached(staff_client):
    event = factories.event(status=Publishable.Status.DRAFT)
    response = staff_client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert response.context["is_preview"] is True
    assert 'class="preview-banner' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_published_event_for_staff_is_not_a_preview(staff_client):
    event = factories.event()
    response = staff_client.get(event.get_absolute_url())
    assert response.context["is_preview"] is False
    assert 'class="preview-banner' not in response.content.decode()


def test_event_list_shows_past_events_of_the_chosen_year(client):
    shanghai = timezone.get_current_timezone()
    old = factories.event(start=datetime.datetime(2019, 12, 31, 23, 30, tzinfo=shanghai))
    recent = factories.event(start=datetime.datetime(2020, 1, 1, 0, 30, tzinfo=shanghai))
    url = reverse("events:event_list")
    latest = client.get(url)
    assert latest.context["years"] == [2020, 2019]
    assert list(latest.context["past"]) == [recent]
    assert list(client.get(url, {"year": "2019"}).context["past"]) == [old]


@pytest.mark.parametrize("year", ["1999", "abc", "-1", "9" * 30, "²", "２０２０"])
def test_event_list_unknown_year_shows_the_latest(client, year):
    event = factories.event()
    response = client.get(reverse("events:event_list"), {"year": year})
    assert response.status_code == 200
    assert list(response.context["past"]) == [event]


@pytest.mark.parametrize("page", ["2", "x", "-5", "99999999999999999999"])
def test_lesson_list_any_page_number_gives_a_page(client, page):
    for _ in range(3):
        factories.lesson()
    response = client.get(reverse("events:lesson_list"), {"page": page})
    assert response.status_code == 200
    assert len(response.context["lessons"]) >= 1


def test_lesson_list_pages_keep_the_series_filter(client):
    for _ in range(PAGE_SIZE + 1):
        factories.lesson(series=Lesson.Series.REFORM)
    page = client.get(reverse("events:lesson_list"), {"series": "reform"}).content.decode()
    assert 'href="?series=reform&amp;page=2"' in page


def test_lesson_list_unknown_series_shows_all(client):
    factories.lesson(series=Lesson.Series.REFORM)
    response = client.get(reverse("events:lesson_list"), {"series": "<script>"})
    assert response.status_code == 200
    assert len(response.context["lessons"]) == 1
    assert "<script>" not in response.content.decode()


def test_demo_lesson_is_labelled(client):
    lesson = factories.lesson(is_demo=True)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert 'demo-label"' in page


def test_event_list_year_of_thousands_of_digits_shows_the_latest(client):
    factories.event()
    response = client.get(reverse("events:event_list"), {"year": "9" * 5000})
    assert response.status_code == 200
    assert response.context["year"] == response.context["years"][0]
