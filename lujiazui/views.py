from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from events.models import Event, Lesson
from speakers.models import Organization

HOME_EVENTS = 3
HOME_LESSONS = 4
PAGE_SIZE = 24


def get_public_or_preview(request, queryset, **lookup):
    """The published object, or — for staff allowed to view drafts — any object as a preview.

    Returns ``(object, is_preview)``; anyone else gets a 404 for drafts and scheduled items.
    """
    try:
        return queryset.published().get(**lookup), False
    except queryset.model.DoesNotExist:
        pass
    opts = queryset.model._meta
    if request.user.is_staff and request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        try:
            return queryset.get(**lookup), True
        except queryset.model.DoesNotExist:
            pass
    raise Http404


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The page of ``queryset`` named by ``?page=``; a bad or too large number gives a real page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def chosen_filter(request, name, choices):
    """The value of filter ``name`` in the query string if it is one of ``choices``, else ""."""
    value = request.GET.get(name, "")
    return value if value in choices.values else ""


def render_page(request, template, context, is_preview=False):
    """Render a public page; previews are marked and must never be stored by any cache."""
    response = render(request, template, {**context, "is_preview": is_preview})
    if is_preview:
        add_never_cache_headers(response)
    return response


def home(request):
    now = timezone.now()
    events = Event.objects.published()
    return render(
        request,
        "home.html",
        {
            "upcoming_events": events.filter(start__gte=now).order_by("start")[:HOME_EVENTS],
            "recent_events": events.filter(start__lt=now).order_by("-start")[:HOME_EVENTS],
            "lessons": Lesson.objects.published().select_related("speaker")[:HOME_LESSONS],
        },
    )


def network(request):
    """The 1+31+N civilization-practice network launched on 2020-06-30."""
    practice_points = Organization.objects.filter(is_practice_point=True)
    residential_areas = Organization.objects.filter(kind=Organization.Kind.RESIDENTIAL_AREA)
    return render(
        request,
        "network.html",
        {"practice_points": practice_points, "residential_areas": residential_areas},
    )
