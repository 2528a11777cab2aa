"""Calendar files (iCalendar, RFC 5545) of published events, in the language of the address.

* ``/events/<slug>/event.ics``: one event, to add to a calendar ("Add to calendar").
* ``/events/calendar.ics``: a calendar to subscribe to: the upcoming events, and those that
  ended less than a year ago, so that a subscribed calendar keeps the recent past (clients
  drop what a refreshed calendar no longer holds). Drafts and scheduled events are never in.

Times are given in Shanghai time (``TZID=Asia/Shanghai``, with its VTIMEZONE); an event whose
start time is not known is an all-day event on its day(s). Each event's UID is made from its
primary key, ``event-<pk>@lujiazui``: the same in every language and after staff change its
title or slug, so that a calendar updates the event instead of adding it twice.
"""

import datetime
import zoneinfo

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from lujiazui.pages import absolute_url

from .feeds import ID_AUTHORITY
from .models import CALENDAR_KEEPS_PAST, Event, finish

PRODID = "-//Lujiazui Subdistrict//Party-building events//EN"
REFRESH = datetime.timedelta(hours=6)  # how often subscribers are asked to look again
CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_calendar(request, slug):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    # No calendar name here: a file that names a calendar may be opened as a new calendar
    # (Outlook) instead of adding the event to the reader's own.
    ical = new_calendar()
    ical.add_component(calendar_event(request, event, timezone.now()))
    ical.add_missing_timezones()
    response = HttpResponse(ical.to_ical(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{event.slug}.ics")
    return response


def events_calendar(request):
    events = (
        Event.objects.published()
        .alias(finish=finish())
        .filter(finish__gte=timezone.now() - CALENDAR_KEEPS_PAST)
        .order_by("start", "pk")
    )
    name = f"{_('Events')} | {settings.SITE_NAME}"
    ical = new_calendar()
    ical.add("name", name)
    ical.add("x-wr-calname", name)
    description = _(
        "Party-building meetings and events in the Lujiazui Subdistrict, "
        "with their agendas and speeches."
    )
    ical.add("x-wr-caldesc", description)
    ical.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    ical.add("x-published-ttl", icalendar.vDuration(REFRESH))
    stamp = timezone.now()
    for event in events:
        ical.add_component(calendar_event(request, event, stamp))
    ical.add_missing_timezones()
    return HttpResponse(ical.to_ical(), content_type=CONTENT_TYPE)


def new_calendar():
    ical = icalendar.Calendar()
    ical.add("prodid", PRODID)
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("method", "PUBLISH")
    ical.add("x-wr-timezone", settings.TIME_ZONE)
    return ical


def calendar_event(request, event, stamp):
    local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = event.start.astimezone(local)
    end = event.end.astimezone(local) if event.end else None
    url = absolute_url(request, event.get_absolute_url())
    item = icalendar.Event()
    item.add("uid", f"event-{event.pk}@{ID_AUTHORITY}")
    item.add("dtstamp", stamp)
    if event.start_time_known:
        item.add("dtstart", start)
        if end:  # without an end, the event ends when it starts (RFC 5545): no guess
            item.add("dtend", end)
    else:
        # All day: DTEND is the day after the last day.
        item.add("dtstart", start.date())
        item.add("dtend", (end or start).date() + datetime.timedelta(days=1))
    item.add("summary", event.title)
    lines = []
    if event.theme:
        lines.append(_("Theme: “%(theme)s”") % {"theme": event.theme})
    if event.summary:
        lines.append(event.summary)
    lines.append(url)
    item.add("description", "\n\n".join(lines))
    if event.venue:
        item.add("location", event.venue)
    item.add("url", url)
    return item
