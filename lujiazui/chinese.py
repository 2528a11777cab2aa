"""Derive Traditional Chinese content from Simplified with OpenCC.

Staff write Simplified. Every translated field whose Traditional twin is empty gets a
character-level OpenCC conversion. The converted value is remembered in
``traditional_derived`` so that the next save can tell a derived value (refresh it when
the Simplified source changes) from one staff wrote themselves (never touch it).

It happens in ``save()``: ``bulk_create``, ``QuerySet.update`` and ``loaddata`` skip it, so
code that writes content in bulk saves each object afterwards (or leaves Traditional to a
later save).
"""

import re
from functools import lru_cache

import opencc
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator


@lru_cache(maxsize=1)
def _converter():
    return opencc.OpenCC(settings.OPENCC_CONFIG)


TAG = re.compile(r"(<[^>]*>)")


def to_traditional(text):
    """Simplified → Traditional, character by character.

    Only text is converted: HTML tags pass through untouched, so that links to Chinese slugs
    (shared by all languages) keep working.
    """
    if not text:
        return text
    converter = _converter()
    return "".join(
        part if part.startswith("<") else converter.convert(part) for part in TAG.split(text)
    )


def translated_field_names(model):
    try:
        return sorted(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return []


class DerivesTraditional(models.Model):
    """Model mixin: fill and refresh ``<field>_zh_hant`` from ``<field>_zh_hans`` on save."""

    traditional_derived = models.JSONField(
        _("Traditional text derived by OpenCC"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("Fields whose Traditional Chinese text was converted automatically."),
    )

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        names = translated_field_names(type(self))
        if update_fields is not None:
            # A partial save derives only from the texts it stores, and stores what it derives.
            update_fields = set(update_fields)
            names = [n for n in names if {n, f"{n}_zh_hans", f"{n}_zh_hant"} & update_fields]
            if names:
                update_fields |= {"traditional_derived", *(f"{n}_zh_hant" for n in names)}
        self.derive_traditional(names)
        super().save(*args, update_fields=update_fields, **kwargs)

    def derive_traditional(self, names):
        derived = dict(self.traditional_derived or {})
        for name in names:
            simplified = getattr(self, f"{name}_zh_hans") or ""
            traditional = getattr(self, f"{name}_zh_hant") or ""
            if traditional and traditional != derived.get(name):
                derived.pop(name, None)  # written by staff: theirs to keep
                continue
            converted = to_traditional(simplified)
            sanitize = getattr(self._meta.get_field(f"{name}_zh_hant"), "sanitize", None)
            if converted and sanitize:
                # rich text is sanitized when saved: remember exactly what will be stored
                converted = sanitize(converted)
            setattr(self, f"{name}_zh_hant", converted)
            if converted:
                derived[name] = converted
            else:
                derived.pop(name, None)
        self.traditional_derived = derived

    def is_traditional_derived(self, name):
        return name in (self.traditional_derived or {})
