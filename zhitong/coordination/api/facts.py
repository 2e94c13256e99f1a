"""/api/v1/coordination — the counting facts (seeds/000 五(二)) and the hub's monthly
certification of the county principals' meetings (五(二)1)."""

from __future__ import annotations

from django.utils import timezone
from ninja import Query, Schema

from zhitong.core.errors import Forbidden
from zhitong.core.fields import Id, Month, Text

from .. import permissions, selectors
from ..machines.facts import CERTIFICATION
from ..schemas.facts import CertificationOut, FactOut, certification_out, fact_out
from ._common import ERRORS, move_body, parse_month, router
from ._common import move as perform_move


class FactsQuery(Schema):
    month: Month | None = None
    # By default only the facts that count (what the scorecards read); true: also those of
    # county principals' meetings still waiting for their minutes or the certification.
    include_uncounted: bool = False


def _require_reader(request) -> None:
    if not permissions.can_read_facts(request.user):
        raise Forbidden("无权查看协调计数")


def _month(month):
    return parse_month(month) if month else timezone.localdate().replace(day=1)


@router.get("/facts", response={200: list[FactOut], **ERRORS}, summary="协调问题计数（五(二)）")
def facts(request, q: Query[FactsQuery]):
    _require_reader(request)
    counted = None if q.include_uncounted else True
    return [fact_out(f) for f in selectors.facts_for(month=_month(q.month), counted=counted)]


def _certifications(request, month) -> list[dict]:
    return [
        certification_out(
            row, moves=[m.name for m in CERTIFICATION.available(request.user, row.certification)]
        )
        for row in selectors.certification_rows(month=month)
    ]


@router.get(
    "/facts/certifications",
    response={200: list[CertificationOut], **ERRORS},
    summary="县(市)区主要领导协调会认定（五(二)1，按月）",
)
def certifications(request, month: Month | None = None):
    _require_reader(request)
    return _certifications(request, _month(month))


@router.post(
    "/facts/certifications/{certification_id}/moves/{move}",
    response={200: CertificationOut, **ERRORS},
    summary="认定操作：certify 认定本月协调问题数量(note) / reopen 撤销认定(reason)（version）",
    openapi_extra=move_body(CERTIFICATION),
)
def certification_move(request, certification_id: Id, move: Text(40)):
    cert = selectors.certification_get_for_user(user=request.user, certification_id=certification_id)
    perform_move(request, CERTIFICATION, pk=cert.pk, name=move)
    row = next(r for r in selectors.certification_rows(month=cert.month) if r.certification.pk == cert.pk)
    return certification_out(
        row, moves=[m.name for m in CERTIFICATION.available(request.user, row.certification)]
    )
