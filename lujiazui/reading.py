"""The reading mode (适老化): large text and high contrast for older residents, chosen once on
``/reading/`` and kept in a cookie, so that it holds on every page without an account or
JavaScript. Pages depend on the cookie only through ``mode()``, whose few values are what the
page cache may key on; the cookie's raw value never reaches a page."""

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme

COOKIE_NAME = "reading"
MAX_AGE = 365 * 24 * 3600  # a year: readers should not have to choose again each visit
STANDARD = ""
LARGE = "large"
# The values the preference form posts, and the mode each chooses.
CHOICES = {"standard": STANDARD, "large": LARGE}


def mode(request):
    """``"large"`` or ``""``: anything else in the cookie (old, tampered) reads as standard."""
    return LARGE if request.COOKIES.get(COOKIE_NAME) == LARGE else STANDARD


def remember(response, mode, request):
    """Keep ``mode`` on ``response``: large sets the cookie for a year; standard, the default,
    deletes it, so standard readers send no cookie at all. HttpOnly because no script needs
    it; Lax so that it comes along when a shared link is opened from WeChat."""
    if mode == LARGE:
        response.set_cookie(
            COOKIE_NAME,
            LARGE,
            max_age=MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=settings.SESSION_COOKIE_SECURE or request.is_secure(),
        )
    else:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
    return response


def here(request):
    """The page to come back to from the header's link to ``/reading/``: the path and the
    query the view saw. A cached page's view sees only the parameters that choose its content
    (lujiazui/pagecache.py), so every reader of a stored copy gets the same link in it."""
    query = request.GET.urlencode()
    return f"{request.path}?{query}" if query else request.path


def safe_next(request, url):
    """``url`` when it is a path on this site to go back to after choosing, else None: an
    address elsewhere (``https://evil.example/``, ``//evil.example``) would make the form an
    open redirect."""
    if (
        url
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return None
