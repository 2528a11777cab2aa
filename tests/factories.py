"""Small builders for test data; each returns saved objects with sensible defaults."""

import datetime
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from events.models import Attendance, Event, Lesson, Photo, Section, Speech
from lujiazui.publishing import Publishable
from speakers.models import Organization, Position, Speaker

_sequence = itertools.count(1)
PUBLISHED = Publishable.Status.PUBLISHED
PAST = timezone.now() - datetime.timedelta(days=1)


def organization(**fields):
    n = next(_sequence)
    fields = {"name": f"组织{n}", "slug": f"org-{n}", "kind": Organization.Kind.ENTERPRISE} | fields
    return Organization.objects.create(**fields)


def speaker(positions=1, **fields):
    n = next(_sequence)
    person = Speaker.objects.create(**({"name": f"讲者{n}", "slug": f"speaker-{n}"} | fields))
    for i in range(positions):
        Position.objects.create(speaker=person, organization=organization(), title=f"书记{i}")
    return person


def event(speeches=1, **fields):
    n = next(_sequence)
    fields = {
        "title": f"活动{n}",
        "slug": f"event-{n}",
        "start": timezone.now() - datetime.timedelta(days=30 + n),
        "status": PUBLISHED,
        "publish_at": PAST,
    } | fields
    item = Event.objects.create(**fields)
    section = Section.objects.create(event=item, title="议程", order=1)
    for i in range(speeches):
        Speech.objects.create(
            event=item, section=section, speaker=speaker(), role=Speech.Role.KEYNOTE, order=i
        )
    return item


def full_event(items, **fields):
    """An event with ``items`` of every child kind: sections, speeches, guests, photos."""
    item = event(speeches=0, **fields)
    item.organizers.add(*(organization() for _ in range(items)))
    for i in range(items):
        section = Section.objects.create(event=item, title=f"部分{i}", order=i + 2)
        keynote_speaker = speaker(positions=2)
        Speech.objects.create(
            event=item,
            section=section,
            speaker=keynote_speaker,
            position=keynote_speaker.positions.first(),
            role=Speech.Role.KEYNOTE,
        )
        Speech.objects.create(event=item, speaker=speaker(), role=Speech.Role.HOST)
        guest = speaker(positions=2)
        Attendance.objects.create(
            event=item, speaker=guest, position=guest.positions.first(), order=i
        )
        Attendance.objects.create(event=item, speaker=speaker(positions=2), order=i)
        Photo.objects.create(event=item, image=image_file(f"p{i}.png"), caption=f"照片{i}")
    return item


def lesson(**fields):
    n = next(_sequence)
    fields = {
        "title": f"党课{n}",
        "slug": f"lesson-{n}",
        "series": Lesson.Series.PARTY,
        "status": PUBLISHED,
        "publish_at": PAST,
    } | fields
    return Lesson.objects.create(**fields)


def image_bytes(image_format="PNG", size=(8, 6)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (183, 28, 28)).save(buffer, image_format)
    return buffer.getvalue()


def image_file(name="photo.png", image_format="PNG", size=(8, 6)):
    content_type = f"image/{image_format.lower()}"
    return SimpleUploadedFile(name, image_bytes(image_format, size), content_type=content_type)
