"""Appeal deadlines: pure arithmetic in working days on the appeal's stored columns.

Every state that waits for someone has one deadline, `clock_due`, and the day its light
turns yellow, `clock_yellow_from` (see "The light rule" below). Both are stored and indexed, so
the workbench's light filter and the clock job (appeals/jobs.py) are plain range queries
(STYLE habit 3). Only the moves write them, through the machine's recompute hook
(appeals/recipe.py), after every move.

What each state waits for:
- submitted: the materials check and triage, 2 working days from receipt
  (seeds/003 六.2: one notice listing every missing item, at once or within 2 days);
- materials_pending: the enterprise — no clock (the time limit counts from complete
  materials, seeds/003 六.2);
- assigned: sign-for by the lead unit, 1 working day (`sign_due`);
- transfer_requested: the hub reroutes, 1 working day (our choice; the seeds are silent);
- in_progress, escalated: handling, `handling_due` (the committed limit, seeds/003 六.1);
- resolved: verification by the hub or supervision office, 3 working days (our choice);
- verified: the enterprise's rating, 10 working days; then one reminder, then closed as
  not rated;
- closed, merged: no clock.

The light rule, in working days of the registered calendar (zhitong/workdays), never
calendar days. SPEC "Lights": green; yellow when ≤ 2 working days remain; red when overdue.
The seeds state no light rule (seeds/003 六 only sets the limits; the yellow/red warnings of
seeds/004 rank units, not appeals). Taken literally, "≤ 2 working days remain" makes every
clock of 2 working days or less yellow the moment it starts — a new appeal (2 days for the
materials check) or a freshly routed one (1 day to sign for) — and a light that is always
yellow says nothing. So yellow also needs half of the time limit gone (our reading, stated
here):

- green: in time, with more than 2 working days left or less than half the limit used;
- yellow: at most `YELLOW_WORKDAYS` working days left and at least `YELLOW_ELAPSED_SHARE`
  of the limit used, up to and including the deadline day;
- red: past the deadline (the working day after it, or any later day).

`yellow_window(limit)` is the number of working days before the deadline on which yellow
starts: min(2, limit − ⌈limit/2⌉) — 2 for limits of 4 working days or more (the SPEC rule
unchanged), 1 for 2 or 3, 0 (the deadline day only) for a 1-day limit.

The light (green/yellow/red/none) is a unit's light: it shows only the clocks a unit or
the hub answers for (`ACCOUNTABLE_STATUSES`). A verified appeal waits for the
enterprise's rating, so its light is "none" everywhere — workbench, home pages, counts —
although its `clock_due` still drives the rating reminder and the not-rated close. The
rule lives here only: `light_of` (one appeal), `light_q` (a filter) and
`light_annotation` (a column) say the same thing.

Stored deadlines are re-timed when the working-day calendar changes, inside the change's
transaction: `restore_deadlines` here, registered with the calendar in appeals/retiming.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from django.conf import settings
from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import OPEN_STATUSES, Channel, Light, Status

# The light rule's two thresholds (see the module docstring; nothing else may restate them).
YELLOW_WORKDAYS = 2  # SPEC "Lights": yellow when ≤ 2 working days remain
YELLOW_ELAPSED_SHARE = Fraction(1, 2)  # our reading: and at least half the limit is used
MATERIALS_NOTICE_WORKDAYS = 2  # seeds/003 六.2
SIGN_WORKDAYS = 1  # SPEC / issue: sign-for within 1 working day
TRANSFER_SETTLE_WORKDAYS = 1
VERIFY_WORKDAYS = 3
RATING_WORKDAYS = 10  # issue 3: no rating within 10 working days → reminder → not rated
COOPERATION_WORKDAYS = 3  # cooperating units answer the lead unit within 3 working days
MAYOR_MAILBOX_WORKDAYS = 7  # seeds/003 七: mayor's mailbox, result to the enterprise within 7 working days

CLOCK_FIELDS = ("clock_due", "clock_yellow_from", "clock_provisional")
DEADLINE_FIELDS = ("sign_due", "handling_due", "legal_due", *CLOCK_FIELDS)

# The states whose clock a unit or the hub answers for. Not materials_pending (the
# enterprise owes the materials, and no clock runs), not verified (the enterprise owes
# its rating), not closed or merged.
ACCOUNTABLE_STATUSES = tuple(s for s in OPEN_STATUSES if s not in (Status.MATERIALS_PENDING, Status.VERIFIED))


def local_date(dt: datetime | None) -> date | None:
    return timezone.localdate(dt) if dt is not None else None


def add_workdays(start: date, n: int):
    from zhitong.workdays.services import add_workdays as _add

    return _add(start, n)


def subtract_workdays(d: date, n: int):
    from zhitong.workdays.services import subtract_workdays as _sub

    return _sub(d, n)


def is_provisional(d: date) -> bool:
    from zhitong.workdays.services import is_provisional as _p

    return _p(d)


@dataclass(frozen=True)
class HandlingLimit:
    """A handling limit and why it was chosen (the routing move records `basis` on the
    timeline next to the routing rule)."""

    days: int
    basis: str  # a code of LIMIT_BASES: explicit / mailbox / commitment / category / default
    detail: str = ""  # what the basis names: the category, or the unit and its catalog item


# The bases' wording, filled in when read (the timeline stores the code and the detail, so the
# page reads in its own language; appeals_ui.limit_basis_text).
LIMIT_BASES = {
    "explicit": gettext_lazy("统筹协调专员指定"),
    "mailbox": gettext_lazy("市长信箱：7个工作日内将办理结果告知企业"),
    "commitment": gettext_lazy("服务承诺：%(detail)s"),
    "category": gettext_lazy("诉求类别“%(detail)s”的承诺时限"),
    "default": gettext_lazy("默认办理时限"),
}


# Committed limits published by the units (服务承诺, seeds/003 五、六.1), filled in by a
# higher app's AppConfig.ready (zhitong/public): func(*, category_id, lead_unit_id) ->
# (days, detail naming the unit and its item) or None. Appeals cannot import that app (floors point down).
COMMITTED_LIMIT_SOURCES: list[Callable[..., tuple[int, str] | None]] = []


def register_committed_limit_source(func: Callable[..., tuple[int, str] | None]) -> None:
    if func not in COMMITTED_LIMIT_SOURCES:
        COMMITTED_LIMIT_SOURCES.append(func)


def _committed_limit(category, lead_unit_id) -> tuple[int, str] | None:
    category_id = getattr(category, "pk", category)
    if not category_id or not lead_unit_id:
        return None
    for source in COMMITTED_LIMIT_SOURCES:
        found = source(category_id=category_id, lead_unit_id=lead_unit_id)
        if found:
            return found
    return None


def handling_limit_for(
    *,
    category,
    channel: str,
    explicit: int | None = None,
    green_channel: bool = False,
    lead_unit_id: int | None = None,
) -> HandlingLimit:
    """The handling limit in working days and its basis — the one place the limit is
    chosen: the hub's explicit choice, else the mayor's mailbox rule (7, a hard limit,
    seeds/003 七), else the committed limit the lead unit published for the appeal's
    category (seeds/003 五 公开承诺办理时限; 六.1 承诺的办理时限可以少于规定的时限 — the
    unit's own catalog, `COMMITTED_LIMIT_SOURCES`), else the category's committed limit,
    else the configurable default (settings.ZHITONG_DEFAULT_HANDLING_WORKDAYS). For an
    appeal of a green-channel project (绿色通道, seeds/004; `green_channel_of`) the limit
    is shortened by the projects' rule (projects/roadmap/rules.py green_channel_days:
    half, rounded up, by default); the hub's explicit choice is taken as given (routing
    caps it at the shortened limit, docs/projects.md "绿色通道")."""
    detail = ""
    if explicit:
        return HandlingLimit(int(explicit), "explicit")
    if channel == Channel.MAYOR_MAILBOX:
        days, basis = MAYOR_MAILBOX_WORKDAYS, "mailbox"
    elif (committed := _committed_limit(category, lead_unit_id)) is not None:
        (days, detail), basis = committed, "commitment"
    elif category is not None and category.handling_days:
        days, basis, detail = category.handling_days, "category", category.name
    else:
        days, basis = settings.ZHITONG_DEFAULT_HANDLING_WORKDAYS, "default"
    return HandlingLimit(green_channel_days(days) if green_channel else days, basis, detail)


def handling_days_for(
    *,
    category,
    channel: str,
    explicit: int | None = None,
    green_channel: bool = False,
    lead_unit_id: int | None = None,
) -> int:
    """The handling limit in working days (`handling_limit_for` without its basis)."""
    return handling_limit_for(
        category=category,
        channel=channel,
        explicit=explicit,
        green_channel=green_channel,
        lead_unit_id=lead_unit_id,
    ).days


def green_channel_of(appeal) -> bool:
    """The appeal is linked to a project designated for the green channel (Project.green_channel)."""
    if not appeal.project_id:
        return False
    from zhitong.projects.models import Project

    return Project.objects.filter(pk=appeal.project_id, green_channel=True).exists()


def green_channel_days(days: int) -> int:
    from zhitong.projects.roadmap.rules import green_channel_days as shorten

    return shorten(days)


def legal_days_for(*, category, handling_days: int) -> int:
    """The statutory ceiling no extension may pass (seeds/003 六.3). Where the category
    records none, we allow at most twice the handling limit — an assumption, stated here."""
    legal = category.legal_limit_days if category is not None else None
    return max(legal or 2 * handling_days, handling_days)


def sign_due_for(assigned_on: date) -> date:
    """Sign-for deadline of an appeal routed on `assigned_on` (1 working day)."""
    return add_workdays(assigned_on, SIGN_WORKDAYS).date


def handling_dues_for(*, base: date, days: int, category, channel: str = "") -> tuple[date, date]:
    """(handling_due, legal_due) for a handling limit of `days` counted from `base` (the
    day materials were complete, or the day of a reroute or reopening). A mayor's-mailbox
    appeal's ceiling is its limit: seeds/003 七's 7 working days are a hard limit, so no
    extension passes it (the request_extension guard refuses at the ceiling)."""
    if channel == Channel.MAYOR_MAILBOX:
        legal = days
    else:
        legal = legal_days_for(category=category, handling_days=days)
    return add_workdays(base, days).date, add_workdays(base, legal).date


def _since(appeal) -> date:
    return local_date(appeal.state_since or appeal.received_at)


def state_clock(appeal) -> tuple[date | None, int]:
    """(deadline, limit in working days) of whatever the current state waits for (see the
    module docstring); (None, 0) when no clock runs. The handling limit is the appeal's own
    (an approved extension moves the deadline, not the limit)."""
    s = appeal.status
    if s == Status.SUBMITTED:
        return add_workdays(_since(appeal), MATERIALS_NOTICE_WORKDAYS).date, MATERIALS_NOTICE_WORKDAYS
    if s == Status.ASSIGNED:
        return appeal.sign_due or add_workdays(_since(appeal), SIGN_WORKDAYS).date, SIGN_WORKDAYS
    if s == Status.TRANSFER_REQUESTED:
        return add_workdays(_since(appeal), TRANSFER_SETTLE_WORKDAYS).date, TRANSFER_SETTLE_WORKDAYS
    if s in (Status.IN_PROGRESS, Status.ESCALATED):
        limit = appeal.handling_days or handling_days_for(
            category=appeal.category, channel=appeal.channel, lead_unit_id=appeal.lead_unit_id
        )
        return appeal.handling_due, limit
    if s == Status.RESOLVED:
        return add_workdays(_since(appeal), VERIFY_WORKDAYS).date, VERIFY_WORKDAYS
    if s == Status.VERIFIED:
        return add_workdays(_since(appeal), RATING_WORKDAYS).date, RATING_WORKDAYS
    return None, 0


def state_due(appeal) -> date | None:
    """The deadline of whatever the current state waits for (see the module docstring)."""
    return state_clock(appeal)[0]


def yellow_window(limit: int) -> int:
    """Working days before the deadline on which the light turns yellow, for a time limit of
    `limit` working days: at most YELLOW_WORKDAYS, and never before YELLOW_ELAPSED_SHARE of
    the limit is used (0: the deadline day only)."""
    used_before_yellow = math.ceil(max(limit, 0) * YELLOW_ELAPSED_SHARE)
    return max(0, min(YELLOW_WORKDAYS, limit - used_before_yellow))


def yellow_from_for(due: date, limit: int) -> date:
    """The first yellow day of a clock due on `due` with a limit of `limit` working days."""
    return subtract_workdays(due, yellow_window(limit)).date


def recompute(appeal) -> list[str]:
    """Set the stored clock columns from the appeal's state; return the names changed."""
    due, limit = state_clock(appeal)
    yellow = yellow_from_for(due, limit) if due else None
    deadlines = [d for d in (due, appeal.sign_due, appeal.handling_due, appeal.legal_due) if d]
    provisional = any(is_provisional(d) for d in deadlines)
    changed = []
    for name, value in (
        ("clock_due", due),
        ("clock_yellow_from", yellow),
        ("clock_provisional", provisional),
    ):
        if getattr(appeal, name) != value:
            setattr(appeal, name, value)
            changed.append(name)
    return changed


