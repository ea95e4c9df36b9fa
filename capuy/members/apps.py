from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "capuy.members"
    label = "members"
