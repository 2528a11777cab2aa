"""The page cache (lujiazui/pagecache.py): hits without queries, exact invalidation by writes
and by the clock, never a personal page stored, and the HTTP validators. Each test runs on
Django's memory cache and on a real redis-server (the production backend)."""

import datetime
import re
import socket
import threading
from unittest import mock

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone, translation

from events import views as event_views
from events.models import Event, Speech
from lujiazui import pagecache, reading
from lujiazui.models import SiteSettings
from routes import booking as rules
from routes import views as routes_views
from routes.models import BookingSettings, Stop
from speakers.models import Speaker
from tests import factories
from tests.routes.conftest import book_confirmed_today, build_route

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
DETAILS = {
    "organization_name": "仁恒居民区党支部",
    "contact_name": "唐佳",
    "contact_phone": "13800138000",
    "contact_email": "",
    "needs_guide": False,
    "note": "",
}


@pytest.fixture(params=["memory", "redis"])
def page_cache(request, settings, transactional_db):
    """The page cache on, over a committed database (writes mark tables changed on commit)."""
    settings.PAGE_CACHE = True
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "lujiazui.cache.RedisCache",
                "LOCATION": request.getfixturevalue("redis_url"),
            }
        }
    cache.clear()
    yield request.param
    cache.clear()


pytestmark = pytest.mark.usefixtures("page_cache")


