from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "capuy.meetings"
    label = "meetings"
