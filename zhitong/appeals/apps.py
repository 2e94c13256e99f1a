from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "zhitong.appeals"
    label = "appeals"
