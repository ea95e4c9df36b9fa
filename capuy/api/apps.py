from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "capuy.api"
    label = "api"
