"""Image uploads: only JPEG, PNG or WebP, checked by content rather than by file name, with a
limit on bytes and on pixels; on save, turned upright and stripped of location data."""

import io
import warnings
from contextlib import contextmanager

from django import forms
from django.conf import settings
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps, JpegImagePlugin

from lujiazui.renditions import make_renditions

# MPO is the JPEG that many cameras write with extra pictures (previews, depth) appended;
# it is read, and saved, as a JPEG of its first picture.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
JPEG_QUALITY = 90
REMOVED_TAGS = (ExifTags.IFD.GPSInfo, ExifTags.Base.Orientation)


def pixel_limit():
    """The largest accepted width × height (× frames): the setting, or Pillow's own bomb
    limit when lower, so that refusing never depends on how warnings are filtered."""
    return min(settings.IMAGE_MAX_PIXELS, Image.MAX_IMAGE_PIXELS or settings.IMAGE_MAX_PIXELS)


def too_many_pixels():
    return ValidationError(
        _("This image has too many pixels: at most %(limit)s are allowed."),
        code="too_many_pixels",
        params={"limit": number_format(pixel_limit(), force_grouping=True)},
    )


@contextmanager
def open_image(file):
    """Open an upload with Pillow's decompression-bomb warning raised as an error: Pillow only
    warns between MAX_IMAGE_PIXELS and twice that, and a warning would let the bomb through."""
    file.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(file) as image:
            yield image


def frame_count(image):
    """Frames that will be decoded: an MPO's extra pictures are dropped, not decoded."""
    return 1 if image.format == "MPO" else getattr(image, "n_frames", 1)


