"""The roadmap's rules, in one place: the default limit of each standard milestone, the
green-channel shortening, the working-day arithmetic of a plan (reverse from a target date,
forward from a start date) and the milestone lights. The pages, the API, the clock job, the
re-timing after a calendar change and the tests all read these.

Counting: a milestone of N working days that starts on day S (the day its application is
filed, the previous milestone's due day) is due N working days after S, S itself not
counted (《行政许可法》第八十二条: 期限以工作日计算，不含法定节假日; workdays.add_workdays).
The nodes of a plan follow one another: each starts on the day the one before it is due.

- Reverse (倒排工期, seeds/004 聊城: 对在建项目，要建立工作倒推机制，倒排工期，倒追责任;
  seeds/004 毕节: 实行倒排工期，按计划推进): the last node is due on the target date (the
  last working day on or before it when the target is a rest day), and every earlier node
  is due on the day the next one starts, walking back through the working days. A holiday
  in between pushes every earlier start further back.
- Forward: the first node starts on the start date; each next one starts when the previous
  one is due.

Each node stores the inputs of its own dates (`plan_rule`, `plan_anchor` — the target or
start date, `plan_offset` — the working days between the anchor and its due day, and its
`workdays`), so the dates are recomputed row by row, by `recompute`, after every move and
after a calendar change (retiming.py), without reading the other nodes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhitong.workdays import services as workdays

from ..models import MilestoneKind, MilestoneStatus, PlanRule

K = MilestoneKind

# The default committed limit of each standard milestone, in working days: CONFIGURABLE
# DEFAULTS, not rules of the seeds (the seeds give no per-approval limits). The planning
# page and the API offer them and let the planner change every one per project; a city
# adopting its own commitments edits this table. Chosen within the statutory ceilings:
# 《行政许可法》第四十二条 (a licence decided within 20 days of acceptance; 第八十二条:
# working days) and 《建筑法》第八条 (施工许可证 within 7 days); seeds/003 六.1 lets a
# department commit to less than the statutory limit. Their sum (92) stays within the 120
# working days the national reform of construction-project approvals set for the whole
# process (国办发〔2019〕11号).
DEFAULT_WORKDAYS: dict[str, int] = {
    K.PROJECT_APPROVAL: 5,  # 立项：审批、核准或备案
    K.SITE_SELECTION: 10,  # 选址意见书
    K.LAND: 20,  # 用地预审、供地与用地规划许可（第四十二条的上限）
    K.PLANNING: 15,  # 建设工程规划许可
    K.DESIGN_REVIEW: 10,  # 设计方案审查
    K.CONSTRUCTION_DRAWINGS: 10,  # 施工图审查
    K.QUALITY_SAFETY: 3,  # 质量安全监督手续
    K.CONSTRUCTION_PERMIT: 7,  # 施工许可（《建筑法》第八条：七日内）
    K.COMPLETION_ACCEPTANCE: 12,  # 竣工验收
}
STANDARD_KINDS: tuple[str, ...] = tuple(DEFAULT_WORKDAYS)
MAX_WORKDAYS = 365  # one milestone's limit, as every page form bounds a time limit
MAX_MILESTONES = 30  # nodes in one roadmap

# A milestone's light turns yellow when this many working days or fewer remain before its
# planned due day, and red the day after it. The SPEC gives appeals the same threshold
# ("yellow when ≤ 2 working days remain"); it is kept HERE for milestones, on purpose not
# read from appeals (a higher floor, whose lights are being redefined): change it here.
YELLOW_WORKDAYS = 2


class Light(models.TextChoices):
    """A milestone's light; the values are those of the shared legend
    (templates/includes/light.html)."""

    GREEN = "green", "正常"
    YELLOW = "yellow", "临期"
    RED = "red", "超期"
    NONE = "none", "不计时"


# -- the green channel (绿色通道) ------------------------------------------------------------


def green_channel_percent() -> int:
    """The share of a committed limit a green-channel project gets (settings, default 50)."""
    return min(100, max(1, int(settings.ZHITONG_GREEN_CHANNEL_PERCENT)))


def green_channel_days(days: int) -> int:
    """A committed limit of `days` working days for a green-channel project: the configured
    percentage, rounded up, at least 1 working day (0 stays 0).

    seeds/004 常德: 开辟重大项目建设“绿色通道”…不断提高服务时效; 潍坊: 开辟行政审批绿色
    通道，对重点项目按照“特事特办、急事急办”的原则…实现即收即办; 绵阳: 开辟绿色通道，
    加快项目落地实施. The seeds give no number: halving (50%) is our default, configurable
    (ZHITONG_GREEN_CHANNEL_PERCENT); seeds/003 六.1 allows committed limits shorter than the
    statutory ones. Applied to the roadmap's milestones here and to appeals linked to the
    project in appeals/deadlines.py (docs/projects.md "绿色通道")."""
    if days <= 0:
        return 0
    return max(1, math.ceil(days * green_channel_percent() / 100))


def committed_workdays(standard: int, *, green_channel: bool) -> int:
    return green_channel_days(standard) if green_channel else standard


# -- the arithmetic -------------------------------------------------------------------------


@dataclass(frozen=True)
class Dates:
    start: date
    due: date
    provisional: bool  # counted over a year without an official schedule
    yellow_from: date


def target_day(anchor: date) -> date:
    """The last working day on or before a reverse plan's target date: an approval is
    obtained on a working day, so a target on a rest day is met the working day before."""
    if workdays.is_workday(anchor):
        return anchor
    return workdays.subtract_workdays(anchor, 1).date


def _provisional(*days: date) -> bool:
    official = set(workdays.official_years())
    return any(y not in official for y in range(min(days).year, max(days).year + 1))


def dates_for(*, rule: str, anchor: date, offset: int, days: int) -> Dates:
    """A node's planned start and due days from its stored inputs (module docstring)."""
    if rule == PlanRule.REVERSE:
        due = workdays.subtract_workdays(target_day(anchor), offset).date
        start = workdays.subtract_workdays(due, days).date
    elif rule == PlanRule.FORWARD:
        start = workdays.add_workdays(anchor, max(offset - days, 0)).date
        due = workdays.add_workdays(start, days).date
    else:  # FIXED: the due day set by hand
        due = anchor
        start = workdays.subtract_workdays(due, days).date
    yellow = workdays.subtract_workdays(due, YELLOW_WORKDAYS).date
    return Dates(start, due, _provisional(start, due, anchor), yellow)


