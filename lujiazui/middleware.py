"""Middleware of the site's own."""

import js_asset
from django.conf import settings
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


class PermissionsPolicyMiddleware:
    """Sends ``Permissions-Policy`` (``settings.PERMISSIONS_POLICY``) with every answer.

    The site asks the browser for nothing: no camera, microphone, location, payment, USB and
    the rest. Fullscreen stays allowed for the site itself, for the lesson videos' fullscreen
    button. Features are those Chromium knows, so that it logs no "unrecognized feature".
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class MediaNonceMiddleware:
    """Gives the form media of a template answer the request's CSP nonce.

    django-prose-editor's media (a ``js_asset.Media``) carries an inline
    ``<script type="importmap">``, which browsers accept nowhere but inline; under
    ``script-src 'self'`` it needs a nonce. Rendering the media with ``request.csp_nonce`` puts
    the nonce on its tags and, through django-csp, in that answer's header: only answers that
    show such media (admin pages with the rich-text editor) get one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        context = response.context_data
        nonce = getattr(request, "csp_nonce", None)
        if nonce is not None and isinstance(context, dict):
            media = context.get("media")
            if isinstance(media, js_asset.Media):
                context["media"] = media.with_nonce(nonce)
        return response
