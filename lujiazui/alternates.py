"""Which languages really have a page, and the links that tell search engines so: the
``<link rel="canonical">`` and ``<link rel="alternate" hreflang>`` in each page's head
(``templates/includes/alternates.html``) and the alternates in ``/sitemap.xml``
(``lujiazui/sitemaps.py``) both come from here.

"Really has the content": every public address answers in every language (English falls
back to Simplified Chinese), but a language counts only where the page's content is written
in it. Pages made of interface text (home, lists, the network, the booking form, the privacy
notice) have all three languages. An object's page has Simplified Chinese always (staff
write it; it is what the other languages fall back to), and each other language when the
object's main text (``MAIN_TEXT``: an event's title, a speaker's name, …) is filled in it.
Traditional Chinese is derived from Simplified on save, so it is always there; English only
when staff translated it.

Canonical: the page's own address in its language, absolute (``SITE_URL``), without the
query string but for what chooses the content (``CANONICAL_QUERY``: the year of past events,
a series or kind filter, the page number), as the view understood it; so tracking
parameters, a redundant ``?page=1`` or the latest year spelled out collapse into one address.
The page in a language that does not have the content (an English address of an event
without an English title) is a copy of the Simplified page: its canonical is the Simplified
address, and its alternates are those of the languages that have it.

Only pages in ``PAGES`` get links: private pages (a booking's management link, a check-in
result), previews of drafts, printed signs and error pages get none, and previews and check-in
results are marked ``noindex``. Everything is computed from objects the view already loaded:
no queries.
"""

from urllib.parse import urlencode

from django.conf import settings
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from .languages import language_links
from .pages import absolute_url

# The field that says whether an object is written in a language, by model label.
MAIN_TEXT = {
    "events.event": "title",
    "events.lesson": "title",
    "speakers.speaker": "name",
    "speakers.organization": "name",
    "routes.route": "name",
    "routes.stop": "name",
}

# Public pages that get canonical and alternate links, by URL name: None for pages of
# interface text (every language), else the context variable holding the page's object.
PAGES = {
    "home": None,
    "network": None,
    "events:event_list": None,
    "events:upcoming": None,
    "events:lesson_list": None,
    "speakers:speaker_list": None,
    "speakers:organization_list": None,
    "routes:route_list": None,
    "routes:privacy": None,
    "routes:book": None,
    "events:event": "event",
    "events:lesson": "lesson",
    "speakers:speaker": "speaker",
    "speakers:organization": "organization",
    "routes:route": "route",
    "routes:stop": "stop",
}


def _page_number(name):
    def number(context):
        number = getattr(context.get(name), "number", None)  # a Paginator page, or nothing
        return number if number and number > 1 else None

    return number


def _chosen(name):
    return lambda context: context.get(name) or None


def _past_year(context):
    """The year of past events, unless it is the latest, which ``/events/`` shows anyway."""
    years = context.get("years") or []
    year = context.get("year")
    return year if year and years and year != years[0] else None


# Query parameters that choose a page's content, with how to read the value the view used
# from the page's context (None leaves the parameter out).
CANONICAL_QUERY = {
    "events:event_list": [("year", _past_year), ("page", _page_number("past"))],
    "events:upcoming": [("page", _page_number("page"))],
    "speakers:organization": [("page", _page_number("events"))],
    "speakers:speaker": [("page", _page_number("speeches"))],
    "events:lesson_list": [
        ("series", _chosen("current_series")),
        ("page", _page_number("lessons")),
    ],
    "speakers:speaker_list": [("page", _page_number("speakers"))],
    "speakers:organization_list": [
        ("kind", _chosen("current_kind")),
        ("page", _page_number("organizations")),
    ],
}


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def hreflang(code):
    """A Django language code as a BCP 47 tag: ``zh-hans`` → ``zh-Hans``, ``en-gb`` → ``en-GB``."""
    language, *subtags = code.split("-")
    return "-".join(
        [language]
        + [
            subtag.title() if len(subtag) == 4 else subtag.upper() if len(subtag) == 2 else subtag
            for subtag in subtags
        ]
    )


def main_text_field(model):
    """The field whose translation decides whether ``model``'s objects exist in a language:
    ``MAIN_TEXT``, else the first field registered for translation, else None."""
    label = model._meta.label_lower
    if label in MAIN_TEXT:
        return MAIN_TEXT[label]
    try:
        fields = translator.get_options_for_model(model).fields
    except NotRegistered:
        return None
    return next(iter(fields), None)


def available_languages(obj=None):
    """The language codes in which ``obj`` (None: a page of interface text) really has its
    content, in the order of ``LANGUAGES``. Reads loaded attributes only: no queries."""
    codes = language_codes()
    field = main_text_field(type(obj)) if obj is not None else None
    if field is None:
        return codes
    return [
        code
        for code in codes
        if code == settings.LANGUAGE_CODE
        or (getattr(obj, build_localized_fieldname(field, code), "") or "").strip()
    ]


def _without_query(url):
    return url.split("?", 1)[0]


def head_links(context):
    """What ``includes/alternates.html`` puts in the head of the page rendered with
    ``context``: ``{"canonical": url, "alternates": [{"hreflang", "url"}, …], "noindex": bool}``
    (URLs absolute), or None for a page that gets no links."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or "exception" in context:  # no view, or an error page
        return None
    if context.get("is_preview") or (match.view_name == "routes:stop" and context.get("progress")):
        return {"canonical": None, "alternates": [], "noindex": True}
    if match.view_name not in PAGES:
        return None
    object_name = PAGES[match.view_name]
    obj = None
    if object_name is not None:
        obj = context.get(object_name)
        if obj is None:
            return None
    languages = available_languages(obj)
    query = [
        (name, value)
        for name, read in CANONICAL_QUERY.get(match.view_name, [])
        if (value := read(context)) is not None
    ]
    query_string = f"?{urlencode(query)}" if query else ""
    links = context.get("language_links") or language_links(request)
    urls = {
        link["code"]: absolute_url(request, _without_query(link["url"]) + query_string)
        for link in links
    }
    alternates = [{"hreflang": hreflang(code), "url": urls[code]} for code in languages]
    alternates.append({"hreflang": "x-default", "url": urls[settings.LANGUAGE_CODE]})
    current = next((link["code"] for link in links if link["is_current"]), None)
    canonical = urls[current if current in languages else settings.LANGUAGE_CODE]
    return {"canonical": canonical, "alternates": alternates, "noindex": False}
