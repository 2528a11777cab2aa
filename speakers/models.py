from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lujiazui.audit import PartOf
from lujiazui.chinese import DerivesTraditional
from lujiazui.images import PictureField, renditions_field
from lujiazui.renditions import SMALL


class Organization(DerivesTraditional):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government department")
        PARTY = "party", _("Party organization")
        STATE_ENTERPRISE = "state_enterprise", _("State-owned enterprise")
        HOSPITAL = "hospital", _("Hospital")
        MUSEUM = "museum", _("Museum")
        MEDIA = "media", _("Media")
        ENTERPRISE = "enterprise", _("Enterprise")
        RESIDENTIAL_AREA = "residential_area", _("Residential area")
        SOCIAL = "social", _("Social organization")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, db_index=True)
    is_council_member = models.BooleanField(
        _("member of the regional party-building council"),
        default=False,
    )
    is_practice_point = models.BooleanField(
        _("civilization practice point"),
        default=False,
    )
    logo = PictureField(
        _("logo"),
        upload_to="organizations/",
        blank=True,
        renditions_field="logo_renditions",
        widths=SMALL,
    )
    logo_renditions = renditions_field()
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name_zh_hans"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("speakers:organization", kwargs={"slug": self.slug})


class SpeakerQuerySet(models.QuerySet):
    def public(self):
        """People the public may see: those with a published appearance, or with none yet.

        Someone who so far appears only in drafts or scheduled items stays hidden, so that the
        directory does not announce what is not public yet.
        """
        published_events = apps.get_model("events", "Event").objects.published()
        lessons = apps.get_model("events", "Lesson").objects
        appearances = [
            apps.get_model("events", "Speech").objects,
            apps.get_model("events", "Attendance").objects,
        ]
        own = {"speaker": OuterRef("pk")}
        shown = Exists(lessons.published().filter(**own))
        for manager in appearances:
            shown |= Exists(manager.filter(event__in=published_events, **own))
        unseen = ~Exists(lessons.filter(**own))
        for manager in appearances:
            unseen &= ~Exists(manager.filter(**own))
        return self.filter(shown | unseen)


class Speaker(DerivesTraditional):
    name = models.CharField(_("full name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    photo = PictureField(
        _("photo"),
        upload_to="speakers/",
        blank=True,
        renditions_field="photo_renditions",
        widths=SMALL,
    )
    photo_renditions = renditions_field()
    biography = models.TextField(_("biography"), blank=True)

    objects = SpeakerQuerySet.as_manager()

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name_zh_hans"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("speakers:speaker", kwargs={"slug": self.slug})

    def positions_on(self, day):
        """Positions held on ``day``; reads ``self.positions`` so a prefetch serves it."""
        return [position for position in self.positions.all() if position.held_on(day)]


def prefetch_positions(lookup="positions"):
    """Prefetch speakers' positions with their organizations, for ``Speaker.positions_on``."""
    return models.Prefetch(lookup, queryset=Position.objects.select_related("organization"))


class Position(PartOf, DerivesTraditional):
    """A title a speaker held at an organization; open dates mean "not known to have ended"."""

    history_parent = "speaker"

    speaker = models.ForeignKey(
        Speaker, on_delete=models.CASCADE, related_name="positions", verbose_name=_("speaker")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="positions",
        verbose_name=_("organization"),
    )
    title = models.CharField(_("job title"), max_length=200)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["order", "-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="position_ends_after_it_starts",
                violation_error_message=_("A position cannot end before it starts."),
            )
        ]

    def __str__(self):
        return f"{self.speaker}：{self.organization} {self.title}"

    def held_on(self, day):
        return (self.start_date is None or self.start_date <= day) and (
            self.end_date is None or day <= self.end_date
        )
