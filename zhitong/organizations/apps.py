from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "zhitong.organizations"
    label = "organizations"
    verbose_name = "组织机构与用户"
