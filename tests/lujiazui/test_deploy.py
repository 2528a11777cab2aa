"""Production settings (HTTPS=true): Django's deployment checks pass, and the answers carry
what they promise. Settings are read at start-up, so each case runs in its own process."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_env(tmp_path, **extra):
    # The browser tests' conftest allows Django's sync calls from async code, which a
    # deployment must not (check async.E001); production does not set it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "lujiazui.settings",
        "HTTPS": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "dangjian.example.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
        **extra,
    }


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_https(tmp_path):
    result = manage(
        production_env(tmp_path, HTTPS="false"), "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


ANSWERS = """
import json
import django
django.setup()
from django.core.management import call_command
from django.test import Client
call_command("migrate", verbosity=0)
client = Client(HTTP_HOST="dangjian.example.cn")
plain = client.get("/privacy/")
secure = client.get("/privacy/", headers={"X-Forwarded-Proto": "https"})
form = client.get("/admin/login/", headers={"X-Forwarded-Proto": "https"})
cookie = next(iter(form.cookies.values()))
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "secure": secure.status_code,
    "headers": {name: secure.get(name) for name in (
        "Strict-Transport-Security", "Referrer-Policy", "Cross-Origin-Opener-Policy",
        "X-Frame-Options", "X-Content-Type-Options")},
    "cookie": [cookie.key, bool(cookie["secure"]), cookie["path"], cookie["domain"]],
}))
"""


def test_production_answers_redirect_to_https_and_send_security_headers(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", ANSWERS],
        cwd=ROOT,
        # No collectstatic in the temporary folder: plain static names.
        env=production_env(
            tmp_path, STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["plain"] == [301, "https://dangjian.example.cn/privacy/"]
    assert answers["secure"] == 200
    assert answers["headers"] == {
        "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
    }
    # __Host- cookies must be Secure, for the whole site, and name no domain.
    assert answers["cookie"] == ["__Host-csrftoken", True, "/", ""]
