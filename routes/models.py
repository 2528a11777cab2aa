import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import demo_flag, rich_text
from lujiazui.audit import PartOf
from lujiazui.chinese import DerivesTraditional
from lujiazui.images import PictureField, renditions_field
from lujiazui.renditions import WIDE
from speakers.models import Organization

# Letters and digits that cannot be mistaken for one another when read aloud or copied from
# a phone screen (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V).
UNAMBIGUOUS = "34679ACDEFGHJKMNPQRTWXY"
CHECK_IN_CODE_LENGTH = 8


def new_check_in_code():
    return "".join(secrets.choice(UNAMBIGUOUS) for position in range(CHECK_IN_CODE_LENGTH))


class BookingSettings(models.Model):
    """The booking rules staff can change; one row, read with ``BookingSettings.load()``."""

    booking_window_days = models.PositiveSmallIntegerField(
        _("booking window (days)"),
        default=56,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_("How far ahead visits can be booked."),
    )
    lead_time_hours = models.PositiveSmallIntegerField(
        _("lead time (hours)"),
        default=24,
        help_text=_("How long before a visit starts booking closes."),
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("smallest group"), default=3, validators=[MinValueValidator(1)]
    )
    max_group_size = models.PositiveSmallIntegerField(
        _("largest group"), default=40, validators=[MinValueValidator(1)]
    )
    cancellation_cutoff_hours = models.PositiveSmallIntegerField(
        _("cancellation cut-off (hours)"),
        default=12,
        help_text=_("Bookers can cancel online until this long before the visit."),
    )
    retention_days = models.PositiveSmallIntegerField(
        _("retention of contact details (days)"),
        default=180,
        validators=[MinValueValidator(1)],
        help_text=_("Contact details are removed this long after the visit; counts are kept."),
    )
    privacy_notice_version = models.CharField(
        _("privacy notice version"),
        max_length=20,
        default="2026-11-29",
        help_text=_("Recorded with each consent; change it whenever the notice changes."),
    )

    class Meta:
        verbose_name = _("booking settings")
        verbose_name_plural = _("booking settings")

    def __str__(self):
        return str(self._meta.verbose_name)

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self):
        if self.min_group_size > self.max_group_size:
            raise ValidationError(
                _("The smallest group cannot be larger than the largest."), code="group_range"
            )

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]


class Route(DerivesTraditional):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    summary = models.TextField(_("summary"), blank=True)
    body = rich_text(_("body"))
    is_demo = demo_flag()

    class Meta:
        verbose_name = _("route")
        verbose_name_plural = _("routes")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("routes:route", kwargs={"slug": self.slug})


