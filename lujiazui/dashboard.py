"""The admin's first page: visits, approvals, events, reviews and two charts.

``build(user)`` returns only the parts the user's permissions allow; each part runs a fixed
number of aggregate queries whatever the data size. Phone numbers are never shown here.
The charts are SVG drawn on the server (``bar_chart``); the template follows each with a
table of the same numbers.
"""

import datetime

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from events.models import Event, Lesson
from lujiazui.publishing import Publishable
from routes.models import Booking, Stop

VISIT_DAYS = 7  # today and the next six days, as on the visits page
CHART_WEEKS = 5  # this week and the four before it
CHECK_IN_DAYS = 30
NEXT_EVENTS = 3
LISTED = 5  # pending bookings and items for review listed by name; the rest are counted

# Chart geometry in SVG user units; the page scales the drawing to its width.
CHART_WIDTH = 560
BAR_HEIGHT = 22
BAR_GAP = 8
TOP = 12
AXIS_SPACE = 40  # below the bars: tick values and the axis label
VALUE_SPACE = 36  # right of the longest bar, for its value
CHAR_WIDTH = 13  # a CJK character at the chart's font size; Latin text takes less


def bar_chart(chart_id, title, bars, value_label, category_label):
    """A horizontal bar chart as an SVG string (safe to output).

    ``bars`` is a list of ``(label, value)``. The drawing is an image named by its
    ``<title>``; each bar has its own ``<title>`` with label and value. ``value_label``
    names the horizontal axis, ``category_label`` the vertical one.
    """
    label_width = min(
        200, max([CHAR_WIDTH * len(str(label)) for label, _value in bars] + [60]) + 10
    )
    left = label_width + 22  # room for the rotated category axis label
    plot_width = CHART_WIDTH - left - VALUE_SPACE
    height = TOP + len(bars) * (BAR_HEIGHT + BAR_GAP) + AXIS_SPACE
    largest = max([value for _label, value in bars] + [1])
    title_id = f"{chart_id}-title"
    axis_y = TOP + len(bars) * (BAR_HEIGHT + BAR_GAP)
    parts = [
        f'<svg class="dashboard-chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(title_id)}" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
    ]
    for index, (label, value) in enumerate(bars):
        y = TOP + index * (BAR_HEIGHT + BAR_GAP)
        width = plot_width * value / largest
        middle = y + BAR_HEIGHT / 2
        parts.append(
            f'<g class="bar"><title>{escape(label)}: {value}</title>'
            f'<text class="bar-label" x="{left - 6}" y="{middle:.1f}" text-anchor="end" '
            f'dominant-baseline="middle">{escape(label)}</text>'
            f'<rect x="{left}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}"/>'
            f'<text class="bar-value" x="{left + width + 6:.1f}" y="{middle:.1f}" '
            f'dominant-baseline="middle">{value}</text></g>'
        )
    parts.append(
        f'<line class="axis" x1="{left}" y1="{TOP - 4}" x2="{left}" y2="{axis_y}"/>'
        f'<line class="axis" x1="{left}" y1="{axis_y}" x2="{left + plot_width}" y2="{axis_y}"/>'
        f'<text class="tick" x="{left}" y="{axis_y + 14}" text-anchor="middle">0</text>'
        f'<text class="tick" x="{left + plot_width}" y="{axis_y + 14}" '
        f'text-anchor="middle">{largest}</text>'
        f'<text class="axis-label" x="{left + plot_width / 2:.1f}" y="{axis_y + 32}" '
        f'text-anchor="middle">{escape(value_label)}</text>'
        f'<text class="axis-label" transform="translate(12 {(TOP + axis_y) / 2:.1f}) '
        f'rotate(-90)" text-anchor="middle">{escape(category_label)}</text>'
        "</svg>"
    )
    return mark_safe("".join(parts))


# --------------------------------------------------------------------------- parts


def visits(today):
    """Today's visits one by one, then the next six days as groups and people per day."""
    bookings = (
        Booking.objects.filter(
            slot__date__gte=today,
            slot__date__lt=today + datetime.timedelta(days=VISIT_DAYS),
            status__in=Booking.HOLDS_PLACES,
        )
        .select_related("slot__route")
        .order_by("slot__date", "slot__start_time", "organization_name", "pk")
    )
    days = {today + datetime.timedelta(days=n): [] for n in range(VISIT_DAYS)}
    for booking in bookings:
        days[booking.slot.date].append(booking)
    today_list = [
        {
            "time": f"{b.slot.start_time:%H:%M}–{b.slot.end_time:%H:%M}",
            "route": b.slot.route.name,
            "organization": b.organization_name,
            "group_size": b.group_size,
            "status": b.get_status_display(),
            "pending": b.status == Booking.Status.PENDING,
            "url": reverse("admin:routes_booking_change", args=[b.pk]),
        }
        for b in days[today]
    ]
    week = [
        {
            "label": date_format(day, "MONTH_DAY_FORMAT"),
            "weekday": date_format(day, "D"),
            "is_today": day == today,
            "groups": len(items),
            "people": sum(b.group_size for b in items),
            "pending": sum(1 for b in items if b.status == Booking.Status.PENDING),
        }
        for day, items in days.items()
    ]
    return {
        "today": today_list,
        "today_label": date_format(today, "DATE_FORMAT"),
        "today_people": sum(item["group_size"] for item in today_list),
        "week": week,
        "week_groups": sum(day["groups"] for day in week),
        "week_people": sum(day["people"] for day in week),
        "visits_url": reverse("admin:routes_booking_visits"),
    }


