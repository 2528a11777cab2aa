from django.urls import path

from . import booking_views, views

app_name = "routes"
urlpatterns = [
    path("privacy/", booking_views.privacy_notice, name="privacy"),
    path("routes/", views.route_list, name="route_list"),
    path("routes/<uslug:slug>/", views.route_detail, name="route"),
    path("routes/<uslug:slug>/book/", booking_views.book, name="book"),
    path("routes/<uslug:slug>/stops/<int:number>/", views.stop_detail, name="stop"),
    path("routes/<uslug:slug>/stops/<int:number>/sign/", views.stop_sign, name="sign"),
    path("bookings/<str:token>/", booking_views.manage, name="manage"),
    path("bookings/<str:token>/calendar.ics", booking_views.calendar, name="calendar"),
    path("bookings/<str:token>/cancel/", booking_views.cancel, name="cancel"),
]
