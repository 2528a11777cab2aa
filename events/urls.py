from django.urls import path

from lujiazui.pagecache import cached_page

from . import calendars, feeds, views

app_name = "events"
urlpatterns = [
    path("events/", cached_page(views.event_list, parameters=("year", "page")), name="event_list"),
    # Before events/<slug>/: Event.slug refuses "upcoming" (RESERVED_SLUGS).
    path(
        "events/upcoming/",
        cached_page(views.upcoming_list, parameters=("page",)),
        name="upcoming",
    ),
    path("events/feed/rss/", cached_page(feeds.EventFeed()), name="event_feed_rss"),
    path("events/feed/atom/", cached_page(feeds.AtomEventFeed()), name="event_feed_atom"),
    path("events/calendar.ics", cached_page(calendars.events_calendar), name="calendar"),
    path("events/<uslug:slug>/", cached_page(views.event_detail), name="event"),
    path(
        "events/<uslug:slug>/event.ics",
        cached_page(calendars.event_calendar),
        name="event_calendar",
    ),
    path(
        "lessons/",
        cached_page(views.lesson_list, parameters=("series", "page")),
        name="lesson_list",
    ),
    path("lessons/feed/rss/", cached_page(feeds.LessonFeed()), name="lesson_feed_rss"),
    path("lessons/feed/atom/", cached_page(feeds.AtomLessonFeed()), name="lesson_feed_atom"),
    path("lessons/<uslug:slug>/", cached_page(views.lesson_detail), name="lesson"),
]
