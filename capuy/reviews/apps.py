from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "capuy.reviews"
    label = "reviews"
