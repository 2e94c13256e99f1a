from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _reseed_if_empty(sender, using="default", **kwargs):
    """A database flush (TransactionTestCase teardown, `zhitong flush`) empties the calendar
    the data migration loaded, and every year would turn provisional. Django sends
    post_migrate after a flush too, so put the package's years back when none is left.

    Not audited: it restores the state a fresh database starts in (the data migration is
    not audited either), and an event here would land in the emptied log of every flushed
    test."""
    from .models import CalendarYear
    from .services import _seed

    if using != "default" or CalendarYear.objects.using(using).exists():
        return
    _seed(years=None, audit=False)


class WorkdaysConfig(AppConfig):
    name = "zhitong.workdays"
    label = "workdays"
    verbose_name = _("工作日历")

    def ready(self):
        post_migrate.connect(_reseed_if_empty, sender=self, dispatch_uid="zhitong.workdays.reseed")
