"""Admin helpers shared by the apps."""

from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from .publishing import publish, unpublish


def in_all_languages(*fields):
    """Search fields for every language of translated ``fields``."""
    return [
        build_localized_fieldname(field, code)
        for field in fields
        for code, _name in settings.LANGUAGES
    ]


class ContentAdmin(TabbedTranslationAdmin):
    """Admin for translated content: language tabs, and a note on derived Traditional text."""

    readonly_fields = ("derived_fields",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("Traditional text derived by OpenCC"))
    def derived_fields(self, obj):
        names = sorted((obj.traditional_derived or {}).keys()) if obj and obj.pk else []
        if not names:
            return "—"
        return ", ".join(str(obj._meta.get_field(name).verbose_name) for name in names)


class PublishableAdmin(ContentAdmin):
    """Admin for events and lessons: publish or return to draft from the list."""

    actions = ["publish_now", "return_to_draft"]

    @admin.action(description=_("Publish the selected items now"))
    def publish_now(self, request, queryset):
        for item in queryset:
            publish(item)
        self.message_user(
            request,
            ngettext("%(count)d item published.", "%(count)d items published.", len(queryset))
            % {"count": len(queryset)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Return the selected items to draft"))
    def return_to_draft(self, request, queryset):
        for item in queryset:
            unpublish(item)
        self.message_user(
            request,
            ngettext(
                "%(count)d item returned to draft.",
                "%(count)d items returned to draft.",
                len(queryset),
            )
            % {"count": len(queryset)},
            messages.SUCCESS,
        )
