"""Every public page, by URL name, with a builder of its data at a given size.

``PAGES[name](n)`` saves what the page lists or shows, ``n`` of each kind (``n`` events with
``n`` sections, speeches, guests, photos and organizers each; speakers with ``n`` positions;
routes with ``n`` stops, ...), and returns the pages to request: ``(address, texts)`` pairs,
``texts`` being what the page must show so that it really shows the ``n`` items. A URL name
with query variants (``?year=``, ``?series=``, ``?kind=``) gives one pair per variant.

``NOT_PUBLIC`` names the URLs that are not public pages: the admin's, and the private pages
of a booking (reached only through its secret link). A URL name in neither fails the tests
that walk the URL configuration (``url_names``), so a new page is covered at once.
"""

import datetime

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from events.models import Lesson, Photo, Speech
from routes.models import Closure, Slot
from speakers.models import Organization
from tests import factories
from tests.routes.conftest import build_route

NOT_PUBLIC = {
    "routes:manage",  # a booking's private page, behind its secret token …
    "routes:calendar",  # … its calendar file …
    "routes:cancel",  # … and its cancel form
    "bench_hello",  # the benchmark's bare view, only with BENCHMARK_VIEW
    "healthz",  # the health check for monitors
}


def url_names(patterns=None, namespace=""):
    """Every named URL outside the admin, as ``namespace:name``."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def days(n):
    return timezone.now() + datetime.timedelta(days=n)


def titles(items):
    return [item.title for item in items]


def cover():
    return factories.image_file("cover.png")


def in_year(year, day):
    return datetime.datetime(year, 6, day, 15, tzinfo=timezone.get_current_timezone())


def events(n):
    """``n`` upcoming events, and ``n`` past ones, all in last year; with covers."""
    last_year = timezone.localdate().year - 1
    upcoming = [factories.event(speeches=0, start=days(i + 1), cover=cover()) for i in range(n)]
    past = [
        factories.event(speeches=0, start=in_year(last_year, i + 1), cover=cover())
        for i in range(n)
    ]
    return upcoming, past


def lessons(n, **fields):
    return [
        factories.lesson(speaker=factories.speaker(), cover=cover(), **fields) for _ in range(n)
    ]


def home(n):
    upcoming, past = events(n)
    build_route(stops=n)
    return [(reverse("home"), titles(upcoming + past + lessons(n)))]


def network(n):
    areas = [factories.organization(kind=Organization.Kind.RESIDENTIAL_AREA) for _ in range(n)]
    points = [factories.organization(is_practice_point=True) for _ in range(n)]
    return [(reverse("network"), [org.name for org in areas + points])]


def event_list(n):
    upcoming, past = events(n)
    earlier = timezone.localdate().year - 2
    old = [factories.event(speeches=0, start=in_year(earlier, i + 1)) for i in range(n)]
    url = reverse("events:event_list")
    return [(url, titles(upcoming + past)), (f"{url}?year={earlier}", titles(old))]


def upcoming(n):
    shown, _past = events(n)
    return [(reverse("events:upcoming"), titles(shown))]


def event(n):
    item = factories.full_event(n, cover=cover())
    speakers = [speech.speaker.name for speech in item.speeches.select_related("speaker")]
    captions = [photo.caption for photo in Photo.objects.filter(event=item)]
    return [(item.get_absolute_url(), [item.title, *speakers, *captions])]


def lesson_list(n):
    url = reverse("events:lesson_list")
    reform = lessons(n, series=Lesson.Series.REFORM)
    return [
        (url, titles(lessons(n) + reform)),
        (f"{url}?series={Lesson.Series.REFORM}", titles(reform)),
    ]


def lesson(n):
    shown, *others = lessons(n + 1)
    return [(shown.get_absolute_url(), [shown.title, shown.speaker.name, *titles(others)])]


def speaker_list(n):
    speakers = [factories.speaker(positions=n, photo=cover()) for _ in range(n)]
    return [(reverse("speakers:speaker_list"), [speaker.name for speaker in speakers])]


def speaker(n):
    person = factories.speaker(positions=n)
    shown = []
    for _ in range(n):
        item = factories.event(speeches=0)
        item.speeches.create(speaker=person, role=Speech.Role.KEYNOTE, title=f"{item.title}演讲")
        shown += [item.title, factories.lesson(speaker=person).title]
    return [(person.get_absolute_url(), shown)]


def organization_list(n):
    url = reverse("speakers:organization_list")
    museums = [
        factories.organization(kind=Organization.Kind.MUSEUM, logo=cover()) for _ in range(n)
    ]
    others = [factories.organization() for _ in range(n)]
    return [
        (url, [org.name for org in museums + others]),
        (f"{url}?kind={Organization.Kind.MUSEUM}", [org.name for org in museums]),
    ]


def organization(n):
    org = factories.organization()
    shown = [org.name]
    for _ in range(n):
        person = factories.speaker(positions=0)
        person.positions.create(organization=org, title="主任")
        item = factories.event(speeches=0)
        item.organizers.add(org)
        shown += [person.name, item.title]
    return [(org.get_absolute_url(), shown)]


def route_list(n):
    routes = [build_route(stops=n) for _ in range(n)]
    return [(reverse("routes:route_list"), [route.name for route in routes])]


def route(n):
    red = build_route(stops=n)
    return [(red.get_absolute_url(), [stop.name for stop in red.stops.all()])]


def stop_route(n):
    """A route of ``n`` stops, the first at an organization, with ``n`` closures and slots."""
    red = build_route(stops=n)
    red.stops.filter(number=1).update(organization=factories.organization())
    for i in range(n):
        Closure.objects.create(route=red, start_date=days(10 + i), end_date=days(10 + i))
        Slot.objects.create(
            route=red,
            date=timezone.localdate() + datetime.timedelta(days=3 + i),
            start_time=datetime.time(9),
            end_time=datetime.time(10, 30),
            capacity=30,
        )
    return red, red.stops.select_related("organization").get(number=1)


def stop(n):
    _red, first = stop_route(n)
    return [(first.get_absolute_url(), [first.name, first.organization.name])]


def sign(n):
    red, first = stop_route(n)
    url = reverse("routes:sign", kwargs={"slug": red.slug, "number": 1})
    return [(url, [first.name, first.check_in_code])]


def check_in_link(n):
    red, first = stop_route(n)
    return [(reverse("check_in_link", kwargs={"code": first.check_in_code}), [])]


def book(n):
    red, _first = stop_route(n)
    return [(reverse("routes:book", kwargs={"slug": red.slug}), [red.name])]


def privacy(n):
    return [(reverse("routes:privacy"), [])]


def reading_mode(n):
    """The reading-mode preference: interface text and a form, the same whatever the data."""
    return [(reverse("reading_mode"), ['name="mode" value="large"'])]


def search(n):
    """``n`` of each kind whose names hold the word searched for."""
    red = build_route(stops=0)
    shown = []
    for i in range(n):
        shown += [
            factories.event(speeches=0, title=f"滨江活动{i}").title,
            factories.lesson(title=f"滨江党课{i}").title,
            factories.speaker(positions=n, name=f"滨江讲者{i}").name,
            factories.organization(name=f"滨江组织{i}").name,
            red.stops.create(number=i + 1, name=f"滨江站点{i}").name,
        ]
    url = reverse("search:results")
    people = [name for name in shown if "讲者" in name]
    return [(f"{url}?q=滨江", shown), (f"{url}?q=滨江&kind=people", people)]


def sitemap(n):
    """The index: n of every section's objects, to count the files it names."""
    events(n)
    lessons(n)
    for _ in range(n):
        build_route(stops=n)
    return [(reverse("sitemap"), [reverse("sitemap_section", kwargs={"section": "events"})])]


