from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline, TranslationTabularInline

from lujiazui.admin import PublishableAdmin, in_all_languages
from lujiazui.exports import Column, ExportAdmin
from lujiazui.pages import absolute_url

from .models import Attendance, Event, Lesson, Photo, Section, Speech


class SectionInline(TranslationStackedInline):
    model = Section
    extra = 0
    fields = ["order", "title", "body"]


class SpeechInline(TranslationStackedInline):
    model = Speech
    extra = 0
    autocomplete_fields = ["speaker", "position"]
    fields = ["order", "section", "speaker", "position", "role", "title", "summary"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer only this event's sections (none yet while the event is being added)."""
        if db_field.name == "section":
            event_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Section.objects.filter(event_id=event_id or None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["speaker", "position"]
    fields = ["order", "speaker", "position"]


class PhotoInline(TranslationTabularInline):
    model = Photo
    extra = 0
    fields = ["order", "image", "caption"]


def local_time(moment):
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


@admin.register(Event)
class EventAdmin(ExportAdmin, PublishableAdmin):
    list_display = ["title", "start", "venue", "status", "publish_at"]
    actions = [*PublishableAdmin.actions, "export_csv", "export_xlsx"]
    list_filter = ["status", "start"]
    date_hierarchy = "start"
    search_fields = in_all_languages("title", "theme", "summary", "venue")
    prepopulated_fields = {"slug": ["title_zh_hans"]}
    autocomplete_fields = ["organizers"]
    inlines = [SectionInline, SpeechInline, AttendanceInline, PhotoInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "theme", "summary", "body"]}),
        (
            _("When and where"),
            {"fields": ["start", "start_time_known", "end", "venue", "organizers"]},
        ),
        (_("Images and video"), {"fields": ["cover", "cover_alt", "livestream_url", "replay_url"]}),
        (_("Credits"), {"fields": ["source", "editors"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "derived_fields"]}),
    ]

    def export_queryset(self, request, queryset):
        return queryset.prefetch_related("organizers").order_by("start", "pk")

    def export_columns(self, request):
        return [
            Column(_("Title"), lambda event: event.title_zh_hans),
            Column(_("Title (English)"), lambda event: event.title_en),
            Column(_("Starts"), lambda event: local_time(event.start)),
            Column(_("Ends"), lambda event: local_time(event.end)),
            Column(_("Venue"), lambda event: event.venue_zh_hans),
            Column(
                _("Organizers"),
                lambda event: "、".join(o.name_zh_hans for o in event.organizers.all()),
            ),
            Column(_("Status"), lambda event: event.get_status_display()),
            Column(_("Publish date"), lambda event: local_time(event.publish_at)),
            Column(
                _("Address on the site"),
                lambda event: absolute_url(request, event.get_absolute_url()),
            ),
        ]


@admin.register(Lesson)
class LessonAdmin(PublishableAdmin):
    list_display = ["title", "series", "speaker", "status", "publish_at", "is_demo"]
    list_filter = ["series", "status", "is_demo"]
    list_select_related = ["speaker"]  # nullable, so not followed by default
    search_fields = in_all_languages("title", "summary")
    prepopulated_fields = {"slug": ["title_zh_hans"]}
    autocomplete_fields = ["speaker"]
