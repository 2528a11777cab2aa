"""Mark content that fell back to Simplified Chinese with the language it is really in.

English fields are often empty, so modeltranslation shows the Simplified Chinese text inside
``<html lang="en">``; without a ``lang`` on the element, screen readers read Chinese with an
English voice (WCAG 3.1.2, Language of Parts).
"""

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

register = template.Library()

_MISSING = object()


def _fell_back(obj, field):
    """Whether ``obj.<field>`` shows the default language's text in place of the active one's."""
    language = get_language()
    if not language or language == settings.LANGUAGE_CODE:
        return False
    localized = getattr(obj, build_localized_fieldname(field, language), _MISSING)
    if localized is _MISSING:  # not a translated field: nothing to say about its language
        return False
    return not localized and bool(getattr(obj, field, None))


@register.simple_tag
def fallback_lang(obj, field):
    """` lang="zh-hans"` when the field's text fell back to the default language, else "".

    Goes inside a start tag: ``<h1{% fallback_lang event "title" %}>``. Reads attributes only,
    so it makes no database queries.
    """
    if _fell_back(obj, field):
        return format_html(' lang="{}"', settings.LANGUAGE_CODE)
    return ""


@register.simple_tag
def fallback_span(obj, field):
    """The field's value in ``<span{% fallback_lang obj field %}>``, for use where it sits in
    interface text: ``{% fallback_span event "theme" as theme %}`` and then
    ``{% blocktranslate with theme=theme %}``, which keeps the message unchanged."""
    return format_html(
        "<span{}>{}</span>", fallback_lang(obj, field), getattr(obj, field, None) or ""
    )
