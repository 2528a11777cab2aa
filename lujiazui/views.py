from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control

from events.models import Event, Lesson
from routes.models import Route
from speakers.models import Organization

from .pages import absolute_url

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


ROBOTS_MAX_AGE = 86400


def robots_txt(request):
    """``/robots.txt``: where the sitemap is, and what crawlers should leave alone: the admin
    and the private pages of bookings (in every language), which are also marked noindex."""
    lines = ["User-agent: *", f"Disallow: {reverse('admin:index')}"]
    placeholder = "TOKEN"
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            booking = reverse("routes:manage", kwargs={"token": placeholder})
        lines.append(f"Disallow: {booking[: booking.index(placeholder)]}")
    lines += ["", f"Sitemap: {absolute_url(request, reverse('sitemap'))}", ""]
    response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
    patch_cache_control(response, public=True, max_age=ROBOTS_MAX_AGE)
    return response
