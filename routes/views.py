"""The red route's public pages: the route, each stop with its check-in form, the printable
sign hung at each stop, and the permanent short link its QR code opens."""

import segno
from django.conf import settings
from django.core import signing
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from lujiazui import pagecache
from lujiazui.pages import absolute_url
from lujiazui.ratelimit import allow

from . import booking as rules
from . import maps
from .forms import CheckInForm
from .models import CheckIn, Route, Stop

CHECK_IN_LIMIT = 10  # attempts per client …
CHECK_IN_WINDOW = 600  # … per ten minutes
# The redirect after a check-in carries the booking in a signed value, never the reference
# or the phone number; it is shown for an hour, after which the page simply looks normal.
CHECKED_PARAMETER = "checked"
CHECKED_SALT = "routes.check-in"
CHECKED_MAX_AGE = 3600


def route_list(request):
    return render(request, "routes/route_list.html", {"routes": Route.objects.order_by("pk")})


def route_detail(request, slug):
    route = get_object_or_404(
        Route.objects.prefetch_related(Prefetch("stops", queryset=Stop.objects.order_by("number"))),
        slug=slug,
    )
    stops = list(route.stops.all())
    for stop in stops:
        stop.amap_url = maps.amap_url(stop)
    return render(
        request,
        "routes/route_detail.html",
        {
            "route": route,
            "stops": stops,
            "route_map": maps.route_map(stops),
            "is_demo": route.is_demo or any(stop.is_demo for stop in stops),
        },
    )


def stop_detail(request, slug, number):
    """A stop, and the check-in of groups with a confirmed booking for today (POST only)."""
    stop = get_object_or_404(
        Stop.objects.select_related("route", "organization"), route__slug=slug, number=number
    )
    stops = list(stop.route.stops.order_by("number"))
    status = 200
    rate_limited = False
    form = CheckInForm(request.POST if request.method == "POST" else None, label_suffix="")
    if request.method == "POST":
        if not allow(request, "check-in", CHECK_IN_LIMIT, CHECK_IN_WINDOW):
            rate_limited, status = True, 429
        elif form.is_valid():
            try:
                check_in, created = rules.check_in(
                    stop, form.cleaned_data["reference"], form.cleaned_data["phone_last_four"]
                )
            except rules.BookingError as error:
                form.add_error(None, error.message)
            else:
                flag = signing.dumps(
                    {"booking": check_in.booking_id, "stop": stop.pk, "new": created},
                    salt=CHECKED_SALT,
                )
                url = f"{stop.get_absolute_url()}?{CHECKED_PARAMETER}={flag}"
                return HttpResponseRedirect(url, status=303)
    progress = check_in_progress(request, stop, len(stops))
    response = render(
        request,
        "routes/stop_detail.html",
        {
            "route": stop.route,
            "stop": stop,
            "total": len(stops),
            "previous_stop": next((s for s in reversed(stops) if s.number < stop.number), None),
            "next_stop": next((s for s in stops if s.number > stop.number), None),
            "amap_url": maps.amap_url(stop),
            "form": form,
            "rate_limited": rate_limited,
            "progress": progress,
        },
        status=status,
    )
    if progress:
        patch_cache_control(response, private=True, no_store=True)
    return response


def check_in_progress(request, stop, total):
    """What the page says after a check-in: read from the signed ``?checked=`` value."""
    value = request.GET.get(CHECKED_PARAMETER)
    if value is None:
        return None
    # With the result the page is private; without it (a stale or forged value), it is the
    # plain stop page, which the page cache must not keep once per such value.
    pagecache.skip(request)
    if not value:
        return None
    try:
        flag = signing.loads(value, salt=CHECKED_SALT, max_age=CHECKED_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(flag, dict) or flag.get("stop") != stop.pk:
        return None
    done = CheckIn.objects.filter(
        booking_id=flag.get("booking"), stop__route_id=stop.route_id
    ).count()
    return {
        "done": done,
        "total": total,
        "new": bool(flag.get("new")),
        "complete": done >= total,
    }


def stop_sign(request, slug, number):
    """The A4 sign staff print and hang at the stop: its name in the three languages and a
    QR code of the permanent short link (``/q/<code>``), which never changes."""
    stop = get_object_or_404(Stop.objects.select_related("route"), route__slug=slug, number=number)
    link = absolute_url(request, reverse("check_in_link", kwargs={"code": stop.check_in_code}))
    languages = []
    for code, _name in settings.LANGUAGES:
        name = getattr(stop, build_localized_fieldname("name", code))
        with translation.override(code):
            languages.append(
                {
                    "code": code,
                    "name": name or stop.name_zh_hans,
                    "name_lang": code if name else settings.LANGUAGE_CODE,
                    "number": _("Stop %(number)d") % {"number": stop.number},
                    "instruction": _("Scan to open this stop and check in"),
                }
            )
    qr_code = (
        segno.make(link, error="m")
        .svg_inline(scale=1, omitsize=True, light="#fff", svgclass="stop-sign__code", title=link)
        .replace("<svg ", '<svg role="img" ', 1)
    )
    response = render(
        request,
        "routes/stop_sign.html",
        {"route": stop.route, "stop": stop, "link": link, "languages": languages, "qr": qr_code},
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def check_in_link(request, code):
    """``/q/<code>`` from a sign's QR code: the stop's page in the reader's language.

    The address is language-neutral, so the language comes from the reader's language cookie
    or their browser's Accept-Language (Simplified Chinese otherwise); the redirect varies
    with both and is private, so no shared cache hands one reader's language to another.
    """
    stop = get_object_or_404(Stop.objects.select_related("route"), check_in_code=code.upper())
    language = translation.get_language_from_request(request, check_path=False)
    with translation.override(language):
        url = reverse("routes:stop", kwargs={"slug": stop.route.slug, "number": stop.number})
    response = HttpResponseRedirect(url)
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    patch_cache_control(response, private=True)
    return response
