import re

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from speakers.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db

FALLBACK = 'lang="zh-hans"'


def main_of(response):
    """The page's <main>: the language switcher in the header has lang attributes of its own."""
    assert response.status_code == 200
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def rich_event(**fields):
    return factories.full_event(
        2,
        theme="主题",
        venue="会场",
        summary="摘要",
        body="<p>正文</p>",
        source="来源",
        editors="编辑",
        **fields,
    )


def render(source, **context):
    return Template("{% load content %}" + source).render(Context(context))


def test_event_detail_english_without_english_title_marks_h1(client):
    event = factories.event(title="党建联席会议")
    main = main_of(client.get("/en" + event.get_absolute_url()))
    assert f"<h1 {FALLBACK}>党建联席会议</h1>" in main


def test_event_detail_english_with_english_title_leaves_h1(client):
    event = factories.event(title="党建联席会议", title_en="Party-building joint meeting")
    main = main_of(client.get("/en" + event.get_absolute_url()))
    assert "<h1>Party-building joint meeting</h1>" in main


def test_event_detail_english_marks_value_inside_interface_text(client):
    event = factories.event(theme="<初心>", source="陆家嘴街道")
    main = main_of(client.get("/en" + event.get_absolute_url()))
    assert f"“<span {FALLBACK}>&lt;初心&gt;</span>”" in main
    assert f"<span {FALLBACK}>陆家嘴街道</span>" in main


def test_event_detail_english_marks_every_fallen_back_part(client):
    main = main_of(client.get("/en" + rich_event().get_absolute_url()))
    assert f'<div class="rich" {FALLBACK}><p>正文</p></div>' in main
    assert f'<div class="lead" {FALLBACK}>' in main
    assert f"<dd {FALLBACK}>会场</dd>" in main
    assert f"<figcaption {FALLBACK}>照片0</figcaption>" in main
    assert re.search(rf'class="speech__speaker"><a href="/en/speakers/[^"]+/" {FALLBACK}>', main)
    assert main.count(FALLBACK) > 20


@pytest.mark.parametrize("prefix", ["", "/zh-hant"])
def test_event_detail_chinese_adds_no_lang(client, prefix):
    main = main_of(client.get(prefix + rich_event().get_absolute_url()))
    assert "lang=" not in main


@pytest.mark.parametrize("prefix", ["", "/zh-hant"])
def test_speaker_and_organization_pages_chinese_add_no_lang(client, prefix):
    event = rich_event()
    speaker = event.speeches.first().speaker
    organization = event.organizers.first()
    factories.lesson(speaker=speaker, summary="简介")
    for url in (speaker.get_absolute_url(), organization.get_absolute_url()):
        assert "lang=" not in main_of(client.get(prefix + url))


def test_speaker_detail_english_marks_name_and_event_title(client):
    event = rich_event(title="年会")
    speaker = event.speeches.first().speaker
    main = main_of(client.get("/en" + speaker.get_absolute_url()))
    assert f"<h1 {FALLBACK}>{speaker.name}</h1>" in main
    assert f"{FALLBACK}>年会</a>" in main


@pytest.mark.parametrize(
    "path", ["/", "/events/", "/lessons/", "/speakers/", "/organizations/", "/network/"]
)
def test_list_pages_english_mark_fallen_back_names(client, path):
    rich_event()
    factories.lesson(speaker=factories.speaker())
    factories.organization(kind=Organization.Kind.RESIDENTIAL_AREA)
    assert FALLBACK in main_of(client.get("/en" + path))


@pytest.mark.parametrize("page", ["event", "speaker", "organization"])
def test_detail_pages_english_query_count_same_as_simplified(client, page):
    event = rich_event()
    url = {
        "event": event.get_absolute_url(),
        "speaker": event.speeches.first().speaker.get_absolute_url(),
        "organization": event.organizers.first().get_absolute_url(),
    }[page]
    counts = {}
    for prefix in ["", "/en"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(prefix + url).status_code == 200
        counts[prefix] = len(queries)
    assert counts[""] == counts["/en"]


def test_tag_empty_value_outputs_nothing():
    event = factories.event(theme="")
    with translation.override("en"):
        assert render('{% fallback_lang event "theme" %}', event=event) == ""
        assert render('{% fallback_lang event "title" %}', event=event) == f" {FALLBACK}"


def test_tag_untranslated_attribute_outputs_nothing():
    event = factories.event()
    with translation.override("en"):
        assert render('{% fallback_lang event "slug" %}', event=event) == ""
        assert render('{% fallback_lang missing "title" %}') == ""


def test_tag_default_language_outputs_nothing(django_assert_num_queries):
    event = factories.event()
    with django_assert_num_queries(0):
        assert render('{% fallback_lang event "title" %}', event=event) == ""
        assert (
            render('{% fallback_span event "title" %}', event=event)
            == f"<span>{event.title}</span>"
        )
