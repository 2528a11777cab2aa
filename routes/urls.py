from django.urls import path

from lujiazui.pagecache import cached_page

from . import booking_views, views

app_name = "routes"
urlpatterns = [
    path("privacy/", cached_page(booking_views.privacy_notice), name="privacy"),
    path("routes/", cached_page(views.route_list), name="route_list"),
    path("routes/<uslug:slug>/", cached_page(views.route_detail), name="route"),
    path("routes/<uslug:slug>/book/", cached_page(booking_views.book), name="book"),
    path(
        "routes/<uslug:slug>/stops/<int:number>/",
        cached_page(views.stop_detail, parameters=(views.CHECKED_PARAMETER,)),
        name="stop",
    ),
    path("routes/<uslug:slug>/stops/<int:number>/sign/", cached_page(views.stop_sign), name="sign"),
    path("bookings/<str:token>/", booking_views.manage, name="manage"),
    path("bookings/<str:token>/calendar.ics", booking_views.calendar, name="calendar"),
    path("bookings/<str:token>/cancel/", booking_views.cancel, name="cancel"),
]
