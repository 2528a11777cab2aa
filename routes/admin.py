"""The red route in the admin: route, stops, opening rules, slots, bookings and check-ins.

Bookings change status only through ``routes.booking`` (the admin actions); staff cannot
edit a booking's status, places, slot or reference. Contact details (phone, email, note)
are shown in full only to users with ``routes.view_contact_details``; everyone else sees the
masked phone (138****1234) in the list, the change form, the visits page and the exports;
every view of full contact details is recorded in the booking's history.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationTabularInline

from lujiazui import audit
from lujiazui.admin import ContentAdmin, HistoryAdmin, SingletonAdmin, in_all_languages
from lujiazui.exports import Column, ExportAdmin

from . import booking as rules
from .forms import normalize_mainland_mobile
from .models import Booking, BookingSettings, CheckIn, Closure, OpeningRule, Route, Slot, Stop

CONTACT_PERMISSION = "routes.view_contact_details"


def sees_contact_details(request):
    return request.user.has_perm(CONTACT_PERMISSION)


# --------------------------------------------------------------------------- route and stops


class OpeningRuleForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label=_("weekdays"),
        coerce=int,
        choices=OpeningRule.Weekday.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "weekday-choices"}),
    )

    class Meta:
        model = OpeningRule
        fields = ["weekdays", "start_time", "end_time", "capacity", "valid_from", "valid_until"]

    def clean_weekdays(self):
        return sorted(set(self.cleaned_data["weekdays"]))


class StopInline(TranslationTabularInline):
    model = Stop
    extra = 0
    fields = ["number", "name", "is_demo"]
    show_change_link = True
    ordering = ["number"]


class OpeningRuleInline(admin.TabularInline):
    model = OpeningRule
    form = OpeningRuleForm
    extra = 0


class ClosureInline(TranslationTabularInline):
    model = Closure
    extra = 0
    fields = ["start_date", "end_date", "reason"]


@admin.register(Route)
class RouteAdmin(ContentAdmin):
    list_display = ["name", "slug", "stop_count", "is_demo"]
    list_filter = ["is_demo"]
    search_fields = in_all_languages("name", "summary")
    prepopulated_fields = {"slug": ["name_zh_hans"]}
    inlines = [StopInline, OpeningRuleInline, ClosureInline]
    fields = ["name", "slug", "summary", "body", "is_demo", "derived_fields"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(stops_count=Count("stops"))

    @admin.display(description=_("stops"), ordering="stops_count")
    def stop_count(self, route):
        return route.stops_count


@admin.register(Stop)
class StopAdmin(ContentAdmin):
    list_display = ["number", "name", "route", "address", "check_in_code", "is_demo"]
    list_display_links = ["number", "name"]
    list_filter = ["route", "is_demo"]
    list_select_related = ["route"]
    ordering = ["route", "number"]
    search_fields = in_all_languages("name", "address", "summary")
    autocomplete_fields = ["organization"]
    readonly_fields = ["check_in", "derived_fields"]
    fieldsets = [
        (None, {"fields": ["route", "number", "name", "summary", "body", "is_demo"]}),
        (
            _("Where and when"),
            {
                "fields": [
                    "address",
                    "latitude",
                    "longitude",
                    "coordinate_system",
                    "opening_hours",
                    "suggested_minutes",
                    "organization",
                ]
            },
        ),
        (_("Photo"), {"fields": ["photo", "photo_alt"]}),
        (_("Check-in"), {"fields": ["check_in", "derived_fields"]}),
    ]

    @admin.display(description=_("check-in code"))
    def check_in(self, stop):
        if not stop or not stop.pk:
            return gettext("Made when the stop is saved.")
        sign = reverse("routes:sign", kwargs={"slug": stop.route.slug, "number": stop.number})
        link = reverse("check_in_link", kwargs={"code": stop.check_in_code})
        return format_html(
            '<strong>{}</strong><br><a href="{}" target="_blank">{}</a> · {} <a href="{}">{}</a>',
            stop.check_in_code,
            sign,
            gettext("Printable sign with QR code"),
            gettext("QR code address:"),
            link,
            link,
        )


# --------------------------------------------------------------------------- settings and slots


@admin.register(BookingSettings)
class BookingSettingsAdmin(SingletonAdmin, HistoryAdmin, admin.ModelAdmin):
    fieldsets = [
        (
            _("Booking"),
            {
                "fields": [
                    "booking_window_days",
                    "lead_time_hours",
                    "min_group_size",
                    "max_group_size",
                    "cancellation_cutoff_hours",
                ]
            },
        ),
        (_("Privacy"), {"fields": ["retention_days", "privacy_notice_version"]}),
    ]


class WeekFilter(admin.SimpleListFilter):
    """Today, this week, next week (Monday to Sunday), from today on, past."""

    title = _("date")
    parameter_name = "day"
    field = "date"

    def lookups(self, request, model_admin):
        return [
            ("today", _("Today")),
            ("this_week", _("This week")),
            ("next_week", _("Next week")),
            ("upcoming", _("From today on")),
            ("past", _("Past")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        monday = today - datetime.timedelta(days=today.weekday())
        week = datetime.timedelta(days=7)
        ranges = {
            "today": {"": today},
            "this_week": {"__gte": monday, "__lt": monday + week},
            "next_week": {"__gte": monday + week, "__lt": monday + 2 * week},
            "upcoming": {"__gte": today},
            "past": {"__lt": today},
        }
        if self.value() not in ranges:
            return queryset
        return queryset.filter(
            **{f"{self.field}{lookup}": day for lookup, day in ranges[self.value()].items()}
        )


@admin.register(Slot)
class SlotAdmin(HistoryAdmin, admin.ModelAdmin):
    """Slots are made by bookings from the opening rules; staff may change a slot's capacity
    (never below the places taken) or end time."""

    list_display = ["date", "time", "route", "capacity", "places_taken", "places_left", "bookings"]
    list_filter = [WeekFilter, "route"]
    list_select_related = ["route"]
    date_hierarchy = "date"
    fields = ["route", "date", "start_time", "end_time", "capacity", "places_taken"]
    readonly_fields = ["route", "date", "start_time", "places_taken"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(places_left_count=F("capacity") - F("places_taken"))
        )

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        """Through the rules: the capacity never drops below places booked meanwhile."""
        try:
            rules.change_slot(obj, capacity=obj.capacity, end_time=obj.end_time)
        except rules.BookingError as refusal:
            self.message_user(request, refusal.message, messages.ERROR)

    @admin.display(description=_("time"), ordering="start_time")
    def time(self, slot):
        return f"{slot.start_time:%H:%M}–{slot.end_time:%H:%M}"

    @admin.display(description=_("places left"), ordering="places_left_count")
    def places_left(self, slot):
        return slot.places_left

    @admin.display(description=_("bookings"))
    def bookings(self, slot):
        url = reverse("admin:routes_booking_changelist")
        return format_html('<a href="{}?slot__id__exact={}">{}</a>', url, slot.pk, _("View"))


# --------------------------------------------------------------------------- bookings


class VisitDateFilter(WeekFilter):
    title = _("visit date")
    parameter_name = "visit"
    field = "slot__date"


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=_("The group reads it in the email and on their booking page."),
        max_length=1000,
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Please give the group a reason."), code="required")
        return reason


def shown_phone(booking, full):
    """The phone as this user may see it; nothing once the details were purged."""
    if not booking.contact_phone:
        return ""
    return booking.contact_phone if full else booking.masked_phone


def masked_email(email):
    return gettext("(hidden)") if email else ""


def send_email(request, model_admin, booking, kind):
    """Email the group about ``kind`` (``confirmed``, ``declined``) if they gave an address.

    ``routes.emails`` is imported here so that the admin works without it. A mail server
    that fails does not undo the status change; staff are told to contact the group.
    """
    if not booking.contact_email:
        return
    try:
        from routes.emails import send_booking_email
    except ImportError:
        return
    if not send_booking_email(booking, kind):
        model_admin.message_user(
            request,
            gettext("%(reference)s: the email could not be sent; please contact the group.")
            % {"reference": booking.reference},
            messages.WARNING,
        )


class BookingAdminForm(forms.ModelForm):
    """Only contact fields, the organization, the guide wish and the note are editable."""

    class Meta:
        model = Booking
        fields = [
            "organization_name",
            "contact_name",
            "contact_phone",
            "contact_email",
            "needs_guide",
            "note",
        ]

    def clean_contact_phone(self):
        return normalize_mainland_mobile(self.cleaned_data["contact_phone"])


@admin.register(Booking)
class BookingAdmin(ExportAdmin, HistoryAdmin, admin.ModelAdmin):
    form = BookingAdminForm
    list_display_links = ["reference"]
    # A slot's bookings are one click away in the slot list (``?slot__id__exact=``), which
    # scales better than a filter listing every slot ever booked.
    list_filter = ["status", VisitDateFilter, "slot__route"]
    list_select_related = ["slot__route"]
    search_fields = ["reference", "organization_name"]
    ordering = ["-created_at"]
    actions = [
        "confirm_bookings",
        "decline_bookings",
        "mark_no_show",
        "export_csv",
        "export_xlsx",
    ]
    # Lookups in the address bar that would let someone without the permission find a
    # number or an address digit by digit (?contact_phone__startswith=1381…).
    private_fields = ("contact_", "note", "decline_reason", "token_hash")
    readonly_fields = [
        "reference",
        "status",
        "visit",
        "route",
        "group_size",
        "language",
        "consent_at",
        "consent_version",
        "decline_reason",
        "created_at",
        "updated_at",
        "purged_at",
        "phone",
        "email",
        "note_hidden",
    ]

    def get_list_display(self, request):
        phone = "contact_phone" if sees_contact_details(request) else "phone"
        return [
            "reference",
            "visit",
            "organization_name",
            "group_size",
            "status",
            phone,
            "booked",
        ]

    def get_fieldsets(self, request, obj=None):
        if sees_contact_details(request):
            contact = ["organization_name", "contact_name", "contact_phone", "contact_email"]
            note = "note"
        else:
            # Never the model fields: in a view-only form Django would print them in full.
            contact = ["organization_name", "contact_name", "phone", "email"]
            note = "note_hidden"
        return [
            (None, {"fields": ["reference", "status", "visit", "route", "group_size"]}),
            (_("Group"), {"fields": [*contact, "needs_guide", note, "language"]}),
            (
                _("Record"),
                {
                    "fields": [
                        "decline_reason",
                        "consent_at",
                        "consent_version",
                        "created_at",
                        "updated_at",
                        "purged_at",
                    ]
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.readonly_fields)
        if not sees_contact_details(request):
            readonly.append("contact_name")
        elif obj is not None and obj.purged_at is not None:
            readonly += ["contact_name", "contact_phone", "contact_email", "note"]
        return readonly

    def get_urls(self):
        visits = path(
            "visits/",
            self.admin_site.admin_view(self.visits_view),
            name="routes_booking_visits",
        )
        return [visits, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and sees_contact_details(request):
            audit.record_access(changelist.result_list, "contact_details")
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        original = getattr(response, "context_data", {}).get("original")
        if original is not None and sees_contact_details(request):
            audit.record_access([original], "contact_details")
        return response

    def has_add_permission(self, request):
        return False  # bookings come from the public form

    def has_delete_permission(self, request, obj=None):
        return False  # declined and cancelled bookings stay; contact details are purged

    # ----------------------------------------------------------------- columns

    @admin.display(description=_("visit"), ordering="slot__date")
    def visit(self, booking):
        slot = booking.slot
        return format_html(
            "{}<br>{}", f"{slot.date:%Y-%m-%d}", f"{slot.start_time:%H:%M}–{slot.end_time:%H:%M}"
        )

    @admin.display(description=_("booked"), ordering="created_at")
    def booked(self, booking):
        created = timezone.localtime(booking.created_at)
        return format_html("{}<br>{}", f"{created:%Y-%m-%d}", f"{created:%H:%M}")

    @admin.display(description=_("route"))
    def route(self, booking):
        return booking.slot.route

    @admin.display(description=_("mobile number"))
    def phone(self, booking):
        return shown_phone(booking, full=False)

    @admin.display(description=_("email"))
    def email(self, booking):
        return masked_email(booking.contact_email)

    @admin.display(description=_("note"))
    def note_hidden(self, booking):
        return masked_email(booking.note)

    # ----------------------------------------------------------------- actions

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.startswith(self.private_fields) and not (
            request and sees_contact_details(request)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)

    def save_model(self, request, obj, form, change):
        """Write only the fields the form changed: status, places and slot are the rules'
        to change, and a booking cancelled meanwhile must stay cancelled."""
        if change:
            obj.save(update_fields=[*form.changed_data, "updated_at"])
        else:
            super().save_model(request, obj, form, change)

    def _apply(self, request, queryset, change, done_message, after=None):
        """Run ``change(booking)`` on each booking; report successes and refusals, and
        record each change in the object's history."""
        done = 0
        for booking in queryset.select_related("slot__route").order_by("pk"):
            try:
                change(booking)
                self.log_change(request, booking, booking.get_status_display())
            except rules.BookingError as refusal:
                self.message_user(
                    request,
                    gettext("%(reference)s (%(status)s): %(message)s")
                    % {
                        "reference": booking.reference,
                        "status": booking.get_status_display(),
                        "message": refusal.message,
                    },
                    messages.ERROR,
                )
                continue
            done += 1
            if after:
                after(booking)
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Confirm the selected bookings"), permissions=["change"])
    def confirm_bookings(self, request, queryset):
        self._apply(
            request,
            queryset,
            rules.confirm,
            lambda n: (
                ngettext("%(count)d booking confirmed.", "%(count)d bookings confirmed.", n)
                % {"count": n}
            ),
            after=lambda booking: send_email(request, self, booking, "confirmed"),
        )

    @admin.action(description=_("Decline the selected bookings…"), permissions=["change"])
    def decline_bookings(self, request, queryset):
        form = DeclineForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._apply(
                request,
                queryset,
                lambda booking: rules.decline(booking, reason),
                lambda n: (
                    ngettext("%(count)d booking declined.", "%(count)d bookings declined.", n)
                    % {"count": n}
                ),
                after=lambda booking: send_email(request, self, booking, "declined"),
            )
            return None
        bookings = queryset.select_related("slot__route").order_by("slot__date", "pk")
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Decline bookings"),
            "opts": self.model._meta,
            "bookings": bookings,
            "form": form,
            "action_name": "decline_bookings",
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
        }
        return TemplateResponse(request, "admin/routes/booking/decline.html", context)

    @admin.action(description=_("Mark the selected bookings as no-show"), permissions=["change"])
    def mark_no_show(self, request, queryset):
        self._apply(
            request,
            queryset,
            rules.mark_no_show,
            lambda n: (
                ngettext(
                    "%(count)d booking marked as no-show.",
                    "%(count)d bookings marked as no-show.",
                    n,
                )
                % {"count": n}
            ),
        )

    def export_queryset(self, request, queryset):
        return queryset.select_related("slot__route").order_by(
            "slot__date", "slot__start_time", "pk"
        )

    def export_columns(self, request):
        full = sees_contact_details(request)
        columns = [
            Column(_("Reference"), lambda booking: booking.reference),
            Column(_("Date"), lambda booking: f"{booking.slot.date:%Y-%m-%d}"),
            Column(_("Start"), lambda booking: f"{booking.slot.start_time:%H:%M}"),
            Column(_("End"), lambda booking: f"{booking.slot.end_time:%H:%M}"),
            Column(_("Route"), lambda booking: booking.slot.route.name),
            Column(_("Status"), lambda booking: booking.get_status_display()),
            Column(_("Organization"), lambda booking: booking.organization_name),
            Column(_("Contact person"), lambda booking: booking.contact_name),
            Column(_("Mobile number"), lambda booking: shown_phone(booking, full)),
            Column(_("Email"), lambda booking: booking.contact_email if full else ""),
            Column(_("Group size"), lambda booking: booking.group_size),
            Column(_("Guide wanted"), lambda booking: booking.needs_guide),
            Column(_("Note"), lambda booking: booking.note if full else ""),
            Column(
                _("Booked"),
                lambda booking: f"{timezone.localtime(booking.created_at):%Y-%m-%d %H:%M}",
            ),
        ]
        return columns

    # ----------------------------------------------------------------- visits page

    def visits_view(self, request):
        """Today's confirmed and pending visits by time, then the next six days by day: a
        rolling week, so that staff can plan ahead on any day, Sunday included."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        last_day = today + datetime.timedelta(days=6)
        bookings = (
            Booking.objects.filter(
                slot__date__gte=today, slot__date__lte=last_day, status__in=Booking.HOLDS_PLACES
            )
            .select_related("slot__route")
            .order_by("slot__date", "slot__start_time", "organization_name", "pk")
        )
        days = {}
        for booking in bookings:
            days.setdefault(booking.slot.date, []).append(booking)
        full = sees_contact_details(request)
        if full:
            audit.record_access(
                [booking for items in days.values() for booking in items], "contact_details"
            )
        day_list = [
            {
                "date": date,
                "label": date_format(date, "DATE_FORMAT"),
                "weekday": date_format(date, "l"),
                "is_today": date == today,
                "bookings": [
                    {
                        "booking": booking,
                        "phone": shown_phone(booking, full),
                        "url": reverse("admin:routes_booking_change", args=[booking.pk]),
                    }
                    for booking in items
                ],
                "groups": len(items),
                "people": sum(booking.group_size for booking in items),
                "confirmed_people": sum(
                    booking.group_size
                    for booking in items
                    if booking.status == Booking.Status.CONFIRMED
                ),
            }
            for date, items in days.items()
        ]
        today_entry = next((day for day in day_list if day["is_today"]), None)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Visits today and in the next days"),
            "opts": self.model._meta,
            "today": today,
            "today_label": date_format(today, "DATE_FORMAT"),
            "today_entry": today_entry,
            "later_days": [day for day in day_list if not day["is_today"]],
            "sees_contact_details": full,
            "changelist_url": reverse("admin:routes_booking_changelist"),
        }
        return TemplateResponse(request, "admin/routes/booking/visits.html", context)


# --------------------------------------------------------------------------- check-ins


@admin.register(CheckIn)
class CheckInAdmin(HistoryAdmin, admin.ModelAdmin):
    list_display = ["booking_reference", "stop", "created_at"]
    list_filter = ["stop", ("created_at", admin.DateFieldListFilter)]
    list_select_related = ["booking", "stop"]
    search_fields = ["booking__reference"]

    @admin.display(description=_("reference"), ordering="booking__reference")
    def booking_reference(self, check_in):
        return check_in.booking.reference

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
