"""Share cards: Open Graph tags for link previews (WeChat, other apps) and schema.org JSON-LD
for event pages. Everything comes from objects the page already has: no query."""

import json

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

from lujiazui.pages import absolute_url

register = template.Library()

DESCRIPTION_LENGTH = 160
# The page's main object, in the context name its view gives it.
SHARED = ["event", "lesson", "speaker", "organization", "stop", "route"]
OG_LOCALES = {"zh-hans": "zh_CN", "zh-hant": "zh_TW", "en": "en_US"}
# WeChat shows a picture of at least 300 pixels; JPEG or PNG, since older clients read no WebP.
SHARE_IMAGE_WIDTH = 480
JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def picture_of(obj):
    for name in ("cover", "photo", "logo"):
        picture = getattr(obj, name, None)
        if picture:
            return picture
    return None


def share_image_url(request, picture):
    """The picture's JPEG or PNG copy at least SHARE_IMAGE_WIDTH wide, else the original; the
    site's own card when there is no picture."""
    if not picture:
        return absolute_url(request, static("img/share.png"))
    copies = picture.renditions.get("fallback") or []
    wide = next((copy for copy in copies if copy["width"] >= SHARE_IMAGE_WIDTH), None)
    if wide is None and copies:
        wide = copies[-1]
    url = picture.storage.url(wide["name"]) if wide else picture.url
    return absolute_url(request, url)


def title_of(obj):
    return getattr(obj, "title", None) or getattr(obj, "name", None) or str(obj)


def description_of(obj):
    for name in ("summary", "biography", "description", "theme"):
        text = strip_tags(getattr(obj, name, "") or "").strip()
        if text:
            return Truncator(" ".join(text.split())).chars(DESCRIPTION_LENGTH)
    return ""


@register.inclusion_tag("includes/share_card.html", takes_context=True)
def share_card(context, head):
    """``og:`` tags filled from the page's main object, or the site's own when it has none,
    on the pages that have a canonical address (``og:url``); ``head`` is what
    ``{% head_links %}`` gave the page."""
    head = head or {}
    if not head.get("canonical"):
        return {}  # private pages (a booking's link), previews and errors are not for sharing
    request = context["request"]
    obj = next((context[name] for name in SHARED if context.get(name) is not None), None)
    default_description = gettext(
        "Events, cloud party lessons, people and organizations of party building in the "
        "Lujiazui Subdistrict, Pudong, Shanghai."
    )
    return {
        "site_name": context.get("site_name", settings.SITE_NAME),
        "type": "article" if obj is not None and hasattr(obj, "publish_at") else "website",
        "title": title_of(obj) if obj is not None else context.get("site_name", settings.SITE_NAME),
        "description": (description_of(obj) if obj is not None else "") or default_description,
        "url": head["canonical"],
        "image": share_image_url(request, picture_of(obj) if obj is not None else None),
        "locale": OG_LOCALES.get(get_language(), "zh_CN"),
    }


def iso_local(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds")


@register.simple_tag(takes_context=True)
def event_json_ld(context, event):
    """schema.org ``Event`` as JSON-LD, escaped so that no text can close the script."""
    request = context["request"]
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": iso_local(event.start)
        if event.start_time_known
        else event.local_date.isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/MixedEventAttendanceMode"
        if event.livestream_url
        else "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": event.venue or gettext("Lujiazui Subdistrict, Pudong New Area, Shanghai"),
            "address": {
                "@type": "PostalAddress",
                "addressLocality": gettext("Pudong New Area, Shanghai"),
                "addressCountry": "CN",
            },
        },
        "url": absolute_url(request, event.get_absolute_url()),
        "inLanguage": get_language(),
        "image": [share_image_url(request, event.cover or None)],
    }
    if event.end:
        data["endDate"] = (
            iso_local(event.end)
            if event.start_time_known
            else timezone.localtime(event.end).date().isoformat()
        )
    description = description_of(event)
    if description:
        data["description"] = description
    organizers = [{"@type": "Organization", "name": o.name} for o in event.organizers.all()]
    if organizers:
        data["organizer"] = organizers
    # Safe: with <, > and & escaped, no text can end the script or start markup.
    text = json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
