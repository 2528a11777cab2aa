import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms

from lujiazui.images import open_image, validate_image
from speakers.models import Organization
from tests.factories import image_bytes
from tests.lujiazui.test_admin import admin_url, organization_form

GPS = ExifTags.IFD.GPSInfo
ORIENTATION = ExifTags.Base.Orientation
RED, BLUE = (220, 20, 20), (20, 20, 220)
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/" exif:GPSLatitude="31,14.0N"/>'


def noise_jpeg():
    """A JPEG whose scan data is long enough to cut in the middle."""
    buffer = io.BytesIO()
    Image.effect_noise((200, 150), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def png_claiming(width, height):
    """A valid one-pixel PNG whose header claims width × height: a decompression bomb."""
    buffer = io.BytesIO()
    Image.new("1", (1, 1)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    data[16:24] = struct.pack(">II", width, height)  # IHDR's width and height
    data[29:33] = struct.pack(">I", zlib.crc32(data[12:29]))  # and its checksum
    return bytes(data)


def compressed_bomb():
    """2000 × 2000 black pixels in a few hundred bytes."""
    buffer = io.BytesIO()
    Image.new("1", (2000, 2000)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def located_exif():
    """EXIF of a phone photo taken in Lujiazui, held sideways."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # shown turned 90° clockwise
    exif[ExifTags.Base.Make] = "Lujiazui Camera"
    exif[GPS] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 30.0, 0.0)}
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2024:07:01 10:00:00"
    return exif


def located_photo(image_format):
    """40 × 20, left half red and right half blue, with GPS, orientation 6, ICC and XMP."""
    image = Image.new("RGB", (40, 20), BLUE)
    image.paste(RED, (0, 0, 20, 20))
    options = {"exif": located_exif().tobytes(), "icc_profile": SRGB}
    if image_format == "MPO":
        options |= {"save_all": True, "append_images": [Image.new("RGB", (20, 10))]}
    if image_format in ("JPEG", "MPO", "WEBP"):
        options["xmp"] = XMP
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def animation(image_format):
    frames = [Image.new("RGB", (30, 20), color) for color in (RED, BLUE, RED)]
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        image_format,
        save_all=True,
        append_images=frames[1:],
        duration=[100, 200, 300],
        loop=0,
        exif=located_exif().tobytes(),
    )
    return buffer.getvalue()


def dominant(pixel):
    return "red" if pixel[0] > pixel[2] else "blue"


def stored_files(settings):
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def post_logo(client, name, content, content_type="image/jpeg"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(admin_url(Organization, "add"), organization_form(logo=upload))


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_validate_image_accepts_jpeg_png_webp(image_format):
    validate_image(SimpleUploadedFile("x", image_bytes(image_format)))


@pytest.mark.parametrize(
    "content, code",
    [
        (b"plain text", "invalid_image"),
        (image_bytes("JPEG")[:40], "invalid_image"),
        (noise_jpeg()[:-2000], "invalid_image"),
        (image_bytes("GIF"), "invalid_format"),
        (image_bytes("BMP"), "invalid_format"),
    ],
    ids=["text", "truncated-jpeg-header", "truncated-jpeg-data", "gif", "bmp"],
)
def test_validate_image_rejects_other_content(content, code):
    with pytest.raises(ValidationError) as error:
        validate_image(SimpleUploadedFile("photo.jpg", content))
    assert error.value.code == code


def test_validate_image_rejects_files_over_the_limit(settings):
    content = image_bytes("PNG")
    settings.IMAGE_MAX_BYTES = len(content) - 1
    with pytest.raises(ValidationError) as error:
        validate_image(SimpleUploadedFile("big.png", content))
    assert error.value.code == "too_large"


def test_validate_image_rejects_images_over_the_pixel_limit(settings):
    settings.IMAGE_MAX_PIXELS = 8 * 6 - 1
    with pytest.raises(ValidationError) as error:
        validate_image(SimpleUploadedFile("wide.png", image_bytes("PNG", size=(8, 6))))
    assert error.value.code == "too_many_pixels"


def test_validate_image_accepts_images_at_the_pixel_limit(settings):
    settings.IMAGE_MAX_PIXELS = 8 * 6
    validate_image(SimpleUploadedFile("wide.png", image_bytes("PNG", size=(8, 6))))


def test_validate_image_counts_every_frame_of_an_animation(settings):
    settings.IMAGE_MAX_PIXELS = 30 * 20 * 3 - 1
    with pytest.raises(ValidationError) as error:
        validate_image(SimpleUploadedFile("moving.webp", animation("WEBP")))
    assert error.value.code == "too_many_pixels"


def test_validate_image_turns_pillow_bomb_error_into_pixel_error(settings):
    settings.IMAGE_MAX_PIXELS = 10**12  # only Pillow's own guard stands in the way
    with pytest.raises(ValidationError) as error:
        validate_image(SimpleUploadedFile("bomb.png", png_claiming(30_000, 30_000)))
    assert error.value.code == "too_many_pixels"
    assert isinstance(error.value.__cause__, Image.DecompressionBombError)


def test_open_image_raises_pillow_bomb_warning(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # 40 × 40 is over, not twice over
    with pytest.raises(Image.DecompressionBombWarning):
        with open_image(io.BytesIO(image_bytes("PNG", size=(40, 40)))):
            pass


def test_validate_image_rejects_images_just_over_pillow_limit(settings, monkeypatch):
    settings.IMAGE_MAX_PIXELS = 10**12
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ValidationError) as error:
        validate_image(SimpleUploadedFile("big.png", image_bytes("PNG", size=(40, 40))))
    assert error.value.code == "too_many_pixels"


def test_validate_image_rejects_images_over_pillow_limit_when_it_only_warns(settings, monkeypatch):
    """catch_warnings() is not thread-safe: another upload may have just reset the filter."""
    settings.IMAGE_MAX_PIXELS = 10**12
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    monkeypatch.setattr("warnings.simplefilter", lambda *args, **kwargs: None)
    with pytest.raises(ValidationError) as error:
        validate_image(SimpleUploadedFile("big.png", image_bytes("PNG", size=(40, 40))))
    assert error.value.code == "too_many_pixels"


def html_named_jpg(settings, monkeypatch):
    return "photo.jpg", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def svg(settings, monkeypatch):
    return "drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"/></svg>'


def truncated_jpeg(settings, monkeypatch):
    return "photo.jpg", noise_jpeg()[:-2000]


def over_the_byte_limit(settings, monkeypatch):
    content = image_bytes("JPEG")
    settings.IMAGE_MAX_BYTES = len(content) - 1
    return "photo.jpg", content


def over_the_pixel_limit(settings, monkeypatch):
    settings.IMAGE_MAX_PIXELS = 8 * 6 - 1
    return "photo.jpg", image_bytes("JPEG", size=(8, 6))


def header_bomb(settings, monkeypatch):
    settings.IMAGE_MAX_PIXELS = 10**12  # Pillow's guard at its default limit refuses it
    return "logo.png", png_claiming(30_000, 30_000)


def compressed_bomb_upload(settings, monkeypatch):
    settings.IMAGE_MAX_PIXELS = 10**12
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100_000)  # 2000 × 2000 is 40 times that
    return "logo.png", compressed_bomb()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make_upload, code",
    [
        (header_bomb, "too_many_pixels"),
        (compressed_bomb_upload, "too_many_pixels"),
        (over_the_pixel_limit, "too_many_pixels"),
        (truncated_jpeg, "invalid_image"),
        (svg, "invalid_image"),
        (html_named_jpg, "invalid_image"),
        (over_the_byte_limit, "too_large"),
    ],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_admin_upload_refused_with_form_error(
    staff_client, settings, monkeypatch, make_upload, code
):
    name, content = make_upload(settings, monkeypatch)
    response = post_logo(staff_client, name, content)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert [error.code for error in errors["logo"]] == [code]
    assert not Organization.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
@pytest.mark.parametrize("image_format", ["JPEG", "MPO", "WEBP", "PNG"])
def test_admin_upload_with_gps_saved_upright_without_location(staff_client, settings, image_format):
    content = located_photo(image_format)
    with Image.open(io.BytesIO(content)) as original:
        assert original.size == (40, 20)
        assert original.getexif().get_ifd(GPS)
    response = post_logo(staff_client, "photo.jpg", content)
    assert response.status_code == 302
    logo = Organization.objects.get().logo
    assert logo.name == "organizations/photo.jpg"
    with Image.open(logo.path) as stored:
        exif = stored.getexif()
        assert exif.get_ifd(GPS) == {}
        assert GPS not in exif
        assert "xmp" not in stored.info
        assert ORIENTATION not in exif
        assert exif[ExifTags.Base.Make] == "Lujiazui Camera"
        assert exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal]
        assert stored.info.get("icc_profile") == SRGB
        assert stored.size == (20, 40)
        rgb = stored.convert("RGB")
        # Turned clockwise: the red left half is now on top.
        assert [dominant(rgb.getpixel((10, y))) for y in (5, 35)] == ["red", "blue"]


@pytest.mark.django_db
@pytest.mark.parametrize("image_format", ["WEBP", "PNG"])
def test_admin_upload_animation_keeps_frames_without_location(staff_client, settings, image_format):
    response = post_logo(staff_client, "moving.png", animation(image_format))
    assert response.status_code == 302
    with Image.open(Organization.objects.get().logo.path) as stored:
        assert stored.getexif().get_ifd(GPS) == {}
        assert stored.n_frames == 3
        durations = []
        for index in range(stored.n_frames):
            stored.seek(index)
            stored.load()
            durations.append(stored.info["duration"])
        assert durations == [100, 200, 300]


@pytest.mark.django_db
def test_admin_upload_png_without_metadata_stored_unchanged(staff_client):
    content = image_bytes("PNG")
    assert post_logo(staff_client, "logo.png", content, "image/png").status_code == 302
    assert Path(Organization.objects.get().logo.path).read_bytes() == content


@pytest.mark.django_db
def test_admin_edit_without_new_logo_keeps_stored_file(staff_client):
    post_logo(staff_client, "photo.jpg", located_photo("JPEG"))
    organization = Organization.objects.get()
    name, content = organization.logo.name, Path(organization.logo.path).read_bytes()
    response = staff_client.post(
        admin_url(Organization, "change", organization.pk),
        organization_form(name_zh_hans="观复艺术馆"),
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name_zh_hans == "观复艺术馆"
    assert organization.logo.name == name
    assert Path(organization.logo.path).read_bytes() == content


@pytest.mark.django_db
def test_admin_edit_without_new_logo_does_not_read_stored_file(staff_client):
    """Stored files were checked on arrival; one missing from storage must not break edits."""
    post_logo(staff_client, "photo.jpg", located_photo("JPEG"))
    organization = Organization.objects.get()
    Path(organization.logo.path).unlink()
    response = staff_client.post(
        admin_url(Organization, "change", organization.pk),
        organization_form(name_zh_hans="观复艺术馆"),
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name_zh_hans == "观复艺术馆"