def sitemap_section(n):
    upcoming, past = events(n)
    for item in upcoming:
        item.organizers.add(factories.organization())
    url = reverse("sitemap_section", kwargs={"section": "events"})
    return [(url, [item.get_absolute_url() for item in [*upcoming, *past]])]


def robots_txt(n):
    return [(reverse("robots_txt"), [reverse("sitemap")])]


def event_feed(name):
    def build(n):
        upcoming, past = events(n)
        return [(reverse(name), titles(upcoming + past))]

    return build


def lesson_feed(name):
    def build(n):
        return [(reverse(name), titles(lessons(n)))]

    return build


def calendar(n):
    upcoming, _past = events(n)
    return [(reverse("events:calendar"), titles(upcoming))]


def event_calendar(n):
    item = factories.full_event(n, start=days(5))
    return [(reverse("events:event_calendar", kwargs={"slug": item.slug}), [item.title])]


PAGES = {
    "home": home,
    "network": network,
    "events:event_list": event_list,
    "events:upcoming": upcoming,
    "events:event": event,
    "events:lesson_list": lesson_list,
    "events:lesson": lesson,
    "speakers:speaker_list": speaker_list,
    "speakers:speaker": speaker,
    "speakers:organization_list": organization_list,
    "speakers:organization": organization,
    "routes:route_list": route_list,
    "routes:route": route,
    "routes:stop": stop,
    "routes:sign": sign,
    "routes:book": book,
    "routes:privacy": privacy,
    "reading_mode": reading_mode,
    "check_in_link": check_in_link,
    "search:results": search,
    "sitemap": sitemap,
    "sitemap_section": sitemap_section,
    "robots_txt": robots_txt,
    "events:event_feed_rss": event_feed("events:event_feed_rss"),
    "events:event_feed_atom": event_feed("events:event_feed_atom"),
    "events:lesson_feed_rss": lesson_feed("events:lesson_feed_rss"),
    "events:lesson_feed_atom": lesson_feed("events:lesson_feed_atom"),
    "events:calendar": calendar,
    "events:event_calendar": event_calendar,
}

# Pages that answer with HTML (the others are XML, text or iCalendar, or redirect).
HTML_PAGES = [
    name
    for name in PAGES
    if name
    not in {
        "check_in_link",
        "sitemap",
        "sitemap_section",
        "robots_txt",
        "events:event_feed_rss",
        "events:event_feed_atom",
        "events:lesson_feed_rss",
        "events:lesson_feed_atom",
        "events:calendar",
        "events:event_calendar",
    }
]
