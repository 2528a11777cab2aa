import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from events.models import Event, Lesson
from lujiazui import roles
from lujiazui.publishing import Publishable
from routes.models import Booking, BookingSettings, Stop
from speakers.models import Organization, Speaker
from tests import factories
from tests.routes.conftest import book_confirmed_today, build_route

pytestmark = pytest.mark.django_db


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def add_page(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def test_roles_exist_after_migrate_and_stay_exact():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)
    editors = Group.objects.get(name=roles.EDITOR)
    stray = editors.permissions.model.objects.get(codename="delete_booking")
    editors.permissions.add(stray)
    roles.ensure_roles()
    assert not editors.permissions.filter(codename="delete_booking").exists()


@pytest.mark.parametrize(
    "role, allowed, refused",
    [
        (roles.EDITOR, [Event, Lesson, Speaker, Organization], [Booking, Stop, BookingSettings]),
        (roles.PUBLISHER, [Event, Lesson, Speaker, Organization], [Booking, Stop]),
        (roles.ROUTE_MANAGER, [Booking, Stop, BookingSettings], [Event, Lesson, Speaker]),
    ],
)
def test_role_sees_only_the_admin_pages_of_its_job(login, role, allowed, refused):
    client, _user = login(role)
    for model in allowed:
        assert client.get(changelist(model)).status_code in (200, 302), model
    for model in refused:
        assert client.get(changelist(model)).status_code == 403, model


def event_form(**fields):
    data = {
        "title_zh_hans": "新活动",
        "slug": "xin-huodong",
        "start_0": "2026-12-20",
        "start_1": "14:00:00",
        "status": "draft",
        "publish_at_0": "2026-12-01",
        "publish_at_1": "09:00:00",
    }
    for prefix in ["sections", "speeches", "attendances", "photos"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | fields


def test_editor_cannot_publish_but_can_submit_for_review(login):
    client, _user = login(roles.EDITOR)
    response = client.post(add_page(Event), event_form(status="published"))
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert not Event.objects.exists()
    response = client.post(add_page(Event), event_form(status="submitted"))
    assert response.status_code == 302
    assert Event.objects.get().status == Publishable.Status.SUBMITTED


def test_editor_has_no_publish_action_and_cannot_force_it(login):
    event = factories.event(status=Publishable.Status.DRAFT)
    client, _user = login(roles.EDITOR)
    page = client.get(changelist(Event))
    actions = [value for value, _ in page.context["action_form"].fields["action"].choices]
    assert "submit_for_review" in actions
    assert "publish_now" not in actions
    client.post(changelist(Event), {"action": "publish_now", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert event.status == Publishable.Status.DRAFT


def test_editor_cannot_take_a_published_item_back(login):
    event = factories.event()
    client, _user = login(roles.EDITOR)
    page = client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert "status" not in page.context["adminform"].form.fields
    assert "publish_at" not in page.context["adminform"].form.fields


def test_publisher_publishes(login):
    client, _user = login(roles.PUBLISHER)
    response = client.post(add_page(Event), event_form(status="published"))
    assert response.status_code == 302
    assert Event.objects.get().status == Publishable.Status.PUBLISHED
    lesson = factories.lesson(status=Publishable.Status.SUBMITTED)
    client.post(changelist(Lesson), {"action": "publish_now", "_selected_action": [lesson.pk]})
    lesson.refresh_from_db()
    assert lesson.is_public


def test_route_manager_sees_contact_details(login, route_with_booking):
    client, _user = login(roles.ROUTE_MANAGER)
    page = client.get(changelist(Booking)).content.decode()
    assert "13800138000" in page
    editor_page = login(roles.EDITOR)[0].get(changelist(Booking))
    assert editor_page.status_code == 403


@pytest.fixture
def route_with_booking():
    return book_confirmed_today(build_route(stops=1), phone="13800138000")
