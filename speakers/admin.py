from django.contrib import admin
from modeltranslation.admin import TranslationTabularInline

from lujiazui.admin import ContentAdmin, in_all_languages

from .models import Organization, Position, Speaker


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

    def has_module_permission(self, request):
        return False


@admin.register(Organization)
class OrganizationAdmin(ContentAdmin):
    list_display = ["name", "kind", "is_council_member", "is_practice_point"]
    list_filter = ["kind", "is_council_member", "is_practice_point"]
    search_fields = in_all_languages("name", "short_name")
    prepopulated_fields = {"slug": ["name_zh_hans"]}


@admin.register(Speaker)
class SpeakerAdmin(ContentAdmin):
    list_display = ["name", "slug"]
    search_fields = in_all_languages("name", "biography") + in_all_languages("positions__title")
    list_filter = ["positions__organization__kind"]
    prepopulated_fields = {"slug": ["name_zh_hans"]}
    inlines = [PositionInline]