class Stop(PartOf, DerivesTraditional):
    history_parent = "route"

    class CoordinateSystem(models.TextChoices):
        GCJ02 = "gcj02", _("GCJ-02 (mainland China maps)")
        WGS84 = "wgs84", _("WGS-84 (GPS)")
        BD09 = "bd09", _("BD-09 (Baidu)")

    route = models.ForeignKey(
        Route, on_delete=models.CASCADE, related_name="stops", verbose_name=_("route")
    )
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    body = rich_text(_("body"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    coordinate_system = models.CharField(
        _("coordinate system"),
        max_length=8,
        choices=CoordinateSystem.choices,
        default=CoordinateSystem.GCJ02,
    )
    photo = PictureField(
        _("photo"),
        upload_to="stops/",
        blank=True,
        renditions_field="photo_renditions",
        widths=WIDE,
    )
    photo_renditions = renditions_field()
    photo_alt = models.CharField(_("photo description"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    suggested_minutes = models.PositiveSmallIntegerField(
        _("suggested visit (minutes)"), null=True, blank=True
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stops",
        verbose_name=_("organization"),
    )
    check_in_code = models.CharField(
        _("check-in code"),
        max_length=16,
        unique=True,
        default=new_check_in_code,
        editable=False,
        help_text=_("Printed as a QR code on the sign at the stop; it never changes."),
    )
    is_demo = demo_flag()

    class Meta:
        verbose_name = _("stop")
        verbose_name_plural = _("stops")
        ordering = ["route", "number"]
        constraints = [
            models.UniqueConstraint(fields=["route", "number"], name="stop_number_once_per_route")
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    def get_absolute_url(self):
        return reverse("routes:stop", kwargs={"slug": self.route.slug, "number": self.number})


class OpeningRule(PartOf, models.Model):
    """When the route takes visits: on these weekdays, from start to end, so many people."""

    history_parent = "route"

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    route = models.ForeignKey(
        Route, on_delete=models.CASCADE, related_name="opening_rules", verbose_name=_("route")
    )
    weekdays = models.JSONField(_("weekdays"), default=list)
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(
        _("capacity (people)"), validators=[MinValueValidator(1)]
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("opening rule")
        verbose_name_plural = _("opening rules")
        ordering = ["route", "start_time"]

    def __str__(self):
        days = "、".join(str(self.Weekday(day).label) for day in sorted(self.weekdays))
        return f"{days} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self):
        if not self.weekdays or not all(day in self.Weekday.values for day in self.weekdays):
            raise ValidationError({"weekdays": _("Choose at least one weekday.")})
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The end must be after the start.")})
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("This date is before the first day.")})

    def applies_on(self, day):
        return (
            day.weekday() in self.weekdays
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_until is None or day <= self.valid_until)
        )


class Closure(PartOf, DerivesTraditional):
    history_parent = "route"

    route = models.ForeignKey(
        Route, on_delete=models.CASCADE, related_name="closures", verbose_name=_("route")
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="closure_ends_after_it_starts",
                violation_error_message=_("The last day cannot be before the first day."),
            )
        ]

    def __str__(self):
        return f"{self.start_date}–{self.end_date} {self.reason}"


class Slot(models.Model):
    """A concrete visiting time, made from the opening rules when it is first booked.

    ``places_taken`` counts the people of its pending and confirmed bookings; the database
    refuses any value above ``capacity`` (see ``routes.booking``).
    """

    route = models.ForeignKey(
        Route, on_delete=models.CASCADE, related_name="slots", verbose_name=_("route")
    )
    date = models.DateField(_("date"), db_index=True)
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    capacity = models.PositiveSmallIntegerField(_("capacity (people)"))
    places_taken = models.PositiveSmallIntegerField(_("places taken"), default=0, editable=False)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["route", "date", "start_time"], name="slot_once_per_time"
            ),
            models.CheckConstraint(
                condition=models.Q(places_taken__lte=models.F("capacity")),
                name="slot_never_overbooked",
            ),
        ]

    def __str__(self):
        return f"{self.date} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self):
        if self.capacity is not None and self.capacity < self.places_taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "%(taken)d places are already booked; the capacity cannot be lower."
                    )
                    % {"taken": self.places_taken}
                }
            )

    @property
    def places_left(self):
        return self.capacity - self.places_taken


class Booking(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("booking", "Waiting for approval")
        CONFIRMED = "confirmed", pgettext_lazy("booking", "Confirmed")
        DECLINED = "declined", pgettext_lazy("booking", "Declined")
        CANCELLED = "cancelled", pgettext_lazy("booking", "Cancelled")
        NO_SHOW = "no_show", pgettext_lazy("booking", "Did not come")

    HOLDS_PLACES = (Status.PENDING, Status.CONFIRMED)

    reference = models.CharField(_("reference"), max_length=8, unique=True, editable=False)
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("slot")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    organization_name = models.CharField(_("organization"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("mobile number"), max_length=20)
    contact_email = models.EmailField(_("email"), blank=True)
    group_size = models.PositiveSmallIntegerField(_("group size"))
    needs_guide = models.BooleanField(_("guide wanted"), default=False)
    note = models.TextField(_("note"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the group booked in; emails to them use it."),
    )
    consent_at = models.DateTimeField(_("consent given"))
    consent_version = models.CharField(_("privacy notice version"), max_length=20)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("booked"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    purged_at = models.DateTimeField(_("contact details removed"), null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["-created_at"]
        permissions = [("view_contact_details", _("Can see contact details of bookings"))]

    def __str__(self):
        return f"{self.reference} {self.organization_name}"

    @property
    def holds_places(self):
        return self.status in self.HOLDS_PLACES

    @property
    def masked_phone(self):
        phone = self.contact_phone
        return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else "****"


class CheckIn(PartOf, models.Model):
    """A group's check-in (打卡) at a stop; once per booking and stop."""

    history_parent = "booking"

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("booking")
    )
    stop = models.ForeignKey(
        Stop, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("stop")
    )
    created_at = models.DateTimeField(_("checked in"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "stop"], name="check_in_once_per_stop")
        ]

    def __str__(self):
        return f"{self.booking.reference} @ {self.stop}"
