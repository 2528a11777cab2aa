from django.urls import path

from . import calendars, feeds, views

app_name = "events"
urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/feed/rss/", feeds.EventFeed(), name="event_feed_rss"),
    path("events/feed/atom/", feeds.AtomEventFeed(), name="event_feed_atom"),
    path("events/calendar.ics", calendars.events_calendar, name="calendar"),
    path("events/<uslug:slug>/", views.event_detail, name="event"),
    path("events/<uslug:slug>/event.ics", calendars.event_calendar, name="event_calendar"),
    path("lessons/", views.lesson_list, name="lesson_list"),
    path("lessons/feed/rss/", feeds.LessonFeed(), name="lesson_feed_rss"),
    path("lessons/feed/atom/", feeds.AtomLessonFeed(), name="lesson_feed_atom"),
    path("lessons/<uslug:slug>/", views.lesson_detail, name="lesson"),
]
