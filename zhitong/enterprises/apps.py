from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "zhitong.enterprises"
    label = "enterprises"
    verbose_name = "企业"
