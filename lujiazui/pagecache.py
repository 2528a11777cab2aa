"""Whole public pages kept for anonymous readers in Django's cache, and never served stale.

``PageCacheMiddleware``, the outermost middleware, answers a stored page before anything
else runs; views wrapped in ``cached_page`` render the pages it stores. A stored page stays
right because of three records kept beside it:

* **Tables.** While a page renders, the tables its queries read are noted. Every write to a
  table (any INSERT, UPDATE or DELETE through Django's connections: the ORM, bulk updates,
  the booking rules' conditional UPDATEs, raw SQL) gives that table a new version once the
  transaction commits. A page is stored with the versions its tables had *before* it was
  rendered and served only while they are unchanged, so a write that raced the rendering can
  only make the stored page look older than it is, never newer. A view may name tables whose
  changes its page may show up to ``PAGE_CACHE_MAX_AGE`` late (``may_lag``).
* **Time.** What ``published()``, upcoming and past events and the booking window show also
  changes with the clock. Apps register *horizons*, functions giving the next such moment
  for the tables a page read, and a view can name one with ``valid_until``; a page is kept
  until the earliest, never past the next midnight in the site's time zone, and never
  longer than ``PAGE_CACHE_MAX_AGE`` (which bounds the harm of a version change lost on
  the way to Redis).
* **Readers.** Only GET and HEAD requests without a session or messages cookie (so never
  staff) are served from the cache, and only their 200 answers that the view did not mark
  private, no-store or with a cookie or ``Vary`` of its own (previews, check-in results) are
  stored. A page with a form is stored with a placeholder where its CSRF token goes; each
  reader gets their own token in it, and such pages stay ``private, no-store`` for browsers.
  The reading mode (``reading.mode``) is part of the key.

A page is keyed by its URL with only the query parameters its view names
(``cached_page(view, parameters=…)``), the only ones the view sees, so links shared in
WeChat (``?from=groupmessage``) share one copy. A query naming no real page
(``?page=99999``, an unknown filter) and search results are not stored (``skip``), so that
nobody can fill the cache with copies.

Other pages get ``Cache-Control: public, max-age=0, must-revalidate`` with an ``ETag`` and a
``Last-Modified``, so a browser or proxy asks again each time and gets a bodiless 304 when
nothing changed. The versions and pages live in the default cache: with ``PAGE_CACHE`` on,
that must be one cache shared by every process (Redis, ``CACHE_URL``).
"""

import contextlib
import contextvars
import dataclasses
import datetime
import functools
import hashlib
import logging
import math
import re
import secrets
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from redis.exceptions import RedisError

from . import reading

CSRF_PLACEHOLDER = b"\x00csrf-token\x00"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]+)(")')
QUOTED_NAME = re.compile(r'"(\w+)"')
# The table a statement writes (after a schema, if one is named: "public"."events_event").
WRITE = re.compile(
    r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE)\s+"
    r'(?:"?\w+"?\.)?"?(\w+)"?',
    re.I,
)
# A stored page keeps every header of the answer it was first sent with but these.
NOT_REPLAYED = frozenset(("X-Page-Cache", "Date", "Content-Length"))
# Cache-Control words of an answer that is not the same for every reader.
PERSONAL_CONTROL = ("private", "no-store", "no-cache")

logger = logging.getLogger(__name__)
_tables_read = contextvars.ContextVar("pagecache_tables_read", default=None)
_tables_written = contextvars.ContextVar("pagecache_tables_written", default=None)
# Per process: the tables each stored page read, by page key, for look_up.
_tables_of = {}
TABLES_REMEMBERED = 10_000
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


def new_version():
    """A table's version: random, so that no two processes ever give out the same one; an
    integer, which Django's Redis backend stores and reads back without pickling."""
    return secrets.randbits(64)


