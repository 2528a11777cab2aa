import pytest
from django.core.management import call_command

from events.models import Event
from tests.e2e.conftest import RESULTS

pytestmark = pytest.mark.django_db(transaction=True)

EVENT_SLUG = "2020-party-building-joint-meeting"


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo", "--no-accounts", verbosity=0)
    return live_server.url


@pytest.mark.parametrize(
    "prefix, language, heading",
    [("", "zh-hans", "议程"), ("/zh-hant", "zh-hant", "議程"), ("/en", "en", "Agenda")],
)
def test_resident_reads_home_event_speaker_lesson(phone, demo_site, prefix, language, heading):
    event = Event.objects.get(slug=EVENT_SLUG)
    phone.goto(f"{demo_site}{prefix}/")
    assert phone.locator("html").get_attribute("lang") == language
    phone.locator(f'a[href="{prefix}{event.get_absolute_url()}"]').first.click()
    phone.wait_for_url(f"**{prefix}/events/{EVENT_SLUG}/")
    assert phone.get_by_role("heading", name=heading).is_visible()
    RESULTS.mkdir(exist_ok=True)
    phone.screenshot(path=RESULTS / f"event-{language}.png", full_page=False)
    # the page fits the phone: nothing wider than the viewport
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.locator(".speech a[href*='/speakers/']").first.click()
    phone.wait_for_url("**/speakers/**")
    assert phone.locator("html").get_attribute("lang") == language

    phone.goto(f"{demo_site}{prefix}/lessons/")
    phone.locator("main a[href*='/lessons/']:not([href*='?'])").first.click()
    phone.wait_for_url("**/lessons/*/")
    assert phone.locator(".demo-label").first.is_visible()


def test_language_switch_keeps_reader_on_event(phone, demo_site):
    phone.goto(f"{demo_site}/events/{EVENT_SLUG}/")
    phone.locator('a[hreflang="en"]').first.click()
    phone.wait_for_url(f"**/en/events/{EVENT_SLUG}/")
    assert phone.locator("html").get_attribute("lang") == "en"
    phone.locator('a[hreflang="zh-hant"]').first.click()
    phone.wait_for_url(f"**/zh-hant/events/{EVENT_SLUG}/")
    assert "黨建" in phone.locator("h1").inner_text()
