"""Closing an appeal: resolve, verify or send back, the enterprise's rating (and the clock
job's reminder and not-rated close), the exemption from assessment, and the merge of a
duplicate."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.core.errors import AccessDenied, ConflictError, ServiceError
from zhitong.organizations import capabilities

from .. import deadlines, selectors
from ..choices import OPEN_STATUSES, CloseReason, ExemptionStatus, Rating, Status
from ..machine import APPEAL
from ..models import Appeal, AppealEvidence, AppealExtension, ExtensionStatus, Transition
from ..notices import about, hub_ids, tell, to_enterprise, to_handler_or_unit
from ..recipe import record_note
from ..signals import appeal_exemption_approved
from ._inputs import text
from .evidence import attach, file_names, store_evidence

# How the formal document of an exemption request is described among the appeal's evidence.
EXEMPTION_DOCUMENT = "不纳入考核正式行文"


@APPEAL.service("resolve")
def appeal_resolve(
    *, appeal_id: int, actor, resolution: str, evidence_files=None, expected_version=None, now=None
) -> Appeal:
    """Resolved by the lead unit, with at least one evidence file on the appeal (uploaded
    now or before: formal document, minutes — seeds/000 三 正式文件)."""
    resolution = text(resolution, "办理结果", "resolution")
    with APPEAL.moving(
        pk=appeal_id, move="resolve", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal, now = step.obj, step.now
        evidence = store_evidence(appeal, evidence_files, actor=actor, now=now)
        if not evidence and not AppealEvidence.objects.filter(appeal=appeal).exists():
            raise ServiceError(
                "办结须上传佐证材料（正式文件、会议纪要等）", code="evidence_required", field="evidence_files"
            )
        appeal.resolution = resolution
        appeal.resolved_at = now
        appeal.resolved_on_time = (
            appeal.handling_due is None or timezone.localdate(now) <= appeal.handling_due
        )
        fields = ["resolution", "resolved_at", "resolved_on_time"]
        if appeal.extension_requested_due is not None:
            appeal.extension_requested_due = None
            fields.append("extension_requested_due")
            AppealExtension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).update(
                status=ExtensionStatus.REJECTED, decided_at=now, decision_note="诉求已办结，申请失效"
            )
        data = {"on_time": appeal.resolved_on_time, "files": file_names(evidence)}
        attach(evidence, step.commit(fields=fields, note=resolution, data=data))
        step.tell(hub_ids, kind="appeal.resolved", **about(appeal, "诉求已办结，待核验", resolution[:200]))
    return appeal


@APPEAL.service("verify")
def appeal_verify(*, appeal_id: int, actor, note: str = "", expected_version=None, now=None) -> Appeal:
    """The hub or supervision office confirms the resolution; the enterprise has 10
    working days to rate."""
    note = text(note, "核验意见", "note", required=False)
    with APPEAL.moving(
        pk=appeal_id, move="verify", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal = step.obj
        appeal.verified_at, appeal.rating_reminded_at = step.now, None
        step.commit(fields=["verified_at", "rating_reminded_at"], note=note)
        title = "您的诉求已办结，请对办理情况进行满意度评价"
        step.tell(to_enterprise(appeal), kind="appeal.rate", **about(appeal, title, appeal.resolution[:200]))
    return appeal


@APPEAL.service("reject_verification")
def appeal_reject_verification(
    *, appeal_id: int, actor, reason: str, expected_version=None, now=None
) -> Appeal:
    reason = text(reason, "核验不通过理由", "reason")
    with APPEAL.moving(
        pk=appeal_id, move="reject_verification", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal = step.obj
        appeal.resolved_at = appeal.resolved_on_time = None
        step.commit(fields=["resolved_at", "resolved_on_time"], note=reason)
        title = "办结核验未通过，请继续办理"
        step.tell(
            to_handler_or_unit(appeal), kind="appeal.verification_rejected", **about(appeal, title, reason)
        )
    return appeal


def _reopen(appeal, now) -> list[str]:
    """Re-handling by the same lead unit, counted against it, with its full limit again
    from today."""
    days = appeal.handling_days or deadlines.handling_days_for(
        category=appeal.category,
        channel=appeal.channel,
        green_channel=deadlines.green_channel_of(appeal),
        lead_unit_id=appeal.lead_unit_id,
    )
    appeal.handling_due, appeal.legal_due = deadlines.handling_dues_for(
        base=timezone.localdate(now), days=days, category=appeal.category, channel=appeal.channel
    )
    appeal.reopen_count += 1
    appeal.resolved_at = appeal.verified_at = appeal.resolved_on_time = None
    return ["reopen_count", "resolved_at", "verified_at", "resolved_on_time", "handling_due", "legal_due"]


@APPEAL.service("rate")
def appeal_rate(
    *, appeal_id: int, actor, rating, comment: str = "", expected_version=None, now=None
) -> Appeal:
    """The enterprise rates on five levels (the hub may record a phone call-back). 不满意
    or worse reopens it to the same lead unit with the enterprise's reason, counting one
    re-handling against that unit; otherwise it is closed."""
    try:
        rating = Rating(int(rating))
    except (TypeError, ValueError):
        raise ServiceError("请选择满意度（非常满意至非常不满意）", field="rating")
    unsatisfied = rating <= Rating.UNSATISFIED
    comment = text(comment, "不满意的原因", "comment", required=unsatisfied)
    with APPEAL.moving(
        pk=appeal_id, move="rate", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal, now = step.obj, step.now
        appeal.rating, appeal.rating_comment = int(rating), comment
        data = {
            "rating": int(rating),
            "rating_label": str(rating.label),
            "lead_unit_id": appeal.lead_unit_id,
            "recorded_by_hub": capabilities.is_hub(actor),
        }
        if not unsatisfied:
            appeal.closed_at, appeal.close_reason = now, CloseReason.RATED
            step.commit(
                fields=["rating", "rating_comment", "closed_at", "close_reason"], note=comment, data=data
            )
            _mailbox_feedback(step, appeal, rating, comment, also_handler=True)
            return appeal
        fields = ["rating", "rating_comment", *_reopen(appeal, now)]
        data |= {"reopened": True, "handling_from": timezone.localdate(now).isoformat()}
        step.commit(fields=fields, to_status=Status.IN_PROGRESS, note=comment, data=data)
        step.tell(
            to_handler_or_unit(appeal, hub_ids),
            kind="appeal.reopened",
            **about(appeal, f"企业评价“{rating.label}”，诉求退回重办", comment),
        )
        _mailbox_feedback(step, appeal, rating, comment, also_handler=False)
    return appeal


def _mailbox_feedback(step, appeal, rating, comment: str, *, also_handler: bool) -> None:
    """seeds/003 七: 听取投诉企业对处理结果的意见，将企业的反馈意见再次转交相关承办领导. A mayor's-
    mailbox appeal's rating goes back to the leader it was handed to (and to the handler,
    unless the re-handling notice already told them)."""
    from ..choices import Channel
    from ..mailbox import mailbox_handler

    if appeal.channel != Channel.MAYOR_MAILBOX or appeal.lead_unit is None:
        return
    handler = mailbox_handler(appeal.lead_unit)
    leader_ids = [handler.leader.pk] if handler else []
    recipients = to_handler_or_unit(appeal, lambda: leader_ids) if also_handler else (lambda: leader_ids)
    body = f"企业评价：{rating.label}" + (f"；意见：{comment}" if comment else "")
    step.tell(
        recipients,
        kind="appeal.mailbox_feedback",
        **about(appeal, "市长信箱：企业对办理结果的反馈意见", body),
    )


def appeal_remind_rating(*, appeal_id: int, now=None) -> int:
    """The one rating reminder (clock job). Not a move: it changes no state and does not
    bump the version (the enterprise's open form stays valid). Returns 1 if sent."""
    now = now or timezone.now()
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().filter(pk=appeal_id, status=Status.VERIFIED).first()
        if appeal is None or appeal.rating_reminded_at is not None:
            return 0
        Appeal.objects.filter(pk=appeal.pk).update(rating_reminded_at=now)
        note = f"请于{appeal.clock_due:%Y-%m-%d}前评价，逾期按未评价关闭"
        record_note(appeal, move="remind_rating", actor=None, now=now, note=note)
        audit_record(
            action="appeal.remind_rating", obj=appeal, actor=None, after={"rating_reminded_at": now}, now=now
        )
        tell(
            to_enterprise(appeal),
            "appeal.rate_reminder",
            appeal,
            "提醒：请对诉求办理情况进行评价",
            f"请于{appeal.clock_due:%Y年%m月%d日}前评价，逾期将按“企业未评价”关闭。",
            dedupe_key=f"appeal:{appeal.pk}:rate_reminder:{appeal.verified_at:%Y%m%d%H%M%S}",
            now=now,
        )
    return 1


@APPEAL.service("close_not_rated")
def appeal_close_not_rated(*, appeal_id: int, now=None, actor=None, expected_version=None) -> Appeal:
    """No rating within 10 working days after the one reminder: closed as not rated (clock job)."""
    with APPEAL.moving(
        pk=appeal_id, move="close_not_rated", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal = step.obj
        if (
            appeal.rating_reminded_at is None
            or appeal.clock_due is None
            or timezone.localdate(step.now) <= appeal.clock_due
        ):
            raise ConflictError("评价期限未届满或尚未提醒，不能按未评价关闭")
        appeal.closed_at, appeal.close_reason = step.now, CloseReason.NOT_RATED
        step.commit(fields=["closed_at", "close_reason"], note="企业在规定期限内未评价")
    return appeal


# ---------------------------------------------------------------------------------------
# Exemption from assessment and merge
# ---------------------------------------------------------------------------------------


@APPEAL.service("request_exemption")
def appeal_request_exemption(
    *, appeal_id: int, actor, explanation: str, evidence_files=None, expected_version=None, now=None
) -> Appeal:
    """seeds/000 五(二)3: cannot be solved this year because of e.g. a national policy
    change → a formal explanation → the hub decides. It stays open and visible."""
    explanation = text(explanation, "解释说明", "explanation")
    # seeds/000 五(二)3: 需各县(市)区政府、高新区管委会正式行文解释说明 — the formal document
    # itself, not only the explanation typed here.
    if not evidence_files:
        raise ServiceError(
            "申请不纳入考核须上传正式行文（加盖公章的解释说明文件）",
            code="document_required",
            field="evidence_files",
        )
    with APPEAL.moving(
        pk=appeal_id, move="request_exemption", actor=actor, expected_version=expected_version, now=now
    ) as step:
        appeal = step.obj
        evidence = store_evidence(
            appeal, evidence_files, actor=actor, now=step.now, description=EXEMPTION_DOCUMENT
        )
        appeal.exemption_status = ExemptionStatus.REQUESTED
        data = {"files": file_names(evidence)}
        attach(evidence, step.commit(fields=["exemption_status"], note=explanation, data=data))
        step.tell(
            hub_ids, kind="appeal.exemption", **about(appeal, "申请不纳入考核，待审核", explanation[:200])
        )
    return appeal


def _decide_exemption(move, status, title, appeal_id, actor, note, expected_version, now) -> Appeal:
    with APPEAL.moving(
        pk=appeal_id, move=move, actor=actor, expected_version=expected_version, now=now
    ) as step:
        data = {}
        if status == ExemptionStatus.APPROVED:
            data = _approving_exemption(step)
        step.obj.exemption_status = status
        step.commit(fields=["exemption_status"], note=note, data=data)
        step.tell(to_handler_or_unit(step.obj), kind="appeal.exemption", **about(step.obj, title, note))
    return step.obj


def _approving_exemption(step) -> dict:
    """What the approval checks and sets off before it is recorded: the request carries its
    formal document (seeds/000 五(二)3: 正式行文; a request made before the document was
    required may lack it), and the apps above take the appeal out of what they count, in
    this transaction (`appeal_exemption_approved`)."""
    appeal = step.obj
    request = (
        Transition.objects.filter(appeal=appeal, action="request_exemption").order_by("-at", "-id").first()
    )
    if request is None or not AppealEvidence.objects.filter(transition=request).exists():
        raise ConflictError(
            "该不纳入考核申请未附正式行文，不能批准；请退回，由牵头单位附正式行文后重新申请",
            code="document_required",
        )
    data: dict = {}
    for _, result in appeal_exemption_approved.send(
        sender=Appeal, appeal=appeal, actor=step.actor, now=step.now
    ):
        if isinstance(result, dict):
            data |= result
    return data


@APPEAL.service("approve_exemption")
def appeal_approve_exemption(*, appeal_id: int, actor, note: str = "", expected_version=None, now=None):
    """seeds/000 五(二)3: 经由市发改委牵头审核同意的问题可不纳入考核 — from the moment of the
    approval: what the coordination app counted for the appeal goes in the same transaction."""
    note = text(note, "审核意见", "note", required=False)
    status, title = ExemptionStatus.APPROVED, "已批准不纳入考核"
    return _decide_exemption(
        "approve_exemption", status, title, appeal_id, actor, note, expected_version, now
    )


@APPEAL.service("reject_exemption")
def appeal_reject_exemption(*, appeal_id: int, actor, reason: str, expected_version=None, now=None):
    note = text(reason, "理由", "reason")
    status, title = ExemptionStatus.REJECTED, "不纳入考核申请未获批准"
    return _decide_exemption("reject_exemption", status, title, appeal_id, actor, note, expected_version, now)


@APPEAL.service("merge")
def appeal_merge(
    *, appeal_id: int, actor, into_id: int, reason: str, expected_version=None, now=None
) -> Appeal:
    """A duplicate of an open appeal of the same enterprise is linked to it (merged_into),
    never lost: it stays readable, its timeline records the merge, and the target's
    timeline records the duplicate. The actor must be able to see both appeals (404 for
    one they cannot, as for one that does not exist)."""
    reason = text(reason, "合并理由", "reason")
    try:
        into_id = int(into_id)
    except (TypeError, ValueError):
        raise ServiceError("请选择要合并至的诉求", field="into_id")
    # Both rows locked in one statement, in id order: the target must stay open while the
    # duplicate is linked to it, and gets a timeline row (a foreign key to it). Locking the
    # duplicate first and touching the target after deadlocked two crossed merges (A into
    # B, B into A) on PostgreSQL.
    with APPEAL.moving(
        pk=appeal_id, move="merge", actor=actor, expected_version=expected_version, now=now, also=[into_id]
    ) as step:
        appeal = step.obj
        if into_id == appeal.pk:
            raise ServiceError("不能合并至本诉求", field="into_id")
        target = step.locked.get(into_id)
        if target is None:
            raise AccessDenied()
        selectors.appeal_require_visible(user=actor, appeal_ids=[appeal.pk, target.pk])
        if target.enterprise_id != appeal.enterprise_id:
            raise ServiceError("只能合并至同一企业的诉求", field="into_id")
        if target.status not in OPEN_STATUSES:
            # A concurrent merge may have closed it a moment ago (409: look again).
            raise ConflictError("要合并至的诉求已办结或已合并，请刷新后重新选择", field="into_id")
        appeal.merged_into = target
        appeal.closed_at, appeal.close_reason = step.now, CloseReason.MERGED
        # Duplicates of this one follow it, so no chain is left pointing at a closed appeal.
        Appeal.objects.filter(merged_into=appeal).update(merged_into=target)
        data = {"into_id": target.pk, "into_code": target.code}
        step.commit(fields=["merged_into", "closed_at", "close_reason"], note=reason, data=data)
        # The code only: the target's readers need not see the duplicate (its own unit's).
        data = {"duplicate_id": appeal.pk, "duplicate_code": appeal.code}
        record_note(target, move="merged_in", actor=actor, now=step.now, note=reason, data=data)
    return appeal