def table_versions(found, tables):
    """The current version of each of ``tables``, from ``found`` (a ``get_many`` that asked
    for their keys); a table without one (new cache, evicted) gets one now."""
    versions = {table: found[version_key(table)] for table in tables if version_key(table) in found}
    missing = [version_key(table) for table in tables if table not in versions]
    if missing:
        for key in missing:
            cache.add(key, new_version(), timeout=None)
        keys = version_keys()
        versions.update((keys[key], value) for key, value in cache.get_many(missing).items())
    return versions


def all_versions():
    """The current version of every table: read before a page renders, whatever it reads."""
    return table_versions(cache.get_many(list(version_keys())), known_tables())


def changed(tables):
    """Give ``tables`` new versions: every stored page that read one of them is out of date."""
    cache.set_many({version_key(table): new_version() for table in tables}, timeout=None)


def track_queries(execute, sql, params, many, context):
    """Database execute wrapper, on every connection: notes the tables read while a page
    renders, and marks the tables a statement writes as changed once it commits."""
    result = execute(sql, params, many, context)
    tables_read = _tables_read.get()
    if tables_read is not None:
        tables_read.update(QUOTED_NAME.findall(sql))
    written = WRITE.match(sql)
    if written:
        # TRUNCATE names several tables (a test database's flush); the others one.
        tables = set(QUOTED_NAME.findall(sql)) if written[0].lstrip()[:1] in "Tt" else {written[1]}
        in_bulk = _tables_written.get()
        connection = context["connection"]
        if in_bulk is not None:
            in_bulk.update(tables)
        elif connection.in_atomic_block or connection.get_autocommit():
            # robust: a cache that cannot be reached must not turn a committed write into an
            # error.
            transaction.on_commit(lambda: changed(tables), using=connection.alias, robust=True)
        else:
            # set_autocommit(False) has no on_commit: marked at once, so a page stored from
            # the old rows before the commit lasts at most PAGE_CACHE_MAX_AGE.
            try:
                changed(tables)
            except RedisError:
                logger.warning("Page cache unavailable; %s not marked changed", tables)
    return result


@contextlib.contextmanager
def writes_in_bulk(using=None):
    """Around many writes (``restore``): the tables written are marked changed once, when the
    transaction commits (at once outside one), instead of once per statement, which for a
    large site would be a million cache writes."""
    tables = set()
    token = _tables_written.set(tables)
    try:
        yield
    finally:
        _tables_written.reset(token)
        # Also after an error: what committed before it must not stay stored; inside a
        # transaction that rolls back, Django drops this.
        transaction.on_commit(lambda: changed(tables), using=using, robust=True)


def install(connection, **kwargs):
    """``connection_created`` receiver: every connection tracks its queries."""
    if track_queries not in connection.execute_wrappers:
        connection.execute_wrappers.append(track_queries)


def note_read(*tables):
    """Record that the page being rendered shows data of ``tables`` read some other way than
    by a query (e.g. from a cache filled from them)."""
    tables_read = _tables_read.get()
    if tables_read is not None:
        tables_read.update(tables)


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
    """When a page rendered now from ``tables`` stops being right by the clock alone, or
    ``PAGE_CACHE_MAX_AGE`` from now if sooner."""
    moments = [
        now + datetime.timedelta(seconds=settings.PAGE_CACHE_MAX_AGE),
        next_midnight(now),
        getattr(request, "_page_valid_until", None),
    ]
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


def page_query(query, parameters):
    """``query`` (a QueryDict) with only ``parameters``, each with its last value (the one
    ``get`` reads): what a cached page's view sees, so that the rest (WeChat's
    ``?from=groupmessage``, tracking tags, repeated values) can neither change a page nor
    make another copy of it."""
    if not query:
        return query
    kept = QueryDict(mutable=True)
    for name in parameters:
        if name in query:
            kept[name] = query[name]
    kept._mutable = False
    return kept


def page_key(request, parameters):
    """The page's URL with only its view's ``parameters``, and the reader's reading mode."""
    query = page_query(request.GET, parameters).urlencode()
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}#{reading.mode(request)}"
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
        and not any(word in control for word in PERSONAL_CONTROL)
    )


