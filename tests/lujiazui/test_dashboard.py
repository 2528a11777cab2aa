"""The admin's first page: each role sees its parts, charts are SVG with a table of the same
numbers, no phone numbers, and a fixed number of queries."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from lujiazui import dashboard
from lujiazui.publishing import Publishable
from lujiazui.roles import EDITOR, PUBLISHER, ROUTE_MANAGER
from routes.models import Booking, CheckIn
from tests import factories
from tests.routes.conftest import book_confirmed_today, build_route

pytestmark = pytest.mark.django_db

INDEX = "/admin/"
PHONE = "13912345678"
SECTIONS = {
    "visits": 'id="dashboard-today"',
    "week": 'id="dashboard-week"',
    "approvals": 'id="dashboard-approvals"',
    "events": 'id="dashboard-events"',
    "reviews": 'id="dashboard-reviews"',
    "bookings_chart": 'id="chart-bookings-per-week"',
    "check_ins_chart": 'id="chart-check-ins-per-stop"',
}
ROUTE_PARTS = {"visits", "week", "approvals", "bookings_chart", "check_ins_chart"}
CONTENT_PARTS = {"events", "reviews"}


def build_data(n):
    """``n`` confirmed visits today (each checked in at one stop), one pending, ``n``
    upcoming published events, ``n`` events and lessons submitted for review, one draft."""
    route = build_route(stops=3)
    stops = list(route.stops.order_by("number"))
    for i in range(n):
        booking = book_confirmed_today(route, phone=PHONE, group_size=5 + i)
        CheckIn.objects.create(booking=booking, stop=stops[i % len(stops)])
    book_confirmed_today(route, phone=PHONE, group_size=4, status="pending")
    soon = timezone.now() + datetime.timedelta(days=3)
    for i in range(n):
        factories.event(title=f"即将举行{i}", start=soon + datetime.timedelta(days=i))
        factories.event(title=f"待审活动{i}", status=Publishable.Status.SUBMITTED)
        factories.lesson(title=f"待审党课{i}", status=Publishable.Status.SUBMITTED)
    factories.lesson(title="草稿党课", status=Publishable.Status.DRAFT)
    return route


def member_of(django_user_model, role):
    user = django_user_model.objects.create_user(f"user-{role}", password="x-7Hq9!pLm")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def shown_parts(page):
    return {name for name, marker in SECTIONS.items() if marker in page}


def get_index(client, user):
    client.force_login(user)
    response = client.get(INDEX)
    assert response.status_code == 200
    return response.content.decode()


def test_superuser_sees_every_part_and_the_app_list(client, admin_user):
    build_data(2)
    page = get_index(client, admin_user)
    assert shown_parts(page) == set(SECTIONS)
    assert 'id="content-main"' in page and "app-routes" in page  # the app list stays
    assert page.index('id="dashboard-today"') < page.index("app-routes")
    assert "即将举行0" in page and "待审活动1" in page and "待审党课1" in page
    assert reverse("admin:routes_booking_visits") in page


@pytest.mark.parametrize(
    "role, expected",
    [
        (EDITOR, CONTENT_PARTS),
        (PUBLISHER, CONTENT_PARTS),
        (ROUTE_MANAGER, ROUTE_PARTS),
    ],
)
def test_each_role_sees_only_its_parts(client, django_user_model, role, expected):
    build_data(1)
    page = get_index(client, member_of(django_user_model, role))
    assert shown_parts(page) == expected
    if role == ROUTE_MANAGER:
        assert "待审党课" not in page and "即将举行" not in page
    else:
        i = page.find("陆家嘴金融城党委")
        assert i == -1, page[i - 400 : i + 100]
        assert 'class="dashboard-chart"' not in page


def test_staff_without_permissions_sees_the_plain_index(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x", is_staff=True)
    build_data(1)
    page = get_index(client, user)
    assert shown_parts(page) == set()


def test_phone_numbers_are_never_on_the_dashboard(client, admin_user):
    build_data(3)
    page = get_index(client, admin_user)
    assert PHONE not in page
    assert "139****5678" not in page


def test_no_script_or_style_from_another_host(client, admin_user):
    build_data(1)
    page = get_index(client, admin_user)
    assert not re.search(r'<script[^>]*\ssrc="(?:https?:)?//', page)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)


def chart_and_table(page, chart_id):
    """The (label, value) pairs of the chart's bars, and of the table that follows it."""
    svg = re.search(rf'<svg[^>]*id="{chart_id}".*?</svg>', page, re.S).group(0)
    bars = re.findall(r'<g class="bar"><title>(.*?): (\d+)</title>', svg)
    after = page[page.index(svg) + len(svg) :]
    table = re.search(r"<tbody>(.*?)</tbody>", after, re.S).group(1)
    rows = re.findall(r'<th scope="row">(.*?)</th><td class="number">(\d+)</td>', table)
    return svg, bars, rows


