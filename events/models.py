import datetime

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Min, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from lujiazui import pagecache
from lujiazui.audit import PartOf
from lujiazui.chinese import DerivesTraditional
from lujiazui.images import PictureField, renditions_field
from lujiazui.publishing import Publishable, PublishedQuerySet
from lujiazui.renditions import WIDE
from speakers.models import Organization, Position, Speaker

RICH_TEXT_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False},
    "HardBreak": True,
}


class RichTextField(ProseEditorField):
    """HTML sanitized by nh3 to what the editor can produce, in forms and on every save:
    templates output it as HTML, so text written by commands or the shell is cleaned too."""

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value:
            value = self.sanitize(value)
            setattr(model_instance, self.attname, value)
        return value


def demo_flag():
    """Marks invented content (the seed does not name it) that staff are to replace."""
    return models.BooleanField(
        _("demo content"),
        default=False,
        help_text=_("Shown with a “demo” label; staff replace it with real content."),
    )


def rich_text(verbose_name):
    return RichTextField(verbose_name, extensions=RICH_TEXT_EXTENSIONS, sanitize=True, blank=True)


RESERVED_SLUGS = frozenset({"upcoming"})  # /events/<slug>/ addresses that are other pages


def not_reserved(slug):
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is the address of another page; choose another slug."),
            code="reserved",
            params={"slug": slug},
        )


def finish():
    """When an event is over: its end, or its start when it has none (indexed: ``Meta``)."""
    return Coalesce("end", "start")


def start_not_from_its_index():
    """``start`` as an expression, which PostgreSQL cannot read in order from the index on
    ``start``. Sorting the upcoming events by the column itself, it walks that index from the
    first event ever, through every past one, to find the few not yet over (2.8 ms for the
    first three at bench size); by this, it finds them through the index on ``finish()`` and
    sorts those (0.3 ms). ``start`` is never null, so the order is the same."""
    return Coalesce("start", "start")


class EventQuerySet(PublishedQuerySet):
    """Upcoming events are those not yet over, soonest first; past ones are over, the most
    recently over first (an order the index on ``finish()`` gives without sorting)."""

    def upcoming(self):
        return (
            self.alias(finish=finish())
            .filter(finish__gte=timezone.now())
            .order_by(start_not_from_its_index(), "pk")
        )

    def past(self):
        return self.alias(finish=finish()).filter(finish__lt=timezone.now()).order_by("-finish")


