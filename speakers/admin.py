from django.contrib import admin
from modeltranslation.admin import TranslationTabularInline

from lujiazui.admin import ContentAdmin, in_all_languages

from .models import Organization, Position, Speaker


class PositionInline(TranslationTabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["organization"]
    fields = ["organization", "title", "start_date", "end_date", "order"]


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
