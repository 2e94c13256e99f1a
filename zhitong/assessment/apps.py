import importlib

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reseed_if_empty(sender, using="default", apps=None, **kwargs):
    """A database flush (TransactionTestCase teardown, `zhitong flush`) empties the default
    scoring schemes that migration 0002 seeds, and no scorecard can be scored without them.
    Django sends post_migrate after a flush too: put them back, by the migration's own
    function, when no scheme is left (the hub's later versions are never touched)."""
    from django.apps import apps as global_apps

    from .models import Scheme

    if using != "default" or Scheme.objects.using(using).exists():
        return
    importlib.import_module("zhitong.assessment.migrations.0002_default_schemes").create(global_apps, None)


class AssessmentConfig(AppConfig):
    name = "zhitong.assessment"
    label = "assessment"
    verbose_name = _("考核与成绩单")

    def ready(self):
        from . import notices

        notices.register_notice_kinds()
        post_migrate.connect(_reseed_if_empty, sender=self, dispatch_uid="zhitong.assessment.reseed")
