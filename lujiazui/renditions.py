"""Renditions: smaller copies of a stored picture for ``srcset``, in WebP and in a JPEG or PNG
fallback, made by sorl-thumbnail when the picture is saved (``PictureField.pre_save``).

What pages need (each copy's storage name, width and height) is kept on the row, in a
JSONField next to the image field, so showing a picture makes no query and never asks
sorl-thumbnail or its key-value store anything at request time:

    {"name": <the picture's name>, "width": 1600, "height": 900,
     "webp": [{"name": ..., "width": 480, "height": 270}, ...], "fallback": [...]}

"webp" and "fallback" are missing for an animation, which is shown as uploaded; the whole
value is empty while the picture could not be read (or when there is no picture).
"""

import logging

from PIL import ExifTags, Image
from sorl.thumbnail import default, get_thumbnail
from sorl.thumbnail.images import source_cache

logger = logging.getLogger(__name__)

# Widths made for each use, from a phone at 1x to a desktop at 2x or a phone at 3x; never
# wider than the original.
WIDE = (480, 960, 1440)  # covers, cards, the gallery, stop photos
SMALL = (96, 192, 288)  # portraits and logos, shown 3.5rem to 6rem wide
QUALITY = 80
UPRIGHT_SWAPS_SIDES = {5, 6, 7, 8}  # EXIF orientations that turn the picture a quarter


class RenditionError(Exception):
    pass


def has_transparency(image):
    """Whether some pixel is see-through: an alpha channel that is all opaque does not count."""
    if not image.has_transparency_data:
        return False
    if image.mode in ("RGBA", "LA", "PA"):
        return image.getchannel("A").getextrema()[0] < 255
    return True


def describe(file):
    """The picture's upright width and height, the fallback format its copies take (PNG for a
    PNG or a see-through picture, JPEG otherwise) and whether it is an animation."""
    with file.storage.open(file.name, "rb") as handle, Image.open(handle) as image:
        width, height = image.size
        if image.getexif().get(ExifTags.Base.Orientation) in UPRIGHT_SWAPS_SIDES:
            width, height = height, width
        animated = image.format != "MPO" and getattr(image, "n_frames", 1) > 1
        transparent = image.format == "PNG" or has_transparency(image)
        return width, height, "PNG" if transparent else "JPEG", animated


def rendition(file, width, image_format):
    """One copy, ``width`` pixels wide, made by sorl-thumbnail (or found already made)."""
    options = {"format": image_format, "quality": QUALITY, "upscale": False}
    thumbnail = get_thumbnail(file, str(width), **options)
    if not thumbnail.exists():
        # The key-value store remembers a copy whose file is gone: forget it, make it again.
        default.kvstore.delete(thumbnail, delete_thumbnails=False)
        thumbnail = get_thumbnail(file, str(width), **options)
        if not thumbnail.exists():
            raise RenditionError(f"sorl-thumbnail made no {image_format} copy of {file.name}")
    return {"name": thumbnail.name, "width": thumbnail.width, "height": thumbnail.height}


def make_renditions(file, widths):
    """The renditions value (see the module's docstring) for a stored picture."""
    try:
        with source_cache():  # the original is read from storage once, not once per copy
            width, height, fallback, animated = describe(file)
            made = {"name": file.name, "width": width, "height": height}
            if animated:
                return made
            sizes = sorted({min(size, width) for size in widths})
            for key, image_format in (("webp", "WEBP"), ("fallback", fallback)):
                made[key] = [rendition(file, size, image_format) for size in sizes]
            return made
    except Exception:  # a missing or unreadable file: pages show the original instead
        logger.warning("No renditions made for %s", file.name, exc_info=True)
        return {}


def srcset(copies):
    storage = default.storage
    return ", ".join(f"{storage.url(copy['name'])} {copy['width']}w" for copy in copies)


def url(copy):
    return default.storage.url(copy["name"])
