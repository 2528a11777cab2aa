"""Whole public pages kept for anonymous readers in Django's cache, and never served stale.

A stored page stays right because of three records kept beside it:

* **Tables.** While a page renders, the tables its queries read are noted. Every write to a
  table (any INSERT, UPDATE or DELETE through Django's connections: the ORM, bulk updates,
  the booking rules' conditional UPDATEs, raw SQL) gives that table a new version once the
  transaction commits. A page is stored with the versions its tables had *before* it was
  rendered and served only while they are unchanged, so a write that raced the rendering can
  only make the stored page look older than it is, never newer.
* **Time.** What ``published()``, upcoming and past events and the booking window show also
  changes with the clock. Apps register *horizons*, functions giving the next such moment
  for the tables a page read, and a view can name one with ``valid_until``; a page is kept
  until the earliest, and never past the next midnight in the site's time zone.
* **Readers.** Only GET and HEAD requests without a session or messages cookie (so never
  staff) are served from the cache, and only their 200 answers that the view did not mark
  private, no-store or with a cookie or ``Vary`` of its own (previews, check-in results) are
  stored. A page with a form is stored with a placeholder where its CSRF token goes; each
  reader gets their own token in it, and such pages stay ``private, no-store`` for browsers.

Other pages get ``Cache-Control: public, max-age=0, must-revalidate`` with an ``ETag`` and a
``Last-Modified``, so a browser or proxy asks again each time and gets a bodiless 304 when
nothing changed. The versions and pages live in the default cache: with ``PAGE_CACHE`` on,
that must be one cache shared by every process (Redis, ``CACHE_URL``).
"""

import contextvars
import datetime
import functools
import hashlib
import logging
import math
import re
import uuid
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from redis.exceptions import RedisError

CSRF_PLACEHOLDER = b"\x00csrf-token\x00"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]+)(")')
QUOTED_NAME = re.compile(r'"(\w+)"')
WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE)\s+"?(\w+)"?', re.I
)
# Headers the view sets that a stored copy repeats; the rest come from the middleware.
KEPT_HEADERS = ("Content-Type", "Cache-Control", "Content-Disposition", "X-Robots-Tag")

logger = logging.getLogger(__name__)
_reading = contextvars.ContextVar("pagecache_reading", default=None)
_horizons = []


# Versions of tables


@functools.cache
def known_tables():
    return frozenset(model._meta.db_table for model in apps.get_models(include_auto_created=True))


def version_key(table):
    return f"pagecache:table:{table}"


@functools.cache
def version_keys():
    return {version_key(table): table for table in known_tables()}


def table_versions(found):
    """The current version of every table, from ``found`` (a ``get_many`` of at least the
    version keys); a table without one (new cache, evicted) gets one now."""
    keys = version_keys()
    versions = {table: found[key] for key, table in keys.items() if key in found}
    missing = [key for key, table in keys.items() if table not in versions]
    if missing:
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        versions.update((keys[key], value) for key, value in cache.get_many(missing).items())
    return versions


def changed(tables):
    """Give ``tables`` new versions: every stored page that read one of them is out of date."""
    cache.set_many({version_key(table): uuid.uuid4().hex for table in tables}, timeout=None)


def track_queries(execute, sql, params, many, context):
    """Database execute wrapper, on every connection: notes the tables read while a page
    renders, and marks the tables a statement writes as changed once it commits."""
    result = execute(sql, params, many, context)
    reading = _reading.get()
    if reading is not None:
        reading.update(QUOTED_NAME.findall(sql))
    written = WRITE.match(sql)
    if written:
        # TRUNCATE names several tables (a test database's flush); the others one.
        tables = set(QUOTED_NAME.findall(sql)) if written[0].lstrip()[:1] in "Tt" else {written[1]}
        # robust: a cache that cannot be reached must not turn a committed write into an error.
        transaction.on_commit(
            lambda: changed(tables), using=context["connection"].alias, robust=True
        )
    return result


def install(connection, **kwargs):
    """``connection_created`` receiver: every connection tracks its queries."""
    if track_queries not in connection.execute_wrappers:
        connection.execute_wrappers.append(track_queries)


def note_read(*tables):
    """Record that the page being rendered shows data of ``tables`` read some other way than
    by a query (e.g. from a cache filled from them)."""
    reading = _reading.get()
    if reading is not None:
        reading.update(tables)


# Time


def horizon(*tables):
    """Register ``function(now)``, which gives the next moment after ``now`` when pages that
    read any of ``tables`` show something else although no write happened (or None)."""

    def register(function):
        _horizons.append((frozenset(tables), function))
        return function

    return register


def valid_until(request, moment):
    """Keep the page being rendered for ``request`` no later than ``moment``."""
    current = getattr(request, "_page_valid_until", None)
    if moment is not None and (current is None or moment < current):
        request._page_valid_until = moment


def next_midnight(now):
    today = timezone.localdate(now)
    return timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time())
    )


def expiry(request, tables, versions, now):
    """When a page rendered now from ``tables`` stops being right by the clock alone."""
    moments = [next_midnight(now), getattr(request, "_page_valid_until", None)]
    for depends_on, function in _horizons:
        if depends_on & tables:
            moments.append(cached_horizon(function, depends_on, versions, now))
    return min(moment for moment in moments if moment is not None)


