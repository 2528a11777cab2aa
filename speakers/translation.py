from modeltranslation.translator import TranslationOptions, register

from .models import Organization, Position, Speaker


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("name", "short_name", "description", "address")


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("name", "biography")


@register(Position)
class PositionTranslation(TranslationOptions):
    fields = ("title",)
