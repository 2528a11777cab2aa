"""Real browser: under the Content-Security-Policy and Permissions-Policy as served, public pages
and the admin (language tabs, rich-text editor, dashboard, history) work and Chromium reports
no violation."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from events.models import Event
from routes.models import Route
from tests.e2e.conftest import screenshot_if_failed
from tests.e2e.test_admin import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

EVENT_SLUG = "2020-party-building-joint-meeting"

# Every violation the document sees, reported to the console where the test collects it;
# Chromium also logs its own "Refused to … Content Security Policy" messages.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`
    + ` (${event.sourceFile}:${event.lineNumber}) ${event.sample}`);
});
"""
PROBLEMS = re.compile(r"Content Security Policy|CSP violation|Permissions-Policy|Refused to")


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", "--no-accounts", verbosity=0)
    return live_server.url


def watched_page(browser, request, **context_options):
    """A page whose console messages about CSP or Permissions-Policy end up in
    ``page.problems``; a screenshot is saved in test-results/ when the test fails."""
    context = browser.new_context(**context_options)
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda message: (
            page.problems.append(f"{page.url}: {message.text}")
            if PROBLEMS.search(message.text)
            else None
        ),
    )
    page.on("pageerror", lambda error: page.problems.append(f"{page.url}: {error}"))

    def screenshot_on_failure():
        screenshot_if_failed(request, page)
        context.close()

    request.addfinalizer(screenshot_on_failure)
    return page


def test_public_pages_report_no_policy_violation_in_chromium(browser, request, demo_site):
    page = watched_page(browser, request, viewport={"width": 390, "height": 844})
    route = Route.objects.get()
    stop = route.stops.order_by("number").first()
    pages = {
        "home": "/",
        "event": f"/events/{EVENT_SLUG}/",
        "event, English": f"/en/events/{EVENT_SLUG}/",
        "route": route.get_absolute_url(),
        "stop": stop.get_absolute_url(),
        "booking form": reverse("routes:book", kwargs={"slug": route.slug}),
    }
    for name, path in pages.items():
        answer = page.goto(f"{demo_site}{path}")
        assert answer.status == 200, name
        assert "script-src 'self'" in answer.headers["content-security-policy"], name
        page.wait_for_load_state("load")
    page.goto(f"{demo_site}/events/{EVENT_SLUG}/")
    json_ld = page.locator('script[type="application/ld+json"]')
    assert json_ld.count() == 1  # a data block: present, parsed, never run nor blocked
    assert (
        page.evaluate("script => JSON.parse(script.text)['@type']", json_ld.element_handle())
        == "Event"
    )
    page.goto(f"{demo_site}{route.get_absolute_url()}")
    assert page.locator("main svg").count() >= 1  # the map is drawn inline
    assert page.problems == [], "\n".join(page.problems)


def test_admin_with_editor_and_tabs_reports_no_policy_violation_in_chromium(
    browser, request, demo_site, django_user_model
):
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    page = watched_page(browser, request, viewport={"width": 1280, "height": 900})
    page.goto(f"{demo_site}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{demo_site}/admin/")
    assert page.locator(".dashboard-parts").count() == 1

    event = Event.objects.get(slug=EVENT_SLUG)
    change = f"{demo_site}/admin/events/event/{event.pk}/change/"
    answer = page.goto(change)
    assert re.search(
        r"script-src 'self' 'nonce-[\w+/=]+'", answer.headers["content-security-policy"]
    )
    tabs = page.locator(".ui-tabs-nav").first
    tabs.wait_for()
    tabs.locator("li").nth(2).click()  # English
    assert page.locator("#id_title_en").is_visible()
    assert not page.locator("#id_title_zh_hans").is_visible()
    tabs.locator("li").nth(0).click()  # back to Simplified
    # An autocomplete (select2, asking the server as the user types) and a new inline row.
    page.locator("#id_organizers + .select2 .select2-selection").click()
    page.keyboard.type("陆家嘴")
    page.locator(".select2-results__option:not(.loading-results)").first.wait_for()
    page.keyboard.press("Escape")
    rows = page.locator("#attendances-group tbody tr.form-row:not(.empty-form)")
    before = rows.count()
    page.locator("#attendances-group .add-row a").click()
    assert rows.count() == before + 1
    editor = page.locator(".ProseMirror:visible").first
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("内容安全策略测试")
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()
    assert page.url == change
    assert page.locator(".messagelist .success").count() == 1
    event.refresh_from_db()
    assert "内容安全策略测试" in event.body_zh_hans

    page.goto(f"{demo_site}/admin/events/event/{event.pk}/history/")
    assert page.locator(".change-history tbody tr").count() >= 1
    page.goto(f"{demo_site}/admin/routes/booking/")
    page.goto(f"{demo_site}/admin/routes/booking/visits/")
    page.goto(f"{demo_site}/admin/")
    assert page.locator(".dashboard-parts .module").count() >= 1
    assert page.problems == [], "\n".join(page.problems)
