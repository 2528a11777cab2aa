import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Speech
from lujiazui.publishing import Publishable, publish, unpublish
from tests import factories

pytestmark = pytest.mark.django_db

SOON = timezone.now() + datetime.timedelta(hours=1)
HIDDEN = [
    {"status": Publishable.Status.DRAFT},
    {"status": Publishable.Status.PUBLISHED, "publish_at": SOON},
]


@pytest.mark.parametrize("hidden", HIDDEN, ids=["draft", "scheduled"])
def test_unpublished_items_appear_on_no_public_page(client, hidden):
    speaker = factories.speaker()
    organization = factories.organization()
    event = factories.event(speeches=0, title="未公开的活动", **hidden)
    event.organizers.add(organization)
    event.speeches.create(speaker=speaker, role=Speech.Role.KEYNOTE, title="未公开的发言")
    upcoming = factories.event(
        speeches=0, title="未公开的预告", start=SOON + datetime.timedelta(days=1), **hidden
    )
    lesson = factories.lesson(title="未公开的党课", speaker=speaker, **hidden)
    pages = [
        reverse("home"),
        reverse("events:event_list"),
        reverse("events:lesson_list"),
        speaker.get_absolute_url(),
        organization.get_absolute_url(),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        for text in ["未公开的活动", "未公开的发言", "未公开的预告", "未公开的党课"]:
            assert text not in page, (url, text)
    for item in (event, upcoming, lesson):
        assert client.get(item.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("hidden", HIDDEN, ids=["draft", "scheduled"])
def test_person_only_in_unpublished_items_is_not_listed(client, hidden):
    organization = factories.organization()
    newcomer = factories.speaker(positions=0, name="尚未公布的嘉宾")
    newcomer.positions.create(organization=organization, title="主任")
    factories.event(speeches=0, **hidden).attendances.create(speaker=newcomer)
    regular = factories.speaker(name="已公布的讲者")
    factories.event(speeches=0).speeches.create(speaker=regular, role=Speech.Role.HOST)
    unassigned = factories.speaker(name="未安排的人物")
    listing = client.get(reverse("speakers:speaker_list")).content.decode()
    assert "尚未公布的嘉宾" not in listing
    assert "已公布的讲者" in listing and "未安排的人物" in listing
    assert client.get(newcomer.get_absolute_url()).status_code == 404
    assert client.get(unassigned.get_absolute_url()).status_code == 200
    assert "尚未公布的嘉宾" not in client.get(organization.get_absolute_url()).content.decode()


def test_staff_without_view_permission_get_no_preview(client, django_user_model):
    clerk = django_user_model.objects.create_user("clerk", password="x-7Hq9!pLm", is_staff=True)
    client.force_login(clerk)
    event = factories.event(status=Publishable.Status.DRAFT)
    assert client.get(event.get_absolute_url()).status_code == 404


def test_scheduled_item_is_public_once_its_time_has_come(client, monkeypatch):
    lesson = factories.lesson(publish_at=SOON)
    assert client.get(lesson.get_absolute_url()).status_code == 404
    later = SOON + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(lesson.get_absolute_url()).status_code == 200


def test_publish_and_unpublish():
    lesson = factories.lesson(status=Publishable.Status.DRAFT, publish_at=SOON)
    publish(lesson)
    lesson.refresh_from_db()
    assert lesson.is_public
    unpublish(lesson)
    lesson.refresh_from_db()
    assert not lesson.is_public
