from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "zhitong.portal"
    label = "portal"
