import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from events.models import Attendance, Event
from lujiazui.publishing import Publishable
from search.models import SearchDocument
from tests import factories

pytestmark = pytest.mark.django_db


def test_rich_text_sanitized_on_every_save_in_every_language():
    event = factories.event(
        body='<p>正文<script>alert(1)</script><img src=x onerror="alert(2)"></p>',
        body_en='<p onclick="x()">Text<iframe src="//evil"></iframe></p>',
    )
    event.refresh_from_db()
    for body in (event.body_zh_hans, event.body_zh_hant, event.body_en):
        assert "<script" not in body
        assert "onerror" not in body and "onclick" not in body
        assert "<iframe" not in body
    assert "正文" in event.body_zh_hans
    assert "正文" in event.body_zh_hant
    assert "Text" in event.body_en


def test_derived_rich_text_still_refreshes_after_sanitizing():
    event = factories.event(body="<p>旧正文<script>x</script></p>")
    assert event.is_traditional_derived("body")
    event.body_zh_hans = "<p>新正文</p>"
    event.save()
    event.refresh_from_db()
    assert event.body_zh_hant == "<p>新正文</p>"


def test_appearance_position_must_be_the_speakers_own():
    event = factories.event(speeches=0)
    guest, other = factories.speaker(), factories.speaker()
    attendance = Attendance(event=event, speaker=guest, position=other.positions.first())
    with pytest.raises(ValidationError) as error:
        attendance.full_clean()
    assert "position" in error.value.message_dict
    attendance.position = guest.positions.first()
    attendance.full_clean()


def test_upcoming_events_soonest_first_those_under_way_included():
    now = timezone.now()
    later = factories.event(start=now + datetime.timedelta(days=2))
    same_time = [factories.event(start=now + datetime.timedelta(days=1)) for _ in range(2)]
    ongoing = factories.event(
        start=now - datetime.timedelta(days=3), end=now + datetime.timedelta(days=3)
    )
    factories.event(start=now - datetime.timedelta(days=1))
    assert list(Event.objects.upcoming()) == [ongoing, *same_time, later]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_upcoming_events_found_through_the_finish_index_not_by_walking_past_ones():
    """A long archive and a season of announced events (one in fifty, as in the bench data):
    ordered by the start column, PostgreSQL expects to meet three upcoming ones early in the
    start index, and walks through all 2,000 past ones instead."""
    first = timezone.now() - datetime.timedelta(days=2000)
    Event.objects.bulk_create(
        Event(
            title=f"活动{n}",
            slug=f"bulk-{n}",
            start=first + datetime.timedelta(days=n),
            status=Publishable.Status.PUBLISHED,
            publish_at=first,
        )
        for n in range(2040)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE events_event")
    plan = Event.objects.published().upcoming()[:3].explain()
    assert "event_finish" in plan
    assert "events_event_start" not in plan


@pytest.mark.django_db(transaction=True)
def test_migration_moves_an_event_slugged_upcoming_out_of_the_way():
    search = ("search", "0002_trigram_index")
    before = [("events", "0006_speech_event_speaker_index"), search]
    after = [("events", "0007_event_slug_not_reserved"), search]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    event = old.get_model("events", "Event").objects.create(
        title_zh_hans="活动", slug="upcoming", start=timezone.now()
    )
    old.get_model("search", "SearchDocument").objects.create(
        kind="events", object_id=event.pk, title_zh_hans="活动", slug="upcoming", text="活动"
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    assert Event.objects.get(pk=event.pk).slug == f"upcoming-{event.pk}"
    assert SearchDocument.objects.get(object_id=event.pk).slug == f"upcoming-{event.pk}"
