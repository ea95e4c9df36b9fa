from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "capuy.core"
    label = "core"
