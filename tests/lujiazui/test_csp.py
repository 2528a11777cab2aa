"""Content-Security-Policy and Permissions-Policy as served, on public pages and in the admin
(issue 7, part 1); tests/e2e/test_csp.py proves in Chromium that nothing is refused."""

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import django_prose_editor
import pytest
from django.conf import settings
from django.core.management import call_command

from events.models import Event
from tests.public_pages import HTML_PAGES, PAGES

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"],
    "img-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), "
    "encrypted-media=(), geolocation=(), gyroscope=(), hid=(), idle-detection=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), "
    "publickey-credentials-get=(), screen-wake-lock=(), serial=(), usb=(), "
    "xr-spatial-tracking=(), fullscreen=(self)"
)
NONCE = re.compile(r"^'nonce-([A-Za-z0-9+/]{22}==)'$")


def directives(response):
    """The policy as {directive: [sources]}; django-csp's order of directives varies."""
    policy = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        assert name not in policy, f"{name} twice"
        policy[name] = sources
    return policy


def without_nonce(policy):
    return {name: [s for s in sources if not NONCE.match(s)] for name, sources in policy.items()}


class InlineCode(HTMLParser):
    """What CSP refuses without 'unsafe-inline': <script> without src that the browser would
    run (data blocks such as JSON-LD are not run), <style> elements, style="…" attributes,
    event handler attributes (onclick=…) and javascript: addresses. Each with the nonce it
    carries, if any."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        kind = (attrs.get("type") or "").lower()
        if tag == "script" and "src" not in attrs and kind in ("", "module", "importmap"):
            self.found.append((f"<script type={kind!r}>", attrs.get("nonce")))
        if tag == "style":
            self.found.append(("<style>", attrs.get("nonce")))
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append((f"<{tag} {name}={value!r}>", None))
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append((f"<{tag} {name}={value!r}>", None))


@pytest.fixture
def demo(db):
    call_command("load_demo", "--no-accounts", verbosity=0)
    return Event.objects.get()


def test_csp_setting_script_src_allows_no_unsafe_inline_or_eval():
    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for name in ("default-src", "script-src", "script-src-elem", "script-src-attr"):
        for source in policy.get(name) or []:
            assert str(source) not in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'")
    assert "'unsafe-inline'" not in policy["style-src"]


@pytest.mark.parametrize("path", ["/", "/en/events/", "/routes/", "/admin/login/", "/nowhere/"])
def test_csp_header_exact_on_public_and_admin_answers(client, path):
    response = client.get(path)
    assert directives(response) == EXPECTED
    for name, sources in directives(response).items():
        if name.startswith(("script-src", "default-src")):
            assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources


def test_csp_header_exact_on_event_page_with_json_ld(client, demo):
    response = client.get(demo.get_absolute_url())
    assert b'<script type="application/ld+json">' in response.content
    assert directives(response) == EXPECTED


def test_csp_header_exact_on_admin_dashboard_history_and_bookings(staff_client, demo):
    for path in (
        "/admin/",
        f"/admin/events/event/{demo.pk}/history/",
        "/admin/routes/booking/",
        "/admin/routes/booking/visits/",
    ):
        response = staff_client.get(path)
        assert response.status_code == 200, path
        assert directives(response) == EXPECTED, path
        assert InlineCode(response.content.decode()).found == [], path


def test_csp_nonce_on_admin_editor_page_matches_its_import_map(staff_client, demo):
    response = staff_client.get(f"/admin/events/event/{demo.pk}/change/")
    policy = directives(response)
    assert without_nonce(policy) == EXPECTED
    nonces = [NONCE.match(source)[1] for source in policy["script-src"] if NONCE.match(source)]
    assert len(nonces) == 1 and policy["script-src"][0] == "'self'"
    # The import map is the one inline thing on the page, and it carries that nonce.
    assert InlineCode(response.content.decode()).found == [("<script type='importmap'>", nonces[0])]
    again = directives(staff_client.get(f"/admin/events/event/{demo.pk}/change/"))
    assert again["script-src"] != policy["script-src"]  # a fresh nonce for each answer


def test_csp_nonce_absent_from_pages_without_editor(client, staff_client, demo):
    for response in (client.get("/"), staff_client.get("/admin/"), client.get("/admin/login/")):
        assert directives(response)["script-src"] == ["'self'"]


def test_csp_style_hash_matches_the_editor_stylesheet():
    """The hash allows the stylesheet TipTap writes into the page; an upgrade of
    django-prose-editor that changes it fails here (and the editor loses its base styles)."""
    editor = Path(django_prose_editor.__file__).parent / "static/django_prose_editor/editor.js"
    stylesheets = re.findall(r"`(\.ProseMirror \{.*?)`", editor.read_text(), re.DOTALL)
    assert len(stylesheets) == 1
    digest = base64.b64encode(hashlib.sha256(stylesheets[0].encode()).digest()).decode()
    assert settings.PROSE_EDITOR_STYLE_HASH == f"'sha256-{digest}'"


@pytest.mark.parametrize("name", HTML_PAGES)
def test_public_page_has_no_inline_code_that_csp_refuses(client, name):
    for url, _texts in PAGES[name](1):
        response = client.get(url)
        assert response.status_code == 200, url
        assert InlineCode(response.content.decode()).found == [], url


def test_templates_have_no_inline_script_style_or_handler():
    """Our templates, admin ones included: no inline <script> but data blocks, no <style>, no
    style or on… attributes (a page built from them would break under the policy)."""
    found = {}
    for template in TEMPLATES.rglob("*.html"):
        if "emails" in template.parts:  # mail is read in mail programs, not under the policy
            continue
        text = template.read_text()
        problems = re.findall(
            r"<style\b|<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>"
            r"|\sstyle=|\son[a-z]+=|javascript:",
            text,
        )
        if problems:
            found[str(template.relative_to(TEMPLATES))] = problems
    assert found == {}


def test_inline_code_finder_finds_what_csp_refuses():
    html = (
        '<script>alert(1)</script><script type="application/ld+json">{}</script>'
        '<style>p{}</style><p style="color:red" onclick="x()"><a href="javascript:x()">'
        '<script src="/static/a.js"></script><script type="importmap" nonce="n">{}</script>'
    )
    assert [what for what, _nonce in InlineCode(html).found] == [
        "<script type=''>",
        "<style>",
        "<p style='color:red'>",
        "<p onclick='x()'>",
        "<a href='javascript:x()'>",
        "<script type='importmap'>",
    ]


@pytest.mark.parametrize("path", ["/", "/routes/", "/admin/login/", "/nowhere/"])
def test_permissions_policy_header_turns_every_feature_off_on_every_answer(client, path):
    assert client.get(path)["Permissions-Policy"] == PERMISSIONS_POLICY


def test_permissions_policy_header_on_admin_pages(staff_client):
    assert staff_client.get("/admin/")["Permissions-Policy"] == PERMISSIONS_POLICY
