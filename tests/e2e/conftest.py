"""Real-browser tests: Debian's Chromium driven by Playwright for Python (no browser download)."""

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
from pathlib import Path
from urllib.parse import unquote

import pytest

CHROMIUM = "/usr/bin/chromium"
RESULTS = Path(__file__).resolve().parents[2] / "test-results"

# Playwright's sync API runs an event loop in the test thread; the ORM calls made by the
# tests themselves are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        message = f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # the lock file installs it; only a broken venv lacks it
        pytest.fail(str(error))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-gpu",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, request):
    """A phone-sized page; a screenshot is saved in test-results/ when the test fails."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    yield page
    screenshot_if_failed(request, page)
    context.close()


def screenshot_if_failed(request, page):
    """Save the page in test-results/ when the test of ``request`` failed."""
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        RESULTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w-]+", "_", request.node.name)
        page.screenshot(path=RESULTS / f"{name}-failure.png", full_page=True)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# ------------------------------------------------------------------ shared helpers for flows

PHONE = {"width": 390, "height": 844}


def failure_name(request):
    return re.sub(r"[^\w-]+", "_", request.node.name)


@pytest.fixture
def open_page(browser, request):
    """``open_page(viewport=PHONE, **context_options)``: a page in a context of its own (a
    resident, a booker, a staff member), phone-sized unless told. Each page opened is
    screenshotted into test-results/ when the test fails."""
    contexts = []

    def opener(viewport=PHONE, **options):
        context = browser.new_context(viewport=viewport, device_scale_factor=2, **options)
        contexts.append(context)
        return context.new_page()

    yield opener
    report = getattr(request.node, "rep_call", None)
    failed = report is not None and report.failed
    for number, context in enumerate(contexts, start=1):
        if failed:
            RESULTS.mkdir(exist_ok=True)
            for page in context.pages:
                page.screenshot(
                    path=RESULTS / f"{failure_name(request)}-{number}-failure.png", full_page=True
                )
        context.close()


def log_in(page, base_url, username, password):
    """Log in through the admin's login form, as staff do."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


# ------------------------------------------------------------------ axe-core

AXE_VERSION = "4.10.3"
# The npm registry's integrity of axe-core-4.10.3.tgz: the tarball is checked against it.
AXE_INTEGRITY = (
    "sha512-"
    "Xm7bpRXnDSX2YE2YFfBk2FnF0ep6tmG7xPh8iHee8MIcrgq762Nkce856dYtJYLkuIoYZvGfTs/PbZhideTcEg=="
)
AXE_CACHE = Path(__file__).resolve().parents[2] / "var" / "npm"
BLOCKING_IMPACTS = ("critical", "serious")
AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return {
    version: axe.version,
    passes: results.passes.length,
    incomplete: results.incomplete.map(rule => rule.id),
    violations: results.violations.map(rule => ({
      id: rule.id,
      impact: rule.impact,
      help: rule.help,
      nodes: rule.nodes.slice(0, 5).map(node => ({
        target: node.target.join(" "),
        html: node.html.slice(0, 200),
        summary: node.failureSummary,
      })),
      count: rule.nodes.length,
    })),
  };
}"""


def fetch_axe_tarball():
    """axe-core's tarball from the npm registry (``npm pack``), kept under var/npm/."""
    tarball = AXE_CACHE / f"axe-core-{AXE_VERSION}.tgz"

    def verified():
        algorithm, _, digest = AXE_INTEGRITY.partition("-")
        found = hashlib.new(algorithm, tarball.read_bytes()).digest()
        return base64.b64encode(found).decode() == digest

    if tarball.exists() and verified():
        return tarball
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is missing (apt-get install npm)")
    AXE_CACHE.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [npm, "pack", f"axe-core@{AXE_VERSION}", "--pack-destination", str(AXE_CACHE)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    if result.returncode != 0 or not tarball.exists():
        raise RuntimeError(f"npm pack axe-core@{AXE_VERSION} failed: {result.stderr[-800:]}")
    if not verified():
        tarball.unlink()
        raise RuntimeError(f"axe-core-{AXE_VERSION}.tgz does not match its pinned integrity")
    return tarball


@pytest.fixture(scope="session")
def axe_source():
    """The source of axe.min.js, pinned to AXE_VERSION, from the npm registry. Without it
    the tests are skipped, except under CI, where they fail."""
    try:
        tarball = fetch_axe_tarball()
        with tarfile.open(tarball) as archive:
            return archive.extractfile("package/axe.min.js").read().decode()
    except (OSError, RuntimeError, KeyError, tarfile.TarError) as error:
        message = f"axe-core {AXE_VERSION} is not available: {error}"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)


def shown_path(url):
    """The path of ``url`` for people to read: a booking's secret token and the signed value
    of a check-in replaced."""
    path = unquote(re.sub(r"^https?://[^/]+", "", url))
    path = re.sub(r"/bookings/[^/]+/", "/bookings/<token>/", path)
    return re.sub(r"checked=[^&#]+", "checked=<signed>", path)


class Axe:
    """Runs axe-core on pages and keeps a summary, written to test-results/axe-summary.json
    at the end of the session."""

    def __init__(self, source):
        self.source = source
        self.pages = {}

    def check(self, page, name):
        """Run axe on ``page``; record it as ``name``; return the serious and critical
        violations. axe is evaluated through the DevTools protocol, which the page's
        Content-Security-Policy does not block (an inline <script> would be)."""
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(self.source)
        results = page.evaluate(AXE_RUN)
        assert results["version"] == AXE_VERSION
        by_impact = {impact: 0 for impact in ("critical", "serious", "moderate", "minor")}
        for rule in results["violations"]:
            by_impact[rule["impact"]] = by_impact.get(rule["impact"], 0) + 1
        self.pages[name] = {
            "path": shown_path(page.url),
            "violations": by_impact,
            "rules": {rule["id"]: rule["impact"] for rule in results["violations"]},
            "passes": results["passes"],
            "incomplete": results["incomplete"],
        }
        return [rule for rule in results["violations"] if rule["impact"] in BLOCKING_IMPACTS]

    def write(self):
        if not self.pages:
            return
        RESULTS.mkdir(exist_ok=True)
        summary = {"axe_version": AXE_VERSION, "pages": dict(sorted(self.pages.items()))}
        path = RESULTS / "axe-summary.json"
        path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")


def describe(violations):
    """Violations as readable lines for an assertion message."""
    return "\n".join(
        f"{rule['impact']} {rule['id']} ({rule['count']}×): {rule['help']}\n"
        + "\n".join(f"    {node['target']}: {node['summary']}" for node in rule["nodes"])
        for rule in violations
    )


@pytest.fixture(scope="session")
def axe(axe_source):
    checker = Axe(axe_source)
    yield checker
    checker.write()
