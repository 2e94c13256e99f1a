from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "zhitong.projects"
    label = "projects"
    verbose_name = "项目"

    def ready(self):
        # The stage table's services register themselves with the machine on import.
        from . import services  # noqa: F401
        from .dispatch import guards, notices

        # seeds/002 准入落地会商: no signing before a consultation concluded 同意.
        guards.register()
        # The leaders' monthly digest's kind, for the message hub.
        notices.register_notice_kinds()
