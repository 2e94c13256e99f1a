import importlib

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _reseed_if_empty(sender, using="default", apps=None, **kwargs):
    """A database flush (TransactionTestCase teardown, `zhitong flush`) empties the appeal
    categories and routing rules that migration 0005 seeds, and no appeal can be registered
    or routed without them. Django sends post_migrate after a flush too: put them back, by
    the migration's own function, when no category is left (an admin's later edits to a
    populated table are never touched)."""
    from django.apps import apps as global_apps

    from .models import Category

    if using != "default" or Category.objects.using(using).exists():
        return
    seed = importlib.import_module("zhitong.appeals.migrations.0005_seed_categories_routing").seed
    seed(global_apps, None)


def _resync_code_sequences(sender, using="default", **kwargs):
    """After a flush, a year's code sequence (PostgreSQL) starts again with the table
    (appeals/codes.py)."""
    from .codes import resync_sequences

    resync_sequences(using)


class AppealsConfig(AppConfig):
    name = "zhitong.appeals"
    label = "appeals"
    verbose_name = _("诉求办理")

    def ready(self):
        from zhitong.enterprises.selectors import register_unit_scope_extension

        from . import (
            counter_hooks,
            notices,
            project_hooks,
            project_problems,
            project_sections,
            retiming,
            search,
        )
        from .selectors import enterprises_with_appeals_q

        # Unit staff also see the enterprises whose appeals their units lead, cooperate on
        # or received (enterprises sits below appeals, so it is told rather than importing).
        register_unit_scope_extension(enterprises_with_appeals_q)
        # An enterprise's name is in its appeals' search documents (appeals/search.py).
        post_save.connect(
            search.enterprise_saved, sender="enterprises.Enterprise", dispatch_uid="appeal_search"
        )
        # A problem named in a project's monthly report becomes an appeal (projects sits
        # below appeals, so it is handed the intake through its hook).
        project_hooks.install_desk()

        # The project page shows the project's appeals (projects sits below appeals).
        project_sections.install()
        # Stored deadlines were counted on the calendar: re-time them when it changes.
        retiming.register()
        # The message hub's labels and the preferences page's kinds (mandatory or not).
        notices.register_notice_kinds()
        # A project's open appeals are its problems in the leaders' monthly digest.
        project_problems.register()
        # The cached list counts are thrown away when what they count changes (counters.py).
        counter_hooks.install()
        post_migrate.connect(_reseed_if_empty, sender=self, dispatch_uid="zhitong.appeals.reseed")
        post_migrate.connect(_resync_code_sequences, sender=self, dispatch_uid="zhitong.appeals.codes")
