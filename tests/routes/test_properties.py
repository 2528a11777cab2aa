"""Bad input at volume (issue 7, part 5): generated submissions to the booking and check-in
forms. Whatever arrives, the answer is a page or a redirect (never a 500 or an exception),
no value comes back unescaped, and no slot ever holds more people than it has places.

Each test runs one hypothesis search inside its own test and counts the requests it really
sent, so that a silently shortened run fails instead of passing with fewer examples. Every
example runs in a savepoint that is rolled back, and the rate limits are reset, so examples
do not depend on each other and a failure replays.
"""

import contextlib
import re
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, Sum
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from lujiazui import ratelimit
from lujiazui.models import CACHE_KEY, SiteSettings
from routes import booking as rules
from routes.booking_views import BOOKING_RATE
from routes.models import UNAMBIGUOUS, Booking, BookingSettings, CheckIn, Slot
from routes.views import CHECK_IN_LIMIT
from tests.escaping import assert_escaped
from tests.routes.conftest import book_confirmed_today, build_route

pytestmark = [
    pytest.mark.django_db,
    # Typed text must never become a cache key (memcached refuses spaces and control
    # characters with an error); Django only warns about such keys, so make it fail here.
    pytest.mark.filterwarnings("error::django.core.cache.backends.base.CacheKeyWarning"),
]

BOOKING_SUBMISSIONS = 1000
CHECK_IN_SUBMISSIONS = 600
CSRF_SUBMISSIONS = 40
# Posts per example: the second one meets what the first left (a fuller slot, a check-in).
POSTS_PER_EXAMPLE = 2
ALLOWED = {200, 303, 400, 403, 404, 429}
PREFIXES = ["", "/zh-hant", "/en"]
CAPACITY = 30
PHONE = "13800138000"


# ------------------------------------------------------------------ strategies

# Whole strings that must never reach a page as they are (each one changes when escaped).
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(document.cookie)</script>",
    '" autofocus onfocus="alert(1)',
    '<a href="javascript:alert(1)">x</a>',
    "<!--<script>-->",
    "' OR '1'='1' --",
    "'; DROP TABLE routes_booking; --",
]
# Odd but harmless-looking fragments: wildcards, escapes, templates, direction marks, emoji.
FRAGMENTS = [
    "%",
    "_",
    "%_%",
    "\\",
    "\\x00",
    "\x00",
    "\u202e",
    "\u200f",
    "\u200b",
    "\ufeff",
    "😀",
    "🇨🇳",
    "👨‍👩‍👧",
    "\r\n",
    "\t",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "陆家嘴",
    "黨建",
    "ＡＢＣ",
]
control_characters = st.text(
    alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), min_size=1, max_size=8
)
texts = st.one_of(
    st.text(max_size=40),
    control_characters,
    st.sampled_from(PAYLOADS + FRAGMENTS),
    st.builds(
        "{}{}{}".format,
        st.text(max_size=8),
        st.sampled_from(PAYLOADS + FRAGMENTS),
        st.text(max_size=8),
    ),
    st.builds(
        lambda piece, times: piece * times, st.text(min_size=1, max_size=3), st.integers(50, 3000)
    ),
)

# Prefixes whose every number is a mainland mobile number, and the ways people write one.
MOBILE_PREFIXES = ["135", "138", "139", "150", "186", "188"]
PHONE_FORMATS = [
    "{}{}",
    "+86 {} {}",
    "+86{}{}",
    "{}-{}",
    "0086{}{}",
    " {} {} ",
]
valid_phones = st.builds(
    lambda prefix, rest, form: form.format(prefix, rest),
    st.sampled_from(MOBILE_PREFIXES),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.sampled_from(PHONE_FORMATS),
)
phones = st.one_of(
    valid_phones,
    st.sampled_from(
        [
            "021 5888 8888",  # Shanghai landline
            "+852 9123 4567",  # Hong Kong mobile
            "+1 202 555 0123",
            "1380013800",
            "138001380001",
            "12345678901",
            "+86",
            "++8613800138000",
            "１３８００１３８０００",
            "138 0013 8000 ext. 5",
            "",
        ]
    ),
    st.text(alphabet="0123456789+- ()", max_size=35),
    texts,
)
group_sizes = st.one_of(
    st.sampled_from([0, 1, 2, 3, 4, CAPACITY - 1, CAPACITY, CAPACITY + 1, 39, 40, 41]).map(str),
    st.integers(-(10**6), 10**6).map(str),
    st.integers(min_value=10**18, max_value=10**40).map(str),
    st.sampled_from(["-0", "3.0", "3.5", "1e2", " 12 ", "１２", "", "NaN", "inf", "9" * 5000]),
    texts,
)
emails = st.one_of(st.just(""), st.emails().map(str), texts)

