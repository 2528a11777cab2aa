from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from lujiazui.admin import ContentAdmin, in_all_languages
from lujiazui.exports import Column, ExportAdmin
from lujiazui.pages import absolute_url

from .models import Organization, Position, Speaker, prefetch_positions


class PositionInline(TranslationTabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "title", "start_date", "end_date", "order"]


@admin.register(Position)
class PositionAdmin(ContentAdmin):
    """Not listed in the menu (positions are edited with their person); it serves the search
    when a speech or a guest is given the position they came in."""

    search_fields = in_all_languages("speaker__name", "organization__name", "title")

    def get_queryset(self, request):
        """Both are in ``__str__``: the list and the autocomplete show it for every row."""
        return super().get_queryset(request).select_related("speaker", "organization")

    def has_module_permission(self, request):
        return False


@admin.register(Organization)
class OrganizationAdmin(ExportAdmin, ContentAdmin):
    list_display = ["name", "kind", "is_council_member", "is_practice_point"]
    list_filter = ["kind", "is_council_member", "is_practice_point"]
    search_fields = in_all_languages("name", "short_name")
    prepopulated_fields = {"slug": ["name_zh_hans"]}
    actions = ["export_csv", "export_xlsx"]

    def export_columns(self, request):
        return [
            Column(_("Name"), lambda org: org.name_zh_hans),
            Column(_("Name (English)"), lambda org: org.name_en),
            Column(_("Short name"), lambda org: org.short_name_zh_hans),
            Column(_("Kind"), lambda org: org.get_kind_display()),
            Column(_("Council member"), lambda org: org.is_council_member),
            Column(_("Practice point"), lambda org: org.is_practice_point),
            Column(_("Address"), lambda org: org.address_zh_hans),
            Column(_("Website"), lambda org: org.website),
            Column(
                _("Address on the site"),
                lambda org: absolute_url(request, org.get_absolute_url()),
            ),
        ]


@admin.register(Speaker)
class SpeakerAdmin(ExportAdmin, ContentAdmin):
    list_display = ["name", "slug"]
    search_fields = in_all_languages("name", "biography") + in_all_languages("positions__title")
    list_filter = ["positions__organization__kind"]
    prepopulated_fields = {"slug": ["name_zh_hans"]}
    inlines = [PositionInline]
    actions = ["export_csv", "export_xlsx"]

    def export_queryset(self, request, queryset):
        return queryset.prefetch_related(prefetch_positions())

    def export_columns(self, request):
        return [
            Column(_("Name"), lambda speaker: speaker.name_zh_hans),
            Column(_("Name (English)"), lambda speaker: speaker.name_en),
            Column(
                _("Positions"),
                lambda speaker: "；".join(
                    f"{position.organization.name_zh_hans} {position.title_zh_hans}"
                    for position in speaker.positions.all()
                ),
            ),
            Column(
                _("Address on the site"),
                lambda speaker: absolute_url(request, speaker.get_absolute_url()),
            ),
        ]
