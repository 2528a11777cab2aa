from django.shortcuts import get_object_or_404, render

from events.models import Event, Lesson, Speech
from lujiazui.pages import chosen_filter, paginate

from .models import Organization, Speaker, prefetch_positions


def speaker_list(request):
    speakers = Speaker.objects.public().prefetch_related(prefetch_positions())
    return render(request, "speakers/speaker_list.html", {"speakers": paginate(request, speakers)})


def speaker_detail(request, slug):
    speaker = get_object_or_404(
        Speaker.objects.public().prefetch_related(prefetch_positions()),
        slug=slug,
    )
    # A page at a time: someone who speaks every month has hundreds after some years.
    speeches = paginate(
        request,
        Speech.objects.filter(speaker=speaker, event__in=Event.objects.published())
        .select_related("event", "section", "position__organization")
        .order_by("-event__start", "order", "pk"),
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
    kind = chosen_filter(request, "kind", Organization.Kind)
    if kind:
        organizations = organizations.filter(kind=kind)
    return render(
        request,
        "speakers/organization_list.html",
        {
            "organizations": paginate(request, organizations),
            "kind_choices": Organization.Kind.choices,
            "current_kind": kind,
        },
    )


def organization_detail(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    positions = (
        organization.positions.filter(speaker__in=Speaker.objects.public())
        .select_related("speaker")
        .order_by("speaker__name_zh_hans", "-start_date")
    )
    events = paginate(request, Event.objects.published().filter(organizers=organization))
    return render(
        request,
        "speakers/organization_detail.html",
        {"organization": organization, "positions": positions, "events": events},
    )
