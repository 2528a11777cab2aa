"""Publishing rules shared by events and lessons: draft → submitted for review → published,
with a publish date. Only holders of the model's ``publish_<model>`` permission publish.

Scheduling needs no cron: an item is public once it is published *and* its publish date
has passed, which ``published()`` checks at query time.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Publishable.Status.PUBLISHED, publish_at__lte=timezone.now())


class Publishable(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        PUBLISHED = "published", _("Published")

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    publish_at = models.DateTimeField(
        _("publish date"),
        default=timezone.now,
        db_index=True,
        help_text=_("The item becomes public at this time; a future date schedules it."),
    )

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_public(self):
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()


def can_publish(user, model):
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


def submit(item):
    """An editor hands a draft to the publishers."""
    item.status = Publishable.Status.SUBMITTED
    item.save(update_fields=["status"])


def publish(item, at=None):
    """Publish ``item`` now, or schedule it for ``at``."""
    item.status = Publishable.Status.PUBLISHED
    item.publish_at = at or timezone.now()
    item.save(update_fields=["status", "publish_at"])


def unpublish(item):
    item.status = Publishable.Status.DRAFT
    item.save(update_fields=["status"])
