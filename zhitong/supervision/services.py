"""Writes of the supervision app (keyword-only, `<entity>_<action>`): rectification orders
issued and moved through their table (machines.ORDER), findings recorded, and the monthly
forwarding of the results to the People's Congress (seeds/000 三、四、五(一))."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhitong.appeals.deadlines import yellow_from_for
from zhitong.appeals.services.evidence import evidence_check
from zhitong.audit.services import audit_record
from zhitong.coordination.models import Meeting
from zhitong.core.errors import AccessDenied, Forbidden, ServiceError
from zhitong.notifications.services import notify
from zhitong.organizations import capabilities as can
from zhitong.organizations.capabilities import UNIT_HANDLING_ROLES
from zhitong.organizations.choices import Role
from zhitong.organizations.models import Unit, User
from zhitong.workdays import services as workdays

from . import selectors
from .choices import FindingSource, OrderStatus
from .machines import ORDER
from .models import Finding, RectificationOrder
from .scope import unit_in_scope

MAX_WORKDAYS = 60
MAX_POINTS = Decimal("100")
MAX_OBJECTS = 50
# The clause a supervision office's finding rests on by default (seeds/000 三).
ORDER_CLAUSE = "榕政办〔2019〕75号 三：对工作不到位、未及时协调或报送企业困难问题的行为，予以督促整改"


def _text(value, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ServiceError(message, field=field)
    return value


def _workdays(value, field: str = "workdays") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WORKDAYS:
        raise ServiceError(f"整改时限须为1至{MAX_WORKDAYS}个工作日", field=field)
    return value


def _set_due(order: RectificationOrder, *, base: date, n: int) -> None:
    result = workdays.add_workdays(base, n)
    order.due_base, order.due_workdays = base, n
    order.due, order.due_provisional = result.date, result.provisional
    order.yellow_from = yellow_from_for(order.due, n)


def unit_staff(unit_id: int):
    """The handlers and the head of a unit and its sections: whom an order is told to."""
    unit = Unit.objects.get(pk=unit_id)
    return User.objects.filter(
        is_active=True, role__in=UNIT_HANDLING_ROLES, unit__path__startswith=unit.path
    ).values_list("pk", flat=True)


def _order_url(order) -> str:
    return reverse("supervision:order_detail", args=[order.pk])


def _objects(actor, *, appeal_ids, task_ids, meeting_ids):
    """The appeals, tasks and meetings an order is about, each in the actor's supervision
    scope (AccessDenied — 404 — for one out of it, as for one that does not exist)."""
    appeal_ids, task_ids, meeting_ids = (
        list(dict.fromkeys(x or [])) for x in (appeal_ids, task_ids, meeting_ids)
    )
    if len(appeal_ids) + len(task_ids) + len(meeting_ids) > MAX_OBJECTS:
        raise ServiceError(f"一份通知最多涉及{MAX_OBJECTS}项", field="appeal_ids")
    appeals = list(selectors._appeals(actor).filter(pk__in=appeal_ids))
    tasks = list(selectors._tasks(actor).filter(pk__in=task_ids))
    meetings = list(Meeting.objects.filter(pk__in=meeting_ids))
    if len(appeals) != len(appeal_ids) or len(tasks) != len(task_ids) or len(meetings) != len(meeting_ids):
        raise AccessDenied()
    return appeals, tasks, meetings


@transaction.atomic
def order_issue(
    *,
    actor: User,
    unit_id: int,
    title: str,
    requirement: str,
    workdays: int,
    appeal_ids=(),
    task_ids=(),
    meeting_ids=(),
    now: datetime | None = None,
) -> RectificationOrder:
    """The supervision office issues a rectification order to a unit in its scope (a county
    office: its county's units), about appeals, tasks or meetings it supervises, to be
    rectified within `workdays` working days (seeds/000 三 予以督促整改)."""
    now = now or timezone.now()
    if not can.issues_rectification_orders(actor):
        raise Forbidden("只有督查室可以下发督促整改通知")
    if not unit_in_scope(actor, unit_id) or not Unit.objects.filter(pk=unit_id, is_active=True).exists():
        raise ServiceError("所选整改单位不存在或不在本督查室督查范围内", field="unit_id")
    title = _text(title, "请填写事由", "title")
    requirement = _text(requirement, "请填写整改要求", "requirement")
    n = _workdays(workdays)
    appeals, tasks, meetings = _objects(
        actor, appeal_ids=appeal_ids, task_ids=task_ids, meeting_ids=meeting_ids
    )
    order = RectificationOrder(
        unit_id=unit_id,
        title=title,
        requirement=requirement,
        issued_by=actor,
        issued_at=now,
        state_since=now,
        status=OrderStatus.ISSUED,
    )
    _set_due(order, base=timezone.localdate(now), n=n)
    order.save()
    order.code = f"DC-{timezone.localdate(now).year}-{order.pk:05d}"
    order.save(update_fields=["code"])
    order.appeals.set(appeals)
    order.tasks.set(tasks)
    order.meetings.set(meetings)
    from zhitong.common.transitions import record_state_change

    record_state_change(
        order,
        move="issue",
        from_status="",
        to_status=order.status,
        actor=actor,
        now=now,
        note=requirement,
        data={},
    )
    audit_record(
        action="rectification_order.issue",
        obj=order,
        actor=actor,
        after={
            "unit_id": unit_id,
            "title": title,
            "due": order.due.isoformat(),
            "due_workdays": n,
            "appeal_ids": [a.pk for a in appeals],
            "task_ids": [t.pk for t in tasks],
            "meeting_ids": [m.pk for m in meetings],
        },
        now=now,
    )
    notify(
        recipients=lambda: unit_staff(unit_id),
        kind="rectification_order",
        title=f"督促整改通知：{title}（{n}个工作日内整改，期限{order.due:%Y-%m-%d}）",
        body=requirement,
        url=_order_url(order),
        now=now,
    )
    return order


@ORDER.service("acknowledge")
def order_acknowledge(*, actor, order_id, note="", expected_version=None, now=None):
    with ORDER.moving(
        pk=order_id, move="acknowledge", actor=actor, expected_version=expected_version, now=now
    ) as step:
        step.commit(note=(note or "").strip())
    return step.obj


@ORDER.service("report")
def order_report(*, actor, order_id, report="", evidence=None, expected_version=None, now=None):
    """The unit reports what it put right, with its evidence (a document, a photo)."""
    report = _text(report, "请填写整改情况", "report")
    if not evidence:
        raise ServiceError("请上传整改佐证材料", field="evidence")
    original, data, kind = evidence_check(evidence)
    with ORDER.moving(
        pk=order_id, move="report", actor=actor, expected_version=expected_version, now=now
    ) as step:
        order, now = step.obj, step.now
        sha = hashlib.sha256(data).hexdigest()
        ext = {"jpeg": "jpg"}.get(kind, kind)
        order.evidence.save(f"{order.pk}-{sha[:16]}.{ext}", ContentFile(data), save=False)
        order.evidence_name, order.last_report, order.reported_at = original, report, now
        step.commit(
            fields=["evidence", "evidence_name", "last_report", "reported_at"],
            note=report,
            data={"evidence": original, "sha256": sha},
        )
        step.tell(
            [order.issued_by_id],
            kind="rectification_reported",
            title=f"{order.unit.display_name}已报整改情况，待核验：{order.title}",
            body=report,
            url=_order_url(order),
        )
    return order


def _close(step, *, note: str):
    order = step.obj
    order.closed_at, order.closed_by = step.now, step.actor
    return ["closed_at", "closed_by"]


@ORDER.service("verify")
def order_verify(*, actor, order_id, note="", expected_version=None, now=None):
    with ORDER.moving(
        pk=order_id, move="verify", actor=actor, expected_version=expected_version, now=now
    ) as step:
        order = step.obj
        step.commit(fields=_close(step, note=note), note=(note or "").strip())
        step.tell(
            lambda: unit_staff(order.unit_id),
            kind="rectification_closed",
            title=f"督促整改通知已核验通过：{order.title}",
            url=_order_url(order),
        )
    return order


@ORDER.service("return")
def order_return(*, actor, order_id, reason="", workdays=None, expected_version=None, now=None):
    """Back to the unit with the reason; with `workdays`, a new deadline counted from today."""
    reason = _text(reason, "退回须说明理由", "reason")
    n = _workdays(workdays) if workdays is not None else None
    with ORDER.moving(
        pk=order_id, move="return", actor=actor, expected_version=expected_version, now=now
    ) as step:
        order = step.obj
        order.return_reason = reason
        fields = ["return_reason"]
        if n is not None:
            _set_due(order, base=timezone.localdate(step.now), n=n)
            fields += ["due", "due_base", "due_workdays", "due_provisional", "yellow_from"]
        step.commit(fields=fields, note=reason, data={"workdays": n} if n else {})
        step.tell(
            lambda: unit_staff(order.unit_id),
            kind="rectification_closed",
            title=f"督促整改通知被退回，请重新整改：{order.title}",
            body=reason,
            url=_order_url(order),
        )
    return order


@ORDER.service("fail")
def order_fail(*, actor, order_id, reason="", points=None, expected_version=None, now=None):
    """The office closes the order as not rectified; a finding with `points` is recorded
    against the unit for this month (seeds/000 五(一) 市政府督查室监督督查的结果 纳入考核)."""
    reason = _text(reason, "请说明整改不到位的情况", "reason")
    points = _points(points)
    with ORDER.moving(
        pk=order_id, move="fail", actor=actor, expected_version=expected_version, now=now
    ) as step:
        order = step.obj
        finding = _finding_create(
            actor=actor,
            unit_id=order.unit_id,
            month=timezone.localdate(step.now).replace(day=1),
            source=FindingSource.SUPERVISION,
            points=points,
            clause=ORDER_CLAUSE,
            basis=f"{order.code} {order.title}：{reason}",
            order=order,
            now=step.now,
        )
        step.commit(
            fields=_close(step, note=reason),
            note=reason,
            data={"finding_id": finding.pk, "points": str(points)},
        )
        step.tell(
            lambda: unit_staff(order.unit_id),
            kind="rectification_closed",
            title=f"督促整改通知认定整改不到位，扣{points}分：{order.title}",
            body=reason,
            url=_order_url(order),
        )
    return order


# -- findings -----------------------------------------------------------------------------------


def _points(value) -> Decimal:
    try:
        points = Decimal(str(value)) if value not in (None, "") and not isinstance(value, bool) else None
    except (InvalidOperation, ValueError):
        points = None
    if points is None or not points.is_finite() or not Decimal("0") < points <= MAX_POINTS:
        raise ServiceError(f"扣分须大于0且不超过{MAX_POINTS}分", field="points")
    if points != points.quantize(Decimal("0.01")):
        raise ServiceError("扣分最多保留两位小数", field="points")
    return points.quantize(Decimal("0.01"))


def _finding_create(
    *, actor, unit_id, month, source, points, clause, basis, order=None, appeal=None, task=None, now
):
    finding = Finding.objects.create(
        unit_id=unit_id,
        month=month,
        source=source,
        points=points,
        clause=clause,
        basis=basis,
        order=order,
        appeal=appeal,
        task=task,
        recorded_by=actor,
        recorded_at=now,
    )
    audit_record(
        action="finding.record",
        obj=finding,
        actor=actor,
        after={
            "unit_id": unit_id,
            "month": month.isoformat(),
            "source": source,
            "points": str(points),
            "clause": clause,
            "order_id": order.pk if order else None,
            "appeal_id": appeal.pk if appeal else None,
            "task_id": task.pk if task else None,
        },
        now=now,
    )
    return finding


@transaction.atomic
def finding_record(
    *,
    actor: User,
    unit_id: int,
    month: date,
    points,
    clause: str,
    basis: str,
    appeal_id: int | None = None,
    task_id: int | None = None,
    now: datetime | None = None,
) -> Finding:
    """A supervisor (in its scope) or the People's Congress overseer records a finding about a
    unit in a month, with the points it deducts and the clause it rests on."""
    now = now or timezone.now()
    if not can.records_findings(actor):
        raise Forbidden("只有督查室和人大监督人员可以记录督查监督发现")
    if not unit_in_scope(actor, unit_id) or not Unit.objects.filter(pk=unit_id, is_active=True).exists():
        raise ServiceError("所选单位不存在或不在督查范围内", field="unit_id")
    month = month.replace(day=1)
    if month > timezone.localdate(now).replace(day=1):
        raise ServiceError("考核月份不能晚于本月", field="month")
    points = _points(points)
    clause = _text(clause, "请填写依据条款", "clause")[:200]
    basis = _text(basis, "请填写发现的问题", "basis")
    appeal = selectors.appeal_get_supervised(user=actor, appeal_id=appeal_id) if appeal_id else None
    task = selectors._tasks(actor).filter(pk=task_id).first() if task_id else None
    if task_id and task is None:
        raise AccessDenied()
    source = FindingSource.CONGRESS if actor.role == Role.OVERSEER else FindingSource.SUPERVISION
    return _finding_create(
        actor=actor,
        unit_id=unit_id,
        month=month,
        source=source,
        points=points,
        clause=clause,
        basis=basis,
        appeal=appeal,
        task=task,
        now=now,
    )


# -- the monthly forwarding to the People's Congress ---------------------------------------------


def previous_month(today: date) -> date:
    first = today.replace(day=1)
    return date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


@transaction.atomic
def forward_results(*, month: date, now: datetime | None = None) -> int:
    """Forward a month's results to the People's Congress (seeds/000 三: 协调解决情况…由市发改委
    转报市人大常委会; 四: 人大专询，全面监督): every active overseer is told, with a link to
    the month's oversight page (late and unreported problems, Annex 3, the counting facts,
    the findings). Idempotent: one notice per overseer and month (dedupe key). Returns how
    many notices are new."""
    month = month.replace(day=1)
    overseers = User.objects.filter(role=Role.OVERSEER, is_active=True).values_list("pk", flat=True)
    url = reverse("supervision:congress") + f"?month={month:%Y-%m}"
    return notify(
        recipients=list(overseers),
        kind="congress_forwarding",
        title=f"{month.year}年{month.month}月企业问题协调解决情况及督查结果（转报市人大常委会）",
        body="本月各单位问题上报、协调、解决情况，附件3落实情况表、计数事实及督查发现，请查阅。",
        url=url,
        subject=f"supervision:forward:{month:%Y-%m}",
        dedupe_key=f"supervision-forward:{month:%Y-%m}",
        now=now,
    )
