"""/api/v1/reports — the Annex 1 ledger (seeds/000 附件1 《“一企一议”问题台账》)."""

from __future__ import annotations

from django.utils import timezone
from ninja import Query, Router, Schema

from zhitong.core.errors import AccessDenied, ErrorOut, Forbidden, ServiceError
from zhitong.core.fields import Id, Month

from . import annex1

router = Router(tags=["reports"])
ERRORS = {403: ErrorOut}


class Annex1Query(Schema):
    unit_id: Id | None = None
    month: Month | None = None


class Annex1RowOut(Schema):
    no: int
    project_name: str
    basic_situation: str
    problem: str
    reporting_unit: str
    coordinating_units: str
    meeting_dates: str
    meeting_leaders: str
    opinions: str
    implementation: str
    resolved: str
    appeal_id: int
    appeal_code: str


class Annex1Out(Schema):
    unit_id: int
    unit_name: str
    month: str
    title: str
    headers: list[str]
    rows: list[Annex1RowOut]


def _month(value: str | None):
    from datetime import date

    if not value:
        return timezone.localdate().replace(day=1)
    year, month = value.split("-")
    if not 1 <= int(month) <= 12 or not 2000 <= int(year) <= 2100:
        raise ServiceError("月份格式应为 YYYY-MM", field="month")
    return date(int(year), int(month), 1)


@router.get(
    "/annex1",
    response={200: Annex1Out, **ERRORS},
    summary="附件1“一企一议”问题台账（某单位某月；不指定单位时为本单位或第一个可查看的单位）",
)
def annex1_ledger(request, q: Query[Annex1Query]):
    user = request.user
    if not annex1.reads_ledgers(user):
        raise Forbidden("无权查看问题台账")
    unit = annex1.ledger_unit_for_user(user, q.unit_id)
    if unit is None:
        raise AccessDenied()
    month = _month(q.month)
    start, end = annex1.month_bounds(month)
    return {
        "unit_id": unit.pk,
        "unit_name": unit.name,
        "month": f"{month:%Y-%m}",
        "title": annex1.annex1_title(unit, month),
        "headers": annex1.HEADERS,
        "rows": annex1.ledger_rows(unit=unit, month_start=start, month_end=end),
    }
