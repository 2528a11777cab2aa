import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from events.models import Speech
from lujiazui.publishing import Publishable
from search.text import MAX_QUERY_LENGTH, NO_WORDS, TOO_LONG, TOO_SHORT
from search.views import PER_KIND, SEARCH_RATE
from tests import factories
from tests.routes.conftest import build_route

pytestmark = pytest.mark.django_db

SOON = timezone.now() + datetime.timedelta(hours=1)
HIDDEN = [
    {"status": Publishable.Status.DRAFT},
    {"status": Publishable.Status.SUBMITTED},
    {"status": Publishable.Status.PUBLISHED, "publish_at": SOON},
]
HIDDEN_IDS = ["draft", "submitted", "scheduled"]


def search(client, q, language="zh-hans", **params):
    with translation.override(language):
        url = reverse("search:results")
    return client.get(url, {"q": q, **params})


def found(response, kind=None):
    """Titles found (in the page's language), of one kind or of all, in the order shown."""
    if "page" in response.context:
        return [document.title for document in response.context["page"]]
    groups = response.context.get("groups") or []
    return [
        document.title
        for group in groups
        if kind is None or group["kind"] == kind
        for document in group["documents"]
    ]


def one_of_each_kind(word, route=None):
    """An event, lesson, person, organization and stop whose names contain ``word``."""
    factories.event(speeches=0, title=f"{word}活动")
    factories.lesson(title=f"{word}党课")
    factories.speaker(positions=0, name=f"{word}讲者")
    factories.organization(name=f"{word}组织")
    route = route or build_route(stops=0)
    number = route.stops.count() + 1
    route.stops.create(number=number, name=f"{word}站点{number}")


# ------------------------------------------------------------------ languages


def test_search_two_chinese_characters_found_in_simplified(client):
    factories.event(speeches=0, title="社区党建联席会议")
    factories.event(speeches=0, title="社区文艺演出")
    response = search(client, "党建")
    assert response.status_code == 200
    assert found(response) == ["社区党建联席会议"]


def test_search_two_characters_found_in_the_middle_of_a_body(client):
    factories.event(speeches=0, title="联席会议", body="<p>会上，<strong>党建</strong>引领。</p>")
    assert found(search(client, "党建")) == ["联席会议"]


def test_search_traditional_query_finds_simplified_content(client):
    factories.event(speeches=0, title="社区党建联席会议")
    response = search(client, "黨建", language="zh-hant")
    assert found(response) == ["社區黨建聯席會議"]  # shown in Traditional, derived by OpenCC
    assert "社區黨建聯席會議" in response.content.decode()


def test_search_traditional_query_on_simplified_page(client):
    factories.organization(name="陆家嘴金融城党委")
    assert found(search(client, "陸家嘴金融城")) == ["陆家嘴金融城党委"]


def test_search_simplified_query_finds_traditional_text(client):
    """Text that exists only in Traditional (written by staff) is found by Simplified."""
    factories.speaker(positions=0, name="黄琪", biography_zh_hant="曾任黨支部書記")
    assert found(search(client, "党支部书记")) == ["黄琪"]
    assert found(search(client, "黨支部", language="zh-hant")) == ["黃琪"]


def test_search_english_query_finds_english_title(client):
    factories.event(
        speeches=0, title="党建联席会议", title_en="Party-Building Joint Meeting", slug="joint"
    )
    response = search(client, "joint MEETING", language="en")
    assert found(response) == ["Party-Building Joint Meeting"]
    page = response.content.decode()
    assert 'href="/en/events/joint/"' in page
    assert "Party-Building Joint Meeting</a>" in page


def test_search_english_page_falls_back_to_simplified_title(client):
    factories.lesson(title="党建党课", slug="lesson-zh")
    response = search(client, "党建", language="en")
    assert found(response) == ["党建党课"]
    assert '<a href="/en/lessons/lesson-zh/" lang="zh-hans">党建党课</a>' in (
        response.content.decode()
    )


def test_search_english_is_case_and_width_insensitive(client):
    factories.organization(name="人民网", name_en="People's Daily Online")
    assert found(search(client, "ＤＡＩＬＹ online", language="en")) == ["People's Daily Online"]


def test_search_every_term_must_occur(client):
    factories.organization(name="陆家嘴金融城党委")
    factories.organization(name="陆家嘴社区")
    assert found(search(client, "陆家嘴 党委")) == ["陆家嘴金融城党委"]


def test_search_finds_each_kind_grouped_in_order(client):
    one_of_each_kind("滨江")
    response = search(client, "滨江")
    groups = response.context["groups"]
    assert [group["kind"] for group in groups] == [
        "events",
        "lessons",
        "people",
        "organizations",
        "stops",
    ]
    assert [group["total"] for group in groups] == [1] * 5
    assert found(response, "stops") == ["滨江站点1"]


