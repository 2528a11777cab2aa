from django.conf import settings

from .languages import language_links


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "language_links": language_links(request),
    }
