"""The addresses `scripts/bench-http` measures, as JSON, read from the current database."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.urls import reverse

from events.models import Event
from routes.models import Route


class Command(BaseCommand):
    help = "Print the home, event, route, stop and booking addresses the HTTP benchmark uses."

    def handle(self, *args, **options):
        # The published event with the most speeches: the heaviest event page.
        event = (
            Event.objects.published()
            .annotate(speech_count=Count("speeches"))
            .order_by("-speech_count", "-start")
            .first()
        )
        route = Route.objects.annotate(stop_count=Count("stops")).order_by("-stop_count").first()
        stop = route and route.stops.order_by("number").first()
        if event is None or stop is None:
            raise CommandError("Needs a published event and a route with stops (load_demo).")
        urls = {
            "home": reverse("home"),
            "event": event.get_absolute_url(),
            "route": route.get_absolute_url(),
            "stop": stop.get_absolute_url(),
            "book": reverse("routes:book", kwargs={"slug": route.slug}),
        }
        self.stdout.write(json.dumps(urls))
