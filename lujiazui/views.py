from django.shortcuts import render

from events.models import Event, Lesson
from routes.models import Route
from speakers.models import Organization

HOME_EVENTS = 3
HOME_LESSONS = 4


def home(request):
    events = Event.objects.published()
    return render(
        request,
        "home.html",
        {
            "upcoming_events": events.upcoming()[:HOME_EVENTS],
            "recent_events": events.past()[:HOME_EVENTS],
            "lessons": Lesson.objects.published().select_related("speaker")[:HOME_LESSONS],
            "red_route": Route.objects.order_by("pk").first(),
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
