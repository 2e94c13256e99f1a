from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhitong.projects"
    label = "projects"
    verbose_name = "项目"

    def ready(self):
        # The stage table's services register themselves with the machine on import.
        from . import services  # noqa: F401
        from .roadmap import notices, retiming
        from .roadmap import services as roadmap_services  # noqa: F401  (the milestone table's)

        notices.register_notice_kinds()
        retiming.register()
