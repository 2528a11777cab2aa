"""Change history (django-auditlog through lujiazui.audit): what is recorded and shown."""

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Speech
from lujiazui import audit, roles
from routes import booking as rules
from routes.models import Booking, BookingSettings
from speakers.models import Organization
from tests import factories
from tests.routes.conftest import book_confirmed_today, build_route

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


def history_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


def entries_for(obj):
    return list(audit.history_of(obj))


def organization_form(**fields):
    return {"name_zh_hans": "观复博物馆", "slug": "观复博物馆", "kind": "museum"} | fields


def test_history_records_who_changed_which_field_from_what_to_what(login):
    client, editor = login(roles.EDITOR, name="bianji")
    client.post(reverse("admin:speakers_organization_add"), organization_form())
    organization = Organization.objects.get()
    response = client.post(
        reverse("admin:speakers_organization_change", args=[organization.pk]),
        organization_form(name_zh_hans="上海观复博物馆"),
    )
    assert response.status_code == 302
    change = entries_for(organization)[0]
    assert change.action == LogEntry.Action.UPDATE
    assert change.actor == editor
    assert change.remote_addr == "127.0.0.1"
    assert change.changes == {
        "name_zh_hans": ["观复博物馆", "上海观复博物馆"],
        "name_zh_hant": ["觀復博物館", "上海觀復博物館"],  # derived by OpenCC, recorded too
    }

    page = client.get(history_url(organization))
    assert page.status_code == 200
    text = page.content.decode()
    assert "bianji" in text
    assert "上海观复博物馆" in text
    assert '<span class="old">观复博物馆</span>' in text


def test_history_of_an_event_shows_its_parts_even_once_deleted():
    event = factories.event(speeches=1)
    speech = event.speeches.get()
    speech_pk = speech.pk
    speech.delete()
    parts = [
        (entry.content_type.model_class(), entry.action)
        for entry in entries_for(event)
        if entry.object_pk == str(speech_pk)
    ]
    assert (Speech, LogEntry.Action.CREATE) in parts
    assert (Speech, LogEntry.Action.DELETE) in parts


def test_history_leaves_out_duplicate_translation_columns():
    event = factories.event(title="党建联席会议")
    created = entries_for(event)[-1]
    assert created.action == LogEntry.Action.CREATE
    assert "title_zh_hans" in created.changes
    assert "title" not in created.changes
    assert "traditional_derived" not in created.changes
    assert "cover_renditions" not in created.changes


def test_history_records_status_changes_made_by_the_rules(staff_client):
    booking = book_confirmed_today(build_route(stops=1), status="pending")
    response = staff_client.post(
        reverse("admin:routes_booking_changelist"),
        {"action": "confirm_bookings", "_selected_action": [booking.pk]},
    )
    assert response.status_code == 302
    confirmed = entries_for(booking)[0]
    assert confirmed.changes["status"] == ["pending", "confirmed"]
    assert confirmed.actor.username == "staff"


def test_history_never_keeps_contact_details(staff_client):
    booking = book_confirmed_today(build_route(stops=1), phone=PHONE)
    Booking.objects.filter(pk=booking.pk).update(contact_email="tang@example.com", note="轮椅")
    booking.refresh_from_db()
    booking.contact_name = "唐佳新"
    booking.save()
    settings_row = BookingSettings.load()
    later = timezone.now() + datetime.timedelta(days=settings_row.retention_days + 2)
    assert rules.purge_contact_details(now=later) == 1
    stored = json.dumps([entry.changes for entry in LogEntry.objects.all()], ensure_ascii=False)
    for secret in [PHONE, "5678", "唐佳", "tang@example.com", "轮椅"]:
        assert secret not in stored
    assert entries_for(booking)[0].changes == {"purged_at": ["None", str(later)]}
    page = staff_client.get(history_url(booking)).content.decode()
    assert "（已隐藏）" in page


def test_history_of_a_public_booking_keeps_no_address(client):
    route = build_route(stops=1)
    BookingSettings.objects.update(lead_time_hours=0)
    day = timezone.localdate() + datetime.timedelta(days=2)
    booking, _token = rules.create_booking(
        route,
        rules.slot_key(day, datetime.time(14, 0)),
        group_size=5,
        language="zh-hans",
        organization_name="仁恒居民区党支部",
        contact_name="唐佳",
        contact_phone=PHONE,
    )
    created = entries_for(booking)[0]
    assert created.action == LogEntry.Action.CREATE
    assert created.actor is None
    assert created.remote_addr is None


