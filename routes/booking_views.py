"""The public side of booking a group visit: the form, the private management page reached
by the token link, its calendar file, cancelling, and the privacy notice.

Every state change goes through ``routes.booking``. Pages reached by the token link are
private: never cached, never indexed, and they send only the site's origin as referrer, so
the token cannot leak to another site.
"""

import datetime
import itertools
import zoneinfo

import icalendar
from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from lujiazui import pagecache, ratelimit
from lujiazui.pages import absolute_url

from .booking import (
    BookingError,
    booking_for_token,
    cancel_refusal,
    cancellation_deadline,
    create_booking,
    open_slots,
    visit_starts_at,
)
from .booking import cancel as cancel_booking
from .booking import starts_at as slot_starts_at
from .emails import send_booking_email
from .forms import BookingForm
from .models import Booking, BookingSettings, Route

BOOKING_RATE = (5, 3600)  # booking form posts per client and hour
# Which form field shows a refusal of the rules module, by its code.
ERROR_FIELDS = {"full": "slot", "no_slot": "slot", "group_size": "group_size"}
CALENDAR_STATUS = {
    Booking.Status.PENDING: "TENTATIVE",
    Booking.Status.CONFIRMED: "CONFIRMED",
}


def private(response):
    """Mark a response that carries a CSRF token or a booking's details as uncacheable."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def secret_link(response):
    """Headers for anything reached through a management link: the token is in the URL."""
    private(response)
    # The origin alone, never the path with the token; not "no-referrer", with which browsers
    # post the cancel form with "Origin: null" and the CSRF check refuses it.
    response["Referrer-Policy"] = "strict-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def see_other(url):
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def get_booking(token):
    booking = booking_for_token(token)
    if booking is None:
        raise Http404
    return booking


def book(request, slug):
    route = get_object_or_404(Route, slug=slug)
    rules = BookingSettings.load()
    status = 200
    limited = False
    if request.method == "POST":
        if not ratelimit.allow(request, "booking", *BOOKING_RATE):
            # Keep what was typed, without checking it: the answer is "wait", not "fix".
            typed = {
                name: value
                for name, value in request.POST.items()
                if name not in ("consent", "website", "csrfmiddlewaretoken")
            }
            form = booking_form(route, rules, initial=typed)
            status, limited = 429, True
        else:
            now = timezone.now()
            options = open_slots(route, now, rules_settings=rules)
            form = booking_form(route, rules, request.POST, options=options)
            if form.is_valid():
                try:
                    return booked(request, route, form.cleaned_data, now, rules, options)
                except BookingError as error:
                    form = refused(request, route, rules, error)
    else:
        form = booking_form(route, rules)
        if form.slot_options:
            # The page changes by itself when its earliest time stops taking bookings.
            lead_time = datetime.timedelta(hours=form.rules.lead_time_hours)
            pagecache.valid_until(request, form.slot_options[0].starts_at - lead_time)
    context = {
        "route": route,
        "form": form,
        "slot_weeks": slot_weeks(form),
        "limited": limited,
    }
    response = render(request, "routes/book.html", context, status=status)
    # The form's CSRF token makes the page private: cached_page marks it so for GET.
    return private(response) if request.method == "POST" else response


def booking_form(route, rules, data=None, initial=None, options=None):
    if options is None:
        options = open_slots(route, rules_settings=rules)
    return BookingForm(data, initial=initial, slot_options=options, rules=rules, label_suffix="")


def booked(request, route, data, now, rules, options):
    """Book what the form checked against ``options`` (``open_slots(route, now)``), which
    ``create_booking`` reuses instead of reading them again."""
    booking, token = create_booking(
        route,
        data["slot"],
        group_size=data["group_size"],
        language=translation.get_language(),
        now=now,
        rules_settings=rules,
        options=options,
        organization_name=data["organization_name"],
        contact_name=data["contact_name"],
        contact_phone=data["contact_phone"],
        contact_email=data["contact_email"],
        needs_guide=data["needs_guide"],
        note=data["note"],
    )
    manage_url = reverse("routes:manage", kwargs={"token": token})
    if booking.contact_email:
        link = absolute_url(request, manage_url)
        transaction.on_commit(lambda: send_booking_email(booking, "received", management_url=link))
    return see_other(f"{manage_url}?new=1")


def refused(request, route, rules, error):
    """The form again after the rules refused a valid-looking booking (say, someone else
    took the last places meanwhile): fresh times, the rules' own words on the field."""
    form = booking_form(route, rules, request.POST)
    form.is_valid()
    field = ERROR_FIELDS.get(error.code)
    if field in form.errors:
        form.errors[field] = form.error_class([error.message], renderer=form.renderer)
    else:
        form.add_error(field, error.message)
    return form


