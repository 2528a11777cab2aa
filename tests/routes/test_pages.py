"""The red route's public pages: route, stop (with check-in), printable sign, /q/ links."""

import datetime
import math
import re
from decimal import Decimal
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from routes import maps
from routes.models import Booking, CheckIn, Slot, Stop
from routes.views import CHECKED_SALT
from tests import factories

pytestmark = pytest.mark.django_db

LANGUAGES = [("", "zh-hans"), ("/zh-hant", "zh-hant"), ("/en", "en")]
PIN = re.compile(r'<g class="route-map__pin"><title>')


def route_url(route, prefix=""):
    return f"{prefix}/routes/{route.slug}/"


def stop_url(route, number, prefix=""):
    return f"{prefix}/routes/{route.slug}/stops/{number}/"


def sign_url(route, number):
    return f"/routes/{route.slug}/stops/{number}/sign/"


def check_in(client, route, number, booking, last_four=None, prefix="/en"):
    return client.post(
        stop_url(route, number, prefix),
        {
            "reference": booking.reference,
            "phone_last_four": last_four or booking.contact_phone[-4:],
        },
    )


def in_language(language, message):
    with translation.override(language):
        return gettext(message)


# ----------------------------------------------------------------------------- route page


@pytest.mark.parametrize(("prefix", "language"), LANGUAGES)
def test_route_page_in_each_language_has_its_lang(client, route, prefix, language):
    response = client.get(route_url(route, prefix))
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text


def test_route_page_lists_the_stops_in_order_with_their_links(client, make_route):
    route = make_route(stops=3)
    Stop.objects.filter(route=route, number=2).update(name_zh_hans="陆家嘴中心绿地")
    html = client.get(route_url(route)).text
    names = [html.index(f">{name}</a>") for name in ("站点1", "陆家嘴中心绿地", "站点3")]
    assert names == sorted(names)
    for number in (1, 2, 3):
        assert f'href="{stop_url(route, number)}"' in html
    assert "浦东新区陆家嘴环路2号" in html


def test_route_page_links_to_booking(client, route):
    html = client.get(route_url(route, "/en")).text
    assert f'href="/en/routes/{route.slug}/book/"' in html
    assert "Book a group visit" in html


def test_route_page_map_has_one_pin_per_stop_with_coordinates(client, make_route):
    route = make_route(stops=4)
    Stop.objects.filter(route=route, number=3).update(latitude=None, longitude=None)
    html = client.get(route_url(route, "/en")).text
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert "aria-label=" in svg
    assert len(PIN.findall(svg)) == 3
    assert "<title>3." not in svg
    assert "<polyline" in svg
    assert "Stops without a known position are not shown on the map." in html


def test_route_page_without_coordinates_has_no_map_but_lists_the_stops(client, make_route):
    route = make_route(stops=2, coordinates=False)
    html = client.get(route_url(route)).text
    assert "<svg" not in html
    assert "uri.amap.com" not in html
    assert f'href="{stop_url(route, 2)}"' in html


def test_route_page_amap_link_is_a_plain_link_with_gaode_coordinates(client, make_route):
    route = make_route(stops=1)
    stop = route.stops.get()
    html = client.get(route_url(route)).text
    expected = (
        f"https://uri.amap.com/marker?position={stop.longitude},{stop.latitude}"
        "&amp;name=%E7%AB%99%E7%82%B91&amp;coordinate=gaode&amp;callnative=0"
    )
    assert f'<a class="amap-link" href="{expected}" rel="noopener">' in html
    assert "<script" not in html


def test_route_page_demo_label_when_a_stop_is_demo(client, make_route):
    route = make_route(stops=2)
    Stop.objects.filter(route=route, number=2).update(is_demo=True)
    html = client.get(route_url(route, "/en")).text
    assert "Demo content: staff will replace these stops with the real ones." in html


def test_route_page_demo_label_when_the_route_is_demo(client, make_route):
    route = make_route(stops=1, is_demo=True)
    html = client.get(route_url(route, "/en")).text
    assert "Demo content: staff will replace these stops with the real ones." in html


def test_route_page_without_demo_content_has_no_demo_label(client, route):
    html = client.get(route_url(route, "/en")).text
    assert "Demo content" not in html


def test_route_page_body_is_rendered_as_html(client, make_route):
    route = make_route(stops=1, body="<p>从<strong>东方明珠</strong>出发</p>")
    html = client.get(route_url(route)).text
    assert "<strong>东方明珠</strong>" in html


