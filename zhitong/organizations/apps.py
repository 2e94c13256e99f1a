from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "zhitong.organizations"
    label = "organizations"
