"""Every admin changelist runs a fixed number of queries, with one row or with three.

The models are those registered on ``admin.site`` when the tests run, so a newly registered
admin is covered at once; it fails here until it has a data builder in ``BUILDERS`` and a
query count in ``SUPERUSER_QUERIES``. Each builder makes ``n`` objects with the related rows
their list columns and filters touch.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from events.models import Attendance
from lujiazui.models import SiteSettings
from lujiazui.roles import ROLES, ROUTE_MANAGER
from routes.models import BookingSettings, CheckIn
from tests import factories
from tests.routes.conftest import book_confirmed_today, build_route

pytestmark = pytest.mark.django_db

SIZES = [1, 3]
PHONE = "13912345678"
MASKED = "139****5678"


# --------------------------------------------------------------------------- builders


def users(n):
    """Staff users, each in a group and with a permission of their own."""
    permission = Permission.objects.get(codename="view_event")
    built = []
    for i in range(n):
        user = get_user_model().objects.create_user(f"changelist-{i}", is_staff=True)
        user.groups.add(Group.objects.create(name=f"用户组{i}"))
        user.user_permissions.add(permission)
        built.append(user)
    return built


def groups(n):
    built = []
    for i in range(n):
        group = Group.objects.create(name=f"小组{i}")
        group.permissions.add(*Permission.objects.filter(codename__startswith="view_")[:3])
        built.append(group)
    return built


def access_attempts(n):
    from axes.models import AccessAttempt

    return [
        AccessAttempt.objects.create(
            username=f"guess{i}",
            ip_address=f"10.0.0.{i + 1}",
            user_agent="Mozilla/5.0",
            http_accept="text/html",
            path_info=f"/admin/login/{i}",
            get_data="",
            post_data="username=guess",
            failures_since_start=i + 1,
        )
        for i in range(n)
    ]


def access_logs(n):
    from axes.models import AccessLog

    return [
        AccessLog.objects.create(
            username=f"staff{i}",
            ip_address=f"10.0.1.{i + 1}",
            user_agent="Mozilla/5.0",
            http_accept="text/html",
            path_info="/admin/login/",
            logout_time=timezone.now(),
        )
        for i in range(n)
    ]


def access_failure_logs(n):
    from axes.models import AccessFailureLog

    return [
        AccessFailureLog.objects.create(
            username=f"guess{i}",
            ip_address=f"10.0.2.{i + 1}",
            user_agent="Mozilla/5.0",
            http_accept="text/html",
            path_info="/admin/login/",
            locked_out=i % 2 == 0,
        )
        for i in range(n)
    ]


def audit_log_entries(n):
    """History entries for different events, each by a staff user, with a correlation id."""
    from auditlog.models import LogEntry

    actor = get_user_model().objects.create_user("editor-for-history", is_staff=True)
    return [
        LogEntry.objects.log_create(
            factories.event(),
            force_log=True,
            action=LogEntry.Action.UPDATE,
            changes={"title": ["旧标题", "新标题"], "venue": ["", "陆家嘴"]},
            actor=actor,
            cid=f"cid-{i}",
        )
        for i in range(n)
    ]


def organizations(n):
    route = build_route(stops=n)
    built = []
    for stop in route.stops.all():
        stop.organization = factories.organization()
        stop.save()
        built.append(stop.organization)
    return built


def speakers(n):
    return [factories.speaker(positions=2) for _ in range(n)]


def positions(n):
    return [factories.speaker(positions=1).positions.get() for _ in range(n)]


def events(n):
    """Events with sections, speeches (speakers with positions) and guests."""
    built = []
    for _ in range(n):
        event = factories.event(speeches=2)
        guest = factories.speaker()
        Attendance.objects.create(event=event, speaker=guest, position=guest.positions.get())
        built.append(event)
    return built


def lessons(n):
    return [factories.lesson(speaker=factories.speaker()) for _ in range(n)]


def routes(n):
    return [build_route(stops=3) for _ in range(n)]


def stops(n):
    return list(build_route(stops=n).stops.all())


def booking_settings(n):
    """One row whatever ``n``: the list redirects to it."""
    return [BookingSettings.load()]


def site_settings(n):
    """One row whatever ``n``: the list redirects to it."""
    settings_row = SiteSettings(icp_filing="沪ICP备2020000000号-1")
    settings_row.save()
    return [settings_row]


def bookings(n, phone=PHONE):
    """Bookings on different routes, each with its slot; one is still pending."""
    return [
        book_confirmed_today(
            build_route(stops=1), phone=phone, status="pending" if i == 0 else "confirmed"
        )
        for i in range(n)
    ]


def slots(n):
    return [booking.slot for booking in bookings(n)]


def check_ins(n):
    built = []
    for booking in bookings(n):
        built.append(CheckIn.objects.create(booking=booking, stop=booking.slot.route.stops.get()))
    return built


BUILDERS = {
    "auth.user": users,
    "auth.group": groups,
    "axes.accessattempt": access_attempts,
    "axes.accesslog": access_logs,
    "axes.accessfailurelog": access_failure_logs,
    "auditlog.logentry": audit_log_entries,
    "speakers.position": positions,
    "speakers.organization": organizations,
    "speakers.speaker": speakers,
    "events.event": events,
    "events.lesson": lessons,
    "routes.route": routes,
    "routes.stop": stops,
    "routes.bookingsettings": booking_settings,
    "lujiazui.sitesettings": site_settings,
    "routes.slot": slots,
    "routes.booking": bookings,
    "routes.checkin": check_ins,
}

# GET of the changelist as a superuser. Every list: session, user, the filtered and the total
# count, the rows.
LIST = 5
# A date hierarchy adds two (first and last date, the dates shown); a filter on a relation or
# on distinct values adds the choices.
DATE_HIERARCHY = 2
SUPERUSER_QUERIES = {
    "auth.user": LIST + 1,  # the groups filter
    "auth.group": LIST,
    "axes.accessattempt": LIST + DATE_HIERARCHY + 1,  # path filter
    "axes.accesslog": LIST + DATE_HIERARCHY + 1,  # path filter
    "axes.accessfailurelog": LIST + DATE_HIERARCHY + 1,  # path filter
    "auditlog.logentry": LIST + DATE_HIERARCHY + 1,  # resource type filter; actor joined
    "speakers.position": LIST,  # speaker and organization joined (both in __str__)
    "speakers.organization": LIST,
    "speakers.speaker": LIST,
    "events.event": LIST + DATE_HIERARCHY,
    "events.lesson": LIST,  # speaker joined
    "routes.route": LIST,  # stops counted in the row query
    "routes.stop": LIST + 1,  # route filter; route joined
    "routes.bookingsettings": 3,  # session, user, the row; then a redirect to it
    "lujiazui.sitesettings": 3,  # session, user, the row; then a redirect to it
    "routes.slot": LIST + DATE_HIERARCHY + 1,  # route filter; route joined
    # Route filter; slot and route joined; the record that contact details were seen (one
    # insert for the page, lujiazui.audit.record_access).
    "routes.booking": LIST + 2,
    "routes.checkin": LIST + 1,  # stop filter; booking and stop joined
}

REGISTERED = sorted(model._meta.label_lower for model in admin.site._registry)


def changelist_url(label):
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_changelist")


def test_every_registered_admin_has_a_builder_and_a_query_count():
    missing = [label for label in REGISTERED if label not in BUILDERS]
    uncounted = [label for label in REGISTERED if label not in SUPERUSER_QUERIES]
    assert not missing, (
        f"Registered in the admin without a data builder in {__name__}.BUILDERS: {missing}. "
        "Add one (n objects with their related rows) so that its changelist's query count "
        "is asserted."
    )
    assert not uncounted, f"No expected count in {__name__}.SUPERUSER_QUERIES: {uncounted}"


def test_every_builder_is_for_a_registered_admin():
    stale = sorted(set(BUILDERS) - set(REGISTERED))
    assert not stale, f"No longer registered in the admin; remove from BUILDERS: {stale}"


@pytest.mark.parametrize("items", SIZES)
@pytest.mark.parametrize("label", REGISTERED)
def test_changelist_query_count_is_constant_for_a_superuser(
    client, admin_user, django_assert_num_queries, label, items
):
    if label not in BUILDERS or label not in SUPERUSER_QUERIES:
        pytest.fail(
            f"{label} is registered in the admin but has no data builder or query count in "
            f"{__name__}: add it to BUILDERS and SUPERUSER_QUERIES."
        )
    built = BUILDERS[label](items)
    client.force_login(admin_user)
    with django_assert_num_queries(SUPERUSER_QUERIES[label]):
        response = client.get(changelist_url(label))
    if label in ("routes.bookingsettings", "lujiazui.sitesettings"):
        assert response.status_code == 302
        assert response["Location"] == reverse(
            f"admin:{label.replace('.', '_')}_change", args=[built[0].pk]
        )
        return
    assert response.status_code == 200
    shown = {row.pk for row in response.context["cl"].result_list}
    assert {item.pk for item in built} <= shown


# --------------------------------------------------------------------------- route managers


def route_manager(django_user_model, contact_details):
    """A member of 路线预约管理; without contact details, one with the same permissions but
    that one, given to the user directly."""
    user = django_user_model.objects.create_user(f"route-manager-{contact_details}", is_staff=True)
    if contact_details:
        user.groups.add(Group.objects.get(name=ROUTE_MANAGER))
        return user
    for code in ROLES[ROUTE_MANAGER]:
        app_label, codename = code.split(".")
        if codename != "view_contact_details":
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return user


# As for a superuser, plus the user's and the groups' permissions (both are read whether the
# permissions come from the group or are the user's own). Without contact details nothing is
# shown, so no access is recorded.
ROUTE_MANAGER_BOOKING_QUERIES = {
    True: SUPERUSER_QUERIES["routes.booking"] + 2,
    False: SUPERUSER_QUERIES["routes.booking"] + 2 - 1,
}


@pytest.mark.parametrize("items", SIZES)
@pytest.mark.parametrize("contact_details", [True, False], ids=["full", "masked"])
def test_booking_changelist_query_count_is_constant_for_a_route_manager(
    client, django_user_model, django_assert_num_queries, items, contact_details
):
    bookings(items)
    client.force_login(route_manager(django_user_model, contact_details))
    with django_assert_num_queries(ROUTE_MANAGER_BOOKING_QUERIES[contact_details]):
        response = client.get(changelist_url("routes.booking"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == items
    page = response.content.decode()
    if contact_details:
        assert page.count(PHONE) == items and MASKED not in page
    else:
        assert page.count(MASKED) == items and PHONE not in page
