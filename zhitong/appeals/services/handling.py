"""Handling by the lead unit: sign for it or object to it, notes (follow-up, progress),
the cooperating units' answers, evidence, extensions of the time limit, and the
escalation to a city leader and the way back."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from zhitong.core.errors import ConflictError, ServiceError
from zhitong.organizations.choices import Role
from zhitong.organizations.models import User
from zhitong.workdays.services import cutoff_month_for

from ..choices import Tier
from ..machine import APPEAL
from ..models import Appeal, AppealEvidence, AppealExtension, ExtensionStatus
from ..notices import about, enterprise_signed_notice, hub_ids, to_enterprise, to_handler_or_unit, to_unit
from ..signals import appeal_escalated
from ._inputs import day, text
from ._inputs import units as units_of
from .evidence import attach, file_names, store_evidence
from .routing import tier_for


@APPEAL.service("sign")
def appeal_sign(*, appeal_id: int, actor, expected_version=None, now=None) -> Appeal:
    """The lead unit signs for it (within 1 working day); the signer becomes the handler
    and the first-inquiry owner's follow-up duty ends (seeds/003 四)."""
    with APPEAL.moving(
        pk=appeal_id, move="sign", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal = step.obj
        appeal.handler, appeal.signed_at = actor, step.now
        on_time = appeal.sign_due is None or timezone.localdate(step.now) <= appeal.sign_due
        step.commit(fields=["handler", "signed_at"], data={"on_time": on_time})
        title = f"牵头单位已签收（承办人：{actor.display_name}）"
        step.tell([appeal.received_by_id], kind="appeal.signed", **about(appeal, title))
        # seeds/003 七: tell the enterprise who handles it and by when — the unit and its
        # published window (seeds/003 一), not the staff member who signed (issue 9).
        step.tell(
            to_enterprise(appeal),
            kind="appeal.signed",
            **about(appeal, "您的诉求已由牵头单位签收办理", enterprise_signed_notice(appeal)),
        )
    return appeal


@APPEAL.service("object")
def appeal_object(*, appeal_id: int, actor, reason: str, expected_version=None, now=None) -> Appeal:
    """The lead unit says it is the wrong unit, with a reason; the hub settles it."""
    reason = text(reason, "退回理由", "reason")
    with APPEAL.moving(
        pk=appeal_id, move="object", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal = step.obj
        step.commit(note=reason, data={"lead_unit_id": appeal.lead_unit_id})
        received_by = appeal.received_by_id
        step.tell(
            lambda: [*hub_ids(), received_by],
            kind="appeal.objected",
            **about(appeal, "牵头单位申请退回改派", reason),
        )
    return appeal


def _note_move(move: str, label: str, appeal_id, actor, note, expected_version, now) -> Appeal:
    note = text(note, label, "note")
    return APPEAL.perform(
        pk=appeal_id, move=move, actor=actor, expected_version=expected_version, now=now, note=note
    )


@APPEAL.service("follow_up")
def appeal_follow_up(*, appeal_id: int, actor, note: str, expected_version=None, now=None) -> Appeal:
    """The first-inquiry owner records their follow-up until a lead unit signs (seeds/003 四)."""
    return _note_move("follow_up", "跟踪情况", appeal_id, actor, note, expected_version, now)


@APPEAL.service("add_progress")
def appeal_add_progress(*, appeal_id: int, actor, note: str, expected_version=None, now=None) -> Appeal:
    return _note_move("add_progress", "进展情况", appeal_id, actor, note, expected_version, now)


@APPEAL.service("cooperate_answer")
def appeal_cooperate_answer(*, appeal_id: int, actor, answer: str, expected_version=None, now=None) -> Appeal:
    """A cooperating unit answers the lead unit (due 3 working days after assignment)."""
    answer = text(answer, "配合意见", "answer")
    with APPEAL.moving(
        pk=appeal_id, move="cooperate_answer", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal, now = step.obj, step.now
        path = actor.unit.path if actor.unit_id else ""
        pending = appeal.cooperations.select_related("unit").filter(answered_at__isnull=True)
        coop = next((c for c in pending if f"/{c.unit_id}/" in path), None)
        if coop is None:
            raise ConflictError("本单位没有待答复的配合事项")
        coop.answered_at, coop.answer = now, answer
        coop.save(update_fields=["answered_at", "answer"])
        on_time = coop.due is None or timezone.localdate(now) <= coop.due
        step.commit(note=answer, data={"unit_id": coop.unit_id, "unit": coop.unit.name, "on_time": on_time})
        title = f"{coop.unit.name}已答复配合意见"
        step.tell(to_handler_or_unit(appeal), kind="appeal.cooperation", **about(appeal, title, answer))
    return appeal


@APPEAL.service("add_evidence")
def appeal_add_evidence(
    *, appeal_id: int, actor, evidence_files, note: str = "", expected_version=None, now=None
) -> list[AppealEvidence]:
    """Upload evidence files (type checked by content, size limited) onto the timeline."""
    if not evidence_files:
        raise ServiceError("请选择要上传的文件", code="required", field="evidence_files")
    note = text(note, "说明", "note", required=False)
    with APPEAL.moving(
        pk=appeal_id, move="add_evidence", actor=actor, expected_version=expected_version, now=now
    ) as step:
        evidence = store_evidence(step.obj, evidence_files, actor=actor, now=step.now, description=note)
        return attach(evidence, step.commit(note=note, data={"files": file_names(evidence)}))


# ---------------------------------------------------------------------------------------
# Extensions of the time limit (seeds/003 六.3)
# ---------------------------------------------------------------------------------------


def _check_new_due(appeal, new_due: date) -> None:
    if appeal.handling_due and new_due <= appeal.handling_due:
        raise ServiceError(f"延期后的期限须晚于原期限{appeal.handling_due:%Y-%m-%d}", field="new_due")
    if appeal.legal_due and new_due > appeal.legal_due:
        # seeds/003 六.3: 最长不得超过法律、法规规定的时间
        raise ServiceError(
            f"延期后的期限不得超过法定期限{appeal.legal_due:%Y-%m-%d}", code="beyond_legal", field="new_due"
        )


@APPEAL.service("request_extension")
def appeal_request_extension(*, appeal_id: int, actor, new_due, reason: str, expected_version=None, now=None):
    """Asked before the deadline, with a reason; the new deadline may not pass the legal
    limit (seeds/003 六.3). The lead unit's head decides."""
    reason = text(reason, "延期理由", "reason")
    new_due = day(new_due, "new_due")
    with APPEAL.moving(
        pk=appeal_id, move="request_extension", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal = step.obj
        _check_new_due(appeal, new_due)
        AppealExtension.objects.create(
            appeal=appeal,
            requested_by=actor,
            requested_at=step.now,
            reason=reason,
            old_due=appeal.handling_due,
            requested_due=new_due,
        )
        appeal.extension_requested_due = new_due
        data = {"old_due": appeal.handling_due.isoformat(), "requested_due": new_due.isoformat()}
        step.commit(fields=["extension_requested_due"], note=reason, data=data)
        title = f"延期申请待审批：申请延期至{new_due:%Y-%m-%d}"
        step.tell(
            to_unit(appeal.lead_unit_id, [Role.UNIT_HEAD]),
            kind="appeal.extension",
            **about(appeal, title, reason),
        )
    return appeal


def _decide_extension(step, status: str, note: str, due: date | None = None) -> AppealExtension:
    """Record the unit head's decision on the pending request; the appeal no longer waits."""
    ext = (
        AppealExtension.objects.filter(appeal=step.obj, status=ExtensionStatus.PENDING)
        .order_by("-id")
        .first()
    )
    if ext is None:
        raise ConflictError("没有待审批的延期申请")
    due = (due or ext.requested_due) if status == ExtensionStatus.APPROVED else None
    if due is not None:
        _check_new_due(step.obj, due)
    ext.status, ext.decided_by, ext.decided_at = status, step.actor, step.now
    ext.decision_note, ext.approved_due = note, due
    ext.save()
    step.obj.extension_requested_due = None
    return ext


@APPEAL.service("approve_extension")
def appeal_approve_extension(
    *, appeal_id: int, actor, new_due=None, note: str = "", expected_version=None, now=None
) -> Appeal:
    """The unit head approves; the enterprise is told the new deadline (seeds/003 六.3)."""
    note = text(note, "审批意见", "note", required=False)
    new_due = day(new_due, "new_due") if new_due not in (None, "") else None
    with APPEAL.moving(
        pk=appeal_id, move="approve_extension", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal, old_due = step.obj, step.obj.handling_due
        ext = _decide_extension(step, ExtensionStatus.APPROVED, note, new_due)
        appeal.handling_due = due = ext.approved_due
        appeal.extension_count += 1
        data = {
            "old_due": old_due.isoformat() if old_due else None,
            "new_due": due.isoformat(),
            "reason": ext.reason,
        }
        step.commit(
            fields=["handling_due", "extension_requested_due", "extension_count"], note=note, data=data
        )
        title = f"您的诉求办理期限延长至{due:%Y年%m月%d日}"
        step.tell(
            to_enterprise(appeal), kind="appeal.extended", **about(appeal, title, f"延期原因：{ext.reason}")
        )
        title = f"延期申请已批准，新期限{due:%Y-%m-%d}"
        step.tell([ext.requested_by_id], kind="appeal.extended", **about(appeal, title))
    return appeal


@APPEAL.service("reject_extension")
def appeal_reject_extension(*, appeal_id: int, actor, reason: str, expected_version=None, now=None) -> Appeal:
    reason = text(reason, "不批准理由", "reason")
    with APPEAL.moving(
        pk=appeal_id, move="reject_extension", actor=actor, expected_version=expected_version, now=now
    ) as step:
        ext = _decide_extension(step, ExtensionStatus.REJECTED, reason)
        step.commit(fields=["extension_requested_due"], note=reason)
        step.tell(
            [ext.requested_by_id],
            kind="appeal.extension_rejected",
            **about(step.obj, "延期申请未获批准", reason),
        )
    return step.obj


@APPEAL.service("lapse_extension")
def appeal_lapse_extension(*, appeal_id: int, actor=None, expected_version=None, now=None) -> Appeal:
    """seeds/003 六.3: an extension is approved, and the enterprise told, before the time
    limit expires. A request still pending when the limit has expired (from the midnight
    after the last day) lapses: the clock job records it on the timeline, the deadline stays
    as it was — the appeal is overdue — and the requester and the unit head are told."""
    with APPEAL.moving(
        pk=appeal_id, move="lapse_extension", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal, requested = step.obj, step.obj.extension_requested_due
        note = f"办理期限{appeal.handling_due:%Y-%m-%d}届满前未审批，延期申请失效，原期限不变"
        pending = list(AppealExtension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING))
        AppealExtension.objects.filter(pk__in=[e.pk for e in pending]).update(
            status=ExtensionStatus.LAPSED, decided_at=step.now, decision_note=note
        )
        appeal.extension_requested_due = None
        data = {"old_due": appeal.handling_due.isoformat(), "requested_due": requested.isoformat()}
        step.commit(fields=["extension_requested_due"], note=note, data=data)
        requesters, lead = [e.requested_by_id for e in pending], appeal.lead_unit_id
        step.tell(
            lambda: [*requesters, *to_unit(lead, [Role.UNIT_HEAD])()],
            kind="appeal.extension_lapsed",
            **about(appeal, "延期申请未在办理期限届满前审批，已失效", note),
        )
    return appeal


# ---------------------------------------------------------------------------------------
# Escalation to a city leader (seeds/000 二) and back
# ---------------------------------------------------------------------------------------


def escalation_batch_month(received: datetime) -> date:
    """The monthly batch an escalation request joins (seeds/000 二: 每月10日前报送).

    One rule for the whole product, deadline arithmetic in the workdays app
    (docs/coordination.md): the cut-off is the 10th, or the next working day when the 10th
    is a rest day, in Asia/Shanghai calendar days. Returns the first day of the batch month."""
    return cutoff_month_for(received)


@APPEAL.service("escalate")
def appeal_escalate(
    *,
    appeal_id: int,
    actor,
    project_name: str,
    basic_situation: str,
    problem: str,
    unit_ids_to_coordinate,
    contact_name: str,
    contact_mobile: str,
    leader_id: int | None = None,
    expected_version=None,
    now=None,
) -> Appeal:
    """Ask for city-leader coordination with the Annex 2 form (seeds/000 二). The request
    joins the month's batch for the hub's review: the coordination app files it on the
    `appeal_escalated` signal, in this transaction (signals.py)."""
    fields = dict(
        project_name=text(project_name, "项目名称", "project_name", max_len=200),
        basic_situation=text(basic_situation, "基本情况", "basic_situation"),
        problem=text(problem, "需要提请市里协调解决的问题", "problem"),
        contact_name=text(contact_name, "联系人", "contact_name", max_len=50),
        contact_mobile=text(contact_mobile, "手机号码", "contact_mobile", max_len=20),
    )
    units = units_of(unit_ids_to_coordinate, "unit_ids_to_coordinate")
    if not units:
        raise ServiceError(
            "请选择需协调的县(市)区或市直单位", code="required", field="unit_ids_to_coordinate"
        )
    leader = None
    if leader_id not in (None, ""):
        leader = User.objects.filter(pk=leader_id, role=Role.LEADER, is_active=True).first()
        if leader is None:
            raise ServiceError("所选分管市领导不存在", field="leader_id")
    with APPEAL.moving(
        pk=appeal_id, move="escalate", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal, now = step.obj, step.now
        if leader is None:
            from zhitong.organizations.selectors import leaders_for_unit

            leader = leaders_for_unit(appeal.lead_unit).first()
        # The coordination app (above this one) files the Annex 2 request in its batch.
        filed = [
            esc
            for _, esc in appeal_escalated.send(
                sender=Appeal,
                appeal=appeal,
                actor=actor,
                now=now,
                leader=leader,
                units_to_coordinate=units,
                **fields,
            )
            if esc is not None
        ]
        if len(filed) != 1:
            raise RuntimeError("appeal_escalated: exactly one receiver must file the request")
        esc = filed[0]
        appeal.tier = Tier.CITY_LEADER
        data = {"escalation_id": esc.pk, "batch_month": esc.batch_month.isoformat()}
        step.commit(fields=["tier"], note=fields["problem"], data=data)
        title = f"新的提请市领导协调申报（{esc.batch_month:%Y年%m月}批次）"
        step.tell(hub_ids, kind="appeal.escalation", **about(appeal, title, esc.problem))
    return appeal


@APPEAL.service("resume_handling")
def appeal_resume_handling(
    *, appeal_id: int, actor, note: str = "", expected_version=None, now=None
) -> Appeal:
    """Back from escalation to the lead unit (the request was returned, or a meeting gave
    its opinion, which the coordination app records on the timeline)."""
    note = text(note, "说明", "note", required=False)
    with APPEAL.moving(
        pk=appeal_id, move="resume_handling", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal = step.obj
        appeal.tier = tier_for(appeal.lead_unit, appeal) if appeal.lead_unit_id else appeal.tier
        step.commit(fields=["tier"], note=note)
        step.tell(
            to_handler_or_unit(appeal),
            kind="appeal.resumed",
            **about(appeal, "诉求退回牵头单位继续办理", note),
        )
    return appeal