def cached_horizon(function, depends_on, versions, now):
    """A horizon is computed once per version of its tables and kept until it passes."""
    name = f"{function.__module__}.{function.__qualname__}"
    stamp = hashlib.sha1(
        repr(sorted((table, versions.get(table)) for table in depends_on)).encode()
    ).hexdigest()
    key = f"pagecache:horizon:{name}:{stamp}"
    stored = cache.get(key)
    if stored is not None and (stored["until"] is None or stored["until"] > now):
        return stored["until"]
    until = function(now)
    seconds = (until - now).total_seconds() if until else 86400
    cache.set(key, {"until": until}, timeout=max(1, math.ceil(seconds)))
    return until


# Pages


@functools.cache
def release():
    """A digest of what renders pages besides the data: templates, compiled translations and
    the static files' manifest. Pages stored by an older release are never served by a newer
    one, which a shared Redis would otherwise do until midnight after a deploy."""
    digest = hashlib.sha256()
    roots = [Path(settings.BASE_DIR) / "templates", *map(Path, settings.LOCALE_PATHS)]
    files = [path for root in roots for path in sorted(root.rglob("*")) if path.is_file()]
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    for path in [*files, manifest] if manifest.exists() else files:
        digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def page_key(request):
    url = request.build_absolute_uri()
    return f"pagecache:page:{release()}:{hashlib.sha256(url.encode()).hexdigest()}"


def anonymous(request):
    """A reader without a session or pending messages: the page is the same for all of them."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def storable(request, response):
    """A plain 200 answer to a GET that the view did not mark as personal."""
    control = response.get("Cache-Control", "")
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        and not any(word in control for word in ("private", "no-store", "no-cache"))
    )


def cached_page(view):
    """Serve ``view``'s page from the page cache when allowed, and give its answers the cache
    headers they need; see the module docstring."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (settings.PAGE_CACHE and anonymous(request)):
            return with_headers(request, rendered(view(request, *args, **kwargs)))
        key = page_key(request)
        try:
            # One round trip: the stored page and the versions of all tables.
            found = cache.get_many([key, *version_keys()])
            versions = table_versions(found)
            entry = found.get(key)
            if entry is not None and fresh(entry, versions):
                return respond(request, entry, "hit")
            return render_and_store(request, key, versions, entry, view, args, kwargs)
        except RedisError:
            # Pages go on without the cache (a view's GET has no side effect to repeat).
            logger.warning("Page cache unavailable; %s served uncached", request.path)
            return with_headers(request, rendered(view(request, *args, **kwargs)))

    return wrapper


def rendered(response):
    """The response with its content: a TemplateResponse (the sitemap) renders late otherwise."""
    if hasattr(response, "render") and callable(response.render):
        response.render()
    return response


def with_headers(request, response):
    """Headers for a page not served from or stored in the cache."""
    if not storable(request, response):
        return response
    patch_vary_headers(response, ["Cookie"])
    if CSRF_INPUT.search(response.content) or not anonymous(request):
        patch_cache_control(response, private=True, no_store=True)
        return response
    etag = f'"{hashlib.md5(response.content).hexdigest()}"'
    return revalidated(request, response, etag, None)


def revalidated(request, response, etag, modified):
    """Ask browsers and proxies to check every time, and answer 304 when they are current."""
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified)
    return get_conditional_response(request, etag=etag, last_modified=modified, response=response)


def fresh(entry, versions):
    """Whether the stored page is still right: no table it read has changed, and the clock
    has not passed its expiry."""
    return entry["expires"] > timezone.now().timestamp() and all(
        versions.get(table) == version for table, version in entry["versions"].items()
    )


def render_and_store(request, key, versions, stale, view, args, kwargs):
    """Render the page for ``request`` and store it with ``versions``, read before, in place
    of ``stale`` (the entry it replaces, or None)."""
    now = timezone.now()
    reading = set()
    token = _reading.set(reading)
    try:
        response = rendered(view(request, *args, **kwargs))
    finally:
        _reading.reset(token)
    if not storable(request, response):
        return response
    tables = frozenset(reading) & known_tables()
    until = expiry(request, tables, versions, now)
    body, uses_csrf = CSRF_INPUT.subn(rb"\1" + CSRF_PLACEHOLDER + rb"\3", response.content)
    etag = None if uses_csrf else f'"{hashlib.md5(body).hexdigest()}"'
    modified = math.floor(now.timestamp())
    if stale is not None and stale["etag"] != etag and modified <= stale["modified"]:
        # Changed within the second the old copy was made: Last-Modified (whole seconds)
        # must still move on, or a reader sending If-Modified-Since would get a 304.
        modified = stale["modified"] + 1
    entry = {
        "versions": {table: versions[table] for table in tables},
        "expires": until.timestamp(),
        "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
        "body": body,
        "csrf": bool(uses_csrf),
        "etag": etag,
        "modified": modified,
    }
    seconds = math.ceil(entry["expires"] - timezone.now().timestamp())
    if seconds > 0:
        cache.set(key, entry, timeout=seconds)
    return respond(request, entry, "miss", response)


def respond(request, entry, outcome, response=None):
    """The page of ``entry`` for this reader (``response`` when just rendered), with a 304
    when the reader's copy is current."""
    if response is None:
        body = entry["body"]
        if entry["csrf"]:
            body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(body)
        for name, value in entry["headers"].items():
            response[name] = value
    response["X-Page-Cache"] = outcome
    patch_vary_headers(response, ["Cookie"])
    if entry["csrf"]:
        patch_cache_control(response, private=True, no_store=True)
        return response
    return revalidated(request, response, entry["etag"], entry["modified"])
