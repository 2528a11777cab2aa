"""Show a PictureField's picture through its renditions (lujiazui/renditions.py).

Reads only what the row holds: no query, no call to sorl-thumbnail, no file read.
"""

from django import template

from lujiazui import renditions as made

register = template.Library()


@register.inclusion_tag("includes/picture.html")
def picture(image, sizes, alt="", alt_lang="", css_class="", loading="lazy"):
    """``{% picture event.cover sizes="(min-width: 60rem) 46rem, 100vw" alt=event.cover_alt %}``

    A ``<picture>`` with a WebP ``<source>`` and an ``<img>`` of the JPEG or PNG copies, both
    with ``srcset`` and ``sizes`` (the width the picture takes on the page); or, for a picture
    without renditions, an ``<img>`` of the original. ``alt_lang`` is ``{% fallback_lang %}``'s
    output for the alt text; ``loading`` is "lazy" unless the picture is above the fold."""
    stored = image.renditions
    context = {
        "sizes": sizes,
        "alt": alt,
        "alt_lang": alt_lang,
        "css_class": css_class,
        "loading": loading,
        "width": stored.get("width"),
        "height": stored.get("height"),
    }
    webp, fallback = stored.get("webp"), stored.get("fallback")
    if not (webp and fallback):
        return {**context, "src": image.url}
    largest = fallback[-1]
    return {
        **context,
        "webp_srcset": made.srcset(webp),
        "srcset": made.srcset(fallback),
        "src": made.url(largest),
        "width": largest["width"],
        "height": largest["height"],
    }


@register.simple_tag
def rendition_url(image, width):
    """The address of the picture's JPEG or PNG copy at least ``width`` pixels wide (else its
    largest), or of the original: for a single address, such as a video's poster."""
    fallback = image.renditions.get("fallback")
    if not fallback:
        return image.url
    return made.url(next((copy for copy in fallback if copy["width"] >= width), fallback[-1]))
