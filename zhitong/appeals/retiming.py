"""The appeal's stored working-day deadlines, registered with the calendar
(zhitong/workdays/deadlines.py): when the calendar changes, open appeals are re-timed in the
calendar change's own transaction by `deadlines.restore_deadlines`, the same functions the
moves use."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils.translation import gettext_lazy

from .choices import OPEN_STATUSES
from .deadlines import restore_deadlines
from .jobs import _HISTORY_ACTIONS, _local_midnight


def touches(years: list[int]) -> Q:
    """Open appeals received before the end of the last changed year with a deadline on or
    after 1 January of the first: their working-day counts may walk over a changed day."""
    first = date(years[0], 1, 1)
    after_last = _local_midnight(date(years[-1] + 1, 1, 1))
    return Q(received_at__lt=after_last) & (
        Q(clock_due__gte=first)
        | Q(sign_due__gte=first)
        | Q(handling_due__gte=first)
        | Q(legal_due__gte=first)
    )


def recompute(appeals: list) -> None:
    """Re-time `appeals` in place from their start dates (one query for the history)."""
    from .models import Transition

    history: dict[int, list[dict]] = {a.pk: [] for a in appeals}
    rows = (
        Transition.objects.filter(appeal_id__in=list(history), action__in=_HISTORY_ACTIONS)
        .order_by("appeal_id", "at", "id")
        .values("appeal_id", "action", "at", "data")
    )
    for row in rows:
        row["data"] = row["data"] or {}
        history[row["appeal_id"]].append(row)
    for appeal in appeals:
        restore_deadlines(appeal, history[appeal.pk])


def register() -> None:
    from zhitong.workdays import deadlines

    deadlines.register(
        "appeals.Appeal",
        # clock_due first: a change of the provisional mark alone is recorded on it.
        dates=("clock_due", "sign_due", "handling_due", "legal_due"),
        provisional="clock_provisional",
        derived=("clock_yellow_from",),  # deadlines.yellow_from_for(clock_due, limit)
        title=gettext_lazy("诉求"),
        recompute=recompute,
        active=Q(status__in=OPEN_STATUSES),
        touches=touches,
        ref="code",
        describe=lambda a: f"{a.code} {a.title}",
        select_related=("category",),
    )
