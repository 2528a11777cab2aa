"""CSV and Excel exports of events, speakers, organizations and bookings."""

import csv
import datetime
import io

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import Event
from lujiazui import roles
from routes import booking as rules
from routes.models import Booking, BookingSettings
from speakers.models import Organization, Speaker
from tests import factories
from tests.routes.conftest import build_route

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
HOSTILE = [
    '=HYPERLINK("http://evil.example","点我")',
    "+1+2",
    "-3",
    "@SUM(A1)",
    "\tcmd",
    "=1+1\x0b",  # a control character Excel files cannot hold
    "\x01=1+1",  # a formula once the control character is removed
]
FORMULA_STARTS = ("=", "+", "-", "@")


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def export(client, model, objects, file_format):
    response = client.post(
        changelist(model),
        {"action": f"export_{file_format}", "_selected_action": [obj.pk for obj in objects]},
    )
    assert response.status_code == 200, response.content[:500]
    assert f'.{file_format}"' in response["Content-Disposition"]
    if file_format == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def hostile_booking(route, name, note):
    BookingSettings.objects.update(lead_time_hours=0)
    day = timezone.localdate() + datetime.timedelta(days=2)
    booking, _token = rules.create_booking(
        route,
        rules.slot_key(day, datetime.time(14, 0)),
        group_size=5,
        language="zh-hans",
        organization_name=name,
        contact_name=name,
        contact_phone=PHONE,
        note=note,
    )
    return booking


def hostile_objects(model):
    """One object of ``model`` per hostile text, in the fields the export shows."""
    objects = []
    for text in HOSTILE:
        if model is Event:
            event = factories.event(title=text, title_en=text, venue=text)
            event.organizers.add(factories.organization(name=text))
            objects.append(event)
        elif model is Speaker:
            objects.append(factories.speaker(name=text, name_en=text))
        elif model is Organization:
            objects.append(
                factories.organization(name=text, short_name=text, address=text, name_en=text)
            )
        else:
            objects.append(hostile_booking(build_route(stops=1), text, text))
    return objects


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("model", [Event, Speaker, Organization, Booking], ids=lambda m: m.__name__)
def test_export_has_no_cell_a_spreadsheet_would_run(staff_client, model, file_format):
    objects = hostile_objects(model)
    rows = export(staff_client, model, objects, file_format)
    assert len(rows) == len(objects) + 1
    cells = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert '\'=HYPERLINK("http://evil.example","点我")' in cells
    assert "'-3" in cells


def test_export_xlsx_keeps_numbers_and_chinese(staff_client):
    booking = hostile_booking(build_route(stops=1), "仁恒居民区党支部", "两位轮椅使用者")
    header, row = export(staff_client, Booking, [booking], "xlsx")
    assert header[0] == "预约编号"  # headers in the staff member's language
    assert row[0] == booking.reference
    assert row[6] == "仁恒居民区党支部"
    assert row[10] == 5  # a number, not text
    assert row[8] == PHONE


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_of_bookings_masks_contact_details_without_permission(
    login, django_user_model, file_format
):
    booking = hostile_booking(build_route(stops=1), "仁恒居民区党支部", "两位轮椅使用者")
    Booking.objects.filter(pk=booking.pk).update(contact_email="tang@example.com")
    client, _user = login(roles.ROUTE_MANAGER)
    _header, row = export(client, Booking, [booking], file_format)
    assert str(row[8]) == PHONE and row[9] == "tang@example.com"

    viewer = Client()
    viewer_user = django_user_model.objects.create_user("viewer", is_staff=True)
    viewer_user.user_permissions.add(Permission.objects.get(codename="view_booking"))
    viewer.force_login(viewer_user)
    _header, row = export(viewer, Booking, [booking], file_format)
    assert row[8] == "138****5678"
    assert row[9] in ("", None) and row[12] in ("", None)
    assert PHONE not in [str(cell) for cell in row]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_export_is_recorded_for_each_object(login, file_format):
    client, editor = login(roles.EDITOR)
    events = [factories.event(), factories.event()]
    export(client, Event, events, file_format)
    for event in events:
        recorded = LogEntry.objects.get(
            content_type__model="event", object_pk=str(event.pk), action=LogEntry.Action.ACCESS
        )
        assert recorded.actor == editor
        assert recorded.additional_data == {"reason": f"export_{file_format}"}


def test_export_columns_show_related_rows(staff_client):
    event = factories.event(title="党建联席会议")
    event.organizers.add(factories.organization(name="陆家嘴街道"))
    speaker = factories.speaker(positions=0, name="凌军芬")
    speaker.positions.create(organization=factories.organization(name="东昌新村"), title="书记")
    _header, event_row = export(staff_client, Event, [event], "csv")
    assert event_row[0] == "党建联席会议" and "陆家嘴街道" in event_row
    assert event_row[-1].endswith(event.get_absolute_url())
    _header, speaker_row = export(staff_client, Speaker, [speaker], "csv")
    assert speaker_row[2] == "东昌新村 书记"
    member = factories.organization(name="上海中心", is_council_member=True)
    _header, organization_row = export(staff_client, Organization, [member], "xlsx")
    assert organization_row[3:6] == ["企业", "是", "否"]  # kind, council member, practice point


@pytest.mark.parametrize("model", [Event, Speaker, Organization, Booking], ids=lambda m: m.__name__)
@pytest.mark.parametrize("size", [1, 3])
def test_export_query_count_is_constant(staff_client, django_assert_num_queries, model, size):
    objects = hostile_objects(model)[:size]
    # session, user, permissions (2), selected objects (+ relations), export records, …
    expected = {Event: 7, Speaker: 7, Organization: 6, Booking: 8}[model]
    with django_assert_num_queries(expected):
        export(staff_client, model, objects, "xlsx")


def test_editor_cannot_export_bookings(login):
    booking = hostile_booking(build_route(stops=1), "仁恒居民区党支部", "")
    client, _user = login(roles.EDITOR)
    response = client.post(
        changelist(Booking), {"action": "export_xlsx", "_selected_action": [booking.pk]}
    )
    assert response.status_code == 403
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()