def approvals():
    pending = Booking.objects.filter(status=Booking.Status.PENDING)
    totals = pending.aggregate(count=Count("pk"), people=Sum("group_size"))
    listed = pending.select_related("slot__route").order_by("slot__date", "slot__start_time", "pk")[
        :LISTED
    ]
    return {
        "count": totals["count"],
        "people": totals["people"] or 0,
        "items": [
            {
                "visit": f"{date_format(b.slot.date, 'MONTH_DAY_FORMAT')} "
                f"{b.slot.start_time:%H:%M}",
                "route": b.slot.route.name,
                "organization": b.organization_name,
                "group_size": b.group_size,
                "url": reverse("admin:routes_booking_change", args=[b.pk]),
            }
            for b in listed
        ],
        "url": reverse("admin:routes_booking_changelist") + "?status__exact=pending",
    }


def next_events():
    events = Event.objects.published().upcoming()
    return [
        {
            "title": event.title,
            "start": date_format(timezone.localtime(event.start), "DATETIME_FORMAT"),
            "venue": event.venue,
            "url": reverse("admin:events_event_change", args=[event.pk]),
        }
        for event in events[:NEXT_EVENTS]
    ]


def review(model):
    """Items of ``model`` submitted for review (oldest publish date first) and the counts."""
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    counts = model.objects.aggregate(
        submitted=Count("pk", filter=Q(status=Publishable.Status.SUBMITTED)),
        drafts=Count("pk", filter=Q(status=Publishable.Status.DRAFT)),
    )
    items = model.objects.filter(status=Publishable.Status.SUBMITTED)
    return {
        "name": opts.verbose_name_plural,
        "submitted": counts["submitted"],
        "drafts": counts["drafts"],
        "items": [
            {
                "title": item.title,
                "url": reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk]),
            }
            for item in items.order_by("publish_at", "pk")[:LISTED]
        ],
        "submitted_url": f"{changelist}?status__exact={Publishable.Status.SUBMITTED}",
        "drafts_url": f"{changelist}?status__exact={Publishable.Status.DRAFT}",
    }


def bookings_per_week(today):
    """Bookings made (by ``created_at``) in each of the last five weeks, Monday to Sunday."""
    this_monday = today - datetime.timedelta(days=today.weekday())
    mondays = [this_monday - datetime.timedelta(weeks=n) for n in reversed(range(CHART_WEEKS))]
    start = timezone.make_aware(datetime.datetime.combine(mondays[0], datetime.time.min))
    rows = (
        Booking.objects.filter(created_at__gte=start)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {}
    for row in rows:
        week = row["week"]
        week = timezone.localtime(week).date() if isinstance(week, datetime.datetime) else week
        counts[week] = counts.get(week, 0) + row["count"]
    rows = [
        {"label": date_format(monday, "MONTH_DAY_FORMAT"), "value": counts.get(monday, 0)}
        for monday in mondays
    ]
    title = gettext("Bookings made per week, last %(weeks)d weeks") % {"weeks": CHART_WEEKS}
    return {
        "title": title,
        "svg": bar_chart(
            "chart-bookings-per-week",
            title,
            [(row["label"], row["value"]) for row in rows],
            gettext("Bookings"),
            gettext("Week starting"),
        ),
        "rows": rows,
        "category": gettext("Week starting"),
        "value": gettext("Bookings"),
        "total": sum(row["value"] for row in rows),
        "url": reverse("admin:routes_booking_changelist"),
        "link": gettext("All bookings"),
    }


def check_ins_per_stop(now):
    since = now - datetime.timedelta(days=CHECK_IN_DAYS)
    stops = list(
        Stop.objects.select_related("route")
        .annotate(count=Count("check_ins", filter=Q(check_ins__created_at__gte=since)))
        .order_by("route", "number")
    )
    several_routes = len({stop.route_id for stop in stops}) > 1
    rows = [
        {
            "label": f"{stop.route.name} {stop}" if several_routes else str(stop),
            "value": stop.count,
        }
        for stop in stops
    ]
    title = gettext("Check-ins per stop, last %(days)d days") % {"days": CHECK_IN_DAYS}
    return {
        "title": title,
        "svg": bar_chart(
            "chart-check-ins-per-stop",
            title,
            [(row["label"], row["value"]) for row in rows],
            gettext("Check-ins"),
            gettext("Stop"),
        ),
        "rows": rows,
        "category": gettext("Stop"),
        "value": gettext("Check-ins"),
        "total": sum(row["value"] for row in rows),
        "url": reverse("admin:routes_checkin_changelist"),
        "link": gettext("All check-ins"),
    }


def build(user):
    """The dashboard's parts this user may see; a missing key is a part not shown."""
    now = timezone.now()
    today = timezone.localdate(now)
    data = {}
    if user.has_perm("routes.view_booking"):
        data["visits"] = visits(today)
        data["approvals"] = approvals()
    if user.has_perm("events.view_event"):
        data["events"] = next_events()
        data["events_url"] = reverse("admin:events_event_changelist")
    reviews = [
        review(model)
        for model, perm in [(Event, "events.view_event"), (Lesson, "events.view_lesson")]
        if user.has_perm(perm)
    ]
    if reviews:
        data["reviews"] = reviews
    charts = []
    if user.has_perm("routes.view_booking"):
        charts.append(bookings_per_week(today))
    if user.has_perm("routes.view_checkin"):
        charts.append(check_ins_per_stop(now))
    if charts:
        data["charts"] = charts
    return data
