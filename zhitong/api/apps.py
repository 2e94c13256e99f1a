from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zhitong.api"
    label = "api"
