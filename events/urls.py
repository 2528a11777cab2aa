from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/<uslug:slug>/", views.event_detail, name="event"),
    path("lessons/", views.lesson_list, name="lesson_list"),
    path("lessons/<uslug:slug>/", views.lesson_detail, name="lesson"),
]
