from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from events.models import Event, Lesson, Speech

from .models import Organization, Position, Speaker


def speaker_list(request):
    speakers = Speaker.objects.prefetch_related(
        Prefetch("positions", queryset=Position.objects.select_related("organization"))
    )
    return render(request, "speakers/speaker_list.html", {"speakers": speakers})


def speaker_detail(request, slug):
    speaker = get_object_or_404(
        Speaker.objects.prefetch_related(
            Prefetch("positions", queryset=Position.objects.select_related("organization"))
        ),
        slug=slug,
    )
    speeches = list(
        Speech.objects.filter(speaker=speaker, event__in=Event.objects.published())
        .select_related("event", "section")
        .order_by("-event__start", "order")
    )
    for speech in speeches:
        speech.speaker = speaker  # positions already prefetched on this instance
    lessons = Lesson.objects.published().filter(speaker=speaker)
    return render(
        request,
        "speakers/speaker_detail.html",
        {"speaker": speaker, "speeches": speeches, "lessons": lessons},
    )


def organization_list(request):
    organizations = Organization.objects.all()
    kind = request.GET.get("kind", "")
    if kind in Organization.Kind.values:
        organizations = organizations.filter(kind=kind)
    else:
        kind = ""
    return render(
        request,
        "speakers/organization_list.html",
        {
            "organizations": organizations,
            "kind_choices": Organization.Kind.choices,
            "current_kind": kind,
        },
    )


def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    positions = organization.positions.select_related("speaker").order_by(
        "speaker__name", "-start_date"
    )
    events = Event.objects.published().filter(organizers=organization)
    return render(
        request,
        "speakers/organization_detail.html",
        {"organization": organization, "positions": positions, "events": events},
    )