def decode(image):
    """Decode every frame, which finds truncated or corrupt data that the headers (and
    Pillow's verify(), a no-op for JPEG) do not show. A JPEG is decoded at 1/8 scale: the
    whole stream is still read, in far less memory."""
    if image.format in ("JPEG", "MPO"):
        image.draft(image.mode, (image.width // 8 or 1, image.height // 8 or 1))
    for index in range(frame_count(image)):
        image.seek(index)
        image.load()


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
        with open_image(file) as image:
            image_format = image.format
            pixels = image.width * image.height * frame_count(image)
            # Decoding is what costs: only for an accepted format and pixel count.
            if image_format in ALLOWED_FORMATS and pixels <= pixel_limit():
                decode(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_many_pixels() from error
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
    if pixels > pixel_limit():
        raise too_many_pixels()


def webp_is_lossless(file):
    """Whether a WebP holds lossless (VP8L) rather than lossy (VP8) data: Pillow does not
    say, and a lossless logo should not come back lossy."""
    file.seek(12)  # after "RIFF", the size and "WEBP"
    while header := file.read(8):
        if len(header) < 8 or header[:4] == b"VP8 ":
            return False
        if header[:4] == b"VP8L":
            return True
        size = int.from_bytes(header[4:], "little")
        file.seek(size + size % 2, io.SEEK_CUR)
    return False


def exif_without_location(image, *, upright):
    """The image's EXIF less its GPS directory, and less its orientation once applied."""
    exif = image.getexif()
    for tag in REMOVED_TAGS if upright else REMOVED_TAGS[:1]:
        exif.pop(tag, None)
    data = exif.tobytes() if len(exif) else b""
    check = Image.Exif()
    check.load(data)
    return b"" if ExifTags.IFD.GPSInfo in check else data  # never keep a location


def cleaned_picture(file):
    """The upload upright and without location data, as bytes, or None to store it as is.

    JPEG and WebP are re-encoded (JPEG at quality 90, a lossless WebP lossless), keeping the
    ICC profile and the EXIF less GPS and orientation: re-encoding also drops XMP, IPTC and
    comments, where location can hide too. PNG (lossless) and animations are re-saved only
    when they carry EXIF or XMP; an animation keeps its frames and is not turned. Files that
    are not pictures are left alone: validation refuses them."""
    try:
        with open_image(file) as image:
            image_format = "JPEG" if image.format == "MPO" else image.format
    except Exception:  # Pillow raises many kinds for broken or hostile files
        return None
    if image_format not in ALLOWED_FORMATS:
        return None
    lossless = image_format == "WEBP" and webp_is_lossless(file)
    with open_image(file) as image:
        frames = frame_count(image)
        has_metadata = len(image.getexif()) or "xmp" in image.info
        if (image_format == "PNG" or frames > 1) and not has_metadata:
            return None
        options = {"icc_profile": image.info.get("icc_profile")}
        if image_format == "JPEG":
            options |= {
                "quality": JPEG_QUALITY,
                "subsampling": JpegImagePlugin.get_sampling(image),
                "optimize": True,
                "progressive": bool(image.info.get("progressive")),
                "comment": b"",
            }
            if "dpi" in image.info:
                options["dpi"] = image.info["dpi"]
        elif image_format == "WEBP":
            options |= {"lossless": True} if lossless else {"quality": JPEG_QUALITY}
        if frames > 1:
            durations = []
            for index in range(frames):
                image.seek(index)
                image.load()  # a WebP frame tells its duration once loaded
                durations.append(image.info.get("duration", 0))
            image.seek(0)
            options |= {"save_all": True, "duration": durations, "loop": image.info.get("loop", 0)}
            picture, upright = image, False
        else:
            picture, upright = ImageOps.exif_transpose(image), True
        options["exif"] = exif_without_location(image, upright=upright)
        output = io.BytesIO()
        picture.save(output, image_format, **options)
    return output.getvalue()


class PictureFormField(forms.ImageField):
    """Runs validate_image before Django's own check, which would answer a decompression bomb
    or a truncated JPEG with its vaguer message (or not at all)."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is not None:
            validate_image(upload)
        return super().to_python(data)


class PictureFieldFile(ImageFieldFile):
    @property
    def renditions(self):
        """What pages need to show this picture's renditions (see lujiazui/renditions.py), or
        {} when it has none: none made yet, or made for a picture since replaced."""
        stored = getattr(self.instance, self.field.renditions_field or "", None)
        return stored if stored and stored.get("name") == self.name else {}


def renditions_field():
    """The JSONField that keeps a PictureField's renditions; declare it after the picture."""
    return models.JSONField(default=dict, blank=True, editable=False)


class PictureField(models.ImageField):
    """An ImageField restricted to JPEG, PNG and WebP content, normalized when saved.

    With ``renditions_field``, the name of a ``renditions_field()`` declared after it, the
    picture's renditions ``widths`` pixels wide are made when a new picture is saved. Neither
    option is kept in migrations: they change no column."""

    attr_class = PictureFieldFile
    default_validators = [validate_image]

    def __init__(self, *args, renditions_field=None, widths=(), **kwargs):
        self.renditions_field = renditions_field
        self.widths = tuple(widths)
        super().__init__(*args, **kwargs)

    def check(self, **kwargs):
        return [*super().check(**kwargs), *self._check_renditions_field()]

    def _check_renditions_field(self):
        if not self.renditions_field:
            return []
        try:
            field = self.model._meta.get_field(self.renditions_field)
        except FieldDoesNotExist:
            field = None
        # Fields are saved in the order they are declared: the renditions, made while the
        # picture is saved, are only written when their field comes after it.
        if field is None or field.creation_counter < self.creation_counter or not self.widths:
            return [
                checks.Error(
                    f"renditions_field must name a field declared after '{self.name}', "
                    "and widths must not be empty.",
                    obj=self,
                    id="lujiazui.E001",
                )
            ]
        return []

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PictureFormField, **kwargs})

    def pre_save(self, model_instance, add):
        """Replace a new upload by its cleaned version before it is stored; stored files were
        cleaned when they arrived. Then make the renditions of a picture that has none."""
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            cleaned = cleaned_picture(file)
            if cleaned is not None:
                file.file = ContentFile(cleaned, name=file.name)
        file = super().pre_save(model_instance, add)
        if self.renditions_field:
            self.update_renditions(model_instance)
        return file

    def update_renditions(self, instance, force=False):
        """Make the renditions of the instance's picture, unless they are made already: a
        stored picture is not read again (remote storage is slow, the file may be gone)."""
        file = getattr(instance, self.attname)
        if not file:
            setattr(instance, self.renditions_field, {})
        elif force or not file.renditions:
            setattr(instance, self.renditions_field, make_renditions(file, self.widths))
