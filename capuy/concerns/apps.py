from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "capuy.concerns"
    label = "concerns"
