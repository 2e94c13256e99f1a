from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhitong.projects"
    label = "projects"
    verbose_name = "项目"
