"""RSS and Atom feeds of the published events and cloud lessons, one per language.

A feed is in the language of its address (no prefix: Simplified; /zh-hant/, /en/), with
links to the pages in that language and texts falling back to Simplified like the pages.
Items are the latest published ones (drafts and scheduled items never), newest publication
first, read with one query whatever their number.

Each item's id is a tag URI (RFC 4151) made from the item's primary key and the feed's
language, e.g. ``tag:lujiazui,2020:event/12/en`` (the feed's own: ``…:events/en``). It does
not change when staff edit the title or the slug, or when the site moves to another host;
the three languages, whose texts differ, are three entries (in Atom, entries that share an
id are versions of one entry).
"""

import copy
import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from lujiazui.pages import absolute_url

from .models import Event, Lesson

FEED_ITEMS = 30
# The naming authority of the tag URIs and calendar UIDs: fixed, so that identifiers stay the
# same whatever host serves the site (like the booking calendar's ``booking-…@lujiazui``).
ID_AUTHORITY = "lujiazui"

# Control characters XML 1.0 cannot hold (text pasted from word processors brings them);
# Django's feed writer refuses them, so they are left out.
XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xml_text(text):
    return XML_INVALID.sub("", text or "")


def tag_uri(name):
    return f"tag:{ID_AUTHORITY},2020:{name}"


class PublishedFeed(Feed):
    """What the events and lessons feeds share; subclasses name the model and the texts."""

    model = None
    list_url_name = None

    def __call__(self, request, *args, **kwargs):
        # The feed instance lives as long as the URLconf: keep the request on a copy.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def absolute(self, path):
        return absolute_url(self.request, path)

    def link(self):
        return self.absolute(reverse(self.list_url_name))

    def feed_url(self):
        return self.absolute(self.request.path)

    def feed_guid(self):
        return tag_uri(f"{self.model._meta.model_name}s/{get_language()}")

    def author_name(self):
        return str(settings.SITE_NAME)

    def queryset(self):
        return self.model.objects.published()

    def items(self):
        return self.queryset().order_by("-publish_at", "-pk")[:FEED_ITEMS]

    def item_title(self, item):
        # Readers take an RSS title as HTML (Django's default title is escaped too); an Atom
        # title is text.
        title = xml_text(item.title)
        return title if issubclass(self.feed_type, Atom1Feed) else escape(title)

    def item_description(self, item):
        # Descriptions are HTML (Atom says so): the plain summary escaped, as on the pages.
        return linebreaks(xml_text(item.summary), autoescape=True) if item.summary else None

    def item_link(self, item):
        return self.absolute(item.get_absolute_url())

    def item_guid(self, item):
        return tag_uri(f"{self.model._meta.model_name}/{item.pk}/{get_language()}")

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.publish_at

    # Atom requires an update time; items keep no other date than their publication.
    item_updateddate = item_pubdate


class EventFeed(PublishedFeed):
    model = Event
    list_url_name = "events:event_list"

    def title(self):
        return f"{_('Events')} | {settings.SITE_NAME}"

    def description(self):
        return _(
            "Party-building meetings and events in the Lujiazui Subdistrict, "
            "with their agendas and speeches."
        )


class LessonFeed(PublishedFeed):
    model = Lesson
    list_url_name = "events:lesson_list"

    def queryset(self):
        return super().queryset().select_related("speaker")

    def title(self):
        return f"{_('Cloud party lessons')} | {settings.SITE_NAME}"

    def description(self):
        return _("Cloud party lessons on the “four histories” from the Lujiazui Subdistrict.")

    def item_author_name(self, item):
        return xml_text(item.speaker.name) if item.speaker else None

    def item_categories(self, item):
        return [item.get_series_display()]


class AtomEventFeed(EventFeed):
    feed_type = Atom1Feed
    subtitle = EventFeed.description


class AtomLessonFeed(LessonFeed):
    feed_type = Atom1Feed
    subtitle = LessonFeed.description