# Unknown field names; a name of more than about 1,000 bytes is refused by Django's
# multipart parser with a 400 before any view runs.
names = st.one_of(st.text(max_size=30), st.text(min_size=300, max_size=400))
MISSING = object()
rarely = st.sampled_from([False, False, False, False, False, True])


def field(values):
    """A field's value: as one value, missing, or sent two or three times."""
    return st.one_of(
        values,
        values,
        values,
        st.just(MISSING),
        st.lists(values, min_size=2, max_size=3),
    )


def too_long_to_parse(data):
    """Whether a field name is so long that Django refuses the multipart body with a 400."""
    return any(len(name.encode()) > 200 for name in data)


def drop_missing(data):
    return {name: value for name, value in data.items() if value is not MISSING}


def submitted_strings(data):
    """Every string a request carried, names included."""
    for name, value in data.items():
        yield name
        yield from value if isinstance(value, list) else [value]


def last(value):
    """The value a view reads when a field is sent more than once (QueryDict.get)."""
    return value[-1] if isinstance(value, list) else value


# ------------------------------------------------------------------ checks


def assert_page(response, strings):
    """An allowed status; HTML answers escape everything that was sent."""
    assert response.status_code in ALLOWED, response.status_code
    if response.get("Content-Type", "").startswith("text/html"):
        assert_escaped(response.content.decode(), strings, PAYLOADS)


def assert_places_add_up(route):
    """Every slot: no more people than places, and exactly the people of the bookings that
    hold places (pending and confirmed; ``Booking.HOLDS_PLACES``)."""
    slots = Slot.objects.filter(route=route).annotate(
        held=Sum("bookings__group_size", filter=Q(bookings__status__in=Booking.HOLDS_PLACES))
    )
    for slot in slots:
        assert slot.places_taken <= slot.capacity, slot
        assert slot.places_taken == (slot.held or 0), slot


@contextlib.contextmanager
def rolled_back():
    """One example's writes, undone afterwards (a savepoint inside the test's transaction),
    with the rate limits counted from zero again."""
    cache.clear()
    cache.set(CACHE_KEY, SiteSettings(pk=1), None)
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def client_of(address):
    """The client ``lujiazui.ratelimit`` counts for ``address`` (an IPv6 address by its /64)."""
    return ratelimit.client_address(RequestFactory().get("/", REMOTE_ADDR=address))


def use_up(scope, address, limit):
    """Spend ``limit`` requests of ``address`` in ``scope``; returns the client counted."""
    client = client_of(address)
    cache.set(f"ratelimit:{scope}:{client}", limit, timeout=3600)
    return client


def page_url(name, prefix, **kwargs):
    with translation.override("zh-hans"):
        return prefix + reverse(name, kwargs=kwargs)


def post(client, url, data, address, raw_body):
    """POST ``data`` as a browser form (multipart) or as a hand-made urlencoded body."""
    if raw_body is None:
        return client.post(url, data, REMOTE_ADDR=address)
    return client.post(
        url, raw_body, content_type="application/x-www-form-urlencoded", REMOTE_ADDR=address
    )


def urlencoded(data, garbage):
    """``data`` urlencoded by hand, with broken escapes and empty pairs mixed in."""
    pairs = [
        f"{quote(name, safe='')}={quote(value, safe='')}"
        for name in data
        for value in (data[name] if isinstance(data[name], list) else [data[name]])
    ]
    return "&".join(pairs + garbage)


raw_garbage = st.lists(
    st.sampled_from(["%FF%FE", "%", "%zz", "=", "&", "a=%C0%AF", "note=%ED%A0%80", "==="]),
    max_size=3,
)


# ------------------------------------------------------------------ booking


@pytest.fixture
def booking_route(db):
    """A route with a few bookable times (built once per test, not per example). A week's
    booking window keeps each page small: these tests are about input, not the calendar."""
    BookingSettings.objects.update_or_create(pk=1, defaults={"booking_window_days": 7})
    route = build_route(stops=2, capacity=CAPACITY)
    today = timezone.localdate()
    keys = [option.key for option in rules.open_slots(route) if (option.date - today).days >= 2]
    return route, keys[:4]


