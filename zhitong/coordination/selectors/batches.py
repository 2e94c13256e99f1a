"""Reads of the monthly escalation batch and its requests (Annex 2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from zhitong.appeals.choices import EscalationStatus
from zhitong.core.errors import AccessDenied
from zhitong.organizations.choices import Role
from zhitong.organizations.models import Unit, User
from zhitong.organizations.selectors import user_scope_unit_ids, user_sees_all

from ..choices import BatchStatus
from ..models import EscalationBatch, EscalationRequest
from ..services._common import month_start


@dataclass
class BatchRow:
    batch: EscalationBatch
    total: int
    pending: int
    accepted: int
    returned: int
    sent: int


def batch_for_month(month: date) -> EscalationBatch:
    """The stored batch, or an unsaved one (open, with the computed cut-off) for a month the
    hub has not started reviewing — reading never creates rows."""
    from ..services.batches import batch_cutoff

    month = month_start(month)
    batch = EscalationBatch.objects.filter(month=month).first()
    if batch is None:
        cutoff = batch_cutoff(month)
        batch = EscalationBatch(month=month, cutoff=cutoff.date, cutoff_provisional=cutoff.provisional)
    return batch


def batch_list(*, today: date) -> list[BatchRow]:
    """Every month with a batch or a request, newest first, with counts; always the current
    month's (open) batch."""
    from ..services.batches import batch_cutoff, batch_month_for, batch_window

    # Three queries for any number of months (no per-month reads): each month's counts
    # follow batch_requests' membership rule, applied here in Python.
    batches = {b.month: b for b in EscalationBatch.objects.all()}
    per_month: dict[date, dict[str, int]] = {}
    for month, status, n in (
        EscalationRequest.objects.order_by()
        .values_list("batch_month", "status")
        .annotate(n=Count("id"))
        .values_list("batch_month", "status", "n")
    ):
        per_month.setdefault(month, {})[status] = n
    submitted_at = list(
        EscalationRequest.objects.filter(status=EscalationStatus.SUBMITTED).values_list(
            "received_at", flat=True
        )
    )
    months = set(per_month) | set(batches) | {batch_month_for(today)}
    rows = []
    for month in sorted(months, reverse=True):
        batch = batches.get(month)
        if batch is None:
            cutoff = batch_cutoff(month)
            batch = EscalationBatch(month=month, cutoff=cutoff.date, cutoff_provisional=cutoff.provisional)
        c = dict(per_month.get(month, {}))
        if batch.pk is None or batch.status == BatchStatus.OPEN:
            start, end = batch_window(month)
            c[EscalationStatus.SUBMITTED] = sum(1 for at in submitted_at if start <= at < end)
        rows.append(
            BatchRow(
                batch=batch,
                total=sum(c.values()),
                pending=c.get(EscalationStatus.SUBMITTED, 0),
                accepted=c.get(EscalationStatus.ACCEPTED, 0),
                returned=c.get(EscalationStatus.RETURNED, 0),
                sent=c.get(EscalationStatus.SENT_TO_LEADER, 0) + c.get(EscalationStatus.COORDINATED, 0),
            )
        )
    return [r for r in rows if r.total or r.batch.pk or r.batch.month == batch_month_for(today)]


def batch_requests(*, month: date, unit: Unit | None = None) -> QuerySet[EscalationRequest]:
    """The batch's requests. While the batch is open its membership is read from the receipt
    times (the cut-off rule of services/batches.py), so a request received on a holiday 11th
    shows in the right month even before `batch_start_review` re-files its `batch_month`."""
    from ..services.batches import batch_window

    month = month_start(month)
    batch = EscalationBatch.objects.filter(month=month).first()
    if batch is None or batch.status == BatchStatus.OPEN:
        start, end = batch_window(month)
        members = Q(
            batch_month=month,
            status__in=[s for s in EscalationStatus.values if s != EscalationStatus.SUBMITTED],
        )
        members |= Q(status=EscalationStatus.SUBMITTED, received_at__gte=start, received_at__lt=end)
    else:
        members = Q(batch_month=month)
    qs = (
        EscalationRequest.objects.filter(members)
        .select_related(
            "appeal", "appeal__enterprise", "reporting_unit", "leader", "requested_by", "reviewed_by"
        )
        .prefetch_related("units_to_coordinate")
        .order_by("received_at", "id")
    )
    if unit is not None:
        qs = qs.filter(reporting_unit=unit)
    return qs


def escalation_get_for_user(*, user, request_id: int) -> EscalationRequest:
    req = (
        EscalationRequest.objects.select_related("appeal", "reporting_unit", "leader")
        .filter(pk=request_id)
        .first()
    )
    if req is None:
        raise AccessDenied()
    if user_sees_all(user):
        return req
    if user.role == Role.LEADER and req.leader_id == user.pk and req.status in LEADER_STATUSES:
        return req
    scope = user_scope_unit_ids(user)
    if scope and req.reporting_unit_id in scope:
        return req
    raise AccessDenied()


LEADER_STATUSES = (EscalationStatus.SENT_TO_LEADER, EscalationStatus.COORDINATED)


def leader_requests(*, user, pending: bool = False) -> QuerySet[EscalationRequest]:
    """The requests reported to the leader (`pending`: only those not yet coordinated — the
    leader home's "报我协调、待召开协调会", which counts this very list)."""
    statuses = (EscalationStatus.SENT_TO_LEADER,) if pending else LEADER_STATUSES
    return EscalationRequest.objects.filter(leader=user, status__in=statuses)


def leader_batch(*, user, pending: bool = False) -> list[tuple[date, list[EscalationRequest]]]:
    """The leader's view: the requests reported to them, by batch, newest batch first."""
    qs = (
        leader_requests(user=user, pending=pending)
        .select_related("appeal", "appeal__enterprise", "reporting_unit")
        .prefetch_related("units_to_coordinate", "meeting_items__meeting")
        .order_by("-batch_month", "received_at")
    )
    groups: dict[date, list[EscalationRequest]] = {}
    for req in qs:
        groups.setdefault(req.batch_month, []).append(req)
    return list(groups.items())


def leaders() -> QuerySet[User]:
    return User.objects.filter(role=Role.LEADER, is_active=True).order_by("leader_level", "pk")


def annex2_rows(*, month: date, unit: Unit | None = None) -> list[list]:
    """Annex 2 rows: the requests of the month's batch that are not returned or withdrawn."""
    rows = []
    qs = batch_requests(month=month, unit=unit).exclude(
        status__in=[EscalationStatus.RETURNED, EscalationStatus.WITHDRAWN]
    )
    for no, req in enumerate(qs, start=1):
        rows.append(
            [
                no,
                req.project_name,
                req.basic_situation,
                req.problem,
                "、".join(u.display_name for u in req.units_to_coordinate.all()),
                req.leader.display_name if req.leader_id else "",
                req.reporting_unit.name,
                f"{req.contact_name} {req.contact_mobile}".strip(),
            ]
        )
    return rows


BATCH_STATUS_LABELS = dict(BatchStatus.choices)
