from django.apps import AppConfig


class RotationConfig(AppConfig):
    name = "capuy.rotation"
    label = "rotation"
