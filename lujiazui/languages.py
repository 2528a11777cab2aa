"""The language switcher: links to the page the reader is on, in each language."""

from django.conf import settings
from django.utils.encoding import escape_uri_path
from django.utils.translation import get_language, get_language_from_path


def language_links(request):
    """One link per language to the same address with the language prefix swapped.

    URL paths are the same in every language (only the prefix differs; Simplified Chinese has
    none), so swapping the prefix is enough, and it also works on pages that do not resolve,
    such as a 404, where ``translate_url`` gives up.
    """
    # The query as the view saw it: a cached page's view sees only the parameters that choose
    # its content, so a stored copy never passes one reader's ?from=… on to the next.
    query = request.GET.urlencode()
    path = escape_uri_path(request.path) + (f"?{query}" if query else "")
    prefix = get_language_from_path(request.path_info)
    if prefix:
        path = path[len(prefix) + 1 :]
    if not path.startswith("/"):
        path = "/" + path
    current = get_language()
    return [
        {
            "code": code,
            "name": name,
            "url": path if code == settings.LANGUAGE_CODE else f"/{code}{path}",
            "is_current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]
