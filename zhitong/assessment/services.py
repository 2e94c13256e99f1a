"""Writes of the assessment: a new version of a scoring scheme, the month close."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.core.errors import ConflictError, Forbidden, ServiceError
from zhitong.organizations.capabilities import is_hub
from zhitong.organizations.choices import Role
from zhitong.organizations.models import User

from . import counting, notices, scorecards, scoring
from .choices import Audience, MonthStatus
from .choices import Warning as W
from .machines import MONTH
from .models import AssessmentMonth, Scheme

MAX_WEIGHT = Decimal("1000")


def canonical(snapshot: dict) -> bytes:
    """The snapshot's canonical JSON bytes (what the digest is taken of)."""
    return json.dumps(snapshot, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def digest_of(snapshot: dict) -> str:
    return hashlib.sha256(canonical(snapshot)).hexdigest()


def last_closed_month() -> date | None:
    return AssessmentMonth.objects.filter(status=MonthStatus.CLOSED).aggregate(m=Max("month"))["m"]


def scheme_create(
    *,
    actor: User,
    audience: str,
    effective_month: date,
    target_score,
    weights: dict,
    note: str = "",
    now: datetime | None = None,
) -> Scheme:
    """Save a new version of the audience's scheme (never an edit of an old one). Its
    effective month must be after the last closed month: a published scorecard keeps the
    scheme it was scored by."""
    if not is_hub(actor):
        raise Forbidden("仅统筹协调专员可修改考核方案")
    if audience not in Audience.values:
        raise ServiceError("请选择考核对象", field="audience")
    effective_month = counting.month_start(effective_month)
    closed = last_closed_month()
    if closed is not None and effective_month <= closed:
        raise ServiceError(f"起始月份须晚于已结账的{closed.year}年{closed.month}月", field="effective_month")
    try:
        target = Decimal(str(target_score)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ServiceError("目标分应为数字", field="target_score")
    if not Decimal(0) <= target <= MAX_WEIGHT:
        raise ServiceError("目标分须在0至1000之间", field="target_score")
    clean = {}
    for ind in scoring.INDICATORS:
        try:
            w = Decimal(str(weights.get(ind.key, "0"))).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise ServiceError(f"“{ind.label}”的权重应为数字", field=ind.key)
        if not Decimal(0) <= w <= MAX_WEIGHT:
            raise ServiceError(f"“{ind.label}”的权重须在0至1000之间", field=ind.key)
        clean[ind.key] = str(w)
    now = now or timezone.now()
    with transaction.atomic():
        last = (
            Scheme.objects.select_for_update().filter(audience=audience).aggregate(v=Max("version"))["v"] or 0
        )
        scheme = Scheme.objects.create(
            audience=audience,
            version=last + 1,
            effective_month=effective_month,
            target_score=target,
            weights=clean,
            note=(note or "").strip(),
            created_by=actor,
            created_at=now,
        )
        audit_record(
            action="assessment.scheme_create",
            obj=scheme,
            actor=actor,
            now=now,
            after={
                "audience": audience,
                "version": scheme.version,
                "effective_month": effective_month,
                "target_score": str(target),
                "weights": clean,
            },
        )
    return scheme


def month_get_or_open(month: date) -> AssessmentMonth:
    obj, _ = AssessmentMonth.objects.get_or_create(month=counting.month_start(month))
    return obj


def _warning_recipients(unit_id: int):
    from zhitong.organizations.models import Unit

    unit = Unit.objects.get(pk=unit_id)
    return list(
        User.objects.filter(
            is_active=True, role=Role.UNIT_HEAD, unit__path__startswith=unit.path
        ).values_list("pk", flat=True)
    ) + list(User.objects.filter(is_active=True, role=Role.HUB).values_list("pk", flat=True))


@MONTH.service("close")
def month_close(
    *, actor, month_id: int, note: str = "", expected_version: int | None = None, now: datetime | None = None
) -> AssessmentMonth:
    """Freeze the month: the scorecard (counts, rates, adjustments, deductions, the schemes,
    ranks and warnings; apart from them, in `snapshot["lists"]`, the ids each figure counted), the hub's certifications with the facts
    they did not count (seeds/000 五(二)1), every registered close part. The move's audit
    event records the digest: the snapshot is sealed into the chain. Each unit with an
    early warning, and the hub, are told."""
    with MONTH.moving(
        pk=month_id, move="close", actor=actor, expected_version=expected_version, now=now
    ) as step:
        m, now = step.obj, step.now
        snapshot = scorecards.build_month(month=m.month, today=timezone.localdate(now), parts=True)
        m.snapshot, m.digest = snapshot, digest_of(snapshot)
        m.closed_at, m.closed_by = now, actor
        uncertified = [c for c in snapshot["certifications"] if c["uncounted"] or c["status"] != "certified"]
        step.commit(
            fields=["snapshot", "digest", "closed_at", "closed_by"],
            note=(note or "").strip(),
            data={"digest": m.digest, "uncertified_units": [c["unit_id"] for c in uncertified]},
        )
        # seeds/000 五(一) 晒出成绩单; 四: the People's Congress receives the results.
        step.tell(
            lambda: User.objects.filter(
                is_active=True,
                role__in=[Role.HUB, Role.LEADER, Role.SUPERVISOR, Role.OVERSEER, Role.UNIT_HEAD],
            ).values_list("pk", flat=True),
            kind=notices.CLOSED,
            title=f"{m.label}成绩单已结账公布",
            url=reverse("assessment:scorecards") + f"?month={m.month:%Y-%m}",
            dedupe_key=f"assessment:{m.month:%Y-%m}:closed",
        )
        for group in snapshot["groups"].values():
            for row in group["rows"]:
                if row["warning"]:
                    step.tell(
                        (lambda uid=row["unit_id"]: _warning_recipients(uid)),
                        kind=notices.WARNING,
                        title=f"{m.label}考核{W(row['warning']).label}：{row['unit']}",
                        body=f"连续{row['streak']}次排名倒数第一且未完成当期目标（得分{row['score']}）。",
                        dedupe_key=f"assessment:{m.month:%Y-%m}:{row['unit_id']}:warning",
                    )
    return m


def month_close_by_label(*, actor, month: date, note: str = "") -> AssessmentMonth:
    """The CLI's and the page's entry: open the month's row if needed, then the move."""
    m = month_get_or_open(month)
    if m.status == MonthStatus.CLOSED:
        raise ConflictError(
            f"{m.label}已结账，不能重复结账（快照摘要 {m.digest[:12]}…）", code="illegal_move"
        )
    return MONTH.dispatch(pk=m.pk, move="close", actor=actor, expected_version=m.version, note=note)


def month_verify(month: AssessmentMonth) -> bool:
    """The stored snapshot still hashes to its digest, and the close's audit event in the
    chain recorded that digest."""
    from zhitong.audit.models import AuditEvent

    if month.status != MonthStatus.CLOSED or month.snapshot is None:
        return False
    event = (
        AuditEvent.objects.filter(action="assessment_month.close", object_id=str(month.pk))
        .order_by("-id")
        .first()
    )
    return bool(event and digest_of(month.snapshot) == month.digest == (event.after or {}).get("digest"))
