import pytest
from django.core.management import call_command

from events.models import Event
from tests.e2e.conftest import RESULTS

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "e2e-Lujiazui-2020"


@pytest.fixture
def staff_page(browser, live_server, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    external = []
    page.on(
        "request",
        lambda request: (
            external.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "blob:"))
            else None
        ),
    )
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.external_requests = external
    yield page
    context.close()


def test_admin_event_form_has_language_tabs_and_rich_text_editor(staff_page, live_server):
    call_command("load_demo", "--no-accounts", verbosity=0)
    event = Event.objects.get()
    staff_page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    tabs = staff_page.locator(".ui-tabs-nav").first
    tabs.wait_for()
    assert tabs.locator("li").count() == 3
    editor = staff_page.locator(".ProseMirror:visible").first  # the Simplified tab's body
    assert "浦东新区" in editor.inner_text()
    RESULTS.mkdir(exist_ok=True)
    staff_page.screenshot(path=RESULTS / "admin-event.png")
    assert staff_page.external_requests == []
