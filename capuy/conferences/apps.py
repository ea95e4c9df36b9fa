from django.apps import AppConfig


class ConferencesConfig(AppConfig):
    name = "capuy.conferences"
    label = "conferences"
