from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "capuy.jobs"
    label = "jobs"