def test_search_result_links_to_the_object_in_the_readers_language(client):
    route = build_route(stops=0, slug="red")
    route.stops.create(number=3, name="浦东开发陈列馆")
    page = search(client, "陈列馆", language="zh-hant").content.decode()
    assert 'href="/zh-hant/routes/red/stops/3/"' in page


def test_search_no_results_says_so(client):
    factories.event(speeches=0, title="社区党建联席会议")
    response = search(client, "浦东机场")
    assert response.context["groups"] == []
    assert "浦东机场" in response.content.decode()


# ------------------------------------------------------------------ queries refused


@pytest.mark.parametrize("q", ["？！", "!!!", "……", "@#$%^&*()"])
def test_search_punctuation_only_gets_a_clear_message(client, q):
    factories.event(speeches=0, title="党建！活动")
    response = search(client, q)
    assert response.status_code == 200
    assert escape(str(NO_WORDS)) in response.content.decode()
    assert "groups" not in response.context


def test_search_1000_characters_gets_a_clear_message(client):
    response = search(client, "党建" * 500)
    assert response.status_code == 200
    message = TOO_LONG % {"limit": MAX_QUERY_LENGTH}
    assert escape(message) in response.content.decode()
    assert "groups" not in response.context


def test_search_one_character_gets_a_clear_message(client):
    factories.event(speeches=0, title="党建活动")
    response = search(client, "党")
    assert response.status_code == 200
    assert escape(str(TOO_SHORT)) in response.content.decode()
    assert "groups" not in response.context


@pytest.mark.parametrize("q", ["党建\x00", "%_\\", "党%", "' OR 1=1 --"])
def test_search_odd_characters_are_no_error(client, q):
    factories.event(speeches=0, title="党建活动")
    response = search(client, q)
    assert response.status_code == 200


def test_search_undecodable_query_is_no_error(client):
    factories.event(speeches=0, title="党建活动")
    response = client.get("/search/?q=%ED%A0%80%E5%85%9A%E5%BB%BA%FF")
    assert response.status_code == 200
    assert found(response) == ["党建活动"]


def test_search_linked_from_every_page_header(client):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("search:results")}"' in page
    with translation.override("en"):
        assert 'href="/en/search/"' in client.get("/en/").content.decode()
    assert '<a href="/search/" aria-current="page">' in search(client, "").content.decode()


def test_search_like_wildcards_are_literal(client):
    factories.organization(name="甲乙丙丁")
    factories.organization(name="完成100%目标")
    assert found(search(client, "甲%丁")) == []
    assert found(search(client, "100%")) == ["完成100%目标"]


def test_search_over_the_rate_limit_answers_429_and_keeps_the_query(client):
    one_of_each_kind("陆家嘴")
    limit, seconds = SEARCH_RATE
    for _ in range(limit):
        assert search(client, "陆家嘴").status_code == 200
    response = search(client, "陆家嘴", language="en")
    assert response.status_code == 429
    assert response["Retry-After"] == str(seconds)
    assert "Too many searches were sent from your connection" in response.text
    assert 'value="陆家嘴"' in response.text
    assert found(response) == []


