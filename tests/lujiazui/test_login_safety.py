"""Staff login safety (django-axes): a username is locked per client address, for a cool-off."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext, ngettext

pytestmark = pytest.mark.django_db

LOGIN_URL = "/admin/login/"
PASSWORD = {"alice": "Pudong-alice-2024!", "bob": "Pudong-bob-2024!"}
X, Y = "10.0.0.1", "10.0.0.2"
LOCKED = (
    "Too many wrong passwords were entered for this account from your network. Please try "
    "again in %(minutes)s minute."
)


@pytest.fixture(autouse=True)
def staff(settings, django_user_model):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed
    for username, password in PASSWORD.items():
        django_user_model.objects.create_user(username, password=password, is_staff=True)


def login(username, address, password=None, **headers):
    """One attempt through the admin's login form, from a fresh browser at ``address``."""
    client = Client()
    response = client.post(
        LOGIN_URL,
        {
            "username": username,
            "password": PASSWORD[username] if password is None else password,
            "next": "/admin/",
        },
        REMOTE_ADDR=address,
        **headers,
    )
    response.logged_in = "_auth_user_id" in client.session
    return response


def fail(username, address, times, **headers):
    return [login(username, address, "wrong-password", **headers) for _ in range(times)]


def assert_locked_out(response):
    assert response.status_code == 429
    assert not response.logged_in
    assert "axes/lockout.html" in [template.name for template in response.templates]
    content = response.content.decode()
    assert '<html lang="zh-hans"' in content
    assert gettext("Login temporarily locked") in content
    assert ngettext(LOCKED, LOCKED[:-1] + "s.", 30) % {"minutes": 30} in content


def test_login_wrong_password_below_limit_shows_the_form_again(settings):
    responses = fail("alice", X, settings.AXES_FAILURE_LIMIT - 1)
    assert [response.status_code for response in responses] == [200] * len(responses)
    assert login("alice", X).logged_in


def test_login_after_failure_limit_is_refused_even_with_right_password(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    responses = fail("alice", X, settings.AXES_FAILURE_LIMIT)
    assert_locked_out(responses[-1])
    assert_locked_out(login("alice", X))


def test_login_locked_username_still_works_from_another_address(settings):
    fail("alice", X, settings.AXES_FAILURE_LIMIT)
    assert login("alice", Y).logged_in


def test_login_other_username_still_works_from_locked_address(settings):
    fail("alice", X, settings.AXES_FAILURE_LIMIT)
    assert login("bob", X).logged_in
    assert_locked_out(login("alice", X))


def test_login_lockout_ignores_changing_user_agent(settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login("alice", X, "wrong-password", HTTP_USER_AGENT=f"browser/{n}")
    assert_locked_out(login("alice", X, HTTP_USER_AGENT="browser/new"))


def test_login_works_again_after_cooloff(settings):
    fail("alice", X, settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert login("alice", X).logged_in


def test_login_attempt_during_lockout_restarts_cooloff(settings):
    fail("alice", X, settings.AXES_FAILURE_LIMIT)
    almost_over = timezone.now() - settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=almost_over)
    assert_locked_out(login("alice", X))
    assert AccessAttempt.objects.get().attempt_time > almost_over + timedelta(minutes=1)


def test_login_success_resets_failure_count(settings):
    fail("alice", X, settings.AXES_FAILURE_LIMIT - 1)
    assert login("alice", X).logged_in
    assert not AccessAttempt.objects.exists()
    fail("alice", X, settings.AXES_FAILURE_LIMIT - 1)
    assert login("alice", X).logged_in


def test_login_behind_proxy_locks_by_client_address_header(settings):
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    proxy = "192.168.0.9"
    fail("alice", proxy, settings.AXES_FAILURE_LIMIT, HTTP_X_REAL_IP=X)
    assert AccessAttempt.objects.get().ip_address == X
    assert_locked_out(login("alice", proxy, HTTP_X_REAL_IP=X))
    assert login("alice", proxy, HTTP_X_REAL_IP=Y).logged_in
    assert login("bob", proxy, HTTP_X_REAL_IP=X).logged_in


def test_login_failures_record_username_but_never_password(settings, caplog):
    caplog.set_level(logging.INFO)
    fail("alice", X, settings.AXES_FAILURE_LIMIT)
    login("alice", X)  # the right password, refused
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "alice"
    assert "wrong-password" not in attempt.post_data
    assert PASSWORD["alice"] not in attempt.post_data
    assert "alice" in caplog.text
    assert "wrong-password" not in caplog.text
    assert PASSWORD["alice"] not in caplog.text


@pytest.mark.parametrize(
    "header, remote, expected",
    [
        ("203.0.113.9", "10.0.0.1", "203.0.113.9"),
        ("not-an-address", "10.0.0.1", "10.0.0.1"),
        ("2001:db8:1:2:3:4:5:6", "10.0.0.1", "2001:db8:1:2::"),
        ("", "", ""),
    ],
)
def test_client_address_ignores_a_header_without_an_address(settings, rf, header, remote, expected):
    from lujiazui.ratelimit import client_address

    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_REAL_IP"
    request = rf.get("/", HTTP_X_REAL_IP=header, REMOTE_ADDR=remote)
    assert client_address(request) == expected
