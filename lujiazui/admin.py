"""Admin helpers shared by the apps."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin
from modeltranslation.utils import build_localized_fieldname

from . import audit
from .models import SiteSettings
from .publishing import Publishable, can_publish, publish, submit, unpublish


def in_all_languages(*fields):
    """Search fields for every language of translated ``fields``."""
    return [
        build_localized_fieldname(field, code)
        for field in fields
        for code, _name in settings.LANGUAGES
    ]


class HistoryAdmin:
    """The admin's "History" page shows the change history (``lujiazui.audit``): who changed
    which fields from what to what, and when, including the parts edited with the object
    (an event's speeches), and who viewed or exported people's details."""

    history_per_page = 50

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        page = Paginator(audit.history_of(obj), self.history_per_page).get_page(
            request.GET.get("p")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Change history: %s") % obj,
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "page": page,
            "entries": [audit.history_row(entry, obj) for entry in page],
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/change_history.html", context)


class SingletonAdmin:
    """A model of one row (pk 1): the list goes straight to it; it is never added or
    deleted."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        row, _created = self.model.objects.get_or_create(pk=1)
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])
        )


class ContentAdmin(HistoryAdmin, TabbedTranslationAdmin):
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
    """Admin for events and lessons: editors write and submit for review; only publishers
    (the ``publish_<model>`` permission) publish, schedule or take items back to draft."""

    actions = ["submit_for_review", "publish_now", "return_to_draft"]

    def has_publish_permission(self, request):
        return can_publish(request.user, self.model)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not self.has_publish_permission(request):
            published = Publishable.Status.PUBLISHED
            kwargs["choices"] = [c for c in db_field.choices if c[0] != published]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        published = obj is not None and obj.status == Publishable.Status.PUBLISHED
        if published and not self.has_publish_permission(request):
            return [*readonly, "status", "publish_at"]
        return readonly

    @admin.action(description=_("Submit the selected items for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        drafts = list(queryset.filter(status=Publishable.Status.DRAFT))
        for item in drafts:
            submit(item)
            self.log_change(request, item, str(Publishable.Status.SUBMITTED.label))
        count = len(drafts)
        self.message_user(
            request,
            ngettext(
                "%(count)d item submitted for review.",
                "%(count)d items submitted for review.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish the selected items now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        items = list(queryset)
        for item in items:
            publish(item)
            self.log_change(request, item, str(Publishable.Status.PUBLISHED.label))
        count = len(items)
        self.message_user(
            request,
            ngettext("%(count)d item published.", "%(count)d items published.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Return the selected items to draft"), permissions=["publish"])
    def return_to_draft(self, request, queryset):
        items = list(queryset)
        for item in items:
            unpublish(item)
            self.log_change(request, item, str(Publishable.Status.DRAFT.label))
        count = len(items)
        self.message_user(
            request,
            ngettext(
                "%(count)d item returned to draft.", "%(count)d items returned to draft.", count
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(SiteSettings)
class SiteSettingsAdmin(SingletonAdmin, ContentAdmin):
    fieldsets = [
        (_("Filing numbers"), {"fields": ["icp_filing", "public_security_filing"]}),
        (
            _("Contact details of the office"),
            {"fields": ["office_name", "address", "phone", "email", "office_hours"]},
        ),
        (None, {"fields": ["derived_fields"]}),
    ]
