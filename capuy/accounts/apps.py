from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "capuy.accounts"
    label = "accounts"
