"""The language switcher: links to the page the reader is on, in each language."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language


def language_links(request):
    current = get_language()
    links = []
    for code, name in settings.LANGUAGES:
        links.append(
            {
                "code": code,
                "name": name,
                "url": translate_url(request.get_full_path(), code),
                "is_current": code == current,
            }
        )
    return links
