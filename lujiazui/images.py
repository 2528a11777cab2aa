"""Image uploads: only JPEG, PNG or WebP, checked by content rather than by file name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


def validate_image(file):
    """Check a new upload; files already stored were checked when they arrived, and reading
    them again on every save would be slow (remote storage) or fail for a missing file."""
    if getattr(file, "_committed", False):
        return
    if file.size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            _("This image is %(size)s; the largest allowed is %(limit)s."),
            code="too_large",
            params={
                "size": filesizeformat(file.size),
                "limit": filesizeformat(settings.IMAGE_MAX_BYTES),
            },
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as image:
            image_format = image.format
            image.verify()
    except Exception as error:  # Pillow raises many kinds for broken or hostile files
        raise ValidationError(
            _("This file is not a picture we can read. Upload a JPEG, PNG or WebP image."),
            code="invalid_image",
        ) from error
    finally:
        file.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted. Upload a JPEG, PNG or WebP image."),
            code="invalid_format",
            params={"format": image_format},
        )


class PictureField(models.ImageField):
    """An ImageField restricted to JPEG, PNG and WebP content."""

    default_validators = [validate_image]