def light_for(clock_due: date | None, yellow_from: date | None, today: date) -> str:
    if clock_due is None:
        return Light.NONE
    if today > clock_due:
        return Light.RED
    if yellow_from is not None and today >= yellow_from:
        return Light.YELLOW
    return Light.GREEN


def light_of(appeal, today: date | None = None) -> str:
    """The appeal's light today: red when overdue, yellow from `clock_yellow_from` (the light
    rule, module docstring), green otherwise; none when no unit or hub clock runs (see
    ACCOUNTABLE_STATUSES)."""
    if appeal.status not in ACCOUNTABLE_STATUSES:
        return Light.NONE
    return light_for(appeal.clock_due, appeal.clock_yellow_from, today or timezone.localdate())


def light_q(light: str, today: date) -> Q:
    """A filter for one light on the indexed columns (the same rule as `light_of`)."""
    if light == Light.NONE:
        return Q(clock_due__isnull=True) | ~Q(status__in=ACCOUNTABLE_STATUSES)
    running = Q(status__in=ACCOUNTABLE_STATUSES)
    if light == Light.RED:
        return running & Q(clock_due__lt=today)
    if light == Light.YELLOW:
        return running & Q(clock_due__gte=today, clock_yellow_from__lte=today)
    if light == Light.GREEN:
        return (
            running
            & Q(clock_due__gte=today)
            & (Q(clock_yellow_from__gt=today) | Q(clock_yellow_from__isnull=True))
        )
    raise ValueError(light)


