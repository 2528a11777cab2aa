"""Derive Traditional Chinese content from Simplified with OpenCC.

Staff write Simplified. Every translated field whose Traditional twin is empty gets a
character-level OpenCC conversion. The converted value is remembered in
``traditional_derived`` so that the next save can tell a derived value (refresh it when
the Simplified source changes) from one staff wrote themselves (never touch it).
"""

from functools import lru_cache

import opencc
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator


@lru_cache(maxsize=1)
def _converter():
    return opencc.OpenCC(settings.OPENCC_CONFIG)


def to_traditional(text):
    """Simplified → Traditional, character by character; HTML markup passes through."""
    if not text:
        return text
    return _converter().convert(text)


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

    def save(self, *args, **kwargs):
        self.derive_traditional()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {
                "traditional_derived",
                *(f"{name}_zh_hant" for name in translated_field_names(type(self))),
            }
        super().save(*args, **kwargs)

    def derive_traditional(self):
        derived = dict(self.traditional_derived or {})
        for name in translated_field_names(type(self)):
            simplified = getattr(self, f"{name}_zh_hans") or ""
            traditional = getattr(self, f"{name}_zh_hant") or ""
            if traditional and traditional != derived.get(name):
                derived.pop(name, None)  # written by staff: theirs to keep
                continue
            converted = to_traditional(simplified)
            setattr(self, f"{name}_zh_hant", converted)
            if converted:
                derived[name] = converted
            else:
                derived.pop(name, None)
        self.traditional_derived = derived

    def is_traditional_derived(self, name):
        return name in (self.traditional_derived or {})
