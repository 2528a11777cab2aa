"""RSS and Atom feeds of events and lessons, read back with feedparser as feed readers do."""

import calendar
import datetime
import html

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from events.feeds import FEED_ITEMS
from lujiazui.publishing import Publishable
from tests import factories

pytestmark = pytest.mark.django_db

LANGUAGES = {"": "zh-hans", "/zh-hant": "zh-hant", "/en": "en"}
FEEDS = ["events:event_feed_rss", "events:event_feed_atom"]
LESSON_FEEDS = ["events:lesson_feed_rss", "events:lesson_feed_atom"]
CONTENT_TYPES = {"rss20": "application/rss+xml", "atom10": "application/atom+xml"}


def path(name):
    """The address without a language prefix, whatever language a request left active."""
    with translation.override("zh-hans"):
        return reverse(name)


def read(client, name, prefix=""):
    response = client.get(prefix + path(name))
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert response["Content-Type"] == f"{CONTENT_TYPES[feed.version]}; charset=utf-8"
    return feed


def shown_title(entry):
    """The title as a reader shows it: RSS titles are HTML, Atom titles are text."""
    if entry.title_detail.type == "text/html":
        return html.unescape(entry.title)
    return entry.title


def published(entry):
    return datetime.datetime.fromtimestamp(calendar.timegm(entry.published_parsed), tz=datetime.UTC)


def ago(**delta):
    return (timezone.now() - datetime.timedelta(**delta)).replace(microsecond=0)


@pytest.mark.parametrize("name", FEEDS)
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_event_feed_in_each_language(client, name, prefix):
    translated = factories.event(
        speeches=0,
        title="党建联席会议",
        title_en="Party-building joint meeting",
        publish_at=ago(days=2),
    )
    untranslated = factories.event(speeches=0, title="红色路线发布", publish_at=ago(days=1))
    feed = read(client, name, prefix)
    language = LANGUAGES[prefix]
    assert feed.feed.language == language
    assert feed.feed.link == f"http://testserver{prefix}/events/"
    expected = {
        "zh-hans": ["红色路线发布", "党建联席会议"],
        "zh-hant": ["紅色路線發佈", "黨建聯席會議"],
        "en": ["红色路线发布", "Party-building joint meeting"],  # falls back to Simplified
    }[language]
    assert [shown_title(entry) for entry in feed.entries] == expected
    assert [entry.link for entry in feed.entries] == [
        f"http://testserver{prefix}/events/{event.slug}/" for event in (untranslated, translated)
    ]
    assert [entry.id for entry in feed.entries] == [
        f"tag:lujiazui,2020:event/{event.pk}/{language}" for event in (untranslated, translated)
    ]


@pytest.mark.parametrize("name", FEEDS)
def test_event_feed_title_is_in_the_language(client, name):
    assert read(client, name).feed.title == "活动 | 陆家嘴党建"
    assert read(client, name, "/en").feed.title == "Events | Lujiazui Party Building"


@pytest.mark.parametrize("name", FEEDS + LESSON_FEEDS)
def test_feed_leaves_out_drafts_and_scheduled_items(client, name):
    make = factories.event if name.startswith("events:event") else factories.lesson
    public = make(title="公开")
    make(title="草稿", status=Publishable.Status.DRAFT)
    make(title="待审", status=Publishable.Status.SUBMITTED)
    make(title="定时", publish_at=timezone.now() + datetime.timedelta(hours=1))
    feed = read(client, name)
    assert [entry.title for entry in feed.entries] == [public.title]


@pytest.mark.parametrize("name", FEEDS + LESSON_FEEDS)
def test_feed_newest_publication_first_with_its_date(client, name):
    make = factories.event if name.startswith("events:event") else factories.lesson
    # The event that happens first was published last: the feed follows publication.
    older = make(publish_at=ago(days=10))
    newer = make(publish_at=ago(days=1))
    middle = make(publish_at=ago(days=5))
    feed = read(client, name)
    assert [entry.title for entry in feed.entries] == [i.title for i in (newer, middle, older)]
    assert [published(entry) for entry in feed.entries] == [
        item.publish_at for item in (newer, middle, older)
    ]


@pytest.mark.parametrize("name", ["events:event_feed_rss", "events:lesson_feed_atom"])
def test_feed_holds_the_latest_items_only(client, name):
    make = factories.lesson if "lesson" in name else factories.event
    kwargs = {} if "lesson" in name else {"speeches": 0}
    items = [make(publish_at=ago(days=100 - i), **kwargs) for i in range(FEED_ITEMS + 1)]
    feed = read(client, name)
    assert len(feed.entries) == FEED_ITEMS
    assert items[0].title not in [entry.title for entry in feed.entries]  # the oldest


@pytest.mark.parametrize("name", FEEDS)
def test_event_feed_id_stable_after_title_and_slug_change(client, name):
    event = factories.event(speeches=0, slug="old-slug")
    before = read(client, name).entries[0]
    event.title = "新标题"
    event.slug = "new-slug"
    event.save()
    after = read(client, name).entries[0]
    assert after.id == before.id
    assert after.title == "新标题"
    assert after.link == "http://testserver/events/new-slug/"