def test_contact_details_views_are_recorded_only_when_shown(login):
    booking = book_confirmed_today(build_route(stops=1), phone=PHONE)
    manager, manager_user = login(roles.ROUTE_MANAGER, name="luxian")
    change_page = reverse("admin:routes_booking_change", args=[booking.pk])
    assert PHONE in manager.get(change_page).content.decode()
    manager.get(reverse("admin:routes_booking_changelist"))
    manager.get(reverse("admin:routes_booking_visits"))
    reads = [e for e in entries_for(booking) if e.action == LogEntry.Action.ACCESS]
    assert [(e.actor, e.additional_data["reason"]) for e in reads] == [
        (manager_user, "contact_details")
    ] * 3

    publisher, _user = login(roles.PUBLISHER, name="fabu")
    publisher.get(change_page)  # refused: no booking permission at all
    assert len([e for e in entries_for(booking) if e.action == LogEntry.Action.ACCESS]) == 3


def test_history_page_follows_view_permission(login):
    event = factories.event()
    booking = book_confirmed_today(build_route(stops=1))
    editor, _user = login(roles.EDITOR)
    assert editor.get(history_url(event)).status_code == 200
    assert editor.get(history_url(booking)).status_code == 403
    manager, _user = login(roles.ROUTE_MANAGER, name="luxian")
    assert manager.get(history_url(booking)).status_code == 200
    assert manager.get(history_url(event)).status_code == 403


def test_history_page_of_unknown_object_redirects(staff_client):
    response = staff_client.get(reverse("admin:events_event_history", args=[99999]))
    assert response.status_code == 302


@pytest.mark.parametrize("changes", [1, 3])
def test_history_page_query_count_is_constant(staff_client, django_assert_num_queries, changes):
    event = factories.event(speeches=1)
    speech = event.speeches.get()
    for n in range(changes):
        event.title_en = f"Meeting {n}"
        event.save()
        speech.title_zh_hans = f"发言{n}"
        speech.save()
    # session, user, event, entry count, entries
    with django_assert_num_queries(5):
        response = staff_client.get(history_url(event))
    assert len(response.context["entries"]) == 2 * changes + 3


def test_bulk_entries_outside_a_request_name_nobody():
    event = factories.event()
    audit.record_access([event], "export_csv")
    entry = entries_for(event)[0]
    assert entry.actor is None and entry.remote_addr is None
    assert entry.additional_data == {"reason": "export_csv"}


def test_event_history_is_linked_from_the_change_form(staff_client):
    event = factories.event()
    page = staff_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert history_url(event) in page.content.decode()
    assert Event.objects.count() == 1


def test_history_shows_values_as_staff_read_them():
    moment = timezone.make_aware(datetime.datetime(2026, 7, 1, 9, 30))
    event = factories.event(start=moment, publish_at=moment, start_time_known=False)
    created = audit.history_row(entries_for(event)[-1], event)
    shown = {label: new for label, _old, new in created["changes"]}
    assert shown["开始时间"] == "2026年7月1日 09:30"  # Shanghai time, as the form showed it
    assert shown["状态"] == "已发布"
    assert shown["已知具体开始时间"] == "否"
    assert "ID" not in shown and "speeches" not in str(shown)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_history_lookup_of_parts_uses_its_index():
    event = factories.event()
    sql, params = audit.history_of(event).query.sql_with_params()
    with connection.cursor() as cursor:
        # Left with bitmap scans only, the planner needs an index for each side of the OR.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "lujiazui_logentry_part_of" in plan


def test_history_shows_organizers_added_and_stops_with_their_route():
    event = factories.event()
    event.organizers.add(factories.organization(name="陆家嘴街道"))
    added = audit.history_row(entries_for(event)[0], event)
    assert added["changes"] == [("主办单位", "", "+ 陆家嘴街道")]
    route = build_route(stops=1)
    stop = route.stops.get()
    stop.delete()
    deleted = audit.history_row(entries_for(route)[0], route)
    assert deleted["action"] == "删除" and deleted["part"].startswith("点位")


def test_history_shows_a_hidden_value_that_changed():
    booking = book_confirmed_today(build_route(stops=1), phone=PHONE)
    booking.contact_phone = "13900001111"
    booking.save()
    changed = audit.history_row(entries_for(booking)[0], booking)
    assert changed["changes"] == [("手机号码", "（已隐藏）", "（已隐藏）")]


def test_history_records_the_status_a_stale_page_did_not_know():
    booking = book_confirmed_today(build_route(stops=1), status="pending")
    stale = Booking.objects.get(pk=booking.pk)
    rules.confirm(booking)
    rules.decline(stale, "名额已满")
    declined = entries_for(booking)[0]
    assert declined.changes["status"] == ["confirmed", "declined"]
