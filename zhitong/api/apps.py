from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zhitong.api"
    label = "api"
    verbose_name = "接口令牌"
