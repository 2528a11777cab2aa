from modeltranslation.translator import TranslationOptions, register

from .models import Closure, Route, Stop


@register(Route)
class RouteTranslation(TranslationOptions):
    fields = ("name", "summary", "body")


@register(Stop)
class StopTranslation(TranslationOptions):
    fields = ("name", "summary", "body", "address", "photo_alt", "opening_hours")


@register(Closure)
class ClosureTranslation(TranslationOptions):
    fields = ("reason",)
