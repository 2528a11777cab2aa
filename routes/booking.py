"""The red route's rules in one place: open slots, book, confirm, decline, cancel, check in,
mark a no-show and purge contact details. Views, admin actions and commands all call these.

Capacity is decided by the database, not by Python: a booking raises ``Slot.places_taken``
with one conditional ``UPDATE … WHERE places_taken + n <= capacity``, so of many requests
racing for the last places exactly those that fit succeed, and a CHECK constraint refuses
any overbooked value as a second line. Status changes are conditional updates too
(``WHERE status IN …``), so a double click or two staff members at once release places once.
"""

import datetime
import functools
import hashlib
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lujiazui import ratelimit
from lujiazui.audit import record_update

from .models import UNAMBIGUOUS, Booking, BookingSettings, CheckIn, Slot

REFERENCE_LENGTH = 8
REFERENCE_TRIES = 3  # references drawn for one booking before a clash is an error
CHECK_IN_TRIES = 10  # wrong phone digits per booking reference and day
ONE_DAY = 24 * 60 * 60
TOKEN_BYTES = 32  # 256 bits; only its SHA-256 is stored
PURGE_BATCH = 500


class BookingError(Exception):
    """A rule refused the request; ``message`` is for the person, in their language."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class SlotOption:
    """A bookable time: an existing Slot (``slot_id``), or one the opening rules will make
    when booked (``slot_id`` None)."""

    date: datetime.date
    start_time: datetime.time
    end_time: datetime.time
    capacity: int
    places_taken: int
    slot_id: int | None = None

    @functools.cached_property  # looked up in every form choice, clean and booking
    def key(self):
        return slot_key(self.date, self.start_time)

    @property
    def places_left(self):
        return self.capacity - self.places_taken

    @property
    def starts_at(self):
        return starts_at(self.date, self.start_time)


def slot_key(date, start_time):
    """The value a booking form sends for a slot, e.g. ``2026-12-01T09:30``."""
    return f"{date.isoformat()}T{start_time.isoformat(timespec='minutes')}"


def starts_at(date, start_time):
    return timezone.make_aware(datetime.datetime.combine(date, start_time))


def open_slots(route, now=None, by_staff=False, rules_settings=None):
    """Every slot inside the booking window, made from the opening rules less closures.

    Full slots are included (``places_left == 0``) so that a form can say "full" instead of
    "unknown"; slots that start before the lead time has passed are not, except for staff
    (``by_staff``), who may also book today's visits, e.g. for a group that telephoned.
    ``rules_settings`` saves a query when the caller has loaded them already.
    """
    rules_settings = rules_settings or BookingSettings.load()
    now = timezone.localtime(now or timezone.now())
    if by_staff:
        earliest = now.replace(hour=0, minute=0, second=0, microsecond=0)
    else:
        earliest = now + datetime.timedelta(hours=rules_settings.lead_time_hours)
    last_day = now.date() + datetime.timedelta(days=rules_settings.booking_window_days)
    rules = list(route.opening_rules.all())
    closures = list(route.closures.filter(end_date__gte=earliest.date(), start_date__lte=last_day))
    # Plain values, not Slot instances: this runs on every booking page and POST.
    existing = {
        (date, start_time): (end_time, capacity, places_taken, pk)
        for date, start_time, end_time, capacity, places_taken, pk in route.slots.filter(
            date__gte=earliest.date(), date__lte=last_day
        ).values_list("date", "start_time", "end_time", "capacity", "places_taken", "pk")
    }
    options = []
    day = earliest.date()
    while day <= last_day:
        if not any(closure.start_date <= day <= closure.end_date for closure in closures):
            for rule in rules:
                if not rule.applies_on(day):
                    continue
                # Only the first day has times before ``earliest``; the later days start after.
                if day == earliest.date() and starts_at(day, rule.start_time) < earliest:
                    continue
                end_time, capacity, places_taken, slot_id = existing.get(
                    (day, rule.start_time), (rule.end_time, rule.capacity, 0, None)
                )
                options.append(
                    SlotOption(day, rule.start_time, end_time, capacity, places_taken, slot_id)
                )
        day += datetime.timedelta(days=1)
    return sorted(options, key=lambda option: (option.date, option.start_time))


def create_booking(
    route,
    key,
    *,
    group_size,
    language,
    now=None,
    by_staff=False,
    rules_settings=None,
    options=None,
    **details,
):
    """Book ``group_size`` places in the slot named by ``key``; returns ``(booking, token)``.

    ``details`` are the booking's contact fields (organization_name, contact_name,
    contact_phone, contact_email, needs_guide, note). The token is the secret of the private
    management link; it is returned once and only its hash is kept.

    A caller that already has ``open_slots(route, now, by_staff)`` for the same ``now`` may
    pass it as ``options`` (and the settings as ``rules_settings``) so that they are not read
    twice in one request. Their places left are never trusted: the conditional UPDATE of
    ``take_places`` decides.
    """
    now = now or timezone.now()
    rules_settings = rules_settings or BookingSettings.load()
    if not rules_settings.min_group_size <= group_size <= rules_settings.max_group_size:
        raise BookingError(
            _("Groups of %(min)d to %(max)d people can book.")
            % {"min": rules_settings.min_group_size, "max": rules_settings.max_group_size},
            "group_size",
        )
    if options is None:
        options = open_slots(route, now, by_staff, rules_settings)
    option = next((o for o in options if o.key == key), None)
    if option is None:
        raise BookingError(_("This time cannot be booked. Please choose another."), "no_slot")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    for attempt in range(1, REFERENCE_TRIES + 1):
        reference = random_reference()
        try:
            with transaction.atomic():
                if option.slot_id is None:
                    slot, _created = Slot.objects.get_or_create(
                        route=route,
                        date=option.date,
                        start_time=option.start_time,
                        defaults={"end_time": option.end_time, "capacity": option.capacity},
                    )
                else:
                    slot = slot_as_read(route, option)
                take_places(slot, group_size)
                booking = Booking.objects.create(
                    reference=reference,
                    slot=slot,
                    group_size=group_size,
                    language=language,
                    consent_at=now,
                    consent_version=rules_settings.privacy_notice_version,
                    token_hash=hash_token(token),
                    **details,
                )
            return booking, token
        except IntegrityError:
            # The INSERT itself checks that the reference is new, instead of a query before
            # it (which two bookings at once could both pass). A draw is taken with odds of
            # bookings so far in 23^8, one in a million at 78,000; the booking is then made
            # again, its places included, with another.
            if (
                attempt == REFERENCE_TRIES
                or not Booking.objects.filter(reference=reference).exists()
            ):
                raise


def slot_as_read(route, option):
    """The existing Slot of ``option`` from what ``open_slots`` read, without reading it
    again. Its places taken are left deferred (read again on access): take_places changes
    them. Should the slot have gone meanwhile, or belong to another route, take_places finds
    no row and refuses."""
    known = {
        "id": option.slot_id,
        "route_id": route.pk,
        "date": option.date,
        "start_time": option.start_time,
        "end_time": option.end_time,
        "capacity": option.capacity,
    }
    names = [field.attname for field in Slot._meta.concrete_fields if field.attname in known]
    slot = Slot.from_db(route._state.db, names, [known[name] for name in names])
    slot.route = route
    return slot


def take_places(slot, people):
    """Hold ``people`` places in ``slot`` if they fit, in one conditional UPDATE."""
    fits = Slot.objects.filter(
        pk=slot.pk, route_id=slot.route_id, places_taken__lte=F("capacity") - people
    ).update(places_taken=F("places_taken") + people)
    if not fits:
        raise BookingError(_("Sorry, this time is now full. Please choose another."), "full")


def confirm(booking, now=None):
    if booking.slot.date < timezone.localdate(now or timezone.now()):
        raise BookingError(_("This visit is in the past."), "past")
    _change_status(booking, [Booking.Status.PENDING], Booking.Status.CONFIRMED)


def change_slot(slot, *, capacity, end_time):
    """Staff change a slot's capacity or end; never below the places booked meanwhile."""
    with transaction.atomic():
        before = (
            Slot.objects.select_for_update().filter(pk=slot.pk).values("capacity", "end_time").get()
        )
        changed = Slot.objects.filter(pk=slot.pk, places_taken__lte=capacity).update(
            capacity=capacity, end_time=end_time
        )
        after = {"capacity": capacity, "end_time": end_time}
        differences = {
            name: (before[name], value) for name, value in after.items() if before[name] != value
        }
        if changed and differences:
            record_update([slot], differences)
    if not changed:
        taken = Slot.objects.values_list("places_taken", flat=True).get(pk=slot.pk)
        raise BookingError(
            _("%(taken)d places are already booked; the capacity cannot be lower.")
            % {"taken": taken},
            "below_taken",
        )


