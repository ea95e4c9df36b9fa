from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "capuy.news"
    label = "news"
