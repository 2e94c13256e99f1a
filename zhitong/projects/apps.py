from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "zhitong.projects"
    label = "projects"
    verbose_name = _("重大项目")

    def ready(self):
        # The stage table's services register themselves with the machine on import.
        from . import services  # noqa: F401
