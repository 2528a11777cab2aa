"""Settings, read from the environment, with SQLite and a local `var/` folder as defaults."""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key():
    """A per-checkout random key kept in var/, so no secret is ever committed or shared."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _local_secret_key()
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# The public address, e.g. https://dangjian.example.cn, used in QR codes and emails.
SITE_URL = env.str("SITE_URL", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_prose_editor",
    "lujiazui.apps.LoginSafetyConfig",  # django-axes, with a name in the admin
    "auditlog",
    "sorl.thumbnail",
    "lujiazui",
    "speakers",
    "events",
    "routes",
    "search",
]

MIDDLEWARE = [
    # Stored public pages for anonymous readers, before anything else runs (lujiazui/pagecache.py).
    "lujiazui.pagecache.PageCacheMiddleware",
    # A database that cannot be reached: the 503 page instead of 500 (lujiazui/faults.py).
    "lujiazui.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer (below, after X_FRAME_OPTIONS).
    "csp.middleware.CSPMiddleware",
    # Permissions-Policy: every browser feature off but fullscreen (lujiazui/middleware.py).
    "lujiazui.middleware.PermissionsPolicyMiddleware",
    # The CSP nonce for the import map of the admin's rich-text editor.
    "lujiazui.middleware.MediaNonceMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lujiazui.middleware.URLLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "lujiazui.audit.AuditActorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lujiazui.urls"
WSGI_APPLICATION = "lujiazui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lujiazui.context_processors.site",
                "lujiazui.context_processors.reading_mode",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction begins, so concurrent bookings queue
    # instead of failing with "database is locked" when a reader upgrades to a writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
    # Tests use a file, not memory: an in-memory database shared between threads locks
    # whole tables at once, while a file lets concurrent bookings wait their turn as above.
    # One file per test run, so that two runs side by side do not share it.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        VAR_DIR / f"test-{os.getpid()}.sqlite3"
    )
# Seconds a process keeps its database connection (scripts/serve: 60) instead of connecting
# for each request, which on PostgreSQL costs a few milliseconds; each reuse is checked
# first, so a restarted database costs a reconnection, not an error page.
if env.str("CONN_MAX_AGE", default=""):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE")
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Simplified Chinese is the default and is served without a URL prefix;
# /zh-hant/ and /en/ prefix the others (see README, "Languages").
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
# The site's catalogs, then those of third-party apps that ship no Chinese (django-axes,
# django-auditlog), kept by hand.
LOCALE_PATHS = [BASE_DIR / "lujiazui" / "locale", BASE_DIR / "lujiazui" / "locale_vendor"]
FORMAT_MODULE_PATH = ["lujiazui.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("zh-hans",)}
# modeltranslation's language tabs need jQuery UI, which it loads from a Google CDN unless
# told otherwise; the setting has no MODELTRANSLATION_ prefix. Served from our static files.
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
# OpenCC configuration that derives Traditional text: character conversion only
# (s2tw), never the phrase-localizing s2twp.
OPENCC_CONFIG = "s2tw"

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Local runs serve uploads through Django; production puts them behind the web server or S3.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Email: the console by default; SMTP from the environment, e.g.
# EMAIL_URL=smtp+tls://user:password@smtp.example.org:587
vars().update(env.email("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@localhost")

# Production runs behind a reverse proxy that ends TLS and sets X-Forwarded-Proto: HTTPS=true
# redirects plain http to https, sends HSTS for a year (subdomains too, and the preload flag,
# which only allows a later submission to browsers' preload lists), and marks the session and
# CSRF cookies Secure with the __Host- prefix (only this host, only over https). Local runs
# over plain http leave it off, or they could not log in.
HTTPS = env.bool("HTTPS", default=False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain http
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp), the same for public pages and the admin: everything
# from this host only, and no inline script or style, no eval, no plugins, no <base>, no
# framing, forms posted here only. Public pages run no script at all (their JSON-LD is a data
# block, which CSP leaves alone). Two exceptions, both for the admin's rich-text editor
# (django-prose-editor), each allowing one known thing rather than 'unsafe-inline':
# * its import map, which browsers accept inline only: the admin gives it a fresh nonce per
#   answer (lujiazui.middleware.MediaNonceMiddleware), so the nonce appears in the header of
#   the admin pages with an editor and nowhere else;
# * the stylesheet its editor (TipTap) writes into the page, allowed by the hash of its text
#   (django-prose-editor 0.28; tests/lujiazui/test_csp.py fails when an upgrade changes it).
# Images from this host only, the icon too (static/img/favicon.svg, named in the pages' head,
# so browsers do not ask for /favicon.ico); no data: URIs, which nothing here needs.
# Style attributes set by the admin's scripts go through the CSSOM, which CSP allows; style
# attributes in markup are refused like inline <style>. Proved in Chromium by
# tests/e2e/test_csp.py; the header as served is in the README ("Security headers").
PROSE_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, PROSE_EDITOR_STYLE_HASH],
        "img-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
# Permissions-Policy (lujiazui.middleware.PermissionsPolicyMiddleware): each feature with the
# origins that may use it; the site needs none but fullscreen, for the lesson videos. Only
# features that Chromium on every platform knows (not web-share: "unrecognized" on Linux).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
} | {"fullscreen": ["self"]}

# Cache: Django's per-process memory by default; in production one cache shared by every
# worker, Redis through Django's own backend, e.g. CACHE_URL=redis://127.0.0.1:6379/0. The
# rate limits, site settings and page cache keep their state there.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "lujiazui.cache.RedisCache"  # reuses its client
# Whole public pages for anonymous readers (lujiazui/pagecache.py). On by default only with a
# shared cache: with per-process memory, one worker would not see another's invalidations.
PAGE_CACHE = env.bool("PAGE_CACHE", default=bool(env.str("CACHE_URL", default="")))
# The longest a page is stored, in seconds: bounds how long an invalidation lost on the way
# (Redis unreachable just after a commit, a killed worker) can leave a page stale.
PAGE_CACHE_MAX_AGE = env.int("PAGE_CACHE_MAX_AGE", default=300)
# A bare "hello world" view at /bench/hello/, the yardstick `make bench` measures pages against.
BENCHMARK_VIEW = env.bool("BENCHMARK_VIEW", default=False)

# Behind a reverse proxy: the request header holding the client's address, as Django names
# it (e.g. HTTP_X_REAL_IP); the rate limits count per client address.
CLIENT_ADDRESS_HEADER = env.str("CLIENT_ADDRESS_HEADER", default="")

# Largest accepted image upload, in bytes.
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
# Largest accepted image in pixels (width × height): bigger ones take too much memory.
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)

LOGIN_URL = "admin:login"

# Staff login safety (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username
# from one client address, that username is refused from that address for the cool-off
# (restarted by each further attempt during it). Locking the pair, not the address alone,
# means one attacker behind a shared proxy address cannot lock every staff member out, and a
# username is not locked for other addresses. Staff can unlock early by deleting the access
# attempts in the admin (or `manage.py axes_reset_username <name>`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
if AXES_COOLOFF_TIME < timedelta(minutes=1) or AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be at least 1.")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client address as the rate limits read it: CLIENT_ADDRESS_HEADER behind a proxy, else
# REMOTE_ADDR (an IPv6 address by its /64).
AXES_CLIENT_IP_CALLABLE = "lujiazui.ratelimit.client_address"
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# Passwords are never logged or stored (axes always masks them); usernames and addresses are
# kept in the access attempts and logs so that staff can see who was targeted from where.
AXES_SENSITIVE_PARAMETERS = []

# Change history (lujiazui/audit.py): a foreign key is recorded by what it showed then, not
# by a number that may later name nothing; people's details are masked.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
AUDITLOG_MASK_CALLABLE = "lujiazui.audit.hide"

SITE_NAME = _("Lujiazui Party Building")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "lujiazui.log_filters.RedactBookingTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_tokens"],
        },
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# Image renditions (lujiazui/renditions.py): sorl-thumbnail makes them when a picture is saved,
# under MEDIA_ROOT/renditions/ (not a cache: pages link them by name and never ask sorl-thumbnail
# at request time; `manage.py make_renditions` remakes missing ones).
THUMBNAIL_PREFIX = "renditions/"
THUMBNAIL_UPSCALE = False
THUMBNAIL_QUALITY = 80
