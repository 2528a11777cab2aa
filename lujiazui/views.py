from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from events.models import Event, Lesson
from routes.models import Route
from speakers.models import Organization

from . import reading
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


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def reading_mode(request):
    """``/reading/``: choose large text and high contrast, or standard (lujiazui/reading.py).
    A form posted with CSRF, not a link that changes state; then back to the page the reader
    came from (``next``, when it is on this site), else home. Never cached: it holds a CSRF
    token, and its answer to a POST sets a cookie."""
    source = request.POST if request.method == "POST" else request.GET
    next_url = reading.safe_next(request, source.get("next"))
    error = None
    if request.method == "POST":
        chosen = reading.CHOICES.get(request.POST.get("mode", ""))
        if chosen is not None:
            response = HttpResponseRedirect(next_url or reverse("home"), status=303)
            return reading.remember(response, chosen, request)
        error = _("Please choose standard or large text.")
    return render(
        request,
        "reading.html",
        {"next": next_url, "error": error},
        status=400 if error else 200,
    )
