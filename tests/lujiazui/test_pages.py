import re

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path, language, phrase, home",
    [
        ("/events/no-such-event/", "zh-hans", "找不到", "/"),
        ("/zh-hant/events/no-such-event/", "zh-hant", "找不到", "/zh-hant/"),
        ("/en/events/no-such-event/", "en", "could not find", "/en/"),
        ("/fr/events/", "zh-hans", "找不到", "/"),
        ("/en/speakers/%E4%B8%8D%E5%AD%98%E5%9C%A8/", "en", "could not find", "/en/"),
        ("/events/" + "长" * 2000 + "/", "zh-hans", "找不到", "/"),
    ],
)
def test_not_found_page_is_the_sites_own_in_the_readers_language(
    client, path, language, phrase, home
):
    response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert f'<html lang="{language}"' in page
    assert phrase in page
    assert f'class="button" href="{home}"' in page  # a way back, in the same language


# Whether pages load anything from other hosts: test_lean_pages.py, for every public page.


def test_home_shows_events_lessons_and_the_red_route(client):
    event = factories.event(title="党建联席会议")
    lesson = factories.lesson(title="四史党课")
    page = client.get(reverse("home")).content.decode()
    assert event.title in page
    assert lesson.title in page
    assert reverse("network") in page


@pytest.mark.parametrize(
    "path, links",
    [
        (
            "/speakers/?page=2",
            ["/speakers/?page=2", "/zh-hant/speakers/?page=2", "/en/speakers/?page=2"],
        ),
        ("/en/no-such-page/", ["/no-such-page/", "/zh-hant/no-such-page/", "/en/no-such-page/"]),
        ("/zh-hant/", ["/", "/zh-hant/", "/en/"]),
    ],
)
def test_language_switcher_links_to_the_same_address(client, path, links):
    page = client.get(path).content.decode()
    switcher = re.search(r'<nav class="languages".*?</nav>', page, re.S).group(0)
    assert re.findall(r'href="([^"]+)"', switcher) == [link.replace("&", "&amp;") for link in links]