# Bookable-looking values, some with a payload inside a name or note that is then stored.
with_payload = st.builds(
    "{}{}".format, st.sampled_from(["陆家嘴", "社区"]), st.sampled_from(PAYLOADS + FRAGMENTS)
)


def booking_data(keys):
    """A booking form as sent by anyone: a plausible booking with any of its fields replaced
    by generated ones (missing, duplicated, broken or hostile), plus unknown fields."""
    plausible = {
        "organization_name": st.one_of(st.just("陆家嘴金融城党委"), with_payload),
        "contact_name": st.one_of(st.just("张三"), with_payload),
        "contact_phone": valid_phones,
        "contact_email": st.sampled_from(["", "zhang.san@example.com"]),
        "group_size": st.integers(3, 40).map(str),
        "slot": st.sampled_from(keys),
        "needs_guide": st.sampled_from(["on", ""]),
        "note": st.one_of(st.just(""), with_payload),
        "consent": st.just("on"),
        "website": st.just(""),
    }
    slot_keys = st.one_of(
        st.sampled_from(keys),
        st.sampled_from(
            [
                "2020-01-01T09:00",  # past
                "2099-01-01T09:00",  # beyond the booking window
                keys[0].replace("09:00", "09:15").replace("14:00", "14:15"),
                keys[0].replace("T", " "),
                keys[0] + ":00",
                keys[0].lower(),
                keys[0] + "\x00",
                "2026-13-45T25:99",
                "",
            ]
        ),
        texts,
    )
    generated = {
        "organization_name": field(texts),
        "contact_name": field(texts),
        "contact_phone": field(phones),
        "contact_email": field(emails),
        "group_size": field(group_sizes),
        "slot": field(slot_keys),
        "needs_guide": field(st.sampled_from(["on", "", "off", "false", "0", "1"])),
        "note": field(texts),
        "consent": field(st.sampled_from(["on", "", "false"])),
        "website": field(texts),
    }
    return st.builds(
        lambda base, replacements, replaced, extra: (
            extra | {name: replacements[name] if name in replaced else base[name] for name in base}
        ),
        st.fixed_dictionaries(plausible),
        st.fixed_dictionaries(generated),
        st.sets(st.sampled_from(sorted(plausible))),
        st.one_of(st.just({}), st.dictionaries(names, texts, max_size=3)),
    )


def booking_submission(keys):
    return st.fixed_dictionaries(
        {
            "data": booking_data(keys),
            "prefix": st.sampled_from(PREFIXES),
            "address": st.ip_addresses().map(str),
            "limited": rarely,
            "urlencoded": st.one_of(st.none(), raw_garbage),
        }
    )


# Bookings already there: (which time, how many people, what became of them).
earlier_bookings = st.lists(
    st.tuples(
        st.integers(0, 3),
        st.integers(3, CAPACITY),
        st.sampled_from(["pending", "confirmed", "cancelled", "declined"]),
    ),
    max_size=3,
)


def book_earlier(route, keys, earlier):
    for index, size, fate in earlier:
        try:
            booking, _token = rules.create_booking(
                route,
                keys[index % len(keys)],
                group_size=size,
                language="zh-hans",
                organization_name="已有预约",
                contact_name="李四",
                contact_phone=PHONE,
            )
        except rules.BookingError:
            continue  # full: fine, the form meets a fuller time
        if fate == "confirmed":
            rules.confirm(booking)
        elif fate == "cancelled":
            rules.cancel(booking)
        elif fate == "declined":
            rules.decline(booking, "时间冲突")


