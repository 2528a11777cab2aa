import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

EXTERNAL_RESOURCE = re.compile(
    r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//', re.I
)


@pytest.mark.parametrize(
    "path, language, phrase",
    [
        ("/events/no-such-event/", "zh-hans", "页面"),
        ("/zh-hant/events/no-such-event/", "zh-hant", "頁面"),
        ("/en/events/no-such-event/", "en", "page"),
        ("/fr/events/", "zh-hans", "页面"),
        ("/en/speakers/%E4%B8%8D%E5%AD%98%E5%9C%A8/", "en", "page"),
    ],
)
def test_not_found_page_is_the_sites_own_in_the_readers_language(client, path, language, phrase):
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert f'<html lang="{language}"' in page
    assert phrase in page
    assert 'href="/' in page  # a way back into the site


@pytest.mark.parametrize("prefix", ["", "/zh-hant", "/en"])
@pytest.mark.parametrize(
    "name",
    [
        "home",
        "events:event_list",
        "events:lesson_list",
        "speakers:speaker_list",
        "speakers:organization_list",
        "network",
    ],
)
def test_public_pages_load_nothing_from_other_hosts(client, prefix, name):
    factories.full_event(1)
    factories.lesson()
    response = client.get(prefix + reverse(name))
    assert response.status_code == 200
    page = response.content.decode()
    assert not EXTERNAL_RESOURCE.search(page)
    assert "<script" not in page  # pages work without JavaScript


def test_home_shows_events_lessons_and_the_red_route(client):
    event = factories.event(title="党建联席会议")
    lesson = factories.lesson(title="四史党课")
    page = client.get(reverse("home")).content.decode()
    assert event.title in page
    assert lesson.title in page
    assert reverse("network") in page