def recompute(milestone) -> list[str]:
    """Set the node's stored dates from its inputs; return the names of the fields changed.
    The milestone table's recompute hook (after every move) and the calendar's re-timing."""
    anchor = milestone.plan_anchor or milestone.planned_due
    if anchor is None:
        return []
    rule = milestone.plan_rule if milestone.plan_anchor else PlanRule.FIXED
    d = dates_for(rule=rule, anchor=anchor, offset=milestone.plan_offset, days=milestone.workdays)
    changed = []
    for name, value in (
        ("planned_start", d.start),
        ("planned_due", d.due),
        ("planned_provisional", d.provisional),
        ("yellow_from", d.yellow_from),
    ):
        if getattr(milestone, name) != value:
            setattr(milestone, name, value)
            changed.append(name)
    return changed


def rest_days_between(start: date, due: date) -> int:
    """Monday-to-Friday days in (start, due] that are not working days (holidays the
    milestone's count walks over), for the planning preview."""
    count, d = 0, start + timedelta(days=1)
    while d <= due:
        if d.weekday() < 5 and not workdays.is_workday(d):
            count += 1
        d += timedelta(days=1)
    return count


@dataclass(frozen=True)
class PlanItem:
    """One node the planner chose, in order: a standard kind or `custom` with its name."""

    kind: str
    name: str
    standard_workdays: int  # the limit before the green channel
    workdays: int  # the committed limit it is planned with
    agent_id: int | None = None
    responsible_unit_id: int | None = None


@dataclass(frozen=True)
class PlannedNode:
    item: PlanItem
    sequence: int
    rule: str
    anchor: date
    offset: int
    dates: Dates
    rest_days: int = 0
    notes: list[str] = field(default_factory=list)


def plan(items: Sequence[PlanItem], *, direction: str, anchor: date) -> list[PlannedNode]:
    """The nodes of a plan, in order, with their dates: `direction` REVERSE from the target
    date `anchor`, FORWARD from the start date `anchor`."""
    if direction not in (PlanRule.REVERSE, PlanRule.FORWARD):
        raise ValueError(direction)
    days = [item.workdays for item in items]
    out = []
    for i, item in enumerate(items):
        # Reverse: from the anchor back to this node's due day lie the later nodes' days;
        # forward: from the anchor on to it lie its own days and the earlier nodes'.
        offset = sum(days[i + 1 :]) if direction == PlanRule.REVERSE else sum(days[: i + 1])
        d = dates_for(rule=direction, anchor=anchor, offset=offset, days=item.workdays)
        out.append(
            PlannedNode(
                item=item,
                sequence=i + 1,
                rule=direction,
                anchor=anchor,
                offset=offset,
                dates=d,
                rest_days=rest_days_between(d.start, d.due),
            )
        )
    return out


# -- the lights -----------------------------------------------------------------------------


def light_for(*, status: str, due: date | None, yellow_from: date | None, today: date) -> str:
    """A node's light today: none once done (or without a due day), red after its due day,
    yellow from `yellow_from` (YELLOW_WORKDAYS before it), green before."""
    if status != MilestoneStatus.OPEN or due is None:
        return Light.NONE
    if today > due:
        return Light.RED
    if yellow_from is not None and today >= yellow_from:
        return Light.YELLOW
    return Light.GREEN


def light_of(milestone, today: date) -> str:
    return light_for(
        status=milestone.status, due=milestone.planned_due, yellow_from=milestone.yellow_from, today=today
    )


def light_q(light: str, today: date) -> Q:
    """A filter for one light on the stored, indexed columns (the same rule as light_for)."""
    running = Q(status=MilestoneStatus.OPEN)
    if light == Light.NONE:
        return ~running
    if light == Light.RED:
        return running & Q(planned_due__lt=today)
    if light == Light.YELLOW:
        return running & Q(planned_due__gte=today, yellow_from__lte=today)
    if light == Light.GREEN:
        return running & Q(planned_due__gte=today) & (Q(yellow_from__gt=today) | Q(yellow_from__isnull=True))
    raise ValueError(light)


def completed_late(milestone) -> bool:
    """Done after its planned due day (逾期完成)."""
    return bool(milestone.actual_on and milestone.planned_due and milestone.actual_on > milestone.planned_due)
