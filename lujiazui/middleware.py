"""Middleware of the site's own."""

from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from . import faults


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


class DatabaseUnavailableMiddleware:
    """Turns a database that cannot be reached into the 503 page (``faults``) instead of 500.

    It answers what views raise, including what the session and auth middleware raise lazily
    on their behalf (``request.user``, ``request.session``) and the footer's settings; the
    answer still goes out through every middleware (the session middleware saves nothing
    for a 5xx answer). Answered here, the error is handled: no ``got_request_exception``
    (crash reporters' hook) and the same page with ``DEBUG`` on. Django answers an exception
    raised inside another middleware, or while rendering the 404 page, before any
    middleware sees it: ``faults.server_error`` (``handler500``) gives those the same page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, faults.DATABASE_ERRORS):
            return faults.database_unavailable(request, exception)
        return None
