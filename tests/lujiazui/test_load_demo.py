import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from events.models import Attendance, Event, Lesson, Section, Speech
from speakers.models import Organization, Position, Speaker

pytestmark = pytest.mark.django_db

MODELS = [Organization, Speaker, Position, Event, Section, Speech, Attendance, Lesson]
SPEAKERS = ["凌军芬", "黄琪", "孟馥", "费碧璇", "唐佳", "金煜纯", "徐可畏", "张磊"]
ATTENDEES = ["周小平", "倪倩", "邓亮", "李灿", "王云芝"]


def load(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_load_demo_is_idempotent():
    load("--no-accounts")
    first = counts()
    load("--no-accounts")
    assert counts() == first
    assert first["Event"] == 1 and first["Section"] == 3 and first["Lesson"] == 10


def test_load_demo_contains_the_seed_meeting():
    load("--no-accounts")
    event = Event.objects.get()
    assert event.is_public
    assert event.theme == "党建引领 多元参与 共建共享新时代人民之城"
    assert event.title_en and event.summary_en and event.venue_en
    assert event.title_zh_hant and "黨" in event.title_zh_hant
    assert [s.title for s in event.sections.all()] == [
        "共建新时代文明之城",
        "共创再出发荣耀之城",
        "共享高品质幸福之城",
    ]
    speakers = {speech.speaker.name for speech in event.speeches.all()}
    assert speakers == set(SPEAKERS)
    keynotes = event.speeches.filter(role=Speech.Role.KEYNOTE).values_list(
        "speaker__name", flat=True
    )
    assert set(keynotes) == {"凌军芬", "黄琪", "孟馥", "费碧璇", "唐佳"}
    assert {a.speaker.name for a in event.attendances.all()} == set(ATTENDEES)
    assert "陆家嘴党建" in event.source
    assert "葛俊俊" in event.editors
    text = event.body + "".join(s.body for s in event.sections.all())
    for launch in ["1+31+N", "红色路线", "云党课"]:
        assert launch in text
    # every speaker holds a position on the day of the meeting
    for speech in event.speeches.select_related("speaker"):
        assert speech.speaker.positions_on(event.local_date), speech.speaker.name


def test_load_demo_marks_invented_lessons_as_demo():
    load("--no-accounts")
    assert not Lesson.objects.filter(is_demo=False).exists()
    assert all("示例" in lesson.title for lesson in Lesson.objects.all())


def printed_logins(output):
    """``{username: (role, password)}`` from the command's output."""
    lines = [line.split() for line in output.splitlines() if "password:" in line]
    return {words[0]: (words[1], words[-1]) for words in lines}


def test_load_demo_prints_working_random_logins_one_per_role():
    logins = printed_logins(load())
    assert set(logins) == {"demo-admin", "demo-editor", "demo-publisher", "demo-route-manager"}
    for username, (role, password) in logins.items():
        assert len(password) >= 16
        user = authenticate(
            RequestFactory().post("/admin/login/"), username=username, password=password
        )
        assert user is not None and user.is_staff, username
        assert user.is_superuser == (username == "demo-admin")
        assert [group.name for group in user.groups.all()] == ([] if user.is_superuser else [role])
    again = printed_logins(load())
    assert again["demo-editor"][1] != logins["demo-editor"][1]
    assert get_user_model().objects.filter(username__startswith="demo-").count() == 4
