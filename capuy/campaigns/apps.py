from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "capuy.campaigns"
    label = "campaigns"
