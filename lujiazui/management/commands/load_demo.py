"""Load the demo content (the 2020-06-30 party-building joint meeting) and a demo staff account.

Idempotent: every row is found by its slug or natural key and updated in place, so running
the command again leaves the same rows. Simplified Chinese and English are written here;
Traditional Chinese is derived by OpenCC when each row is saved (``DerivesTraditional``).
"""

import secrets
from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone, translation

from events.models import Attendance, Event, Lesson, Section, Speech
from lujiazui import demo_content as demo
from lujiazui import demo_route, roles
from lujiazui.publishing import Publishable
from routes import booking as booking_rules
from routes.models import Booking, BookingSettings, OpeningRule, Route, Stop
from speakers.models import Organization, Position, Speaker

# Demo staff: one superuser and one account per role (lujiazui/roles.py).
DEMO_ACCOUNTS = {
    "demo-admin": None,
    "demo-editor": roles.EDITOR,
    "demo-publisher": roles.PUBLISHER,
    "demo-route-manager": roles.ROUTE_MANAGER,
}
ADMIN_URL = "http://127.0.0.1:8000/admin/"
PUBLISHED = Publishable.Status.PUBLISHED


def translated(field, texts):
    """``("简体", "English")`` → values for the Simplified and English columns of ``field``.

    The Traditional column is left alone: it is derived from Simplified on save, and a
    Traditional text staff wrote themselves survives a reload.
    """
    simplified, english = texts
    return {f"{field}_zh_hans": simplified, f"{field}_en": english}


