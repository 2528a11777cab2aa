"""Change history with django-auditlog: who changed what, when, from which value to which.

django-auditlog keeps one table of entries holding each change as field → [old, new], and
it also records reads (its "access" action), which the site needs for exports and for views
of people's contact details. django-simple-history would copy every tracked table (three
languages of every text field each time) and records no reads; django-reversion stores
whole versions, not what changed, and records no reads either.

Model saves and deletes are recorded by auditlog's signals. Changes made with a conditional
``UPDATE`` (a booking's status, slot capacity, purging contact details), which send no
signal, are recorded by ``record_update`` in the code that makes them. Parts edited inline
with their parent (a speech with its event) carry the parent in their entries, so that the
parent's history shows them too, even once they are deleted.
"""

import datetime
from contextlib import suppress
from contextvars import ContextVar

from auditlog.context import set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.encoding import smart_str
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import NotRegistered, translator

from .ratelimit import client_address

HIDDEN = "***"
SHOWN_LENGTH = 300  # characters of a long text shown in the history
request_context = ContextVar("audit_request_context")

# The models whose changes are recorded, with fields that are noise (timestamps, hashes,
# bookkeeping) or that the rules change without a save.
TRACKED = {
    "lujiazui.SiteSettings": [],
    "events.Event": [],
    "events.Section": [],
    "events.Speech": [],
    "events.Attendance": [],
    "events.Photo": [],
    "events.Lesson": [],
    "speakers.Organization": [],
    "speakers.Speaker": [],
    "speakers.Position": [],
    "routes.BookingSettings": [],
    "routes.Route": [],
    "routes.Stop": [],
    "routes.OpeningRule": [],
    "routes.Closure": [],
    "routes.Slot": ["places_taken"],
    "routes.Booking": ["token_hash", "updated_at"],
    "routes.CheckIn": [],
}
ALWAYS_EXCLUDED = ["id", "traditional_derived"]
# People's details are recorded as changed, never with their values: the history must not
# keep what purging removes.
MASKED = ["contact_name", "contact_phone", "contact_email", "note", "decline_reason"]

ACCESS_REASONS = {
    "contact_details": _("viewed contact details"),
    "export_csv": _("exported as CSV"),
    "export_xlsx": _("exported as Excel"),
}


def hide(value):
    """auditlog's mask: whether a value was there, never the value."""
    return HIDDEN if value not in ("", "None") else value


class PartOf:
    """A model edited as part of another (``history_parent`` names the foreign key): its
    entries carry the parent, which the parent's history shows."""

    history_parent = None

    def get_additional_data(self):
        field = self._meta.get_field(self.history_parent)
        parent_id = getattr(self, field.attname)
        return {"part_of": part_key(field.related_model, parent_id)}


def part_key(model, pk):
    return f"{model._meta.label_lower}:{pk}"


