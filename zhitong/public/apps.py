from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public side: the window directory, the service-commitment catalog, the appeal
    status lookup and the policy library (seeds/003 三、五, seeds/002)."""

    name = "zhitong.public"
    label = "public"
    verbose_name = _("公开服务")

    def ready(self):
        from zhitong.appeals.deadlines import register_committed_limit_source

        from . import services  # noqa: F401  (the table and its services)
        from .promises import register_deadlines
        from .selectors import committed_limit

        # seeds/003 五、六.1: a published committed limit of the lead unit feeds the appeal's deadline.
        register_committed_limit_source(committed_limit)
        register_deadlines()
