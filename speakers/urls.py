from django.urls import path

from lujiazui.pagecache import cached_page

from . import views

app_name = "speakers"
urlpatterns = [
    path("speakers/", cached_page(views.speaker_list, parameters=("page",)), name="speaker_list"),
    path(
        "speakers/<uslug:slug>/",
        cached_page(views.speaker_detail, parameters=("page",)),
        name="speaker",
    ),
    path(
        "organizations/",
        cached_page(views.organization_list, parameters=("kind", "page")),
        name="organization_list",
    ),
    path(
        "organizations/<uslug:slug>/",
        cached_page(views.organization_detail, parameters=("page",)),
        name="organization",
    ),
]