@pytest.mark.parametrize("name", FEEDS + LESSON_FEEDS)
def test_feed_ids_unique_and_per_language(client, name):
    kind = "event" if name.startswith("events:event") else "lesson"
    make = factories.event if kind == "event" else factories.lesson
    make(), make()
    feeds = {LANGUAGES[prefix]: read(client, name, prefix) for prefix in LANGUAGES}
    ids = [entry.id for feed in feeds.values() for entry in feed.entries]
    assert len(set(ids)) == len(ids) == 6
    if feeds["en"].version == "atom10":  # an RSS channel has no id
        for language, feed in feeds.items():
            assert feed.feed.id == f"tag:lujiazui,2020:{kind}s/{language}"


@pytest.mark.parametrize("name", FEEDS)
def test_event_feed_text_stays_text(client, name):
    factories.event(speeches=0, title="A & B <C>", summary="第一行 <b>不加粗</b>\n第二行")
    (entry,) = read(client, name).entries
    assert shown_title(entry) == "A & B <C>"
    assert "&lt;b&gt;不加粗&lt;/b&gt;" in entry.summary
    assert "<b>" not in entry.summary
    assert "第二行" in entry.summary


@pytest.mark.parametrize("name", FEEDS + LESSON_FEEDS)
def test_feed_links_use_site_url_when_set(client, settings, name):
    settings.SITE_URL = "https://dangjian.example.cn/"
    kind = "events" if name.startswith("events:event") else "lessons"
    item = factories.event() if kind == "events" else factories.lesson()
    feed = read(client, name, "/en")
    assert feed.entries[0].link == f"https://dangjian.example.cn/en/{kind}/{item.slug}/"
    assert feed.feed.link.startswith("https://dangjian.example.cn/en/")


@pytest.mark.parametrize("name", LESSON_FEEDS)
@pytest.mark.parametrize("prefix", LANGUAGES)
def test_lesson_feed_in_each_language(client, name, prefix):
    lesson = factories.lesson(
        title="中国共产党的一百年",
        title_en="A hundred years of the Party",
        speaker=factories.speaker(name="孟馥"),
        publish_at=ago(days=1),
    )
    factories.lesson(title="改革开放史", publish_at=ago(days=2))
    feed = read(client, name, prefix)
    language = LANGUAGES[prefix]
    assert feed.feed.language == language
    assert feed.feed.link == f"http://testserver{prefix}/lessons/"
    expected = {
        "zh-hans": ["中国共产党的一百年", "改革开放史"],
        "zh-hant": ["中國共產黨的一百年", "改革開放史"],
        "en": ["A hundred years of the Party", "改革开放史"],
    }[language]
    assert [shown_title(entry) for entry in feed.entries] == expected
    first = feed.entries[0]
    assert first.link == f"http://testserver{prefix}/lessons/{lesson.slug}/"
    assert first.id == f"tag:lujiazui,2020:lesson/{lesson.pk}/{language}"
    assert first.author == "孟馥"
    series = {"zh-hans": "党史", "zh-hant": "黨史", "en": "History of the Communist Party of China"}
    assert [tag.term for tag in first.tags] == [series[language]]


@pytest.mark.parametrize("name", FEEDS + LESSON_FEEDS)
@pytest.mark.parametrize("items", [1, 3])
def test_feed_query_count_constant(client, django_assert_num_queries, name, items):
    for _ in range(items):
        if name.startswith("events:event"):
            factories.full_event(1)
        else:
            factories.lesson(speaker=factories.speaker())
    with django_assert_num_queries(1):
        response = client.get("/en" + path(name))
    assert len(feedparser.parse(response.content).entries) == items


@pytest.mark.parametrize(
    "page, names",
    [("events:event_list", FEEDS), ("events:lesson_list", LESSON_FEEDS)],
)
def test_list_page_links_its_feeds(client, page, names):
    text = client.get("/en" + path(page)).content.decode()
    head = text[: text.index("</head>")]
    for name, kind in zip(names, ["rss", "atom"], strict=True):
        href = f'href="/en{path(name)}"'
        assert f'<link rel="alternate" type="application/{kind}+xml"' in head
        assert href in head
        assert text.count(href) == 2  # in the head and in the page


@pytest.mark.parametrize("name", [*FEEDS, "events:lesson_feed_rss", "events:lesson_feed_atom"])
def test_feed_leaves_out_control_characters_pasted_into_texts(client, name):
    factories.event(title="党建\x0b联席会议", summary="会议\x0c纪要")
    factories.lesson(title="四史\x08学习", summary="第一讲\x0b")
    feed = read(client, name)
    assert not feed.bozo
    assert any(shown_title(entry) in ("党建联席会议", "四史学习") for entry in feed.entries)
