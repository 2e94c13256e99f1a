"""API schemas of the monthly escalation batch and its requests (Annex 2)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema

from ._common import Ref, ref


class EscalationOut(Schema):
    id: int
    appeal_id: int
    appeal_code: str
    status: str
    status_label: str
    batch_month: date
    received_at: datetime
    project_name: str
    basic_situation: str
    problem: str
    units_to_coordinate: list[Ref]
    leader: Ref | None
    reporting_unit: Ref
    contact: str
    review_note: str
    version: int  # send it back with a move (`version`): a move based on an older one is 409


def escalation_out(req) -> dict:
    return {
        "id": req.pk,
        "appeal_id": req.appeal_id,
        "appeal_code": req.appeal.code,
        "status": req.status,
        "status_label": req.get_status_display(),
        "batch_month": req.batch_month,
        "received_at": req.received_at,
        "project_name": req.project_name,
        "basic_situation": req.basic_situation,
        "problem": req.problem,
        "units_to_coordinate": [ref(u) for u in req.units_to_coordinate.all()],
        "leader": ref(req.leader) if req.leader_id else None,
        "reporting_unit": ref(req.reporting_unit),
        "contact": f"{req.contact_name} {req.contact_mobile}".strip(),
        "review_note": req.review_note,
        "version": req.version,
    }


class BatchOut(Schema):
    month: date
    label: str
    status: str
    status_label: str
    cutoff: date
    cutoff_provisional: bool
    version: int  # send it back with a move (`version`)
    total: int | None = None
    pending: int | None = None


class BatchDetailOut(BatchOut):
    requests: list[EscalationOut]


def batch_out(batch, **extra) -> dict:
    return {
        "month": batch.month,
        "label": batch.label,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "cutoff": batch.cutoff,
        "cutoff_provisional": batch.cutoff_provisional,
        "version": batch.version,
        **extra,
    }