def test_route_page_unknown_slug_is_404(client, route):
    response = client.get("/routes/no-such-route/")
    assert response.status_code == 404


@pytest.mark.parametrize("stops", [1, 3])
def test_route_page_query_count_does_not_grow_with_stops(
    client, make_route, django_assert_num_queries, stops
):
    route = make_route(stops=stops)
    with django_assert_num_queries(2):
        response = client.get(route_url(route))
    assert response.status_code == 200
    assert len(PIN.findall(response.text)) == stops


# ----------------------------------------------------------------------------- maps module


def test_amap_url_for_wgs84_says_so(make_route):
    stop = make_route(stops=1).stops.get()
    stop.coordinate_system = Stop.CoordinateSystem.WGS84
    url = maps.amap_url(stop)
    query = parse_qs(urlsplit(url).query)
    assert query["coordinate"] == ["wgs84"]
    assert query["position"] == [f"{stop.longitude},{stop.latitude}"]
    assert query["callnative"] == ["0"]


def test_amap_url_for_bd09_or_missing_coordinates_is_none(make_route):
    stop = make_route(stops=1).stops.get()
    stop.coordinate_system = Stop.CoordinateSystem.BD09
    assert maps.amap_url(stop) is None
    stop.coordinate_system = Stop.CoordinateSystem.GCJ02
    stop.latitude = None
    assert maps.amap_url(stop) is None


def test_amap_url_encodes_the_name(make_route):
    stop = make_route(stops=1).stops.get()
    url = maps.amap_url(stop, name="A & B 站")
    assert "name=A%20%26%20B%20%E7%AB%99&" in url


def located(latitude, longitude, number=1, system="gcj02"):
    return Stop(
        number=number,
        name=f"站{number}",
        latitude=Decimal(latitude),
        longitude=Decimal(longitude),
        coordinate_system=system,
    )


def test_route_map_scales_longitude_by_the_cosine_of_latitude():
    # 0.01° east and 0.01° north of the first stop: east is cos(31.23°) as long as north.
    stops = [
        located("31.230000", "121.500000", 1),
        located("31.230000", "121.510000", 2),
        located("31.240000", "121.500000", 3),
    ]
    first, east, north = maps.route_map(stops).pins
    east_length = east.x - first.x
    north_length = first.y - north.y
    assert east_length / north_length == pytest.approx(math.cos(math.radians(31.235)), rel=1e-3)
    assert east.y == pytest.approx(first.y)


def test_route_map_keeps_every_pin_inside_the_drawing():
    stops = [located(f"31.{2300 + 7 * n:04d}00", f"121.{4900 + 13 * n:04d}00", n) for n in range(9)]
    route_map = maps.route_map(stops)
    for pin in route_map.pins:
        assert maps.PADDING - 0.01 <= pin.x <= route_map.width - maps.PADDING + 0.01
        assert maps.PADDING - 0.01 <= pin.y <= route_map.height - maps.PADDING + 0.01
    assert [pin.stop.number for pin in route_map.pins] == list(range(9))
    assert len(route_map.points.split()) == 9


def test_route_map_of_one_stop_puts_it_in_the_middle():
    route_map = maps.route_map([located("31.23", "121.5")])
    (pin,) = route_map.pins
    assert (pin.x, pin.y) == (route_map.width / 2, route_map.height / 2)


def test_route_map_without_coordinates_is_none():
    assert maps.route_map([Stop(number=1, name="无坐标")]) is None


def test_wgs84_is_shifted_to_gcj02_in_shanghai_and_not_abroad():
    latitude, longitude = maps.wgs84_to_gcj02(31.2304, 121.4737)
    assert -0.003 < latitude - 31.2304 < -0.001
    assert 0.003 < longitude - 121.4737 < 0.006
    assert maps.wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522)


def test_bd09_is_converted_back_to_gcj02():
    gcj_latitude, gcj_longitude = 31.2397, 121.4998
    # Baidu's published forward conversion, GCJ-02 → BD-09.
    z = math.hypot(gcj_longitude, gcj_latitude) + 0.00002 * math.sin(
        gcj_latitude * math.pi * 3000 / 180
    )
    theta = math.atan2(gcj_latitude, gcj_longitude) + 0.000003 * math.cos(
        gcj_longitude * math.pi * 3000 / 180
    )
    bd = (z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065)
    latitude, longitude = maps.bd09_to_gcj02(*bd)
    assert latitude == pytest.approx(gcj_latitude, abs=2e-5)
    assert longitude == pytest.approx(gcj_longitude, abs=2e-5)


