from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "zhitong.projects"
    label = "projects"
    verbose_name = _("重大项目")

    def ready(self):
        from zhitong.enterprises.selectors import register_unit_scope_extension

        # The stage table's services register themselves with the machine on import.
        from . import enterprise_sections, services  # noqa: F401
        from .dispatch import guards
        from .dispatch import notices as dispatch_notices
        from .roadmap import notices, retiming
        from .roadmap import services as roadmap_services  # noqa: F401  (the milestone table's)
        from .selectors import enterprises_with_projects_q

        # The enterprise page lists the enterprise's projects (enterprises sits below us).
        enterprise_sections.install()
        # Unit staff also see the owners of the projects their units lead, host or serve.
        register_unit_scope_extension(enterprises_with_projects_q)
        notices.register_notice_kinds()
        retiming.register()
        # seeds/002 准入落地会商: no signing before a consultation concluded 同意.
        guards.register()
        # The leaders' monthly digest's kind, for the message hub.
        dispatch_notices.register_notice_kinds()