def decline(booking, reason):
    if not reason.strip():
        raise BookingError(_("Please give the group a reason."), "reason")
    booking.decline_reason = reason.strip()
    _change_status(
        booking,
        Booking.HOLDS_PLACES,
        Booking.Status.DECLINED,
        extra={"decline_reason": booking.decline_reason},
    )


def cancel(booking, now=None):
    """The booker cancels; possible until the cut-off before the visit."""
    refusal = cancel_refusal(booking, now)
    if refusal:
        raise BookingError(refusal, "too_late" if booking.holds_places else "stale")
    _change_status(booking, Booking.HOLDS_PLACES, Booking.Status.CANCELLED)


def cancellation_deadline(booking, rules_settings=None):
    hours = (rules_settings or BookingSettings.load()).cancellation_cutoff_hours
    return visit_starts_at(booking) - datetime.timedelta(hours=hours)


def cancel_refusal(booking, now=None, rules_settings=None):
    """Why the booker cannot cancel ``booking`` online now, or "" when they can."""
    if not booking.holds_places:
        return _("Only bookings that are waiting for approval or confirmed can be cancelled.")
    rules_settings = rules_settings or BookingSettings.load()
    if cancellation_deadline(booking, rules_settings) <= (now or timezone.now()):
        hours = rules_settings.cancellation_cutoff_hours
        return ngettext(
            "Online cancellation closes %(hours)d hour before the visit.",
            "Online cancellation closes %(hours)d hours before the visit.",
            hours,
        ) % {"hours": hours}
    return ""


