from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "zhitong.workdays"
    label = "workdays"