# ----------------------------------------------------------------------------- stop page


@pytest.mark.parametrize(("prefix", "language"), LANGUAGES)
def test_stop_page_in_each_language_has_its_lang_and_the_form(client, route, prefix, language):
    response = client.get(stop_url(route, 5, prefix))
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    assert 'name="reference"' in response.text
    assert 'name="phone_last_four"' in response.text
    assert f'action="{stop_url(route, 5, prefix)}#check-in"' in response.text


def test_stop_page_shows_position_neighbours_and_map_link(client, route):
    html = client.get(stop_url(route, 5, "/en")).text
    assert "Stop 5 of 13" in html
    assert f'href="{stop_url(route, 4, "/en")}" rel="prev"' in html
    assert f'href="{stop_url(route, 6, "/en")}" rel="next"' in html
    assert "https://uri.amap.com/marker?position=" in html
    assert "浦东新区陆家嘴环路5号" in html


def test_first_and_last_stop_have_one_neighbour(client, make_route):
    route = make_route(stops=2)
    first = client.get(stop_url(route, 1)).text
    last = client.get(stop_url(route, 2)).text
    assert 'rel="prev"' not in first and 'rel="next"' in first
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_stop_page_links_its_organization(client, make_route):
    route = make_route(stops=1)
    organization = factories.organization(name="东方明珠党支部")
    Stop.objects.filter(route=route).update(organization=organization)
    html = client.get(stop_url(route, 1)).text
    assert f'href="{organization.get_absolute_url()}"' in html
    assert "东方明珠党支部" in html


def test_stop_page_unknown_number_is_404(client, route):
    assert client.get(stop_url(route, 14)).status_code == 404
    assert client.get("/routes/no-such-route/stops/1/").status_code == 404


@pytest.mark.parametrize("stops", [1, 3])
def test_stop_page_query_count_does_not_grow_with_stops(
    client, make_route, django_assert_num_queries, stops
):
    route = make_route(stops=stops)
    with django_assert_num_queries(2):
        response = client.get(stop_url(route, 1))
    assert response.status_code == 200


@pytest.mark.parametrize("check_ins", [1, 3])
def test_stop_page_progress_query_count_does_not_grow_with_check_ins(
    client, route, confirmed_booking_today, django_assert_num_queries, check_ins
):
    booking = confirmed_booking_today(route)
    for number in range(1, check_ins + 1):
        CheckIn.objects.create(booking=booking, stop=route.stops.get(number=number))
    location = check_in(client, route, 1, booking)["Location"]
    with django_assert_num_queries(3):
        response = client.get(location)
    assert f"Checked in: {check_ins} of 13 stops" in response.text


# ----------------------------------------------------------------------------- check-in


def test_check_in_succeeds_and_redirects_without_personal_data(
    client, route, confirmed_booking_today
):
    booking = confirmed_booking_today(route, phone="13912345678")
    response = check_in(client, route, 3, booking)
    assert response.status_code == 303
    location = response["Location"]
    assert location.startswith(stop_url(route, 3, "/en") + "?checked=")
    assert booking.reference not in location
    assert "5678" not in location
    assert CheckIn.objects.filter(booking=booking, stop__number=3).count() == 1
    page = client.get(location)
    assert "Checked in at this stop" in page.text
    assert "Checked in: 1 of 13 stops" in page.text
    assert page["Cache-Control"].startswith("private") or "private" in page["Cache-Control"]


def test_check_in_accepts_a_lower_case_reference(client, route, confirmed_booking_today):
    booking = confirmed_booking_today(route)
    response = client.post(
        stop_url(route, 1),
        {"reference": booking.reference.lower(), "phone_last_four": "8000"},
    )
    assert response.status_code == 303
    assert CheckIn.objects.filter(booking=booking).count() == 1