def untranslated_originals(model):
    """modeltranslation keeps the original column of each translated field beside the
    per-language ones; recording both would show every change twice."""
    try:
        return list(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return []


def reverse_relations(model):
    """Rows pointing at this one (an event's speeches) have entries of their own."""
    return [
        field.name
        for field in model._meta.get_fields()
        if field.auto_created and not field.concrete
    ]


def renditions(model):
    """A picture's renditions follow the picture, whose change is recorded."""
    return [
        field.renditions_field
        for field in model._meta.get_fields()
        if getattr(field, "renditions_field", None)
    ]


def register_models():
    for label, excluded in TRACKED.items():
        model = apps.get_model(label)
        field_names = {field.name for field in model._meta.get_fields()}
        auditlog.register(
            model,
            m2m_fields=[field.name for field in model._meta.many_to_many],
            exclude_fields=[
                *excluded,
                *ALWAYS_EXCLUDED,
                *untranslated_originals(model),
                *reverse_relations(model),
                *renditions(model),
            ],
            mask_fields=[name for name in MASKED if name in field_names],
        )


class AuditActorMiddleware:
    """Entries written during a request name its user and, for staff, the client address as
    the site trusts it (not a forgeable X-Forwarded-For); both are read only when an entry is
    written, so that pages which write none pay nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        def staff_address():
            """Only staff addresses are kept: a resident's is not needed."""
            return client_address(request) or None if request.user.is_authenticated else None

        token = request_context.set({"actor": request.user, "remote_addr": staff_address})
        try:
            with set_actor(request.user, remote_addr=staff_address):
                return self.get_response(request)
        finally:
            request_context.reset(token)


def current_context():
    """The actor and address of the request being served, for entries written in bulk
    (which send no signal for auditlog to fill them in). auditlog's own context variable
    is not reset after a request, so it cannot tell."""
    context = request_context.get({})
    actor = context.get("actor")
    remote_addr = context.get("remote_addr")
    return {
        "actor": actor if getattr(actor, "is_authenticated", False) else None,
        "remote_addr": remote_addr() if callable(remote_addr) else None,
    }


def record_update(instances, changes):
    """Record ``changes`` ({field: (old, new)}) made to each of ``instances`` without a
    save; one query for them all."""
    LogEntry.objects.bulk_create(
        [entry(instance, LogEntry.Action.UPDATE, changes=changes) for instance in instances]
    )


def record_access(instances, reason):
    """Record that the current user saw or exported ``instances``; one query for them all."""
    LogEntry.objects.bulk_create(
        [entry(instance, LogEntry.Action.ACCESS, reason=reason) for instance in instances]
    )


def entry(instance, action, changes=None, reason=None):
    """An unsaved entry for ``instance``, with the current request's actor and address."""
    context = current_context()
    masked = set(auditlog.get_model_fields(type(instance))["mask_fields"])
    get_additional_data = getattr(instance, "get_additional_data", None)
    additional_data = get_additional_data() if get_additional_data else {}
    if reason:
        additional_data["reason"] = reason
    return LogEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(instance.pk),
        object_id=instance.pk,
        object_repr=smart_str(instance),
        action=action,
        changes={
            field: [
                hide(smart_str(value)) if field in masked else smart_str(value) for value in values
            ]
            for field, values in (changes or {}).items()
        }
        or None,
        additional_data=additional_data or None,
        actor_email=getattr(context["actor"], "email", None),
        **context,
    )


def history_of(instance):
    """Entries of ``instance`` and of its parts, newest first."""
    content_type = ContentType.objects.get_for_model(instance)
    return (
        LogEntry.objects.filter(
            Q(content_type=content_type, object_pk=str(instance.pk))
            | Q(additional_data__part_of=part_key(type(instance), instance.pk))
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


ACTIONS = {
    LogEntry.Action.CREATE: _("created"),
    LogEntry.Action.UPDATE: _("changed"),
    LogEntry.Action.DELETE: _("deleted"),
}


def history_row(entry, shown_with):
    """What the history page shows of ``entry`` in the history of ``shown_with``."""
    if entry.action == LogEntry.Action.ACCESS:
        reason = (entry.additional_data or {}).get("reason")
        action = ACCESS_REASONS.get(reason, _("viewed"))
    else:
        action = ACTIONS.get(entry.action, "")
    model = entry.content_type.model_class()
    # auditlog compares fields in no fixed order: show them in the form's order.
    order = {field.name: index for index, field in enumerate(model._meta.get_fields())}
    changes = []
    for name, values in sorted(
        (entry.changes or {}).items(), key=lambda item: order.get(item[0], len(order))
    ):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a field removed since
            field = None
        label = field.verbose_name if field else name
        if isinstance(values, dict):  # many-to-many: rows added or removed
            sign = "+" if values.get("operation") == "add" else "−"
            changes.append((label, "", f"{sign} {'、'.join(values.get('objects', []))}"))
            continue
        old, new = (shown_value(field, value) for value in values)
        # None and "" both show as nothing; a hidden value changed shows as hidden.
        if old != new or HIDDEN in values:
            changes.append((label, old, new))
    return {
        "entry": entry,
        "action": action,
        "part": f"{model._meta.verbose_name}: {entry.object_repr}"
        if model is not type(shown_with)
        else "",
        "changes": changes,
    }


def shown_value(field, value):
    """A recorded value as staff read it: choices and yes/no in words, times local."""
    if value in ("None", ""):
        return ""
    if value == HIDDEN:
        return gettext("(hidden)")
    if field is None:
        return value
    if field.choices:
        return str(dict((str(key), label) for key, label in field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return gettext("yes") if value == "True" else gettext("no")
    if isinstance(field, models.DateTimeField):
        with suppress(ValueError):
            moment = datetime.datetime.fromisoformat(value)  # auditlog writes UTC, naive
            if timezone.is_naive(moment):
                moment = moment.replace(tzinfo=datetime.UTC)
            return formats.localize(timezone.localtime(moment))
    return Truncator(value).chars(SHOWN_LENGTH)