def may_lag(request, *tables):
    """Keep the page being rendered for ``request`` when only ``tables`` change, until it
    expires (``PAGE_CACHE_MAX_AGE`` at most): for a page that shows them in a detail which
    may be that late, while they change far more often than the rest (the sitemap's
    ``lastmod``, from the history every booking adds to)."""
    request._page_may_lag = getattr(request, "_page_may_lag", frozenset()) | frozenset(tables)


def skip(request):
    """Do not store the page being rendered for ``request``: e.g. search results (one per
    typed text) or a query naming no real page (``?page=99999``), which would otherwise let
    anyone fill the cache with copies."""
    request._page_skipped = True


@dataclasses.dataclass
class Lookup:
    """What ``PageCacheMiddleware`` found for a request it let through."""

    key: str
    versions: dict
    entry: dict | None
    rendered: dict | None = None  # the entry ``cached_page`` rendered, for the middleware


class PageCacheMiddleware:
    """The outermost middleware: answers a stored page before any other middleware, view or
    database is involved, and stores the pages ``cached_page`` views render.

    A page is stored with every header the other middleware gave it (security headers, CSP,
    ``Content-Language``), which are the same for each anonymous reader of a URL; an answer
    with a cookie (but the CSRF cookie) or a CSP nonce is not stored. A page with a form
    gets the reader's own CSRF token through Django's CSRF middleware, run around the stored
    copy alone (the CSRF secret is in a cookie, not the session). Only addresses of
    ``cached_page`` views are looked up: static files, the admin, ``/q/`` links and unknown
    addresses pay nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.files = tuple(url for url in (settings.STATIC_URL, settings.MEDIA_URL) if url)

    def __call__(self, request):
        parameters = None
        if (
            settings.PAGE_CACHE
            and anonymous(request)
            and not request.path_info.startswith(self.files)
        ):
            parameters = page_parameters(settings.ROOT_URLCONF, request.path_info)
        if parameters is None:
            return self.get_response(request)
        key = page_key(request, parameters)
        try:
            entry, versions = look_up(key)
            if entry is not None and fresh(entry, versions):
                if entry["csrf"]:
                    return CsrfViewMiddleware(lambda request: replay(request, entry))(request)
                return replay(request, entry)
            versions = all_versions()
        except RedisError:
            # Pages go on without the cache (a view's GET has no side effect to repeat).
            logger.warning("Page cache unavailable; %s served uncached", request.path)
            return self.get_response(request)
        request._page_lookup = lookup = Lookup(key, versions, entry)
        response = self.get_response(request)
        entry = lookup.rendered
        if entry is None or response.status_code != 200:
            return response
        store(key, entry, response)
        if entry["csrf"]:
            return response
        return get_conditional_response(
            request, etag=entry["etag"], last_modified=entry["modified"], response=response
        )


def look_up(key):
    """The entry stored under ``key`` (or None), and the versions of the tables it read.

    A hit takes one round trip: the page and the versions of the tables it read when this
    process last saw it (``_tables_of``); only if it now reads others are they asked for."""
    remembered = _tables_of.get(key, ())
    found = cache.get_many([key, *map(version_key, remembered)])
    entry = found.get(key)
    if entry is None:
        return None, {}
    tables = tuple(entry["versions"])
    if tables != remembered:
        if len(_tables_of) >= TABLES_REMEMBERED:
            _tables_of.clear()
        _tables_of[key] = tables
    return entry, table_versions(found, tables)


@functools.lru_cache(maxsize=4096)
def page_parameters(urlconf, path):
    """The query parameters of the ``cached_page`` view at ``path``, or None when another
    view answers it; resolved in the language its prefix names (i18n_patterns match only the
    active language's prefix) and remembered per address, so that it costs once, not on
    every hit."""
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            match = resolve(path, urlconf)
        except Resolver404:
            return None
    return getattr(match.func, "page_parameters", None)


def replay(request, entry):
    """A stored page as it was first sent, with the reader's CSRF token in its form, or a 304
    when the reader's copy is current."""
    body = entry["body"]
    if entry["csrf"]:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body, headers=entry["headers"])
    response["Content-Length"] = len(body)
    response["X-Page-Cache"] = "hit"
    if entry["csrf"]:
        return response  # private, no-store: nothing to revalidate
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=entry["modified"], response=response
    )


