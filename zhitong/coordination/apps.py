from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "zhitong.coordination"
    label = "coordination"