class Command(BaseCommand):
    help = (
        "Load the demo content from the seed article (2020 party-building joint meeting, its "
        "speakers, organizations and ten placeholder cloud lessons), the red route with demo "
        "stops, and create the demo staff account. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-accounts",
            action="store_true",
            help="Load content only; do not create or update the demo staff account.",
        )

    def handle(self, *args, no_accounts=False, **options):
        self.tally = {"created": Counter(), "updated": Counter()}
        # Untranslated original columns take the default (Simplified) language's value.
        with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
            organizations = self.load_organizations()
            speakers = self.load_speakers(organizations)
            self.load_event(organizations, speakers)
            self.load_lessons()
            route = self.load_route(organizations)
            demo_booking = self.load_booking_for_today(route)
            logins = {} if no_accounts else self.load_accounts()
        self.report(logins, demo_booking)

    # ------------------------------------------------------------------ writing rows

    def upsert(self, model, lookup, values):
        """Find the row by ``lookup`` (or start one), apply ``values``, validate and save."""
        obj = model.objects.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup)
        for name, value in values.items():
            setattr(obj, name, value)
        obj.full_clean()  # same validation (and rich-text sanitizing) as the admin
        obj.save()
        self.tally["created" if created else "updated"][model.__name__] += 1
        return obj

    def load_organizations(self):
        organizations = {}
        for item in demo.ORGANIZATIONS:
            values = {
                "kind": item["kind"],
                "is_council_member": item.get("is_council_member", False),
                "is_practice_point": item.get("is_practice_point", False),
            }
            for field in ("name", "short_name", "description", "address"):
                values |= translated(field, item.get(field, ("", "")))
            organizations[item["slug"]] = self.upsert(Organization, {"slug": item["slug"]}, values)
        return organizations

    def load_speakers(self, organizations):
        speakers = {}
        for item in demo.SPEAKERS:
            speaker = self.upsert(
                Speaker,
                {"slug": item["slug"]},
                translated("name", item["name"]) | translated("biography", ("", "")),
            )
            for order, (org_slug, title, title_en) in enumerate(item["positions"]):
                # Held on the day of the meeting; start and end were not recorded.
                self.upsert(
                    Position,
                    {"speaker": speaker, "organization": organizations[org_slug]},
                    translated("title", (title, title_en))
                    | {"start_date": None, "end_date": None, "order": order},
                )
            speakers[item["slug"]] = speaker
        return speakers

    def load_event(self, organizations, speakers):
        item = demo.EVENT
        values = {
            "start": item["start"],
            "start_time_known": False,
            "end": None,
            "livestream_url": "",
            "replay_url": "",
            "status": PUBLISHED,
            "publish_at": item["publish_at"],
        }
        for field in ("title", "theme", "summary", "body", "venue", "source", "editors"):
            values |= translated(field, item[field])
        event = self.upsert(Event, {"slug": item["slug"]}, values)
        event.organizers.set([organizations[slug] for slug in item["organizers"]])

        sections = {}
        for section in demo.SECTIONS:
            sections[section["order"]] = self.upsert(
                Section,
                {"event": event, "order": section["order"]},
                translated("title", section["title"]) | translated("body", (section["body"], "")),
            )
        for order, speech in enumerate(demo.SPEECHES, start=1):
            speaker = speakers[speech["speaker"]]
            self.upsert(
                Speech,
                {"event": event, "speaker": speaker, "role": speech["role"]},
                translated("title", speech["title"])
                | translated("summary", speech["summary"])
                | {
                    "section": sections.get(speech["section"]),
                    "order": order,
                    "position": self.position_came_in(speaker),
                },
            )
        for order, slug in enumerate(demo.ATTENDEES, start=1):
            speaker = speakers[slug]
            self.upsert(
                Attendance,
                {"event": event, "speaker": speaker},
                {"order": order, "position": self.position_came_in(speaker)},
            )

    @staticmethod
    def position_came_in(speaker):
        """The article names one title per person; where it names two (as 邓亮's, at two
        organizations), none is chosen and the page shows every position held that day."""
        positions = list(speaker.positions.all())
        return positions[0] if len(positions) == 1 else None

    def load_lessons(self):
        for item in demo.LESSONS:
            self.upsert(
                Lesson,
                {"slug": item["slug"]},
                translated("title", item["title"])
                | translated("summary", item["summary"])
                | {
                    "series": item["series"],
                    "speaker": None,
                    "video_url": "",
                    "duration": item["duration"],
                    "is_demo": True,
                    "status": PUBLISHED,
                    "publish_at": item["publish_at"],
                },
            )

    def load_route(self, organizations):
        """The red route with 13 demo stops and demo opening rules; no bookings.

        Stops are found by their number, so a reload keeps each stop's check-in code (made
        once, when the stop is created, and printed on its sign).
        """
        BookingSettings.load()
        item = demo_route.ROUTE
        values = {"is_demo": True}
        for field in ("name", "summary", "body"):
            values |= translated(field, item[field])
        route = self.upsert(Route, {"slug": item["slug"]}, values)
        for stop in demo_route.STOPS:
            values = {
                "latitude": stop["latitude"],
                "longitude": stop["longitude"],
                "coordinate_system": Stop.CoordinateSystem.GCJ02,
                "organization": organizations.get(stop["organization"]),
                "is_demo": True,
            }
            for field in ("name", "summary", "address"):
                values |= translated(field, stop[field])
            self.upsert(Stop, {"route": route, "number": stop["number"]}, values)
        for rule in demo_route.OPENING_RULES:
            self.upsert(
                OpeningRule,
                {"route": route, "start_time": rule["start_time"]},
                {
                    "weekdays": rule["weekdays"],
                    "end_time": rule["end_time"],
                    "capacity": rule["capacity"],
                    "valid_from": None,
                    "valid_until": None,
                },
            )
        return route

    def load_booking_for_today(self, route):
        """One example booking for today, waiting for approval, so that staff can try
        confirming a visit and find it in today's list. Made through the booking rules, as
        staff would make it for a group that telephoned; one a day, however often this runs.
        """
        today = timezone.localdate()
        existing = Booking.objects.filter(
            slot__route=route,
            slot__date=today,
            organization_name=demo_route.BOOKING["organization_name"],
        ).first()
        if existing:
            return existing
        options = booking_rules.open_slots(route, by_staff=True)
        size = demo_route.BOOKING["group_size"]
        option = next((o for o in options if o.date == today and o.places_left >= size), None)
        if option is None:  # closed today
            return None
        made, _token = booking_rules.create_booking(
            route, option.key, language=settings.LANGUAGE_CODE, by_staff=True, **demo_route.BOOKING
        )
        return made

    def load_accounts(self):
        """The demo staff accounts, each with a fresh random password on every run."""
        roles.ensure_roles()
        logins = {}
        for username, role in DEMO_ACCOUNTS.items():
            user, _ = get_user_model().objects.get_or_create(username=username)
            user.is_active = user.is_staff = True
            user.is_superuser = role is None
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save()
            user.groups.set(Group.objects.filter(name=role) if role else [])
            logins[username] = (role or "superuser", password)
        return logins

    # ------------------------------------------------------------------ output

    def report(self, logins, demo_booking):
        out = self.stdout
        out.write(self.style.SUCCESS("Demo content loaded."))
        models = (Organization, Speaker, Position, Event, Section, Speech, Attendance, Lesson)
        for model in (*models, Route, Stop, OpeningRule):
            name = model.__name__
            out.write(
                f"  {name:<13} {model.objects.count():>4} in total"
                f"  (demo: {self.tally['created'][name]} created,"
                f" {self.tally['updated'][name]} updated)"
            )
        if demo_booking:
            out.write(
                f"  Example booking for today (waiting for approval): {demo_booking.reference}"
            )
        if not logins:
            out.write("  Accounts skipped (--no-accounts).")
            return
        out.write("")
        out.write(self.style.WARNING("Demo staff accounts (new passwords on every run):"))
        out.write(f"  Log in at: {ADMIN_URL}")
        for username, (role, password) in logins.items():
            out.write(f"  {username:<19} {role:<8} password: {password}")
