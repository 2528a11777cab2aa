"""Make the renditions of stored pictures that have none: pictures saved before renditions
existed, or whose renditions could not be made then. With --all, remake every picture's."""

from django.apps import apps
from django.core.management.base import BaseCommand

from lujiazui.images import PictureField


def picture_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, PictureField) and field.renditions_field:
                yield model, field


class Command(BaseCommand):
    help = "Make the renditions (WebP, JPEG or PNG copies) of pictures that have none."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Remake the renditions of every picture, not only the missing ones.",
        )

    def handle(self, *args, **options):
        made = failed = 0
        for model, field in picture_fields():
            pictures = model._base_manager.exclude(**{field.attname: ""}).only(
                "pk", field.attname, field.renditions_field
            )
            for instance in pictures.iterator():
                before = getattr(instance, field.renditions_field)
                field.update_renditions(instance, force=options["all"])
                after = getattr(instance, field.renditions_field)
                if after == before:
                    continue
                # An UPDATE of the one column: save() would run every field's pre_save.
                model._base_manager.filter(pk=instance.pk).update(**{field.renditions_field: after})
                if after:
                    made += 1
                else:
                    failed += 1
        self.stdout.write(f"Renditions made for {made} pictures; {failed} could not be read.")
