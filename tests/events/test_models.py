import pytest
from django.core.exceptions import ValidationError

from events.models import Attendance
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
