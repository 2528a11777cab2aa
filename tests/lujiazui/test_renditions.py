"""Renditions: WebP and JPEG/PNG copies made by sorl-thumbnail when a picture is saved, and the
<picture> element that shows them without any query, sorl-thumbnail call or file read."""

import datetime
import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from sorl.thumbnail.base import ThumbnailBackend
from sorl.thumbnail.kvstores.base import KVStoreBase

from events.models import Event, Photo, Speech
from lujiazui.images import PictureField, renditions_field
from lujiazui.renditions import SMALL, WIDE
from speakers.models import Organization
from tests import factories
from tests.routes.conftest import build_route

pytestmark = pytest.mark.django_db

RED, SEE_THROUGH = (183, 28, 28, 255), (0, 0, 0, 0)
COVER_SIZES = "(min-width: 60rem) 46rem, 100vw"


def upload(name="picture.jpg", size=(2000, 1000), image_format="JPEG", transparent=False):
    """A real picture: red, with a see-through top-left quarter when ``transparent``."""
    image = Image.new("RGBA" if transparent else "RGB", size, RED if transparent else RED[:3])
    if transparent:
        image.paste(SEE_THROUGH, (0, 0, size[0] // 2, size[1] // 2))
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/*")


def animation():
    frames = [Image.new("RGB", (120, 60), color) for color in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], duration=100)
    return SimpleUploadedFile("moving.webp", buffer.getvalue(), content_type="image/webp")


def stored(settings, name):
    return Path(settings.MEDIA_ROOT) / name


def read_back(settings, copy):
    """(format, width, height, has see-through pixels) of a stored copy, read with Pillow."""
    with Image.open(stored(settings, copy["name"])) as image:
        alpha = image.mode in ("RGBA", "LA") and image.getchannel("A").getextrema()[0] < 255
        return image.format, image.width, image.height, alpha


class Tags(HTMLParser):
    """The start tags of a page, as (tag, attributes) in order."""

    def __init__(self, html):
        super().__init__()
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, name, **attrs):
        return [
            found
            for tag, found in self.tags
            if tag == name and all(found.get(key) == value for key, value in attrs.items())
        ]


def srcset_files(settings, srcset):
    """The stored files an srcset names, with their widths."""
    entries = [entry.rsplit(" ", 1) for entry in srcset.split(", ")]
    prefix = "/" + settings.MEDIA_URL.lstrip("/")
    return [(stored(settings, url.removeprefix(prefix)), int(width[:-1])) for url, width in entries]


# Making renditions on save


def test_renditions_of_jpeg_made_on_save_in_webp_and_jpeg(settings):
    event = factories.event(cover=upload(), cover_alt="会场")
    renditions = event.cover_renditions
    assert renditions["name"] == event.cover.name
    assert (renditions["width"], renditions["height"]) == (2000, 1000)
    for key, image_format in (("webp", "WEBP"), ("fallback", "JPEG")):
        copies = renditions[key]
        assert [copy["width"] for copy in copies] == list(WIDE)
        for copy in copies:
            assert copy["name"].startswith("renditions/")
            assert read_back(settings, copy) == (image_format, copy["width"], copy["height"], False)
            assert copy["height"] == copy["width"] // 2


@pytest.mark.parametrize(
    "name, image_format", [("logo.png", "PNG"), ("logo.webp", "WEBP")], ids=["png", "webp"]
)
def test_renditions_of_transparent_picture_fall_back_to_png(settings, name, image_format):
    logo = upload(name, size=(600, 300), image_format=image_format, transparent=True)
    organization = factories.organization(logo=logo)
    renditions = organization.logo_renditions
    assert [copy["width"] for copy in renditions["fallback"]] == list(SMALL)
    for key, expected_format in (("webp", "WEBP"), ("fallback", "PNG")):
        for copy in renditions[key]:
            assert read_back(settings, copy) == (
                expected_format,
                copy["width"],
                copy["height"],
                True,
            )


def test_renditions_of_opaque_png_stay_png(settings):
    speaker = factories.speaker(photo=upload("photo.png", size=(300, 400), image_format="PNG"))
    formats = {read_back(settings, copy)[0] for copy in speaker.photo_renditions["fallback"]}
    assert formats == {"PNG"}


def test_renditions_of_opaque_webp_fall_back_to_jpeg(settings):
    lesson = factories.lesson(cover=upload("cover.webp", size=(1000, 500), image_format="WEBP"))
    copies = lesson.cover_renditions["fallback"]
    assert [read_back(settings, copy)[:3] for copy in copies] == [
        ("JPEG", 480, 240),
        ("JPEG", 960, 480),
        ("JPEG", 1000, 500),
    ]


def test_renditions_never_wider_than_the_original(settings):
    stop = build_route(stops=1).stops.get()
    stop.photo = upload(size=(300, 200))
    stop.save()
    for key in ("webp", "fallback"):
        copies = stop.photo_renditions[key]
        assert [read_back(settings, copy)[1:3] for copy in copies] == [(300, 200)]


def test_renditions_of_small_logo_stop_at_its_width(settings):
    organization = factories.organization(logo=upload("logo.png", (150, 50), "PNG"))
    copies = organization.logo_renditions["webp"]
    assert [read_back(settings, copy)[1:3] for copy in copies] == [(96, 32), (150, 50)]


def test_renditions_remade_when_picture_replaced(settings):
    event = factories.event(cover=upload("first.jpg"))
    first = event.cover_renditions
    event.cover = upload("second.jpg", size=(800, 600))
    event.save()
    event.refresh_from_db()
    assert event.cover_renditions["name"] == event.cover.name != first["name"]
    assert [copy["width"] for copy in event.cover_renditions["webp"]] == [480, 800]
    assert event.cover.renditions == event.cover_renditions


def test_renditions_cleared_when_picture_removed():
    event = factories.event(cover=upload())
    event.cover = ""
    event.save()
    event.refresh_from_db()
    assert event.cover_renditions == {}


def test_renditions_kept_without_reading_the_picture_when_saved_unchanged(settings, monkeypatch):
    event = factories.event(cover=upload())
    renditions = event.cover_renditions
    stored(settings, event.cover.name).unlink()
    monkeypatch.setattr(Image, "open", forbidden)
    event.title = "新标题"
    event.save()
    event.refresh_from_db()
    assert event.cover_renditions == renditions


def test_renditions_made_again_when_their_files_are_gone(settings):
    """sorl-thumbnail's key-value store still knows the copies: they must be made anyway."""
    event = factories.event(cover=upload())
    for copy in event.cover_renditions["webp"]:
        stored(settings, copy["name"]).unlink()
    Event.objects.filter(pk=event.pk).update(cover_renditions={})
    call_command("make_renditions", stdout=io.StringIO())
    event.refresh_from_db()
    assert all(stored(settings, copy["name"]).exists() for copy in event.cover_renditions["webp"])


def test_renditions_empty_when_the_picture_cannot_be_read():
    event = factories.event()
    event.cover = "events/missing.jpg"
    event.save()
    assert event.cover_renditions == {}


def test_animation_has_no_renditions_but_its_size():
    organization = factories.organization(logo=animation())
    assert organization.logo_renditions == {
        "name": organization.logo.name,
        "width": 120,
        "height": 60,
    }


def test_make_renditions_command_fills_pictures_without_renditions():
    event = factories.event(cover=upload())
    photo = Photo.objects.create(event=event, image=upload("photo.png", (640, 480), "PNG"))
    Event.objects.update(cover_renditions={})
    Photo.objects.update(image_renditions={})
    output = io.StringIO()
    call_command("make_renditions", stdout=output)
    event.refresh_from_db()
    photo.refresh_from_db()
    assert event.cover.renditions["webp"] and photo.image.renditions["fallback"]
    assert "2 pictures" in output.getvalue()
    call_command("make_renditions", stdout=output)
    assert "0 pictures" in output.getvalue()


@isolate_apps("lujiazui")
def test_picture_field_check_refuses_renditions_field_declared_before():
    class Poster(models.Model):
        renditions = renditions_field()
        image = PictureField(renditions_field="renditions", widths=WIDE)

        class Meta:
            app_label = "lujiazui"

        def __str__(self):
            return self.image.name

    errors = Poster._meta.get_field("image").check()
    assert [error.id for error in errors] == ["lujiazui.E001"]


# Showing renditions


def test_event_page_shows_picture_with_webp_srcset_sizes_and_dimensions(client, settings):
    event = factories.full_event(2, cover=upload(), cover_alt="会场全景")
    response = client.get(event.get_absolute_url())
    tags = Tags(response.text)
    sources = tags.all("source", type="image/webp")
    assert len(sources) == 3  # the cover and two photos
    cover_source = sources[0]
    assert cover_source["sizes"] == COVER_SIZES
    files = srcset_files(settings, cover_source["srcset"])
    assert [width for _, width in files] == list(WIDE)
    assert all(path.exists() and path.suffix == ".webp" for path, _ in files)
    cover = tags.all("img", alt="会场全景")[0]
    assert (cover["width"], cover["height"]) == ("1440", "720")
    assert cover["loading"] == "eager" and cover["decoding"] == "async"
    assert cover["sizes"] == COVER_SIZES
    assert all(path.exists() and path.suffix == ".jpg" for path, _ in files_of(settings, cover))
    photos = [img for img in tags.all("img") if img.get("sizes", "").endswith("50vw, 100vw")]
    assert len(photos) == 2
    for photo in photos:
        assert photo["loading"] == "lazy"
        assert (photo["width"], photo["height"]) == ("8", "6")  # the factory's tiny PNG
        assert photo["src"].endswith(".png")


def files_of(settings, img):
    return srcset_files(settings, img["srcset"])


def test_cards_show_lazy_pictures(client, settings):
    factories.event(cover=upload(size=(1600, 900)), cover_alt="封面")
    factories.lesson(cover=upload("lesson.png", (640, 360), "PNG"))
    response = client.get(reverse("home"))
    tags = Tags(response.text)
    cards = tags.all("img", **{"class": "card__image"})
    assert len(cards) == 2
    assert len(tags.all("source", type="image/webp")) == 2
    for card in cards:
        assert card["loading"] == "lazy"
        assert card["sizes"] == "(min-width: 60rem) 21rem, (min-width: 40rem) 50vw, 100vw"
        assert int(card["width"]) * 9 == int(card["height"]) * 16
        assert all(path.exists() for path, _ in files_of(settings, card))


def test_picture_alt_marked_simplified_when_english_falls_back(client):
    event = factories.event(cover=upload(), cover_alt="会场")
    response = client.get("/en" + event.get_absolute_url())
    (cover,) = Tags(response.text).all("img", alt="会场")
    assert cover["lang"] == "zh-hans"


def test_picture_without_renditions_shows_the_original(client):
    event = factories.event(cover=upload())
    Event.objects.update(cover_renditions={})  # a row saved before renditions existed
    response = client.get(event.get_absolute_url())
    tags = Tags(response.text)
    assert tags.all("source") == []
    (cover,) = tags.all("img", src=event.cover.url)
    assert "srcset" not in cover and "width" not in cover


def test_animation_shown_as_uploaded_with_its_size(client):
    organization = factories.organization(logo=animation())
    response = client.get(organization.get_absolute_url())
    (logo,) = Tags(response.text).all("img", src=organization.logo.url)
    assert (logo["width"], logo["height"]) == ("120", "60")


def test_lesson_video_poster_is_a_jpeg_rendition(client, settings):
    lesson = factories.lesson(
        cover=upload(size=(1600, 900)),
        video_file=SimpleUploadedFile("lesson.mp4", b"\x00\x00\x00\x18ftypmp42", "video/mp4"),
    )
    response = client.get(lesson.get_absolute_url())
    (video,) = Tags(response.text).all("video")
    expected = next(copy for copy in lesson.cover_renditions["fallback"] if copy["width"] == 960)
    assert video["poster"] == "/" + settings.MEDIA_URL.lstrip("/") + expected["name"]


# No query, sorl-thumbnail call or file read at request time


def forbidden(*args, **kwargs):
    raise AssertionError("pages must not read pictures or ask sorl-thumbnail")


@pytest.fixture
def no_image_work(monkeypatch):
    def forbid():
        for owner, name in [
            (ThumbnailBackend, "get_thumbnail"),
            (KVStoreBase, "get"),
            (FileSystemStorage, "open"),
            (FileSystemStorage, "exists"),
            (Image, "open"),
        ]:
            monkeypatch.setattr(owner, name, forbidden)

    return forbid


def pictured_events(items):
    for i in range(items):
        factories.event(start=timezone.now() + datetime.timedelta(days=i + 1), cover=upload())
        factories.event(cover=upload(size=(900, 600)))


def pictured_lessons(items, **fields):
    return [
        factories.lesson(cover=upload("c.png", (500, 280), "PNG"), **fields) for _ in range(items)
    ]


def pictured_speaker(positions=1):
    return factories.speaker(positions=positions, photo=upload("face.jpg", (300, 400)))


def event_detail(items):
    return factories.full_event(items, cover=upload()).get_absolute_url()


def event_list(items):
    pictured_events(items)
    return reverse("events:event_list")


def home(items):
    pictured_events(items)
    for _ in range(items):
        pictured_lessons(1, speaker=factories.speaker())
    return reverse("home")


def lesson_list(items):
    pictured_lessons(items, speaker=factories.speaker())
    return reverse("events:lesson_list")


def lesson_detail(items):
    lesson = pictured_lessons(1, speaker=factories.speaker())[0]
    pictured_lessons(items, speaker=factories.speaker())
    return lesson.get_absolute_url()


def speaker_list(items):
    for _ in range(items):
        pictured_speaker(positions=2)
    return reverse("speakers:speaker_list")


def speaker_detail(items):
    speaker = pictured_speaker(positions=items)
    for _ in range(items):
        event = factories.event(speeches=0, cover=upload())
        event.speeches.create(speaker=speaker, role=Speech.Role.KEYNOTE, title="演讲")
        pictured_lessons(1, speaker=speaker)
    return speaker.get_absolute_url()


def organization_list(items):
    for _ in range(items):
        factories.organization(
            kind=Organization.Kind.MUSEUM, logo=upload("l.png", (200, 200), "PNG")
        )
    return reverse("speakers:organization_list") + "?kind=museum"


def organization_detail(items):
    organization = factories.organization(logo=upload("l.png", (200, 200), "PNG"))
    for _ in range(items):
        factories.speaker(positions=0).positions.create(organization=organization, title="主任")
        factories.event(cover=upload()).organizers.add(organization)
    return organization.get_absolute_url()


def pictured_route(items):
    route = build_route(stops=items)
    for stop in route.stops.all():
        stop.photo = upload(size=(1200, 800))
        stop.save()
    return route


def route_page(items):
    return pictured_route(items).get_absolute_url()


def stop_page(items):
    return pictured_route(items).stops.get(number=1).get_absolute_url()


# The counts asserted by each page's own query-count test, which has no pictures.
PAGES = {
    event_detail: 7,
    event_list: 5,
    home: 4,
    lesson_list: 2,
    lesson_detail: 2,
    speaker_list: 3,
    speaker_detail: 5,
    organization_list: 2,
    organization_detail: 4,
    route_page: 2,
    stop_page: 2,
}


@pytest.mark.parametrize("items", [1, 3])
@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.__name__)
def test_page_with_pictures_query_count_unchanged(
    client, django_assert_num_queries, no_image_work, page, items
):
    url = page(items)
    no_image_work()
    with django_assert_num_queries(PAGES[page]):
        response = client.get(url)
    assert response.status_code == 200
    tags = Tags(response.text)
    pictures = tags.all("source", type="image/webp")
    assert pictures and len(pictures) == len(tags.all("picture"))
    assert all(img.get("width") and img.get("height") for img in tags.all("img"))