def mark_no_show(booking, now=None):
    """A confirmed group did not come; possible from the day of the visit on."""
    if booking.slot.date > timezone.localdate(now or timezone.now()):
        raise BookingError(
            _("A group can be marked as absent from the day of its visit on."), "not_yet"
        )
    _change_status(booking, [Booking.Status.CONFIRMED], Booking.Status.NO_SHOW)


def _change_status(booking, allowed, new_status, extra=None):
    """Move ``booking`` from one of ``allowed`` to ``new_status``, releasing its places when it
    stops holding them; refused when another request changed it first."""
    releases = new_status not in Booking.HOLDS_PLACES
    # The update proves the old status was one of ``allowed``; releasing is right only if
    # every one of them held places.
    assert not releases or set(allowed) <= set(Booking.HOLDS_PLACES)
    with transaction.atomic():
        # Locked, so that the history records the status this change really replaced.
        old_status = (
            Booking.objects.select_for_update()
            .filter(pk=booking.pk)
            .values_list("status", flat=True)
            .first()
        )
        changed = Booking.objects.filter(pk=booking.pk, status__in=allowed).update(
            status=new_status, updated_at=timezone.now(), **(extra or {})
        )
        if not changed:
            raise BookingError(
                _("This booking has changed in the meantime. Please reload the page."),
                "stale",
            )
        if releases:
            Slot.objects.filter(pk=booking.slot_id).update(
                places_taken=F("places_taken") - booking.group_size
            )
        record_update(
            [booking],
            {"status": (old_status, new_status)}
            | {field: ("", value) for field, value in (extra or {}).items()},
        )
    booking.status = new_status


def check_in(stop, reference, phone_last_four, now=None):
    """Check a group in at ``stop``; returns ``(check_in, created)``, once per stop."""
    now = now or timezone.now()
    reference = reference.strip().upper()
    booking = (
        Booking.objects.filter(reference=reference, slot__route=stop.route_id)
        .select_related("slot")
        .first()
    )
    # Four digits are quickly guessed: a reference gets a few wrong tries a day, from any
    # address, and once they are used up even the right digits are refused until tomorrow.
    # Keyed by a found booking's reference: typed text (spaces, control characters) never
    # becomes a cache key, which memcached would refuse with an error.
    tries_key = f"check-in-digits:{booking.reference}" if booking else None
    if tries_key and ratelimit.is_exhausted(tries_key, CHECK_IN_TRIES):
        raise BookingError(
            _("Too many wrong attempts for this booking. Please try again tomorrow."),
            "too_many",
        )
    if (
        booking is None
        or booking.purged_at is not None
        or len(phone_last_four) != 4
        or not booking.contact_phone.endswith(phone_last_four)
    ):
        if booking is not None:
            ratelimit.allow_key(tries_key, CHECK_IN_TRIES, ONE_DAY)
        raise BookingError(
            _("We could not find a booking with this reference and phone number."), "unknown"
        )
    if booking.status != Booking.Status.CONFIRMED:
        raise BookingError(
            _("This booking is not confirmed, so it cannot check in."), "not_confirmed"
        )
    if booking.slot.date != timezone.localdate(now):
        raise BookingError(_("Check-in is open on the day of the visit only."), "not_today")
    return CheckIn.objects.get_or_create(booking=booking, stop=stop)


def purge_contact_details(now=None):
    """Remove the contact details of bookings whose visit is older than the retention time;
    the booking rows stay, so counts and group sizes remain for statistics."""
    now = now or timezone.now()
    days = BookingSettings.load().retention_days
    before = timezone.localdate(now) - datetime.timedelta(days=days)
    purged = 0
    while True:  # in batches, so that a first run over years of bookings stays small
        with transaction.atomic():
            due = list(
                Booking.objects.select_for_update(of=("self",))
                .filter(slot__date__lt=before, purged_at__isnull=True)
                .order_by("pk")[:PURGE_BATCH]
            )
            if not due:
                return purged
            Booking.objects.filter(pk__in=[booking.pk for booking in due]).update(
                contact_name="",
                contact_phone="",
                contact_email="",
                note="",
                decline_reason="",
                purged_at=now,
            )
            record_update(due, {"purged_at": (None, now)})
        purged += len(due)


def visit_starts_at(booking):
    return starts_at(booking.slot.date, booking.slot.start_time)


def random_reference():
    """A booking reference: 8 characters of an unambiguous alphabet, 23^8 (about 8 * 10^10)
    in all; whether it is taken is for the unique constraint to say."""
    return "".join(secrets.choice(UNAMBIGUOUS) for position in range(REFERENCE_LENGTH))


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def booking_for_token(token):
    """The booking a management link's token opens, or ``None``."""
    if not token or len(token) > 100:
        return None
    return (
        Booking.objects.select_related("slot__route").filter(token_hash=hash_token(token)).first()
    )