def test_repeated_check_in_counts_once(client, route, confirmed_booking_today):
    booking = confirmed_booking_today(route)
    check_in(client, route, 2, booking)
    response = check_in(client, route, 2, booking)
    assert response.status_code == 303
    assert CheckIn.objects.filter(booking=booking).count() == 1
    page = client.get(response["Location"]).text
    assert "You had already checked in here" in page
    assert "Checked in: 1 of 13 stops" in page


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("wrong reference", "We could not find a booking with this reference and phone number."),
        ("wrong last four", "We could not find a booking with this reference and phone number."),
        ("not confirmed", "This booking is not confirmed, so it cannot check in."),
        ("not today", "Check-in is open on the day of the visit only."),
        ("other route", "We could not find a booking with this reference and phone number."),
    ],
)
@pytest.mark.parametrize(("prefix", "language"), LANGUAGES)
def test_check_in_refused_shows_a_localized_error_and_saves_nothing(
    client, make_route, confirmed_booking_today, case, message, prefix, language
):
    route = make_route(stops=2)
    booking = confirmed_booking_today(
        route, status="pending" if case == "not confirmed" else "confirmed"
    )
    reference, last_four = booking.reference, "8000"
    if case == "wrong reference":
        reference = "ACDEFGHJ" if reference != "ACDEFGHJ" else "ACDEFGHK"
    elif case == "wrong last four":
        last_four = "8001"
    elif case == "not today":
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        Slot.objects.filter(pk=booking.slot_id).update(date=yesterday)
    elif case == "other route":
        route = make_route(stops=2)
    response = client.post(
        stop_url(route, 1, prefix), {"reference": reference, "phone_last_four": last_four}
    )
    assert response.status_code == 200
    assert unescape(in_language(language, message)) in unescape(response.text)
    assert 'role="alert"' in response.text
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"reference": "SHORT", "phone_last_four": "12"},
        {"reference": "ACDEFGHJ", "phone_last_four": "abcd"},
        {"reference": "陆家嘴陆家嘴陆家嘴", "phone_last_four": "１２３４"},
        {"reference": "A" * 5000, "phone_last_four": "1" * 5000},
    ],
)
def test_check_in_with_bad_input_shows_form_errors(client, route, confirmed_booking_today, data):
    confirmed_booking_today(route)
    response = client.post(stop_url(route, 1, "/en"), data)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.text
    assert not CheckIn.objects.exists()


def test_get_never_checks_in(client, route, confirmed_booking_today):
    booking = confirmed_booking_today(route)
    response = client.get(
        stop_url(route, 1), {"reference": booking.reference, "phone_last_four": "8000"}
    )
    assert response.status_code == 200
    assert not CheckIn.objects.exists()


def test_check_in_enforces_csrf(route, confirmed_booking_today):
    booking = confirmed_booking_today(route)
    csrf_client = Client(enforce_csrf_checks=True)
    data = {"reference": booking.reference, "phone_last_four": "8000"}
    refused = csrf_client.post(stop_url(route, 1), data)
    assert refused.status_code == 403
    assert not CheckIn.objects.exists()
    page = csrf_client.get(stop_url(route, 1))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    accepted = csrf_client.post(stop_url(route, 1), data | {"csrfmiddlewaretoken": token})
    assert accepted.status_code == 303
    assert CheckIn.objects.count() == 1


def test_checking_in_at_every_stop_completes_the_route(client, make_route, confirmed_booking_today):
    route = make_route(stops=3)
    booking = confirmed_booking_today(route)
    for number in (1, 3):
        page = client.get(check_in(client, route, number, booking)["Location"]).text
        assert "Route complete" not in page
    page = client.get(check_in(client, route, 2, booking)["Location"]).text
    assert "Route complete" in page
    assert "Your group has checked in at all 3 stops of the route." in page
    assert "Checked in: 3 of 3 stops" in page


def test_check_in_rate_limit_answers_429_with_the_form(client, route, confirmed_booking_today):
    booking = confirmed_booking_today(route)
    for _attempt in range(10):
        response = check_in(client, route, 1, booking, last_four="0000")
        assert response.status_code == 200
    response = check_in(client, route, 1, booking)
    assert response.status_code == 429
    assert "Too many check-in attempts" in response.text
    assert 'name="reference"' in response.text
    assert not CheckIn.objects.exists()