def test_charts_are_accessible_svg_with_the_same_numbers_as_their_tables(client, admin_user):
    route = build_data(3)
    # One booking made last week and one six weeks ago (outside the chart).
    old, older = Booking.objects.order_by("pk")[:2]
    Booking.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=7))
    Booking.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=42)
    )
    # A check-in older than 30 days does not count.
    CheckIn.objects.filter(booking=old).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    page = get_index(client, admin_user)

    svg, bars, rows = chart_and_table(page, "chart-bookings-per-week")
    assert 'role="img"' in svg and 'aria-labelledby="chart-bookings-per-week-title"' in svg
    assert '<title id="chart-bookings-per-week-title">' in svg
    assert len(bars) == dashboard.CHART_WEEKS
    assert bars == rows
    values = [int(value) for _label, value in bars]
    assert values[-1] == 2  # this week: 4 bookings, one moved back a week, one six weeks
    assert values[-2] == 1
    assert sum(values) == 3

    svg, bars, rows = chart_and_table(page, "chart-check-ins-per-stop")
    assert len(bars) == route.stops.count() == 3
    assert bars == rows
    assert [int(value) for _label, value in bars] == [0, 1, 1]  # stop 1's check-in is old
    assert bars[1][0] == "2. 站点2"


def test_bar_chart_escapes_text():
    svg = dashboard.bar_chart("c", "<b>标题</b>", [("<i>a</i>", 3), ("b&c", 0)], "x<", "y>")
    assert "<b>" not in svg and "<i>" not in svg
    assert "&lt;b&gt;标题&lt;/b&gt;" in svg and "b&amp;c: 0" in svg
    assert svg.count('<g class="bar">') == 2


def index_queries(client, user, django_assert_num_queries, expected):
    client.force_login(user)
    with django_assert_num_queries(expected):
        response = client.get(INDEX)
    assert response.status_code == 200


# GET /admin/ for a superuser: session, user, the dashboard (visits, pending count and list,
# next events, event review counts and list, lesson review counts and list, bookings per
# week, check-ins per stop) and the recent actions in the sidebar.
SUPERUSER_QUERIES = 13
# A route manager: the same without the four content queries, plus the user's and the
# group's permissions.
ROUTE_MANAGER_QUERIES = 10


@pytest.mark.parametrize("items", [1, 3])
def test_index_query_count_is_constant_for_a_superuser(
    client, admin_user, django_assert_num_queries, items
):
    build_data(items)
    index_queries(client, admin_user, django_assert_num_queries, SUPERUSER_QUERIES)


@pytest.mark.parametrize("items", [1, 3])
def test_index_query_count_is_constant_for_a_route_manager(
    client, django_user_model, django_assert_num_queries, items
):
    build_data(items)
    user = member_of(django_user_model, ROUTE_MANAGER)
    index_queries(client, user, django_assert_num_queries, ROUTE_MANAGER_QUERIES)
