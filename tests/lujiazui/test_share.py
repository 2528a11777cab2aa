"""Share cards (Open Graph) on every page and schema.org Event JSON-LD on event pages."""

import datetime
import json
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.routes.conftest import build_route

pytestmark = pytest.mark.django_db


class HeadReader(HTMLParser):
    """Collects og: meta tags and JSON-LD scripts as a link-preview crawler would."""

    def __init__(self):
        super().__init__()
        self.og = {}
        self.json_ld = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("property", "").startswith("og:"):
            self.og[attrs["property"]] = attrs.get("content")
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld.append(json.loads(data))


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    reader = HeadReader()
    reader.feed(response.content.decode())
    return reader


def public_pages():
    event = factories.full_event(1)
    lesson = factories.lesson()
    speaker = event.speeches.first().speaker
    organization = factories.organization()
    route = build_route(stops=1)
    return [
        reverse("home"),
        reverse("events:event_list"),
        event.get_absolute_url(),
        lesson.get_absolute_url(),
        speaker.get_absolute_url(),
        organization.get_absolute_url(),
        route.get_absolute_url(),
        route.stops.get().get_absolute_url(),
        reverse("routes:privacy"),
    ]


def test_every_public_page_has_a_share_card(client):
    for url in public_pages():
        og = read(client, url).og
        for prop in ["og:title", "og:description", "og:url", "og:image", "og:type"]:
            assert og.get(prop), (url, prop)
        assert og["og:url"] == f"http://testserver{url}"
        assert og["og:image"].startswith("http://testserver/")


def test_share_card_is_filled_from_the_object_in_the_reader_language(client):
    event = factories.event(
        title="党建联席会议",
        title_en="Joint party-building meeting",
        summary="<p>陆家嘴街道召开<strong>区域化党建</strong>联席会议。</p>",
    )
    url = event.get_absolute_url()
    og = read(client, url).og
    assert og["og:title"] == "党建联席会议"
    assert og["og:description"] == "陆家嘴街道召开区域化党建联席会议。"
    assert og["og:type"] == "article" and og["og:locale"] == "zh_CN"
    english = read(client, f"/en{url}").og
    assert english["og:title"] == "Joint party-building meeting"
    assert english["og:locale"] == "en_US"
    assert read(client, f"/zh-hant{url}").og["og:title"] == "黨建聯席會議"


def test_share_image_is_a_jpeg_or_png_copy_of_the_cover(client):
    event = factories.event(cover=factories.image_file("cover.jpg", "JPEG"))
    og = read(client, event.get_absolute_url()).og
    assert og["og:image"].endswith((".jpg", ".jpeg", ".png"))
    assert "img/share.png" not in og["og:image"]


def test_event_page_has_schema_org_event(client):
    start = timezone.make_aware(datetime.datetime(2020, 6, 30, 14, 0))
    event = factories.event(
        title="党建联席会议", start=start, venue="陆家嘴金融城党建服务中心", summary="会议"
    )
    event.organizers.add(factories.organization(name="陆家嘴街道党工委"))
    (data,) = read(client, event.get_absolute_url()).json_ld
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "党建联席会议"
    assert data["startDate"] == "2020-06-30T14:00:00+08:00"
    assert data["location"]["name"] == "陆家嘴金融城党建服务中心"
    assert data["organizer"] == [{"@type": "Organization", "name": "陆家嘴街道党工委"}]
    assert data["url"] == f"http://testserver{event.get_absolute_url()}"


def test_event_json_ld_of_a_day_without_time_is_a_date(client):
    event = factories.event(start_time_known=False)
    (data,) = read(client, event.get_absolute_url()).json_ld
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["startDate"])


def test_event_json_ld_cannot_be_closed_by_its_text(client):
    event = factories.event(title="</script><script>alert(1)</script>")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    (data,) = read(client, event.get_absolute_url()).json_ld
    assert data["name"] == "</script><script>alert(1)</script>"


def test_share_url_is_the_canonical_address(client):
    event = factories.event(title="党建联席会议")  # no English title
    url = event.get_absolute_url()
    html = client.get(f"/en{url}").content.decode()
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
    assert canonical == f"http://testserver{url}"
    assert f'<meta property="og:url" content="{canonical}">' in html


def test_private_and_preview_pages_have_no_share_card(client, admin_client):
    draft = factories.event(status="draft")
    html = admin_client.get(draft.get_absolute_url()).content.decode()
    assert "og:url" not in html and "noindex" in html


def test_event_json_ld_of_a_day_without_time_ends_on_a_date(client):
    start = timezone.make_aware(datetime.datetime(2020, 6, 30, 9, 0))
    event = factories.event(
        start_time_known=False, start=start, end=start + datetime.timedelta(days=1)
    )
    (data,) = read(client, event.get_absolute_url()).json_ld
    assert (data["startDate"], data["endDate"]) == ("2020-06-30", "2020-07-01")
