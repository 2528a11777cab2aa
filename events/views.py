from itertools import groupby

from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import timezone

from lujiazui.views import chosen_filter, get_public_or_preview, render_page
from speakers.models import prefetch_positions

from .models import Attendance, Event, Lesson, Speech

POSITIONS = prefetch_positions("speaker__positions")


def event_list(request):
    now = timezone.now()
    events = list(Event.objects.published().order_by("-start"))
    upcoming = sorted((e for e in events if (e.end or e.start) >= now), key=lambda e: e.start)
    past = [e for e in events if (e.end or e.start) < now]
    past_by_year = [
        (year, list(items))
        for year, items in groupby(past, key=lambda e: timezone.localtime(e.start).year)
    ]
    return render(
        request, "events/event_list.html", {"upcoming": upcoming, "past_by_year": past_by_year}
    )


def event_detail(request, slug):
    queryset = Event.objects.prefetch_related(
        "organizers",
        "sections",
        "photos",
        Prefetch(
            "speeches",
            queryset=Speech.objects.select_related("speaker").prefetch_related(POSITIONS),
        ),
        Prefetch(
            "attendances",
            queryset=Attendance.objects.select_related("speaker").prefetch_related(POSITIONS),
        ),
    )
    event, is_preview = get_public_or_preview(request, queryset, slug=slug)
    speeches = list(event.speeches.all())
    for speech in speeches:
        speech.event = event  # the title held is looked up on this event's date
    for attendance in event.attendances.all():
        attendance.event = event
    sections = [
        (section, [s for s in speeches if s.section_id == section.pk])
        for section in event.sections.all()
    ]
    unsectioned = [s for s in speeches if s.section_id is None]
    return render_page(
        request,
        "events/event_detail.html",
        {"event": event, "sections": sections, "unsectioned_speeches": unsectioned},
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
        {"lessons": lessons, "series_choices": Lesson.Series.choices, "current_series": series},
    )


def lesson_detail(request, slug):
    lesson, is_preview = get_public_or_preview(
        request, Lesson.objects.select_related("speaker"), slug=slug
    )
    return render_page(request, "events/lesson_detail.html", {"lesson": lesson}, is_preview)
