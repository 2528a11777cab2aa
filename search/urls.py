from django.urls import path

from lujiazui.pagecache import cached_page

from . import views

app_name = "search"
urlpatterns = [
    path("search/", cached_page(views.results, parameters=("q", "kind", "page")), name="results"),
]
