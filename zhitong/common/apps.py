from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "zhitong.common"
    label = "common"
    verbose_name = "公共"
