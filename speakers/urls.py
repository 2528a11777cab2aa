from django.urls import path

from lujiazui.pagecache import cached_page

from . import views

app_name = "speakers"
urlpatterns = [
    path("speakers/", cached_page(views.speaker_list), name="speaker_list"),
    path("speakers/<uslug:slug>/", cached_page(views.speaker_detail), name="speaker"),
    path("organizations/", cached_page(views.organization_list), name="organization_list"),
    path(
        "organizations/<uslug:slug>/", cached_page(views.organization_detail), name="organization"
    ),
]