class Event(DerivesTraditional, Publishable):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, allow_unicode=True, validators=[not_reserved]
    )
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    body = rich_text(_("body"))
    start = models.DateTimeField(_("starts"), db_index=True)
    start_time_known = models.BooleanField(
        _("start time known"),
        default=True,
        help_text=_("Clear it when only the day is known; pages then show the date alone."),
    )
    end = models.DateTimeField(_("ends"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    cover = PictureField(
        _("cover image"),
        upload_to="events/",
        blank=True,
        renditions_field="cover_renditions",
        widths=WIDE,
    )
    cover_renditions = renditions_field()
    cover_alt = models.CharField(_("cover description"), max_length=200, blank=True)
    organizers = models.ManyToManyField(
        Organization, blank=True, related_name="organized_events", verbose_name=_("organizers")
    )
    livestream_url = models.URLField(_("livestream link"), blank=True)
    replay_url = models.URLField(_("replay link"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    editors = models.CharField(_("editors"), max_length=200, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start"]
        permissions = [("publish_event", _("Can publish events"))]
        indexes = [
            models.Index(finish(), name="event_finish"),
            # Covers the first and latest past event's start (the event list's years).
            models.Index(fields=["status", "start", "end", "publish_at"], name="event_listing"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="event_ends_after_it_starts",
                violation_error_message=_("An event cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:event", kwargs={"slug": self.slug})

    @property
    def local_date(self):
        """The day the event took place in Shanghai, used to find speakers' titles then."""
        return timezone.localtime(self.start).date()


class Section(PartOf, DerivesTraditional):
    """An ordered part of an event's agenda."""

    history_parent = "event"

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="sections", verbose_name=_("event")
    )
    title = models.CharField(_("title"), max_length=200)
    body = rich_text(_("body"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title


class Appearance(models.Model):
    """A speaker's appearance at an event, shown with the position they came in: the one staff
    chose, or else every position the speaker held on the day of the event."""

    position = models.ForeignKey(
        Position,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("position held then"),
        help_text=_("Leave empty to show the positions the person held on the day of the event."),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.position_id and self.speaker_id and self.position.speaker_id != self.speaker_id:
            raise ValidationError(
                {"position": _("This position belongs to another person.")}, code="other_person"
            )

    @property
    def speaker_positions(self):
        if self.position_id:
            return [self.position]
        return self.speaker.positions_on(self.event.local_date)


class Speech(PartOf, DerivesTraditional, Appearance):
    history_parent = "event"

    class Role(models.TextChoices):
        KEYNOTE = "keynote", _("Keynote")
        HOST = "host", _("Host")
        REMARKS = "remarks", _("Remarks")
        INTRODUCTION = "introduction", _("Introduction")

    # Indexed with the speaker below, which also serves lookups by event alone.
    event = models.ForeignKey(
        Event,
        on_delete=models.CASCADE,
        related_name="speeches",
        verbose_name=_("event"),
        db_index=False,
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speeches",
        verbose_name=_("section"),
    )
    speaker = models.ForeignKey(
        Speaker, on_delete=models.PROTECT, related_name="speeches", verbose_name=_("speaker")
    )
    role = models.CharField(_("type of speech"), max_length=16, choices=Role.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("speech")
        verbose_name_plural = _("speeches")
        ordering = ["order", "pk"]
        indexes = [
            # Speaker.objects.public() asks which speakers speak at published events: read
            # from this index alone, not from the speeches' wide rows (half the time at 40,000).
            models.Index(fields=["event", "speaker"], name="speech_event_speaker"),
        ]

    def __str__(self):
        return self.title or f"{self.speaker} · {self.get_role_display()}"


class Attendance(PartOf, Appearance):
    """A notable guest at an event."""

    history_parent = "event"

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("event")
    )
    speaker = models.ForeignKey(
        Speaker, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("guest")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("notable guest")
        verbose_name_plural = _("notable guests")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "speaker"], name="attendance_once_per_event")
        ]

    def __str__(self):
        return str(self.speaker)


class Photo(PartOf, DerivesTraditional):
    history_parent = "event"

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="photos", verbose_name=_("event")
    )
    image = PictureField(
        _("image"), upload_to="events/photos/", renditions_field="image_renditions", widths=WIDE
    )
    image_renditions = renditions_field()
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.caption or self.image.name


class Lesson(DerivesTraditional, Publishable):
    """A cloud party lesson (云党课) in one of the "four histories" (四史) series."""

    class Series(models.TextChoices):
        PARTY = "party", _("History of the Communist Party of China")
        PRC = "prc", _("History of the People's Republic of China")
        REFORM = "reform", _("History of reform and opening up")
        SOCIALISM = "socialism", _("History of the development of socialism")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    series = models.CharField(_("series"), max_length=16, choices=Series.choices, db_index=True)
    summary = models.TextField(_("summary"), blank=True)
    speaker = models.ForeignKey(
        Speaker,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons",
        verbose_name=_("lecturer"),
    )
    video_url = models.URLField(_("video link"), blank=True)
    video_file = models.FileField(
        _("video file"),
        upload_to="lessons/",
        blank=True,
        validators=[FileExtensionValidator(["mp4"])],
        help_text=_("An MP4 file, used when there is no video link."),
    )
    duration = models.DurationField(_("duration"), null=True, blank=True)
    cover = PictureField(
        _("cover image"),
        upload_to="lessons/",
        blank=True,
        renditions_field="cover_renditions",
        widths=WIDE,
    )
    cover_renditions = renditions_field()
    is_demo = demo_flag()

    class Meta:
        verbose_name = _("cloud lesson")
        verbose_name_plural = _("cloud lessons")
        ordering = ["-publish_at"]
        permissions = [("publish_lesson", _("Can publish cloud lessons"))]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:lesson", kwargs={"slug": self.slug})


# Subscribed calendars keep events that ended less than this long ago.
CALENDAR_KEEPS_PAST = datetime.timedelta(days=365)


@pagecache.horizon(Event._meta.db_table, Lesson._meta.db_table)
def next_change(now):
    """The next moment pages of events and lessons change with no write: a scheduled event or
    lesson is published, an event is over (upcoming becomes past), or an event leaves the
    year of past events the calendar keeps."""
    published = Q(status=Event.Status.PUBLISHED, publish_at__gt=now)
    events = Event.objects.annotate(finish=finish()).aggregate(
        publish=Min("publish_at", filter=published),
        over=Min("finish", filter=Q(finish__gte=now)),
        dropped=Min("finish", filter=Q(finish__gte=now - CALENDAR_KEEPS_PAST)),
    )
    lesson = Lesson.objects.filter(published).aggregate(publish=Min("publish_at"))["publish"]
    moments = [
        events["publish"],
        lesson,
        events["over"] and events["over"] + datetime.timedelta(microseconds=1),
        events["dropped"] and events["dropped"] + CALENDAR_KEEPS_PAST,
    ]
    return min((moment for moment in moments if moment), default=None)
