"""Error pages: localized, in the site's look, and leaking nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from lujiazui.urls import urlpatterns as site_patterns

pytestmark = pytest.mark.django_db

SECRET_WORDS = ["Traceback", "SECRET_KEY", "DATABASES", "Exception Value", "lujiazui/"]


def broken(request):
    raise RuntimeError("SECRET_KEY=leaked")


def forbidden(request):
    raise PermissionDenied("internal reason")


urlpatterns = [path("broken/", broken), path("forbidden/", forbidden), *site_patterns]


@pytest.fixture
def with_failing_views(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


@pytest.mark.parametrize(
    "prefix, heading",
    [("", "页面未找到"), ("/zh-hant", "頁面未找到"), ("/en", "Page not found")],
)
def test_not_found_page_in_each_language(client, prefix, heading):
    response = client.get(f"{prefix}/events/no-such-event/")
    assert response.status_code == 404
    html = response.content.decode()
    assert heading in html and 'class="site-header' in html
    assert not any(word in html for word in SECRET_WORDS)


def test_forbidden_page_is_localized_and_quiet(client, with_failing_views):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>拒绝访问</h1>" in html and 'class="site-header' in html
    assert "internal reason" not in html


def test_bad_request_page_is_localized_and_quiet():
    client = Client(raise_request_exception=False)
    response = client.get("/en/events/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bad request" in html
    assert "evil.example" not in html


def test_server_error_page_is_localized_and_leaks_nothing(with_failing_views):
    client = Client(raise_request_exception=False)
    response = client.get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>" in html and "leaked" not in html
    assert not any(word in html for word in SECRET_WORDS)
