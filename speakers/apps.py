from django.apps import AppConfig


class SpeakersConfig(AppConfig):
    default_auto_field = 'django.db.models.BigAutoField'
    name = 'speakers'