def store(key, entry, response):
    """Keep ``entry`` until it expires, with the headers ``response`` was sent with."""
    personal = set(response.cookies) - {settings.CSRF_COOKIE_NAME}
    control = response.get("Cache-Control", "")
    if (
        personal
        or "nonce-" in response.get("Content-Security-Policy", "")
        or (not entry["csrf"] and any(word in control for word in PERSONAL_CONTROL))
    ):
        return
    entry["headers"] = {name: value for name, value in response.items() if name not in NOT_REPLAYED}
    seconds = math.ceil(entry["expires"] - timezone.now().timestamp())
    if seconds > 0:
        try:
            cache.set(key, entry, timeout=seconds)
        except RedisError:
            logger.warning("Page cache unavailable; %s not stored", key)


def cached_page(view, parameters=()):
    """Let ``PageCacheMiddleware`` serve and store ``view``'s pages when allowed and give its
    answers the cache headers they need; see the module docstring. ``parameters`` are the
    query parameters that choose what the view shows: it sees no other."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.GET = page_query(request.GET, parameters)
        lookup = getattr(request, "_page_lookup", None)
        if lookup is None:
            # Not for the page cache: staff, a POST, the cache off or unreachable.
            return with_headers(request, rendered(view(request, *args, **kwargs)))
        return render_for_storing(request, lookup, view, args, kwargs)

    wrapper.page_parameters = tuple(parameters)
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
    with_validators(response, etag, modified)
    return get_conditional_response(request, etag=etag, last_modified=modified, response=response)


def with_validators(response, etag, modified):
    """``Cache-Control`` asking browsers and proxies to check every time, and what they check
    with: ``ETag`` and, for stored pages, ``Last-Modified``."""
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(modified)


def fresh(entry, versions):
    """Whether the stored page is still right: no table it read has changed, and the clock
    has not passed its expiry."""
    return entry["expires"] > timezone.now().timestamp() and all(
        versions.get(table) == version for table, version in entry["versions"].items()
    )


def render_for_storing(request, lookup, view, args, kwargs):
    """Render the page for ``request`` and hand the middleware an entry to store with
    ``lookup.versions``, read before, in place of ``lookup.entry`` (stale, or None)."""
    now = timezone.now()
    tables_read = set()
    token = _tables_read.set(tables_read)
    try:
        response = rendered(view(request, *args, **kwargs))
    finally:
        _tables_read.reset(token)
    if getattr(request, "_page_skipped", False) or not storable(request, response):
        return with_headers(request, response)
    lagging = getattr(request, "_page_may_lag", frozenset())
    tables = (frozenset(tables_read) & known_tables()) - lagging
    until = expiry(request, tables, lookup.versions, now)
    body, uses_csrf = CSRF_INPUT.subn(rb"\1" + CSRF_PLACEHOLDER + rb"\3", response.content)
    etag = None if uses_csrf else f'"{hashlib.md5(body).hexdigest()}"'
    modified = math.floor(now.timestamp())
    stale = lookup.entry
    if stale is not None and stale["etag"] != etag and modified <= stale["modified"]:
        # Changed within the second the old copy was made: Last-Modified (whole seconds)
        # must still move on, or a reader sending If-Modified-Since would get a 304.
        modified = stale["modified"] + 1
    lookup.rendered = {
        "versions": {table: lookup.versions[table] for table in tables},
        "expires": until.timestamp(),
        "headers": {},  # those it is sent with, added by the middleware
        "body": body,
        "csrf": bool(uses_csrf),
        "etag": etag,
        "modified": modified,
    }
    response["X-Page-Cache"] = "miss"
    patch_vary_headers(response, ["Cookie"])
    if uses_csrf:
        patch_cache_control(response, private=True, no_store=True)
    else:
        # The whole page: the middleware stores it, then answers a reader who has it with 304.
        with_validators(response, etag, modified)
    return response
