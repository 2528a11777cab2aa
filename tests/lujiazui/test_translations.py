import importlib
import shutil
import subprocess
from gettext import GNUTranslations
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

LOCALES = ["zh_Hans", "zh_Hant", "en"]


def statistics(po_file):
    result = subprocess.run(
        ["msgfmt", "--statistics", "--check", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr.strip()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_interface_string_translated(locale, settings, tmp_path, monkeypatch):
    """Extract strings from the code as it is now; none may be untranslated or fuzzy."""
    locale_dir = tmp_path / "locale"
    shutil.copytree(Path(settings.BASE_DIR) / "lujiazui" / "locale", locale_dir)
    settings.LOCALE_PATHS = [locale_dir]
    monkeypatch.chdir(settings.BASE_DIR)
    call_command(
        "makemessages",
        locale=[locale],
        # the real catalogs must stay out of the walk, or makemessages writes into them
        ignore_patterns=[".venv", "var", "tests", "lujiazui/locale"],
        no_obsolete=True,
        verbosity=0,
    )
    report = statistics(locale_dir / locale / "LC_MESSAGES" / "django.po")
    assert "untranslated" not in report, report
    assert "fuzzy" not in report, report
    assert "translated" in report


@pytest.mark.parametrize("app", ["axes", "auditlog"])
@pytest.mark.parametrize("language", ["zh-hans", "zh-hant"])
def test_third_party_admin_strings_are_translated(app, language):
    """django-axes and django-auditlog ship no Chinese: lujiazui/locale_vendor translates
    every string they ship (read from their own compiled catalogs)."""
    msgids = set()
    folder = Path(importlib.import_module(app).__file__).parent
    for shipped in folder.glob("locale/*/LC_MESSAGES/django.mo"):
        with shipped.open("rb") as catalog:
            keys = GNUTranslations(catalog)._catalog
        msgids |= {key[0] if isinstance(key, tuple) else key for key in keys}
    msgids.discard("")
    with translation.override(language):
        untranslated = sorted(msgid for msgid in msgids if translation.gettext(msgid) == msgid)
    assert untranslated == []


def test_admin_menu_names_third_party_apps_in_chinese(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "登录安全" in page and "登录尝试" in page and "变更历史" in page
    assert "Access attempts" not in page and "Audit log" not in page
