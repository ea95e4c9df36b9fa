from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "capuy.demo"
    label = "demo"
