"""Reads for the enterprise audience: what an enterprise user sees of its own appeals.

Staff and enterprises read the same appeal, but not the same things (issue 9). The
timeline an enterprise sees is built here from an explicit allow-list of entry kinds
(`ENTERPRISE_TIMELINE`), each with its public wording: who acted is a unit's name, never a
staff member's; internal steps — objections, first-inquiry follow-ups, cooperating units'
opinions, progress notes, evidence files, extension requests and refusals, escalations,
rejected verifications, exemptions from assessment, coordination notes — are not in it, and
a kind added later stays internal until it is listed here. The stages (`Stage`) are the
public wording of the states ("已受理 / 办理中 / 已答复 …"), and `enterprise_deadline` the one
date the enterprise waits for.

The pages (views/enterprise.py), the API (api.py, `audience: "enterprise"`) and the home
page (portal) read these; the scope is the appeals app's own (`appeals_visible`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import models
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.selectors import service_window_of

from .choices import OPEN_STATUSES, Channel, Status
from .models import Appeal, Transition
from .search import appeal_filter_search
from .selectors import appeals_visible


class Stage(models.TextChoices):
    """The public wording of the appeal states (several states are one stage: routing,
    objections and transfers are the government's own business)."""

    MATERIALS = "materials", gettext_lazy("待补正材料")
    ACCEPTED = "accepted", gettext_lazy("已受理")
    HANDLING = "handling", gettext_lazy("办理中")
    ANSWERED = "answered", gettext_lazy("已答复待评价")
    CLOSED = "closed", gettext_lazy("已办结")
    MERGED = "merged", gettext_lazy("已合并")
    WITHDRAWN = "withdrawn", gettext_lazy("已撤回")


STAGE_STATUSES: dict[str, tuple[str, ...]] = {
    Stage.MATERIALS: (Status.MATERIALS_PENDING,),
    Stage.ACCEPTED: (Status.SUBMITTED, Status.ASSIGNED, Status.TRANSFER_REQUESTED),
    # An answer waiting for the hub's check is not an answer yet: still "办理中".
    Stage.HANDLING: (Status.IN_PROGRESS, Status.ESCALATED, Status.RESOLVED),
    Stage.ANSWERED: (Status.VERIFIED,),
    Stage.CLOSED: (Status.CLOSED,),
    Stage.MERGED: (Status.MERGED,),
    Stage.WITHDRAWN: (Status.WITHDRAWN,),
}
STAGE_OF_STATUS: dict[str, str] = {s: stage for stage, statuses in STAGE_STATUSES.items() for s in statuses}
assert set(STAGE_OF_STATUS) == set(Status.values), "every status has its public stage"

# The list's filters besides the stages: "" = all but the merged duplicates, "open" = not
# yet closed (the home page's counts link to these).
OPEN = "open"
LIST_FILTERS = ("", OPEN, *Stage.values)


def stage_of(status: str) -> Stage:
    return Stage(STAGE_OF_STATUS[status])


@dataclass(frozen=True)
class Deadline:
    """The one date the enterprise waits for now: `label` and `due`, or a `hint` instead."""

    label: str
    due: date | None
    hint: str = ""


def enterprise_deadline(appeal) -> Deadline:
    """The handling deadline while the government works on it (the date seeds/003 六 promises
    and an approved extension moves), the rating deadline while the answer waits for the
    enterprise, the closing date after. Sign-for, triage and verification deadlines are the
    staff's."""
    stage = stage_of(appeal.status)
    if stage == Stage.MATERIALS:
        # seeds/003 六.2: the time limit counts from the day the materials are complete.
        return Deadline(_("办理期限"), None, _("材料补齐后开始计时"))
    if stage in (Stage.ACCEPTED, Stage.HANDLING):
        return Deadline(
            _("办理期限"), appeal.handling_due, "" if appeal.handling_due else _("确定牵头单位后告知")
        )
    if stage == Stage.ANSWERED:
        return Deadline(_("评价期限"), appeal.clock_due)
    if stage == Stage.CLOSED:
        closed = timezone.localdate(appeal.closed_at) if appeal.closed_at else None
        return Deadline(_("办结日期"), closed)
    if stage == Stage.WITHDRAWN:
        withdrawn = timezone.localdate(appeal.withdrawn_at) if appeal.withdrawn_at else None
        return Deadline(_("撤回日期"), withdrawn)
    return Deadline(_("办理期限"), None, _("随并入的诉求一并办理"))


# What the enterprise reads above the forms of its own moves (the table's descriptions
# are written for staff: counting rules, who may record a call-back).
ENTERPRISE_MOVE_HELP = {
    "complete_materials": gettext_lazy("补齐全部材料后提交，办理时限自材料齐全之日起计算。"),
    "rate": gettext_lazy("选择“不满意”或“非常不满意”时，请写明原因，诉求将退回牵头单位重新办理。"),
    "withdraw": gettext_lazy(
        "撤回后不再办理。平台将电话回访核实撤回是否出于自愿；如有人要求或施压您撤回，请在回访时说明，"
        "诉求将恢复办理。"
    ),
}


def enterprise_answer(appeal) -> str:
    """The answer, once the hub has checked it (before that it may still be sent back)."""
    return appeal.resolution if stage_of(appeal.status) in (Stage.ANSWERED, Stage.CLOSED) else ""


def unit_public_name(unit) -> str:
    """A unit as the public knows it: a section (科室) answers under its department's name."""
    if unit is None:
        return ""
    if unit.kind == UnitKind.SECTION and unit.parent_id:
        return unit.parent.name
    return unit.name


def lead_unit_window(appeal):
    """The lead unit's published service window (seeds/003 一), or None. The enterprise's
    contact is the unit's window, not the staff member who signed."""
    return service_window_of(appeal.lead_unit_id)


# ---------------------------------------------------------------------------------------
# The list and its counts
# ---------------------------------------------------------------------------------------


def statuses_of(stage: str) -> tuple[str, ...]:
    """The states a list filter (`LIST_FILTERS`) covers."""
    if stage == OPEN:
        return tuple(OPEN_STATUSES)
    if stage in STAGE_STATUSES:
        return STAGE_STATUSES[stage]
    return tuple(s for s in Status.values if s != Status.MERGED)


def _stage_q(stage: str) -> Q:
    return Q(status__in=statuses_of(stage))


def enterprise_appeals(*, user, stage: str = "", q: str = "") -> QuerySet[Appeal]:
    """The user's appeals (the appeals app's scope: an enterprise user's own enterprise) in
    one stage (`LIST_FILTERS`; "" = all but merged duplicates), open ones first, newest
    first. `q` searches code, title, description and enterprise name (appeals/search.py)."""
    qs = appeals_visible(user).filter(_stage_q(stage)).select_related("lead_unit", "category")
    qs = appeal_filter_search(qs, q)
    is_open = Case(
        When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.order_by(is_open, "-received_at", "-id")


def enterprise_appeal_counts(*, user, q: str = "") -> dict[str, int]:
    """How many appeals each filter of `enterprise_appeals` lists (one query): "all", "open"
    and one per stage."""
    qs = appeals_visible(user)
    qs = appeal_filter_search(qs, q)
    return qs.aggregate(
        all=Count("id", filter=_stage_q("")),
        open=Count("id", filter=_stage_q(OPEN)),
        **{stage: Count("id", filter=_stage_q(stage)) for stage in Stage.values},
    )


@dataclass
class EnterpriseRow:
    """One appeal as a list card: the appeal with its public stage and deadline."""

    appeal: Appeal
    stage: Stage
    deadline: Deadline


def enterprise_rows(appeals) -> list[EnterpriseRow]:
    return [EnterpriseRow(a, stage_of(a.status), enterprise_deadline(a)) for a in appeals]


# ---------------------------------------------------------------------------------------
# The timeline
# ---------------------------------------------------------------------------------------


@dataclass
class EnterpriseEntry:
    """One timeline entry in its public wording. `by` is a unit's name, "本企业" or the
    platform; `facts` are (label, value) pairs; `text` is shown as written."""

    at: datetime
    kind: str
    label: str
    by: str
    text: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Walk:
    """What the timeline carries from one entry to the next: the lead unit named by the last
    routing, and the last answer written (shown once the hub has checked it)."""

    appeal: Appeal
    lead_unit: str = ""
    answer: str = ""


PLATFORM = gettext_lazy("直通平台")


def _d(value) -> str:
    """A date from the timeline's data ("2025-09-12") as shown."""
    from django.utils.dateparse import parse_date

    day = value if isinstance(value, date) else parse_date(str(value or ""))
    return f"{day:%Y-%m-%d}" if day else ""


def _by_enterprise(t: Transition) -> bool:
    # The role, not `is_enterprise_user`: an account deactivated since still acted as one.
    return t.actor is not None and t.actor.role == Role.ENTERPRISE


def _by(t: Transition) -> str:
    """Who acted, as the enterprise may read it: the enterprise itself, or the unit."""
    if _by_enterprise(t):
        return _("本企业")
    return unit_public_name(t.actor_unit) or str(PLATFORM)


def _intake(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    channel = t.data.get("channel") or w.appeal.channel
    facts = [(_("受理编号"), w.appeal.code)]
    if channel in Channel.values:
        facts.append((_("来源渠道"), str(Channel(channel).label)))
    return [EnterpriseEntry(t.at, t.action, _("诉求已登记受理"), _by(t), facts=facts)]


def _request_materials(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    # seeds/003 六.2: the one notice listing every missing item is addressed to the
    # enterprise; the clerk's own note is not.
    items = t.data.get("missing_items") or []
    listed = "；".join(f"{i}. {m}" for i, m in enumerate(items, 1))
    facts = [(_("需补齐材料"), listed)] if listed else []
    return [EnterpriseEntry(t.at, t.action, _("请一次性补齐材料"), _by(t), facts=facts)]


def _complete_materials(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    # The enterprise's own words are its own; a clerk's note is not shown.
    text = t.note if _by_enterprise(t) else ""
    return [EnterpriseEntry(t.at, t.action, _("材料已补齐，开始计时"), _by(t), text=text)]


def _routed(label: str) -> Callable[[Transition, _Walk], list[EnterpriseEntry]]:
    def build(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
        # The routing reason (a departure from the rules, an objection settled) and the
        # cooperating units are the staff's; the lead unit and its deadline are the enterprise's.
        w.lead_unit = t.data.get("lead_unit") or w.lead_unit
        facts = [(_("牵头单位"), w.lead_unit)]
        if t.data.get("mailbox_leader"):
            # seeds/003 七: the enterprise is told the handling leader's name, position and contact.
            leader = t.data["mailbox_leader"]
            if t.data.get("mailbox_leader_position"):
                leader = f"{leader}（{t.data['mailbox_leader_position']}）"
            facts.append((_("处理人"), leader))
            if t.data.get("mailbox_contact"):
                facts.append((_("联系电话"), t.data["mailbox_contact"]))
        if t.data.get("handling_due"):
            facts.append((_("办理期限"), _d(t.data["handling_due"])))
        return [EnterpriseEntry(t.at, t.action, label, _by(t), facts=facts)]

    return build


def _sign(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    return [EnterpriseEntry(t.at, t.action, _("牵头单位已签收，正在办理"), w.lead_unit or _by(t))]


def _approve_extension(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    # seeds/003 六.3: the enterprise is told the reason and the new deadline; the unit
    # head's own remark is not shown.
    facts = [(_("延长至"), _d(t.data.get("new_due")))]
    if t.data.get("old_due"):
        facts.append((_("原期限"), _d(t.data["old_due"])))
    if t.data.get("reason"):
        facts.append((_("延期原因"), str(t.data["reason"])))
    return [EnterpriseEntry(t.at, t.action, _("办理期限已延长"), w.lead_unit or _by(t), facts=facts)]


def _resolve(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    # Not shown: the hub checks it first (and may send it back). Kept for the verification.
    w.answer = t.note
    return []


def _verify(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    return [
        EnterpriseEntry(t.at, t.action, _("已答复"), w.lead_unit or str(PLATFORM), text=w.answer),
        EnterpriseEntry(
            t.at,
            "rating_request",
            _("请对办理情况进行满意度评价"),
            str(PLATFORM),
            text=_("请在10个工作日内评价，逾期按未评价办结。"),
        ),
    ]


def _remind_rating(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    return [EnterpriseEntry(t.at, t.action, _("提醒评价"), str(PLATFORM), text=t.note)]


def _rate(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    # The rating's label is stored in Chinese (the catalog's msgid): read in the user's language.
    rating = str(t.data.get("rating_label", ""))
    facts = [(_("满意度"), _(rating) if rating else "")]
    by = _by(t)
    if t.data.get("recorded_by_hub"):
        facts.append((_("评价方式"), _("电话回访")))
        by = _("电话回访")
    if t.data.get("reopened"):
        facts.append((_("重新办理"), w.lead_unit))
        label = _("评价不满意，退回重新办理")
    else:
        label = _("已评价，诉求办结")
    return [EnterpriseEntry(t.at, t.action, label, by, text=t.note, facts=facts)]


def _close_not_rated(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    return [EnterpriseEntry(t.at, t.action, _("未在期限内评价，诉求办结"), str(PLATFORM))]


def _merge(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    # Both appeals are the enterprise's own (the merge service refuses another enterprise's).
    facts = [(_("并入诉求"), str(t.data.get("into_code", "")))]
    return [EnterpriseEntry(t.at, t.action, _("确认为重复诉求，并入原诉求一并办理"), _by(t), facts=facts)]


def _merged_in(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    facts = [(_("重复诉求"), str(t.data.get("duplicate_code", "")))]
    return [EnterpriseEntry(t.at, t.action, _("重复诉求已并入本诉求"), _by(t), facts=facts)]


def _withdraw(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    return [EnterpriseEntry(t.at, t.action, _("本企业撤回诉求"), _by(t), text=t.note)]


def _confirm_withdrawal(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    # The hub's own record of the call is not shown; the fact of the call is.
    return [EnterpriseEntry(t.at, t.action, _("平台已回访，确认撤回"), str(PLATFORM))]


def _reopen_withdrawal(t: Transition, w: _Walk) -> list[EnterpriseEntry]:
    return [EnterpriseEntry(t.at, t.action, _("经平台回访，诉求恢复办理"), str(PLATFORM))]


# The allow-list: the timeline kinds an enterprise sees, each with its public wording. A
# kind not listed here (every internal step, and any kind added later) is not shown.
ENTERPRISE_TIMELINE: dict[str, Callable[[Transition, _Walk], list[EnterpriseEntry]]] = {
    "intake": _intake,
    "request_materials": _request_materials,
    "complete_materials": _complete_materials,
    "assign": _routed(gettext_lazy("已确定牵头单位")),
    "settle_transfer": _routed(gettext_lazy("牵头单位已调整")),
    "sign": _sign,
    "approve_extension": _approve_extension,
    "resolve": _resolve,  # read, not shown: its answer is shown when verified
    "verify": _verify,
    "remind_rating": _remind_rating,
    "rate": _rate,
    "close_not_rated": _close_not_rated,
    "merge": _merge,
    "merged_in": _merged_in,
    "withdraw": _withdraw,
    "confirm_withdrawal": _confirm_withdrawal,
    "reopen_withdrawal": _reopen_withdrawal,
}


def enterprise_timeline(appeal) -> list[EnterpriseEntry]:
    """The appeal's history as the enterprise sees it, oldest first (one query)."""
    rows = (
        Transition.objects.filter(appeal_id=appeal.pk, action__in=list(ENTERPRISE_TIMELINE))
        .select_related("actor", "actor_unit__parent")
        .order_by("at", "id")
    )
    walk = _Walk(appeal=appeal)
    out: list[EnterpriseEntry] = []
    for t in rows:
        t.data = t.data or {}
        for entry in ENTERPRISE_TIMELINE[t.action](t, walk):
            entry.label = str(entry.label)
            out.append(entry)
    return out
