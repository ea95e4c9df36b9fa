from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "capuy.committees"
    label = "committees"
