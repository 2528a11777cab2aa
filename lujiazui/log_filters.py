"""Keep the secret of private booking links out of the logs."""

import logging
import re

BOOKING_TOKEN = re.compile(r"/bookings/[^/\s?\"]+")


def redact(text):
    return BOOKING_TOKEN.sub("/bookings/[token]", text)


class RedactBookingTokens(logging.Filter):
    """Django logs the path of 4xx/5xx answers (``django.request``) and, under runserver,
    of every request (``django.server``); a management link's path is its secret."""

    def filter(self, record):
        record.msg = redact(str(record.msg))
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        return True
