"""Emails to the person who booked a visit, in the language they booked in.

Only sent when they gave an address. The management link's token is never stored, so only
the "received" email, written while the token is still at hand, can carry the link.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

KINDS = ("received", "confirmed", "declined", "cancelled")

logger = logging.getLogger(__name__)


def send_booking_email(booking, kind, management_url=None):
    """Send the ``kind`` email of ``booking``; True when it went out.

    ``management_url`` is the absolute address of the booking's private page (only the view
    that made the booking knows it). A mail server that fails is logged, without the
    recipient or the link, and does not undo what happened to the booking.
    """
    if kind not in KINDS:
        raise ValueError(f"Unknown booking email: {kind}")
    if not booking.contact_email:
        return False
    with translation.override(booking.language):
        context = {
            "booking": booking,
            "route": booking.slot.route,
            "slot": booking.slot,
            "management_url": management_url,
            "site_name": settings.SITE_NAME,
        }
        subject = render_to_string(f"emails/booking_{kind}_subject.txt", context)
        body = render_to_string(f"emails/booking_{kind}_body.txt", context)
    subject = " ".join(subject.split())  # a header: one line
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [booking.contact_email])
    except Exception as error:  # noqa: BLE001 - any mail failure: the booking stands
        logger.warning(
            "Could not send the %s email of booking %s (%s)",
            kind,
            booking.reference,
            type(error).__name__,
        )
        return False
    return True
