"""API schemas of the counting facts and the hub's monthly certifications."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema

from ._common import Ref, ref


class FactOut(Schema):
    id: int
    meeting_id: int
    unit: Ref
    month: date
    counted_as: str
    project: Ref | None
    enterprise: Ref
    appeal_ids: list[int]
    evaluated_at: datetime
    # seeds/000 五(二)1: a county principal's meeting counts after the hub's certification.
    needs_certification: bool
    certified_at: datetime | None
    counted: bool
    standing: str  # counted / awaiting_evidence / awaiting_certification


def fact_out(f) -> dict:
    return {
        "id": f.pk,
        "meeting_id": f.meeting_id,
        "unit": ref(f.unit),
        "month": f.month,
        "counted_as": f.counted_as,
        "project": ref(f.project),
        "enterprise": ref(f.enterprise),
        "appeal_ids": f.appeal_ids,
        "evaluated_at": f.evaluated_at,
        "needs_certification": f.needs_certification,
        "certified_at": f.certified_at,
        "counted": f.counted,
        "standing": f.standing,
    }


class CertificationOut(Schema):
    id: int
    unit: Ref
    month: date
    status: str
    status_label: str
    version: int
    certified_at: datetime | None
    certified_by: Ref | None
    certified_count: int
    counted_fact_ids: list[int]
    awaiting_certification_fact_ids: list[int]
    awaiting_evidence_fact_ids: list[int]
    moves: list[str] = []  # the moves the caller may make now (machines/facts.py)


def certification_out(row, *, moves=()) -> dict:
    cert = row.certification
    return {
        "id": cert.pk,
        "unit": ref(cert.unit),
        "month": cert.month,
        "status": cert.status,
        "status_label": cert.get_status_display(),
        "version": cert.version,
        "certified_at": cert.certified_at,
        "certified_by": ref(cert.certified_by),
        "certified_count": cert.certified_count,
        "counted_fact_ids": [f.pk for f in row.counted],
        "awaiting_certification_fact_ids": [f.pk for f in row.awaiting_certification],
        "awaiting_evidence_fact_ids": [f.pk for f in row.awaiting_evidence],
        "moves": list(moves),
    }
