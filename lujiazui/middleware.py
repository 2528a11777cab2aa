"""Middleware of the site's own."""

from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class URLLanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, without its ``Vary: Accept-Language``.

    The language comes from the URL alone: a prefix, or none for Simplified Chinese (Django
    ignores Accept-Language and cookies when the default language has no prefix). Django still
    adds ``Vary: Accept-Language`` to every unprefixed answer, which would make caches keep a
    copy of each Simplified page per browser language. The one view that does read the
    browser's language (``/q/``) sets its own Vary.
    """

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