def light_meanings() -> dict[str, str]:
    """What each light means, for the legend and the tooltips (appeals/_light_legend.html,
    the home counts): the rule above in words, from the same two thresholds."""
    share = _("一半") if YELLOW_ELAPSED_SHARE == Fraction(1, 2) else f"{float(YELLOW_ELAPSED_SHARE):.0%}"
    n = {"days": YELLOW_WORKDAYS, "share": share}
    return {
        Light.GREEN: _("绿灯 正常：在期限内，剩余超过%(days)s个工作日，或办理时限用去不到%(share)s") % n,
        Light.YELLOW: _("黄灯 临期：剩余不超过%(days)s个工作日且办理时限已用去%(share)s，含期限当日") % n,
        Light.RED: _("红灯 超期：已过期限（按工作日计）"),
        Light.NONE: _("不计时：等待企业补正材料或评价，或已办结"),
    }


def light_annotation(today: date) -> Case:
    """The `light` column (the same rule as `light_of`)."""
    return Case(
        When(light_q(Light.NONE, today), then=Value(Light.NONE.value)),
        When(clock_due__lt=today, then=Value(Light.RED.value)),
        When(clock_yellow_from__lte=today, then=Value(Light.YELLOW.value)),
        default=Value(Light.GREEN.value),
        output_field=CharField(),
    )


