from django.urls import path

from . import views

app_name = "speakers"
urlpatterns = [
    path("speakers/", views.speaker_list, name="speaker_list"),
    path("speakers/<uslug:slug>/", views.speaker_detail, name="speaker"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/<uslug:slug>/", views.organization_detail, name="organization"),
]
