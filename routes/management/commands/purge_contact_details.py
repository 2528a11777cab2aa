"""Remove the contact details of bookings whose visit is older than the retention time.

Run it daily (cron or a scheduled job). The booking rows stay, so the number of visits and
group sizes remain for statistics; the output holds no personal data.
"""

from django.core.management.base import BaseCommand

from routes import booking as rules
from routes.models import BookingSettings


class Command(BaseCommand):
    help = (
        "Remove the contact details (name, phone, email, note) of bookings whose visit is "
        "older than the retention time set in the booking settings. Safe to run again."
    )

    def handle(self, *args, **options):
        purged = rules.purge_contact_details()
        days = BookingSettings.load().retention_days
        self.stdout.write(
            self.style.SUCCESS(
                f"Contact details removed from {purged} booking(s) "
                f"with a visit more than {days} days ago."
            )
        )
