"""Routing: the hub assigns a lead unit, cooperating units and the handling limit, and
settles a lead unit's objection by rerouting. Both share `_route`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from zhitong.common.transitions import Step
from zhitong.core.errors import ServiceError
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.models import Unit

from .. import deadlines
from ..choices import Channel, Tier
from ..machine import APPEAL
from ..mailbox import mailbox_handler
from ..models import Appeal, AppealExtension, Cooperation, ExtensionStatus
from ..notices import about, to_unit
from ..routing import suggest_lead_unit
from ._inputs import text, units

ROUTE_FIELDS = [
    "lead_unit",
    "handler",
    "signed_at",
    "assigned_at",
    "tier",
    "handling_days",
    "sign_due",
    "handling_due",
    "legal_due",
    "extension_requested_due",
    "units_passed",
]


def tier_for(unit: Unit, appeal) -> str:
    if unit.pk == appeal.received_unit_id:
        return Tier.UNIT
    if unit.kind in (UnitKind.COUNTY, UnitKind.PARK):
        return Tier.COUNTY
    return Tier.MUNICIPAL


def _handling_days(value, category) -> int | None:
    if value in (None, ""):
        return None
    try:
        days = int(value)
    except (TypeError, ValueError):
        days = 0
    if days < 1:
        raise ServiceError("办理时限须为正整数", field="handling_days")
    if category.legal_limit_days and days > category.legal_limit_days:
        raise ServiceError(
            f"办理时限不得超过法定时限{category.legal_limit_days}个工作日", field="handling_days"
        )
    return days


def _route(
    step: Step, *, lead_unit_id, cooperating_unit_ids, handling_days, base: date, override_reason: str | None
) -> dict:
    """Set lead unit, cooperations and deadlines, count a new lead unit as one more unit
    passed, and tell the units; returns the timeline data. `override_reason` None: no
    reason is needed to depart from the routing rules (settling an objection)."""
    from zhitong.enterprises.models import Enterprise

    appeal, now = step.obj, step.now
    enterprise = Enterprise.objects.select_related("location").get(pk=appeal.enterprise_id)
    suggestion = suggest_lead_unit(category=appeal.category, enterprise=enterprise)
    if lead_unit_id in (None, ""):
        if suggestion is None:
            raise ServiceError(
                "分办规则未匹配到牵头单位，请选择牵头单位", code="required", field="lead_unit_id"
            )
        lead = suggestion.unit
    else:
        lead = units(lead_unit_id, "lead_unit_id")[0]
    overridden = suggestion is not None and lead.pk != suggestion.unit.pk
    if overridden and override_reason is not None and not override_reason.strip():
        raise ServiceError(
            f"分办规则建议由{suggestion.unit.name}牵头，改由其他单位牵头须说明理由",
            code="override_reason_required",
            field="override_reason",
        )
    coop_units = [u for u in units(cooperating_unit_ids, "cooperating_unit_ids") if u.pk != lead.pk]
    category = appeal.category
    explicit = _handling_days(handling_days, category)
    # 绿色通道 (seeds/004): an appeal of a designated project gets the shortened committed
    # limit, and the hub may not give it a longer one (docs/projects.md "绿色通道").
    green = deadlines.green_channel_of(appeal)
    committed = deadlines.handling_days_for(
        category=category, channel=appeal.channel, green_channel=green, lead_unit_id=lead.pk
    )
    if green and explicit and explicit > committed:
        raise ServiceError(
            f"该诉求所属项目为绿色通道项目，办理时限不得超过{committed}个工作日",
            code="green_channel_limit",
            field="handling_days",
        )
    # seeds/003 七: the mailbox's 7 working days are a hard limit; the hub may give less.
    if appeal.channel == Channel.MAYOR_MAILBOX and explicit and explicit > deadlines.MAYOR_MAILBOX_WORKDAYS:
        raise ServiceError(
            f"市长信箱诉求须在{deadlines.MAYOR_MAILBOX_WORKDAYS}个工作日内将办理结果告知企业，办理时限不得超过"
            f"{deadlines.MAYOR_MAILBOX_WORKDAYS}个工作日",
            code="mailbox_limit",
            field="handling_days",
        )
    # The one place the limit is chosen (deadlines.handling_limit_for): the lead unit's
    # published committed limit for this category comes before the category's default
    # (seeds/003 五、六.1); the basis goes on the timeline with the routing rule.
    limit = deadlines.handling_limit_for(
        category=category,
        channel=appeal.channel,
        explicit=explicit,
        green_channel=green,
        lead_unit_id=lead.pk,
    )
    days = limit.days
    today = timezone.localdate(now)

    if lead.pk != appeal.lead_unit_id:
        appeal.units_passed += 1
    appeal.lead_unit = lead
    appeal.handler = None
    appeal.signed_at = None
    appeal.assigned_at = now
    appeal.tier = tier_for(lead, appeal)
    appeal.handling_days = days
    # jobs.appeal_clock_recompute re-times these with the same functions after a calendar change.
    appeal.sign_due = deadlines.sign_due_for(today)
    appeal.handling_due, appeal.legal_due = deadlines.handling_dues_for(
        base=base, days=days, category=category, channel=appeal.channel
    )
    appeal.extension_requested_due = None
    AppealExtension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).update(
        status=ExtensionStatus.REJECTED, decided_at=now, decision_note="诉求已改派，申请失效"
    )

    # Cooperations: keep answered ones as history; replace the unanswered set.
    coop_ids = [u.pk for u in coop_units]
    Cooperation.objects.filter(appeal=appeal, answered_at__isnull=True).exclude(unit_id__in=coop_ids).delete()
    coop_due = deadlines.add_workdays(today, deadlines.COOPERATION_WORKDAYS).date
    existing = set(Cooperation.objects.filter(appeal=appeal).values_list("unit_id", flat=True))
    Cooperation.objects.bulk_create(
        [Cooperation(appeal=appeal, unit=u, due=coop_due) for u in coop_units if u.pk not in existing]
    )

    step.tell(
        to_unit(lead.pk),
        kind="appeal.assigned",
        **about(appeal, "新分办诉求，请在1个工作日内签收", appeal.title),
    )
    if coop_ids:
        step.tell(
            lambda: [uid for cid in coop_ids for uid in to_unit(cid)()],
            kind="appeal.cooperate",
            **about(appeal, f"请于{coop_due:%Y年%m月%d日}前向牵头单位{lead.name}答复配合意见", appeal.title),
        )
    mailbox = _mailbox(step, lead) if appeal.channel == Channel.MAYOR_MAILBOX else {}
    return {
        **mailbox,
        "lead_unit_id": lead.pk,
        "lead_unit": lead.name,
        "cooperating_unit_ids": coop_ids,
        "cooperating_units": [u.name for u in coop_units],
        "handling_days": days,
        "limit_basis": limit.basis,
        "limit_basis_detail": limit.detail,
        "green_channel": green,
        "handling_due": appeal.handling_due.isoformat(),
        "handling_from": base.isoformat(),
        "suggested_unit_id": suggestion.unit.pk if suggestion else None,
        "rule": suggestion.rule.name if suggestion else "",
        "overridden": overridden,
    }


def _mailbox(step: Step, lead: Unit) -> dict:
    """seeds/003 七: a mailbox matter goes to the leader in charge (appeals/mailbox.py), who
    is told at once; the enterprise is told the leader's name, position and public contact
    and the deadline (the timeline's data, shown on the enterprise's pages)."""
    handler = mailbox_handler(lead)
    if handler is None:
        return {"mailbox_leader": ""}
    appeal = step.obj
    step.tell(
        [handler.leader.pk],
        kind="appeal.mailbox_leader",
        **about(
            appeal,
            f"市长信箱转办：请第一时间与企业联系，于{appeal.handling_due:%Y年%m月%d日}前将办理结果告知企业",
            appeal.title,
        ),
    )
    return {
        "mailbox_leader": handler.name,
        "mailbox_leader_id": handler.leader.pk,
        "mailbox_leader_position": handler.position,
        "mailbox_contact": handler.contact,
    }


@APPEAL.service("assign")
def appeal_assign(
    *,
    appeal_id: int,
    actor,
    lead_unit_id: int | None = None,
    cooperating_unit_ids: Iterable[int] | None = None,
    handling_days: int | None = None,
    override_reason: str = "",
    expected_version=None,
    now=None,
) -> Appeal:
    """The hub routes: one lead unit (default from the routing rules; another needs a
    reason), cooperating units, the handling limit. The clock counts from the day the
    materials were complete (seeds/003 六.2)."""
    override_reason = override_reason or ""
    with APPEAL.moving(
        pk=appeal_id, move="assign", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal = step.obj
        data = _route(
            step,
            lead_unit_id=lead_unit_id,
            cooperating_unit_ids=cooperating_unit_ids,
            handling_days=handling_days,
            base=appeal.materials_completed_on or timezone.localdate(appeal.received_at),
            override_reason=override_reason,
        )
        data["override_reason"] = override_reason
        step.commit(fields=ROUTE_FIELDS, note=override_reason, data=data)
    return appeal


@APPEAL.service("settle_transfer")
def appeal_settle_transfer(
    *,
    appeal_id: int,
    actor,
    reason: str,
    lead_unit_id: int | None = None,
    cooperating_unit_ids: Iterable[int] | None = None,
    handling_days: int | None = None,
    expected_version=None,
    now=None,
) -> Appeal:
    """The hub settles an objection: reroutes to another lead unit (which counts one more
    unit passed and gets its full limit from today — it cannot be blamed for another
    unit's days), or confirms the same unit with a reason. The first-inquiry owner stays."""
    reason = text(reason, "改派理由", "reason")
    with APPEAL.moving(
        pk=appeal_id, move="settle_transfer", actor=actor, expected_version=expected_version, now=now
    ) as step:
        old_lead = step.obj.lead_unit_id
        data = _route(
            step,
            lead_unit_id=lead_unit_id,
            cooperating_unit_ids=cooperating_unit_ids,
            handling_days=handling_days,
            base=timezone.localdate(step.now),
            override_reason=None,
        )
        data["previous_lead_unit_id"] = old_lead
        step.commit(fields=ROUTE_FIELDS, note=reason, data=data)
    return step.obj