def served(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return response["X-Page-Cache"], response.content.decode()


def test_page_second_visit_served_without_queries(client, django_assert_num_queries):
    event = factories.event()
    assert served(client, "/")[0] == "miss"
    with django_assert_num_queries(0):
        outcome, html = served(client, "/")
    assert outcome == "hit"
    assert event.title in html


def test_page_cached_per_language(client):
    event = factories.event(title_en="Joint meeting")
    simplified_url = event.get_absolute_url()
    with translation.override("en"):
        english_url = event.get_absolute_url()
    served(client, simplified_url)
    outcome, html = served(client, english_url)
    assert outcome == "miss"
    assert "Joint meeting" in html
    assert served(client, english_url)[0] == "hit"
    outcome, html = served(client, simplified_url)
    assert outcome == "hit"
    assert "Joint meeting" not in html.split("<main")[1]


def test_page_changes_when_event_edited(client):
    event = factories.event(title="旧标题")
    served(client, "/")
    served(client, event.get_absolute_url())
    event.title = "新标题"
    event.save()
    for url in ("/", event.get_absolute_url()):
        outcome, html = served(client, url)
        assert outcome == "miss"
        assert "新标题" in html
        assert "旧标题" not in html


def test_page_gone_when_event_unpublished(client):
    event = factories.event()
    served(client, event.get_absolute_url())
    Event.objects.filter(pk=event.pk).update(status=Event.Status.DRAFT)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert event.title not in served(client, "/events/")[1]


def test_page_changes_when_event_deleted(client):
    event = factories.event()
    assert event.title in served(client, "/events/")[1]
    event.delete()
    assert event.title not in served(client, "/events/")[1]


def test_page_changes_when_speaker_renamed(client):
    event = factories.event(speeches=1)
    speaker = Speech.objects.get(event=event).speaker
    served(client, event.get_absolute_url())
    Speaker.objects.filter(pk=speaker.pk).update(name_zh_hans="新名字")
    outcome, html = served(client, event.get_absolute_url())
    assert outcome == "miss"
    assert "新名字" in html


def test_page_kept_when_other_tables_change(client):
    event = factories.event()
    route = build_route(stops=2)
    served(client, event.get_absolute_url())
    book_confirmed_today(route)
    Stop.objects.filter(route=route).update(name_zh_hans="别的站点")
    assert served(client, event.get_absolute_url())[0] == "hit"


def test_booking_form_shows_new_places_left_after_booking(client):
    route = build_route(stops=2, capacity=30)
    settings_row = BookingSettings.load()
    settings_row.lead_time_hours = 0
    settings_row.save()
    url = f"/routes/{route.slug}/book/"
    option = rules.open_slots(route)[0]
    assert "剩余 30 个名额" in served(client, url)[1]
    assert served(client, url)[0] == "hit"
    rules.create_booking(route, option.key, group_size=12, language="zh-hans", **DETAILS)
    outcome, html = served(client, url)
    assert outcome == "miss"
    assert "剩余 18 个名额" in html


def test_booking_form_drops_time_when_its_lead_time_begins(client):
    route = build_route(stops=2)
    url = f"/routes/{route.slug}/book/"
    first = rules.open_slots(route)[0]
    assert first.key in served(client, url)[1]
    lead = datetime.timedelta(hours=BookingSettings.load().lead_time_hours)
    later = first.starts_at - lead + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        outcome, html = served(client, url)
    assert outcome == "miss"
    assert first.key not in html


def test_scheduled_event_appears_when_publish_time_passes(client):
    publish_at = timezone.now() + datetime.timedelta(hours=2)
    event = factories.event(publish_at=publish_at)
    assert event.title not in served(client, "/events/")[1]
    assert served(client, "/events/")[0] == "hit"
    with mock.patch("django.utils.timezone.now", return_value=publish_at):
        outcome, html = served(client, "/events/")
    assert outcome == "miss"
    assert event.title in html


def test_event_becomes_past_when_over(client):
    start = timezone.now() + datetime.timedelta(hours=1)
    event = factories.event(start=start, end=start + datetime.timedelta(hours=2))
    upcoming, past = served(client, "/events/")[1].split('id="past-title"')
    assert event.title in upcoming
    with mock.patch(
        "django.utils.timezone.now", return_value=event.end + datetime.timedelta(minutes=1)
    ):
        upcoming, past = served(client, "/events/")[1].split('id="past-title"')
    assert event.title not in upcoming
    assert event.title in past


def test_page_expires_at_midnight(client):
    served(client, "/network/")
    tomorrow = pagecache.next_midnight(timezone.now()) + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        assert served(client, "/network/")[0] == "miss"


def test_site_settings_change_shows_in_footer(client):
    served(client, "/network/")
    SiteSettings.objects.create(pk=1, icp_filing="沪ICP备12345678号")
    outcome, html = served(client, "/network/")
    assert outcome == "miss"
    assert "沪ICP备12345678号" in html


def test_rolled_back_write_keeps_page(client):
    event = factories.event()
    served(client, event.get_absolute_url())
    with pytest.raises(RuntimeError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(title_zh_hans="不会保存")
        raise RuntimeError
    assert served(client, event.get_absolute_url())[0] == "hit"


def test_write_while_rendering_not_served_afterwards(client):
    """A write that commits after the page read its data but before it was stored: the stored
    copy carries the versions from before, so the next reader gets the new text."""
    event = factories.event(title="旧标题")
    original = event_views.render_page

    def render_then_write(*args, **kwargs):
        Event.objects.filter(pk=event.pk).update(title_zh_hans="新标题")
        return original(*args, **kwargs)

    with mock.patch.object(event_views, "render_page", render_then_write):
        assert "旧标题" in served(client, event.get_absolute_url())[1]
    outcome, html = served(client, event.get_absolute_url())
    assert outcome == "miss"
    assert "新标题" in html


def test_lost_table_version_means_render_again(client):
    event = factories.event()
    served(client, event.get_absolute_url())
    cache.delete(pagecache.version_key(Event._meta.db_table))
    assert served(client, event.get_absolute_url())[0] == "miss"
    assert served(client, event.get_absolute_url())[0] == "hit"


def test_page_not_served_or_stored_for_staff(client, login):
    event = factories.event()
    staff, _user = login("内容编辑")
    response = staff.get(event.get_absolute_url())
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert served(client, event.get_absolute_url())[0] == "miss"


def test_preview_never_stored(client, login):
    event = factories.event(status=Event.Status.DRAFT)
    staff, _user = login("内容编辑")
    assert "no-store" in staff.get(event.get_absolute_url())["Cache-Control"]
    assert client.get(event.get_absolute_url()).status_code == 404


def test_check_in_result_never_stored(client):
    route = build_route(stops=2)
    booking = book_confirmed_today(route, phone="13900001234")
    stop = route.stops.get(number=1)
    served(client, stop.get_absolute_url())
    reply = client.post(
        stop.get_absolute_url(), {"reference": booking.reference, "phone_last_four": "1234"}
    )
    assert reply.status_code == 303
    for _visit in range(2):
        result = client.get(reply["Location"])
        assert "X-Page-Cache" not in result
        assert "no-store" in result["Cache-Control"]
    assert booking.check_ins.count() == 1


def test_form_page_gives_each_reader_their_own_token():
    route = build_route(stops=2)
    booking = book_confirmed_today(route, phone="13900001234")
    stop = route.stops.get(number=1)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    assert first.get(stop.get_absolute_url())["X-Page-Cache"] == "miss"
    page = second.get(stop.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    assert "private" in page["Cache-Control"] and "no-store" in page["Cache-Control"]
    stored = cache.get(pagecache.page_key(page.wsgi_request, (routes_views.CHECKED_PARAMETER,)))
    assert pagecache.CSRF_PLACEHOLDER in stored["body"]
    assert not TOKEN.search(stored["body"].decode(errors="replace"))
    token = TOKEN.search(page.content.decode())[1]
    reply = second.post(
        stop.get_absolute_url(),
        {"reference": booking.reference, "phone_last_four": "1234", "csrfmiddlewaretoken": token},
    )
    assert reply.status_code == 303
    stranger = Client(enforce_csrf_checks=True)
    stranger.get(stop.get_absolute_url())
    refused = stranger.post(
        stop.get_absolute_url(),
        {"reference": booking.reference, "phone_last_four": "1234", "csrfmiddlewaretoken": "x"},
    )
    assert refused.status_code == 403


def test_post_never_answered_from_cache(client):
    route = build_route(stops=2)
    stop = route.stops.get(number=1)
    served(client, stop.get_absolute_url())
    reply = client.post(stop.get_absolute_url(), {"reference": "", "phone_last_four": ""})
    assert "X-Page-Cache" not in reply
    assert reply.status_code == 200


def test_page_answers_304_when_reader_has_it(client):
    factories.event()
    first = client.get("/")
    assert first["ETag"] and first["Last-Modified"]
    for headers in (
        {"If-None-Match": first["ETag"]},
        {"If-Modified-Since": first["Last-Modified"]},
    ):
        again = client.get("/", headers=headers)
        assert again.status_code == 304
        assert again.content == b""
    factories.event()
    assert client.get("/", headers={"If-None-Match": first["ETag"]}).status_code == 200


def test_page_headers_vary_on_cookie_only(client):
    for url in ("/", "/en/"):
        for _visit in range(2):
            response = client.get(url)
            vary = [part.strip() for part in response["Vary"].split(",")]
            assert vary == ["Cookie"], url
            assert response["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_readers_racing_a_writer_end_on_latest_text(client):
    """Readers in threads fill and serve the cache while the title changes twenty times;
    afterwards every reader sees the last title."""
    event = factories.event(title="版本0")
    url = event.get_absolute_url()
    done = threading.Event()
    errors = []

    def read():
        reader = Client()
        try:
            while not done.is_set():
                if reader.get(url).status_code != 200:
                    errors.append("status")
        finally:
            connection.close()

    readers = [threading.Thread(target=read) for _ in range(4)]
    for thread in readers:
        thread.start()
    try:
        for version in range(1, 21):
            event.title = f"版本{version}"
            event.save()
    finally:
        done.set()
        for thread in readers:
            thread.join()
    assert not errors
    for _reader in range(3):
        html = Client().get(url).content.decode()
        assert "版本20" in html
        assert "版本19" not in html


def test_page_served_and_write_kept_when_cache_unreachable(client):
    event = factories.event(title="旧标题")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    unreachable = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
    }
    route = build_route(stops=2)
    booking = book_confirmed_today(route, phone="13900001234")
    stop = route.stops.get(number=1)
    with override_settings(CACHES={"default": unreachable}):
        response = client.get(event.get_absolute_url())
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert "旧标题" in response.content.decode()
        event.title = "新标题"
        event.save()
        # the rate limits count in the cache: without it, check-ins still go through
        reply = client.post(
            stop.get_absolute_url(), {"reference": booking.reference, "phone_last_four": "1234"}
        )
        assert reply.status_code == 303
    assert Event.objects.get(pk=event.pk).title == "新标题"
    assert booking.check_ins.count() == 1


def test_last_modified_moves_on_when_page_changes_within_a_second(client):
    event = factories.event(title="旧标题")
    moment = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=moment):
        first = client.get(event.get_absolute_url())
        event.title = "新标题"
        event.save()
        again = client.get(
            event.get_absolute_url(), headers={"If-Modified-Since": first["Last-Modified"]}
        )
    assert again.status_code == 200
    assert "新标题" in again.content.decode()
    assert again["Last-Modified"] != first["Last-Modified"]


def test_page_of_another_release_not_served(client, monkeypatch):
    event = factories.event()
    served(client, event.get_absolute_url())
    assert served(client, event.get_absolute_url())[0] == "hit"
    monkeypatch.setattr(pagecache, "release", lambda: "next-release")
    assert served(client, event.get_absolute_url())[0] == "miss"


def test_page_for_signed_in_staff_private(login):
    event = factories.event()
    staff, _user = login("内容编辑")
    response = staff.get(event.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_hit_answered_before_other_middleware_with_same_headers(client):
    event = factories.event()
    url = event.get_absolute_url()
    with mock.patch.object(
        SessionMiddleware,
        "process_request",
        autospec=True,
        side_effect=SessionMiddleware.process_request,
    ) as session:
        first = client.get(url)
        assert session.call_count == 1
        again = client.get(url)
        assert session.call_count == 1
    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    assert again.content == first.content

    def sent(response):
        return {name: value for name, value in response.items() if name != "X-Page-Cache"}

    assert sent(again) == sent(first)
    assert {"Content-Security-Policy", "Permissions-Policy", "X-Frame-Options"} <= set(sent(again))


def test_page_shared_by_urls_differing_in_other_parameters(client):
    for number in range(25):
        factories.speaker(name=f"人物{number:02}")
    outcome, html = served(client, "/speakers/?page=2&from=groupmessage&isappinstalled=0")
    assert outcome == "miss"
    assert "page=2" in html  # the language and reading mode links keep the page number
    assert "groupmessage" not in html
    outcome, shared = served(client, "/speakers/?page=2")
    assert outcome == "hit"
    assert shared == html
    assert served(client, "/speakers/?from=timeline")[0] == "miss"
    assert served(client, "/speakers/")[0] == "hit"
    # Parameters the view does not name (the home page names none) and repeated values.
    served(client, "/")
    assert served(client, "/?page=7&year=1999&kind=x")[0] == "hit"
    assert served(client, "/speakers/?page=2&page=2")[0] == "hit"


def test_search_results_never_stored(client):
    factories.event(title="社区党建活动")
    for _visit in range(2):
        response = client.get("/search/?q=党建")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
        assert "社区党建活动" in response.content.decode()


def test_sitemap_kept_when_a_booking_adds_history(client):
    """Every booking adds to the history the sitemap's lastmod comes from; the sitemap may
    lag behind it (pagecache.may_lag) instead of being made again for each booking."""
    event = factories.event(title="旧标题")
    route = build_route(stops=2)
    served(client, "/sitemap-events.xml")
    book_confirmed_today(route)
    assert served(client, "/sitemap-events.xml")[0] == "hit"
    event.title = "新标题"
    event.save()
    assert served(client, "/sitemap-events.xml")[0] == "miss"


NO_REAL_PAGE = [
    "/speakers/?page=99999",
    "/speakers/?page=",
    "/organizations/?kind=x",
    "/events/?year=1",
    "/sitemap-events.xml?p=01",
]


@pytest.mark.parametrize("url", NO_REAL_PAGE)
def test_page_for_a_query_naming_no_real_page_never_stored(client, url):
    """Any number or value would otherwise be one more stored copy of a real page."""
    factories.speaker()
    for _visit in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
    assert served(client, url.split("?")[0])[0] == "miss"


def test_page_stored_no_longer_than_max_age(client, settings):
    settings.PAGE_CACHE_MAX_AGE = 60
    served(client, "/network/")
    assert served(client, "/network/")[0] == "hit"
    later = timezone.now() + datetime.timedelta(seconds=61)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert served(client, "/network/")[0] == "miss"


def test_page_stored_per_reading_mode(client):
    served(client, "/network/")
    assert served(client, "/network/")[0] == "hit"
    client.cookies[reading.COOKIE_NAME] = reading.LARGE
    outcome, large = served(client, "/network/")
    assert outcome == "miss"
    assert 'class="reading-large"' in large
    assert served(client, "/network/")[0] == "hit"
    client.cookies[reading.COOKIE_NAME] = "tampered"
    outcome, standard = served(client, "/network/")
    assert outcome == "hit"
    assert "reading-large" not in standard


def test_page_changes_after_write_in_manual_transaction(client):
    """set_autocommit(False) has no on_commit; the write is marked at once, not refused."""
    event = factories.event(title="旧标题")
    served(client, event.get_absolute_url())
    transaction.set_autocommit(False)
    try:
        Event.objects.filter(pk=event.pk).update(title_zh_hans="新标题")
        transaction.commit()
    finally:
        transaction.set_autocommit(True)
    outcome, html = served(client, event.get_absolute_url())
    assert outcome == "miss"
    assert "新标题" in html


@pytest.mark.parametrize(
    "sql",
    [
        'UPDATE "events_event" SET "slug" = "slug"',
        'UPDATE "public"."events_event" SET "slug" = "slug"',
        "update events_event set slug = slug",
        'INSERT INTO "events_event" ("id") VALUES (1)',
        'DELETE FROM main."events_event" WHERE 1 = 0',
    ],
)
def test_written_table_found_in_sql(sql):
    assert pagecache.WRITE.match(sql)[1] == "events_event"


def test_cache_asked_only_for_addresses_of_cached_pages(client):
    factories.event()
    with mock.patch.object(pagecache, "cache", wraps=cache) as spy:
        for url in ("/q/ABC123", "/admin/login/", "/no-such-page/", "/en/no-such-page/"):
            client.get(url)
        assert spy.get_many.call_count == 0
        for url in ("/", "/en/events/"):
            asked = spy.get_many.call_count
            assert served(client, url)[0] == "miss"
            assert spy.get_many.call_count > asked


def test_stop_page_with_a_stale_check_in_result_never_stored(client):
    route = build_route(stops=2)
    stop = route.stops.get(number=1)
    for _visit in range(2):
        response = client.get(f"{stop.get_absolute_url()}?checked=forged")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
    assert served(client, stop.get_absolute_url())[0] == "miss"


def test_page_stored_when_first_reader_already_has_it(client):
    """A reader revalidating after the copy was dropped (a deploy, an unrelated write) gets a
    304, and the page is stored for the next reader all the same."""
    event = factories.event()
    url = event.get_absolute_url()
    etag = client.get(url)["ETag"]
    cache.clear()
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert served(client, url)[0] == "hit"
