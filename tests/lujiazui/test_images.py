import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lujiazui.images import validate_image
from tests.factories import image_bytes


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_validate_image_accepts_jpeg_png_webp(image_format):
    validate_image(SimpleUploadedFile("x", image_bytes(image_format)))


@pytest.mark.parametrize(
    "content, code",
    [
        (b"plain text", "invalid_image"),
        (image_bytes("JPEG")[:40], "invalid_image"),
        (image_bytes("GIF"), "invalid_format"),
        (image_bytes("BMP"), "invalid_format"),
    ],
    ids=["text", "truncated-jpeg", "gif", "bmp"],
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