def test_progress_flag_that_is_tampered_or_for_another_stop_is_ignored(
    client, route, confirmed_booking_today
):
    booking = confirmed_booking_today(route)
    location = check_in(client, route, 1, booking)["Location"]
    flag = location.split("checked=")[1]
    for url in (
        stop_url(route, 2, "/en") + "?checked=" + flag,
        stop_url(route, 1, "/en") + "?checked=" + flag[:-2] + "xx",
        stop_url(route, 1, "/en") + "?checked=" + signing.dumps({"booking": booking.pk}),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "Checked in:" not in response.text


def test_progress_counts_only_this_bookings_check_ins(client, route, confirmed_booking_today):
    booking = confirmed_booking_today(route)
    other = confirmed_booking_today(route, phone="13900000000")
    for number in (1, 2, 3):
        CheckIn.objects.create(booking=other, stop=route.stops.get(number=number))
    flag = signing.dumps(
        {"booking": booking.pk, "stop": route.stops.get(number=4).pk, "new": True},
        salt=CHECKED_SALT,
    )
    CheckIn.objects.create(booking=booking, stop=route.stops.get(number=4))
    html = client.get(stop_url(route, 4, "/en") + "?checked=" + flag).text
    assert "Checked in: 1 of 13 stops" in html
    assert Booking.objects.count() == 2


# ----------------------------------------------------------------------------- sign page


def test_sign_page_has_a_qr_code_of_the_permanent_link(client, route):
    stop = route.stops.get(number=7)
    response = client.get(sign_url(route, 7))
    assert response.status_code == 200
    link = f"http://testserver/q/{stop.check_in_code}"
    assert f'<p class="stop-sign__link">{link}</p>' in response.text
    qr = re.search(r'<svg role="img" viewBox[^>]*>.*?</svg>', response.text, re.S)[0]
    assert "<path" in qr
    # The drawing is exactly the one segno makes for the link, so it decodes to the link.
    expected = segno.make(link, error="m").svg_inline(
        scale=1, omitsize=True, light="#fff", svgclass="stop-sign__code", title=link
    )
    assert qr.replace(' role="img"', "") == expected.strip()


def test_sign_page_names_the_stop_in_three_languages(client, make_route):
    route = make_route(stops=1)
    stop = route.stops.get()
    stop.name_zh_hans = "东方明珠广播电视塔"
    stop.name_en = "Oriental Pearl Tower"
    stop.save()
    html = client.get(sign_url(route, 1)).text
    assert '<span lang="zh-hans">东方明珠广播电视塔</span>' in html
    assert '<span lang="zh-hant">東方明珠廣播電視塔</span>' in html
    assert '<span lang="en">Oriental Pearl Tower</span>' in html
    for language in ("zh-hans", "zh-hant", "en"):
        instruction = in_language(language, "Scan to open this stop and check in")
        assert f'<li lang="{language}">{instruction}</li>' in html
    assert "Stop 1" in html


def test_sign_page_falls_back_to_simplified_names(client, make_route):
    route = make_route(stops=1)
    html = client.get(sign_url(route, 1)).text
    assert '<span lang="en">站点1</span>' not in html
    assert html.count('<span lang="zh-hans">站点1</span>') == 2  # Simplified, and for English


def test_sign_page_unknown_stop_is_404(client, route):
    assert client.get(sign_url(route, 99)).status_code == 404


# ----------------------------------------------------------------------------- /q/ links


@pytest.mark.parametrize(
    ("accept_language", "prefix"),
    [("zh-TW,zh;q=0.9", "/zh-hant"), ("zh-Hant", "/zh-hant"), ("en-US,en;q=0.8", "/en"), ("", "")],
)
def test_check_in_link_redirects_to_the_stop_in_the_readers_language(
    client, route, accept_language, prefix
):
    stop = route.stops.get(number=4)
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = client.get(f"/q/{stop.check_in_code}", headers=headers)
    assert response.status_code == 302
    assert response["Location"] == stop_url(route, 4, prefix)
    assert "Accept-Language" in response["Vary"]
    assert "Cookie" in response["Vary"]
    assert "private" in response["Cache-Control"]


def test_check_in_link_follows_the_language_cookie(client, route):
    stop = route.stops.get(number=1)
    client.cookies["django_language"] = "en"
    response = client.get(f"/q/{stop.check_in_code}", headers={"Accept-Language": "zh-CN"})
    assert response["Location"] == stop_url(route, 1, "/en")


def test_check_in_link_ignores_case(client, route):
    stop = route.stops.get(number=2)
    response = client.get(f"/q/{stop.check_in_code.lower()}")
    assert response["Location"] == stop_url(route, 2)


@pytest.mark.parametrize("code", ["NOSUCHCO", "x", "A" * 40])
def test_check_in_link_unknown_code_is_404(client, route, code):
    response = client.get(f"/q/{code}")
    assert response.status_code == 404
    assert reverse("home") in response.text


@pytest.mark.parametrize("items", [1, 3])
def test_route_list_query_count_constant(client, django_assert_num_queries, make_route, items):
    routes = [make_route(stops=1) for _ in range(items)]
    with django_assert_num_queries(1):
        response = client.get(reverse("routes:route_list"))
    page = response.content.decode()
    assert all(route.get_absolute_url() in page for route in routes)
    assert 'aria-current="page">' in page
