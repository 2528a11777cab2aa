from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import reading
from .languages import language_links
from .models import SiteSettings


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "language_links": language_links(request),
        "site_settings": SimpleLazyObject(SiteSettings.load),
    }


def reading_mode(request):
    """``reading_mode`` for base.html's ``<html class>``: from the cookie, normalized (never
    its raw value); ``reading_here``, where the header's link to ``/reading/`` comes back to.
    Neither runs a query."""
    return {"reading_mode": reading.mode(request), "reading_here": reading.here(request)}
