"""What readers and monitors see when the database or the cache fails.

A database that cannot be reached (stopped, unreadable file, connection lost) gives readers a
503 page in the language of the URL, with ``Retry-After``, instead of the generic 500 page;
``/healthz`` tells a monitor which part is down. Neither shows a traceback, a query or a
setting, and neither needs the database to answer.
"""

import logging
import sys
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.log import log_response
from django.views import defaults
from django.views.decorators.cache import never_cache

from . import reading

# How psycopg's and sqlite3's "cannot connect" / "connection lost" surface through Django.
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 60

logger = logging.getLogger(__name__)


def database_unavailable(request, error):
    """The 503 page for ``error``, logged once, as one line: the reason, not a traceback.

    Rendered without the request (no context processors: the footer's site settings come
    from the database), in the language the URL's prefix names, like the 500 page; in the
    reader's reading mode (a cookie, no database)."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        body = loader.get_template("503.html").render({"reading_mode": reading.mode(request)})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    # Marks the answer as logged, so that Django adds neither a second line nor a traceback.
    log_response(
        "Database unavailable, answered 503: %s (%s: %s)",
        request.path,
        type(error).__name__,
        str(error).strip(),
        response=response,
        request=request,
        logger=logger,
    )
    return response


def server_error(request):
    """``handler500``: a database error raised outside a view (in a middleware, or while
    rendering the 404 page, whose footer reads the site settings) reaches Django's handler
    directly, never ``DatabaseUnavailableMiddleware``; it gets the same 503 page. Other
    errors get Django's 500 page, rendered like its own (no context processors) but in the
    reader's reading mode."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        return database_unavailable(request, error)
    template = loader.get_template(defaults.ERROR_500_TEMPLATE_NAME)
    return HttpResponseServerError(template.render({"reading_mode": reading.mode(request)}))


class CacheRoundTripFailed(Exception):
    """The cache accepted a key but did not give it back."""


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key, token = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, timeout=10)
    if cache.get(key) != token:
        raise CacheRoundTripFailed
    cache.delete(key)


@never_cache
def healthz(request):
    """``/healthz``: 200 when the database answers and the cache keeps a key, else 503 naming
    the part that failed and the class of its error (never its message, which may name the
    host). Touches no session, so a monitor polling it leaves nothing behind."""
    body, errors = {"status": "ok"}, {}
    for name, check in (("database", check_database), ("cache", check_cache)):
        try:
            check()
        except Exception as error:  # any failure is an answer here, not an error page
            body[name] = "unavailable"
            errors[name] = type(error).__name__
        else:
            body[name] = "ok"
    if errors:
        body.update(status="unavailable", errors=errors)
    return JsonResponse(body, status=503 if errors else 200)
