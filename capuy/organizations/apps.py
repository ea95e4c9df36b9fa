from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "capuy.organizations"
    label = "organizations"