def slot_weeks(form):
    """The form's times by week and day, for ``<details>`` that keep the page short:
    ``[{"days": [(date, [(option, checked), …]), …], "open": bool}, …]``. The first week
    and the week of the chosen time are open."""
    chosen = form["slot"].value()
    weeks = []
    for _week, week_options in itertools.groupby(
        form.slot_options, key=lambda option: option.date.isocalendar()[:2]
    ):
        days = [
            (day, [(option, option.key == chosen) for option in options])
            for day, options in itertools.groupby(week_options, key=lambda option: option.date)
        ]
        has_chosen = any(checked for day, options in days for option, checked in options)
        weeks.append({"days": days, "open": not weeks or has_chosen})
    return weeks


def manage(request, token):
    booking = get_booking(token)
    rules = BookingSettings.load()
    stops = list(booking.slot.route.stops.all())
    done = set(booking.check_ins.order_by().values_list("stop_id", flat=True))
    refusal = cancel_refusal(booking, rules_settings=rules)
    context = {
        "booking": booking,
        "route": booking.slot.route,
        "token": token,
        "rules": rules,
        "is_new": request.GET.get("new") == "1",
        "just_cancelled": request.GET.get("cancelled") == "1",
        "stops": [(stop, stop.pk in done) for stop in stops],
        "stops_done": sum(stop.pk in done for stop in stops),
        "cancellable": not refusal,
        "cancel_refusal": refusal,
        "cancel_until": timezone.localtime(cancellation_deadline(booking, rules)),
    }
    return secret_link(render(request, "routes/manage.html", context))


def cancel(request, token):
    booking = get_booking(token)
    error = ""
    manage_url = reverse("routes:manage", kwargs={"token": token})
    if request.method == "POST" and booking.status == Booking.Status.CANCELLED:
        return secret_link(see_other(manage_url))  # sent twice: it is done already
    if request.method == "POST":
        try:
            cancel_booking(booking)
        except BookingError as refused:
            # 200, not 409: Django logs 4xx answers with their path, which holds the token.
            error = refused.message
        else:
            if booking.contact_email:
                transaction.on_commit(lambda: send_booking_email(booking, "cancelled"))
            return secret_link(see_other(f"{manage_url}?cancelled=1"))
    refusal = cancel_refusal(booking)
    context = {
        "booking": booking,
        "route": booking.slot.route,
        "token": token,
        "error": error,
        "cancellable": not error and not refusal,
        "cancel_refusal": refusal,
    }
    return secret_link(render(request, "routes/cancel.html", context))


def calendar(request, token):
    booking = get_booking(token)
    route = booking.slot.route
    first_stop = route.stops.order_by("number").first()
    shanghai = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    manage_url = absolute_url(request, reverse("routes:manage", kwargs={"token": token}))
    description = "\n".join(
        [
            _("Booking reference: %(reference)s") % {"reference": booking.reference},
            _("Status: %(status)s") % {"status": booking.get_status_display()},
            _("Group size: %(size)d") % {"size": booking.group_size},
            _("Your booking page: %(url)s") % {"url": manage_url},
        ]
    )
    event = icalendar.Event()
    event.add("uid", f"booking-{booking.reference}@lujiazui")
    event.add("dtstamp", booking.updated_at)
    event.add("last-modified", booking.updated_at)
    event.add("dtstart", visit_starts_at(booking).astimezone(shanghai))
    event.add(
        "dtend", slot_starts_at(booking.slot.date, booking.slot.end_time).astimezone(shanghai)
    )
    event.add("summary", f"{route.name} {booking.reference}")
    event.add("location", first_stop.address if first_stop and first_stop.address else route.name)
    event.add("description", description)
    event.add("url", manage_url)
    event.add("status", CALENDAR_STATUS.get(booking.status, "CANCELLED"))
    ical = icalendar.Calendar()
    ical.add("prodid", "-//Lujiazui Subdistrict//Red route booking//EN")
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("method", "PUBLISH")
    ical.add_component(event)
    ical.add_missing_timezones()
    response = HttpResponse(ical.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
    return secret_link(response)


def privacy_notice(request):
    return render(request, "routes/privacy.html", {"rules": BookingSettings.load()})