def test_booking_form_survives_generated_submissions(booking_route):
    """1,000 generated booking posts: no crash, nothing unescaped, no slot overbooked."""
    route, keys = booking_route
    client = Client()
    sent = {"posts": 0, "booked": 0, "limited": 0}

    @settings(max_examples=BOOKING_SUBMISSIONS // POSTS_PER_EXAMPLE)
    @given(
        earlier=earlier_bookings,
        submissions=st.lists(
            booking_submission(keys), min_size=POSTS_PER_EXAMPLE, max_size=POSTS_PER_EXAMPLE
        ),
    )
    def run(earlier, submissions):
        with rolled_back():
            book_earlier(route, keys, earlier)
            assert_places_add_up(route)
            limited = set()  # clients whose hour of bookings was used up in this example
            for submission in submissions:
                check_booking_submission(client, route, submission, limited)
                sent["posts"] += 1

    def check_booking_submission(client, route, submission, limited):
        data = drop_missing(submission["data"])
        address = submission["address"]
        if submission["limited"]:
            limited.add(use_up("booking", address, BOOKING_RATE[0]))
        raw = None
        if submission["urlencoded"] is not None:
            raw = urlencoded(data, submission["urlencoded"])
        bookings_before = Booking.objects.count()
        url = page_url("routes:book", submission["prefix"], slug=route.slug)
        response = post(client, url, data, address, raw)
        strings = list(submitted_strings(data))
        assert_page(response, strings)
        assert_places_add_up(route)
        if response.status_code == 400:
            assert too_long_to_parse(data)
        elif client_of(address) in limited:
            sent["limited"] += 1
            assert response.status_code == 429
            assert response["Content-Type"].startswith("text/html")
            assert 'role="alert"' in response.content.decode()
            assert "no-store" in response["Cache-Control"]
        else:
            assert response.status_code != 429
        if response.status_code != 303:
            assert Booking.objects.count() == bookings_before
            return
        sent["booked"] += 1
        assert Booking.objects.count() == bookings_before + 1
        booking = Booking.objects.select_related("slot").latest("pk")
        settings_ = BookingSettings.load()
        assert settings_.min_group_size <= booking.group_size <= settings_.max_group_size
        assert rules.slot_key(booking.slot.date, booking.slot.start_time) in keys
        assert re.fullmatch(r"1[3-9][0-9]{9}", booking.contact_phone)
        # What was stored is shown escaped on the booker's private page too.
        manage = client.get(response["Location"], REMOTE_ADDR=address)
        assert manage.status_code == 200
        assert_escaped(manage.content.decode(), strings, PAYLOADS)

    run()
    assert sent["posts"] >= BOOKING_SUBMISSIONS, sent
    # The search reached both sides: some bookings went through, some were limited.
    assert sent["booked"] > 0 and sent["limited"] > 0, sent


# ------------------------------------------------------------------ check-in


@pytest.fixture
def check_in_route(db):
    """A route of three stops with a confirmed and a pending booking for today."""
    route = build_route(stops=3)
    confirmed = book_confirmed_today(route, phone=PHONE, group_size=10)
    pending = book_confirmed_today(route, phone="13900139000", group_size=5, status="pending")
    return route, confirmed, pending


def reference_values(confirmed, pending):
    right = confirmed.reference
    return st.one_of(
        st.sampled_from(
            [
                right,
                right.lower(),
                f"  {right}  ",
                right[:7],
                right + "X",
                pending.reference,
                "OOOOOOOO",
                "%%%%%%%%",
                "________",
                "' OR 1=1",
            ]
        ),
        st.text(alphabet=UNAMBIGUOUS, min_size=8, max_size=8),
        texts,
    )


digits = st.one_of(
    st.sampled_from([PHONE[-4:], "9000", "0000", "800", "80000", " 8000 ", "８０００", "8000\n"]),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
    texts,
)


def check_in_submission(confirmed, pending):
    return st.fixed_dictionaries(
        {
            "data": st.fixed_dictionaries(
                {
                    "reference": field(reference_values(confirmed, pending)),
                    "phone_last_four": field(digits),
                },
                optional={"extra": st.dictionaries(names, texts, max_size=2)},
            ),
            "stop": st.one_of(st.integers(1, 3), st.sampled_from([0, 4, 65535, 10**20])),
            "prefix": st.sampled_from(PREFIXES),
            "address": st.ip_addresses().map(str),
            "limited": rarely,
            "tries_used_up": rarely,
            "urlencoded": st.one_of(st.none(), st.none(), raw_garbage),
            "checked": st.one_of(st.none(), texts),
        }
    )


def test_check_in_form_survives_generated_submissions(check_in_route):
    """600 generated check-in posts: no crash, nothing unescaped, and only the right
    reference with the right digits, at a real stop, checks a group in."""
    route, confirmed, pending = check_in_route
    client = Client()
    sent = {"posts": 0, "checked_in": 0, "limited": 0}

    @settings(max_examples=CHECK_IN_SUBMISSIONS // POSTS_PER_EXAMPLE)
    @given(
        submissions=st.lists(
            check_in_submission(confirmed, pending),
            min_size=POSTS_PER_EXAMPLE,
            max_size=POSTS_PER_EXAMPLE,
        )
    )
    def run(submissions):
        with rolled_back():
            # Clients over their limit, and whether the reference's wrong tries are used up.
            state = {"limited": set(), "tries_used_up": False}
            for submission in submissions:
                check_check_in_submission(submission, state)
                sent["posts"] += 1

    def check_check_in_submission(submission, state):
        data = drop_missing(submission["data"])
        data = data.pop("extra", {}) | data
        address = submission["address"]
        if submission["limited"]:
            state["limited"].add(use_up("check-in", address, CHECK_IN_LIMIT))
        if submission["tries_used_up"]:
            key = f"check-in-digits:{confirmed.reference}"
            cache.set(f"ratelimit:{key}", rules.CHECK_IN_TRIES, timeout=3600)
            state["tries_used_up"] = True
        raw = None
        if submission["urlencoded"] is not None:
            raw = urlencoded(data, submission["urlencoded"])
        stop = submission["stop"]
        url = page_url("routes:stop", submission["prefix"], slug=route.slug, number=stop)
        check_ins_before = CheckIn.objects.count()
        response = post(client, url, data, address, raw)
        strings = list(submitted_strings(data))
        assert_page(response, strings)
        reference = last(data.get("reference", ""))
        typed_digits = last(data.get("phone_last_four", ""))
        right = (
            raw is None
            and 1 <= stop <= 3
            and reference.strip().upper() == confirmed.reference
            and typed_digits.strip() == PHONE[-4:]
        )
        if not 1 <= stop <= 3:
            assert response.status_code == 404
        elif response.status_code == 400:
            assert too_long_to_parse(data)
        elif client_of(address) in state["limited"]:
            sent["limited"] += 1
            assert response.status_code == 429
            assert response["Content-Type"].startswith("text/html")
            assert 'role="alert"' in response.content.decode()
        elif right and not state["tries_used_up"]:
            assert response.status_code == 303
        elif raw is None:
            assert response.status_code == 200
        if response.status_code != 303:
            assert CheckIn.objects.filter(booking=confirmed, stop__number=stop).count() <= 1
            assert CheckIn.objects.count() == check_ins_before
            if submission["checked"] is not None and 1 <= stop <= 3:
                # A forged or broken ``?checked=`` value is ignored, never shown.
                page = client.get(url, {"checked": submission["checked"]}, REMOTE_ADDR=address)
                assert_page(page, [submission["checked"]])
            return
        sent["checked_in"] += 1
        assert CheckIn.objects.filter(booking=confirmed, stop__number=stop).exists()
        assert not CheckIn.objects.filter(booking=pending).exists()
        after = client.get(response["Location"], REMOTE_ADDR=address)
        assert after.status_code == 200
        assert_escaped(after.content.decode(), strings, PAYLOADS)

    run()
    assert sent["posts"] >= CHECK_IN_SUBMISSIONS, sent
    assert sent["checked_in"] > 0 and sent["limited"] > 0, sent


# ------------------------------------------------------------------ CSRF


def test_forms_without_csrf_token_are_refused_with_403(booking_route, check_in_route):
    """A client that enforces CSRF checks gets a 403 page for any post without a token."""
    route, keys = booking_route
    stop_route = check_in_route[0]
    client = Client(enforce_csrf_checks=True)
    sent = {"posts": 0}

    @settings(max_examples=CSRF_SUBMISSIONS)
    @given(
        data=booking_data(keys),
        token=st.one_of(st.just(MISSING), texts),
        to_check_in=st.booleans(),
        address=st.ip_addresses().map(str),
    )
    def run(data, token, to_check_in, address):
        with rolled_back():
            data = drop_missing(data)
            if token is not MISSING:
                data["csrfmiddlewaretoken"] = token
            if to_check_in:
                url = page_url("routes:stop", "", slug=stop_route.slug, number=1)
            else:
                url = page_url("routes:book", "", slug=route.slug)
            response = client.post(url, data, REMOTE_ADDR=address)
            assert response.status_code == 403
            assert_escaped(response.content.decode(), list(submitted_strings(data)), PAYLOADS)
            assert not Booking.objects.filter(slot__route=route).exists()
            assert not CheckIn.objects.exists()
            sent["posts"] += 1

    run()
    assert sent["posts"] >= CSRF_SUBMISSIONS, sent