# ---------------------------------------------------------------------------------------
# Re-timing stored deadlines after a calendar change (registered in retiming.py)
# ---------------------------------------------------------------------------------------

# The moves that (re)start the handling limit; `approve_extension` replaces the handling
# deadline with the date the unit head approved.
HANDLING_ANCHORS = ("assign", "settle_transfer", "rate")


def _handling_base(appeal, anchor: dict) -> date:
    """The day the handling limit counts from, as the move that set it counted it."""
    recorded = (anchor["data"] or {}).get("handling_from")
    if recorded:
        return date.fromisoformat(recorded)
    if anchor["action"] == "assign":
        # appeal_assign: from the day the materials were complete (seeds/003 六.2)
        return appeal.materials_completed_on or local_date(appeal.received_at)
    # settle_transfer and a reopening rating: the full limit again from that day.
    return local_date(anchor["at"])


def restore_deadlines(appeal, history: list[dict]) -> list[str]:
    """Recompute the stored deadlines of `appeal` from their start dates with the current
    calendar, by the same functions the moves use; return the names changed.

    `history`: the appeal's assign / settle_transfer / rate / approve_extension
    transitions in time order (dicts with action, at, data). An approved extension keeps
    its approved date: the unit head chose that date, not a number of working days."""
    old = {name: getattr(appeal, name) for name in DEADLINE_FIELDS}
    if appeal.assigned_at is not None and appeal.sign_due is not None:
        appeal.sign_due = sign_due_for(local_date(appeal.assigned_at))
    anchors = [
        i
        for i, t in enumerate(history)
        if t["action"] in ("assign", "settle_transfer")
        or (t["action"] == "rate" and t["data"].get("reopened"))
    ]
    if anchors and appeal.handling_due is not None:
        i = anchors[-1]
        days = appeal.handling_days or handling_days_for(
            category=appeal.category,
            channel=appeal.channel,
            green_channel=green_channel_of(appeal),
            lead_unit_id=appeal.lead_unit_id,
        )
        handling_due, legal_due = handling_dues_for(
            base=_handling_base(appeal, history[i]),
            days=days,
            category=appeal.category,
            channel=appeal.channel,
        )
        appeal.legal_due = legal_due
        if not any(t["action"] == "approve_extension" for t in history[i + 1 :]):
            appeal.handling_due = handling_due
    recompute(appeal)
    return [name for name in DEADLINE_FIELDS if getattr(appeal, name) != old[name]]
