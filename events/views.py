from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import render
from django.utils import timezone

from lujiazui import pagecache
from lujiazui.pages import chosen_filter, get_public_or_preview, paginate, render_page
from speakers.models import prefetch_positions

from .models import Attendance, Event, Lesson, Speech

MORE_LESSONS = 3
UPCOMING_SHOWN = 12  # on the event list; all of them on the upcoming page, a page at a time


def event_list(request):
    """The soonest upcoming events (with a link to the rest), then the past events of one
    year (the latest unless ``?year=``), a page at a time."""
    events = Event.objects.published()
    past = events.past()
    years = past_years(past)
    asked = request.GET.get("year", "")
    year = int(asked) if len(asked) == 4 and asked.isascii() and asked.isdigit() else None
    year = year if year in years else None
    if "year" in request.GET and str(year) != asked:
        pagecache.skip(request)  # no such year: shown as the latest, not kept under this one
    year = year or (years[0] if years else None)
    # One more than shown, to know whether to link the rest without counting them.
    upcoming = list(events.upcoming()[: UPCOMING_SHOWN + 1])
    return render(
        request,
        "events/event_list.html",
        {
            "upcoming": upcoming[:UPCOMING_SHOWN],
            "more_upcoming": len(upcoming) > UPCOMING_SHOWN,
            "years": years,
            "year": year,
            "past": paginate(request, past.filter(start__year=year)) if year else [],
        },
    )


def upcoming_list(request):
    """Every upcoming event, a page at a time: a busy season announces more than the event
    list shows."""
    upcoming = Event.objects.published().upcoming()
    return render(request, "events/upcoming_list.html", {"page": paginate(request, upcoming)})


def past_years(past):
    """The years from the latest past event back to the first, in Shanghai time. From the
    two ends alone (two index lookups): listing the years that have events would read every
    event, and a year without any is rare and simply shows none."""
    starts = past.values_list("start", flat=True)
    last = starts.order_by("-start").first()
    if last is None:
        return []
    first = starts.order_by("start").first()
    return list(range(timezone.localtime(last).year, timezone.localtime(first).year - 1, -1))


def event_detail(request, slug):
    queryset = Event.objects.prefetch_related(
        "organizers",
        "sections",
        "photos",
        Prefetch(
            "speeches",
            queryset=Speech.objects.select_related("speaker", "position__organization"),
        ),
        Prefetch(
            "attendances",
            queryset=Attendance.objects.select_related("speaker", "position__organization"),
        ),
    )
    event, is_preview = get_public_or_preview(request, queryset, slug=slug)
    speeches = list(event.speeches.all())
    # The positions of speakers and guests in one query rather than one for each group.
    appearances = speeches + list(event.attendances.all())
    prefetch_related_objects([a.speaker for a in appearances], prefetch_positions())
    sections = [
        (section, [s for s in speeches if s.section_id == section.pk])
        for section in event.sections.all()
    ]
    unsectioned = [s for s in speeches if s.section_id is None]
    # "Add to calendar" for a public event that is not over (by its day: all-day events too).
    last_day = timezone.localdate(event.end or event.start)
    offer_calendar = not is_preview and last_day >= timezone.localdate()
    return render_page(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "sections": sections,
            "unsectioned_speeches": unsectioned,
            "offer_calendar": offer_calendar,
        },
        is_preview,
    )


def lesson_list(request):
    lessons = Lesson.objects.published().select_related("speaker")
    series = chosen_filter(request, "series", Lesson.Series)
    if series:
        lessons = lessons.filter(series=series)
    return render(
        request,
        "events/lesson_list.html",
        {
            "lessons": paginate(request, lessons),
            "series_choices": Lesson.Series.choices,
            "current_series": series,
        },
    )


def lesson_detail(request, slug):
    lesson, is_preview = get_public_or_preview(
        request, Lesson.objects.select_related("speaker"), slug=slug
    )
    more_in_series = (
        Lesson.objects.published()
        .filter(series=lesson.series)
        .exclude(pk=lesson.pk)
        .select_related("speaker")[:MORE_LESSONS]
    )
    return render_page(
        request,
        "events/lesson_detail.html",
        {"lesson": lesson, "more_in_series": more_in_series},
        is_preview,
    )
