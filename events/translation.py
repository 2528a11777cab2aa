from modeltranslation.translator import TranslationOptions, register

from .models import Event, Lesson, Photo, Section, Speech


@register(Event)
class EventTranslation(TranslationOptions):
    fields = ("title", "theme", "summary", "body", "venue", "cover_alt", "source", "editors")


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("title", "body")


@register(Speech)
class SpeechTranslation(TranslationOptions):
    fields = ("title", "summary")


@register(Photo)
class PhotoTranslation(TranslationOptions):
    fields = ("caption",)


@register(Lesson)
class LessonTranslation(TranslationOptions):
    fields = ("title", "summary")
