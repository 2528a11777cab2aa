from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .languages import language_links
from .models import SiteSettings


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "language_links": language_links(request),
        "site_settings": SimpleLazyObject(SiteSettings.load),
    }