def test_search_rate_limit_counts_each_connection_apart(client):
    one_of_each_kind("陆家嘴")
    for _ in range(SEARCH_RATE[0] + 1):
        search(client, "陆家嘴")
    with translation.override("zh-hans"):
        url = reverse("search:results")
    other = client.get(url, {"q": "陆家嘴"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200
    assert "陆家嘴活动" in found(other)


def test_search_without_terms_not_counted_against_the_rate_limit(client):
    for _ in range(SEARCH_RATE[0] + 1):
        assert search(client, "？").status_code == 200
    assert search(client, "陆家嘴").status_code == 200


def test_search_without_query_shows_the_form_only(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = search(client, "")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert "groups" not in response.context


# ------------------------------------------------------------------ what is public


@pytest.mark.parametrize("hidden", HIDDEN, ids=HIDDEN_IDS)
def test_search_unpublished_events_and_lessons_not_found(client, hidden):
    factories.event(speeches=0, title="未公开的党建活动", **hidden)
    factories.lesson(title="未公开的党建党课", **hidden)
    factories.event(speeches=0, title="公开的党建活动")
    response = search(client, "党建")
    assert found(response) == ["公开的党建活动"]
    assert "未公开" not in response.content.decode()


@pytest.mark.parametrize("hidden", HIDDEN, ids=HIDDEN_IDS)
def test_search_person_only_in_unpublished_items_not_found(client, hidden):
    newcomer = factories.speaker(positions=0, name="尚未公布的嘉宾")
    factories.event(speeches=0, **hidden).attendances.create(speaker=newcomer)
    lecturer = factories.speaker(positions=0, name="尚未公布的讲师")
    factories.lesson(speaker=lecturer, **hidden)
    factories.speaker(positions=0, name="尚未安排的嘉宾")  # no appearance yet: public
    assert found(search(client, "尚未")) == ["尚未安排的嘉宾"]


def test_search_person_found_once_their_event_is_published(client):
    guest = factories.speaker(positions=0, name="新嘉宾")
    event = factories.event(speeches=0, status=Publishable.Status.DRAFT)
    event.speeches.create(speaker=guest, role=Speech.Role.KEYNOTE)
    assert found(search(client, "新嘉宾")) == []
    event.status = Publishable.Status.PUBLISHED
    event.save()
    assert found(search(client, "新嘉宾")) == ["新嘉宾"]


def test_search_scheduled_item_found_exactly_when_its_time_comes(client, monkeypatch):
    factories.lesson(title="定时党建党课", publish_at=SOON)
    guest = factories.speaker(positions=0, name="定时嘉宾")
    factories.event(speeches=0, title="定时党建活动", publish_at=SOON).attendances.create(
        speaker=guest
    )
    assert found(search(client, "定时")) == []
    monkeypatch.setattr(timezone, "now", lambda: SOON - datetime.timedelta(seconds=1))
    assert found(search(client, "定时")) == []
    monkeypatch.setattr(timezone, "now", lambda: SOON)
    assert set(found(search(client, "定时"))) == {"定时党建活动", "定时党建党课", "定时嘉宾"}


def test_search_unpublished_item_disappears(client):
    lesson = factories.lesson(title="党建党课")
    assert found(search(client, "党建")) == ["党建党课"]
    lesson.status = Publishable.Status.DRAFT
    lesson.save()
    assert found(search(client, "党建")) == []


# ------------------------------------------------------------------ groups and pages


def test_search_group_shows_the_first_results_and_links_to_the_rest(client):
    for n in range(PER_KIND + 2):
        factories.organization(name=f"陆家嘴单位{n:02d}")
    factories.event(speeches=0, title="陆家嘴活动")
    response = search(client, "陆家嘴")
    groups = {group["kind"]: group for group in response.context["groups"]}
    assert len(groups["organizations"]["documents"]) == PER_KIND
    assert groups["organizations"]["total"] == PER_KIND + 2
    assert found(response, "organizations") == [f"陆家嘴单位{n:02d}" for n in range(PER_KIND)]
    page = response.content.decode()
    assert "kind=organizations" in page
    assert "kind=events" not in page  # one event: nothing more to see


def test_search_kind_page_is_paginated(client):
    for n in range(26):
        factories.organization(name=f"陆家嘴单位{n:02d}")
    factories.event(speeches=0, title="陆家嘴活动")
    first = search(client, "陆家嘴", kind="organizations")
    assert first.context["page"].paginator.count == 26
    assert found(first) == [f"陆家嘴单位{n:02d}" for n in range(24)]
    second = search(client, "陆家嘴", kind="organizations", page=2)
    assert found(second) == ["陆家嘴单位24", "陆家嘴单位25"]
    page = second.content.decode()
    assert "kind=organizations" in page and "page=1" in page  # the previous page keeps both


def test_search_events_newest_first(client):
    now = timezone.now()
    factories.event(speeches=0, title="党建活动旧", start=now - datetime.timedelta(days=400))
    factories.event(speeches=0, title="党建活动新", start=now - datetime.timedelta(days=4))
    assert found(search(client, "党建")) == ["党建活动新", "党建活动旧"]


def test_search_unknown_kind_shows_all_groups(client):
    one_of_each_kind("滨江")
    response = search(client, "滨江", kind="nonsense")
    assert len(response.context["groups"]) == 5


@pytest.mark.parametrize("items", [1, 3])
def test_search_query_count_constant(client, django_assert_num_queries, items):
    route = build_route(stops=0)
    for _ in range(items):
        one_of_each_kind("陆家嘴", route)
    with django_assert_num_queries(1):
        response = search(client, "陆家嘴")
    assert [group["total"] for group in response.context["groups"]] == [items] * 5


@pytest.mark.parametrize("items", [1, 3])
def test_search_kind_page_query_count_constant(client, django_assert_num_queries, items):
    route = build_route(stops=0)
    for _ in range(items):
        one_of_each_kind("陆家嘴", route)
    for kind in ["events", "lessons", "people", "organizations", "stops"]:
        with django_assert_num_queries(2):
            response = search(client, "陆家嘴", kind=kind)
        assert len(found(response)) == items


# ------------------------------------------------------------------ demo site


def test_search_finds_the_demo_content(client):
    call_command("load_demo", "--no-accounts", stdout=io.StringIO())
    response = search(client, "党建")
    kinds = {group["kind"] for group in response.context["groups"]}
    assert {"events", "stops"} <= kinds
    assert found(search(client, "陳列館", language="zh-hant"), "stops") == ["浦東開發陳列館"]
    assert found(search(client, "凌军芬"), "people") == ["凌军芬"]
    english = found(search(client, "joint meeting", language="en"), "events")
    assert len(english) == 1 and "Joint Meeting" in english[0]
