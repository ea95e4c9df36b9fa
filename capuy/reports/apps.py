from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "capuy.reports"
    label = "reports"
