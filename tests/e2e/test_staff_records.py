"""Real browser: an edit shows in the admin's history; a cover arrives as a WebP rendition."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from tests import factories
from tests.e2e.conftest import RESULTS
from tests.e2e.test_admin import staff_page  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def photo_jpeg(size=(1600, 900)):
    """A photo-like JPEG: a gradient with a few shapes, so that sizes and formats are real."""
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 8):
        draw.rectangle([x, 0, x + 8, size[1]], fill=(183, 28 + x % 100, 28 + x % 60))
    draw.ellipse([500, 200, 1100, 700], fill=(250, 220, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile("cover.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_admin_history_shows_who_changed_what(staff_page, live_server):  # noqa: F811
    # Whole minutes, as the admin's form shows them: only the title changes.
    now = timezone.now().replace(second=0, microsecond=0)
    event = factories.event(
        title="党建联席会议", start=now - datetime.timedelta(days=30), publish_at=now
    )
    staff_page.goto(f"{live_server.url}/admin/events/event/{event.pk}/change/")
    title = staff_page.locator("#id_title_zh_hans")
    title.fill("陆家嘴街道党建联席会议")
    staff_page.locator("input[name=_continue]").click()
    staff_page.wait_for_url(f"**/admin/events/event/{event.pk}/change/")
    staff_page.locator("a.historylink").click()
    staff_page.wait_for_url(f"**/admin/events/event/{event.pk}/history/")
    change = staff_page.locator(".change-history tbody tr").first
    assert "editor" in change.inner_text()
    assert change.locator(".old").first.inner_text() == "党建联席会议"
    assert "陆家嘴街道党建联席会议" in change.inner_text()
    RESULTS.mkdir(exist_ok=True)
    staff_page.screenshot(path=RESULTS / "admin-history.png", full_page=True)
    assert staff_page.external_requests == []


def test_event_cover_is_a_webp_rendition_of_the_right_size(phone, live_server):
    event = factories.event(cover=photo_jpeg(), cover_alt="会议现场")
    copies = {copy["width"]: copy["name"] for copy in event.cover_renditions["webp"]}
    assert sorted(copies) == [480, 960, 1440]
    phone.goto(f"{live_server.url}{event.get_absolute_url()}")
    cover = phone.locator(".cover img")
    cover.wait_for()
    loaded = phone.wait_for_function(
        "img => img.complete && img.naturalWidth > 0 && img.currentSrc", arg=cover.element_handle()
    ).json_value()
    # 390 CSS pixels at 2x: the 960-pixel WebP copy, not the 1,600-pixel JPEG original
    assert loaded.endswith(copies[960])
    assert cover.get_attribute("width") and cover.get_attribute("height")
    RESULTS.mkdir(exist_ok=True)
    phone.screenshot(path=RESULTS / "event-cover.png")
