"""/api/v1/assessment — the monthly scorecards (scoped as the pages), a unit's scorecard with
every list, the scoring schemes (the hub adds a version) and the months (the hub closes one)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from zhitong.common import api_moves
from zhitong.common.pages import month_param
from zhitong.core.errors import (
    ErrorOut,
    Forbidden,
    ServiceError,
)
from zhitong.core.fields import Id, Month, Text
from zhitong.organizations.capabilities import is_hub, reads_all_scorecards

from .. import counting, rates, scoring, selectors, services
from ..machines import MONTH
from ..models import AssessmentMonth, Scheme
from ..scorecards import size

router = Router(tags=["assessment"])
ERRORS = {403: ErrorOut, 409: ErrorOut}


def _month(value: str):
    month = month_param(value, None)
    if month is None:
        raise ServiceError("月份格式应为 YYYY-MM，且在系统支持的范围内", field="month")
    return month


class RowOut(Schema):
    unit_id: int
    unit: str
    group: str
    rank: int
    score: str
    warning: str
    streak: int
    values: dict[str, str | None]
    points: dict[str, str]


class ScorecardRateOut(Schema):
    numerator: int
    denominator: int
    value: str | None


class UnitScorecardOut(RowOut):
    month: str
    counts: dict[str, int]
    rates: dict[str, ScorecardRateOut]
    adjustments: list[dict]
    deductions: list[dict]
    clauses: dict[str, str]
    lists: dict[str, str]


class ListedOut(Schema):
    kind: str
    id: int
    label: str
    when: str
    url: str


class FigureListOut(Schema):
    month: str
    unit_id: int
    key: str
    clause: str
    count: int | None = None
    items: list[ListedOut] | None = None
    adjustments: list[dict] | None = None
    numerator: list[ListedOut] | None = None
    denominator: list[ListedOut] | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "month": "2026-11",
                    "unit_id": 12,
                    "key": "resolved",
                    "clause": "seeds/000 五(一) 解决问题情况；seeds/001 四(八)：经统筹协调专员或督查室核验办结",
                    "count": 1,
                    "items": [
                        {
                            "kind": "appeal",
                            "id": 4521,
                            "label": "ZT2026-004521 厂房竣工验收消防备案迟迟未办结",
                            "when": "2026-11-18",
                            "url": "/appeals/4521/",
                        }
                    ],
                    "adjustments": [],
                }
            ]
        }
    )


def _row(row: dict, group: str) -> dict:
    return {**row, "group": group, "streak": row.get("streak", 0), "warning": row.get("warning", "")}


@router.get("/scorecards", response={200: list[RowOut], **ERRORS}, summary="月度成绩单（按单位排名）")
def scorecards(request, month: Month):
    if not selectors.may_read_scorecards(request.user):
        raise Forbidden("无权查看成绩单")
    card = selectors.scorecard_for(user=request.user, month=_month(month))
    return [_row(r, key) for key, g in card["groups"].items() for r in g["rows"]]


@router.get(
    "/scorecards/{month}/units/{unit_id}",
    response={200: UnitScorecardOut, **ERRORS},
    summary="单位成绩单：每个数字及其计入的对象清单和计数依据",
)
def unit_scorecard(request, month: Month, unit_id: Id):
    if not selectors.may_read_scorecards(request.user):
        raise Forbidden("无权查看成绩单")
    m = _month(month)
    group, row = selectors.unit_row(user=request.user, month=m, unit_id=unit_id)
    return {
        **_row(row, group["key"]),
        "counts": {k: size(v) for k, v in row["counts"].items()},
        "rates": {
            k: {
                **r,
                "numerator": size(r["numerator"]),
                "denominator": size(r["denominator"]),
            }
            for k, r in row["rates"].items()
        },
        "month": month,
        "clauses": {**counting.CLAUSES, **rates.CLAUSES},
        "lists": {
            k: f"{request.path.rstrip('/')}/lists/{k}" for k in (*counting.COUNT_KEYS, *rates.RATE_KEYS)
        },
    }


@router.get(
    "/scorecards/{month}/units/{unit_id}/lists/{key}",
    response={200: FigureListOut, **ERRORS},
    summary="单位成绩单中一个数字背后的对象清单（计数：items 及结账后调整；比率：numerator、denominator）",
)
def unit_figure_list(request, month: Month, unit_id: Id, key: Text(40)):
    if not selectors.may_read_scorecards(request.user):
        raise Forbidden("无权查看成绩单")
    if key not in (*counting.COUNT_KEYS, *rates.RATE_KEYS):
        raise ServiceError("指标应为 " + "、".join((*counting.COUNT_KEYS, *rates.RATE_KEYS)), field="key")
    m = _month(month)
    row, lists = selectors.unit_lists(user=request.user, month=m, unit_id=unit_id, key=key)
    clause = {**counting.CLAUSES, **rates.CLAUSES}[key]
    out = {"month": month, "unit_id": unit_id, "key": key, "clause": clause, **lists}
    if "items" in lists:
        out["count"] = len(lists["items"])
    return out


class SchemeOut(Schema):
    id: int
    audience: str
    version: int
    effective_month: str
    target_score: str
    weights: dict[str, str]
    note: str


class SchemeIn(Schema):
    audience: Annotated[str, Field(pattern="^(counties|departments)$")]
    effective_month: Month
    target_score: Annotated[Decimal, Field(ge=0, le=1000, max_digits=7, decimal_places=2)]
    weights: dict[
        Annotated[str, Field(pattern="^[a-z_]{1,30}$")],
        Annotated[Decimal, Field(ge=0, le=1000, max_digits=7, decimal_places=2)],
    ] = Field(max_length=20)
    note: Text(2000) = ""


def _scheme_out(s: Scheme) -> dict:
    return {
        "id": s.pk,
        "audience": s.audience,
        "version": s.version,
        "effective_month": s.effective_month.strftime("%Y-%m"),
        "target_score": str(s.target_score),
        "weights": {k: str(v) for k, v in s.weights.items()},
        "note": s.note,
    }


@router.get("/schemes", response={200: list[SchemeOut], **ERRORS}, summary="考核方案（各版本）")
def schemes(request):
    if not (reads_all_scorecards(request.user) or is_hub(request.user)):
        raise Forbidden("无权查看考核方案")
    return [_scheme_out(s) for s in Scheme.objects.order_by("audience", "-version")]


@router.post("/schemes", response={201: SchemeOut, **ERRORS}, summary="保存考核方案新版本（统筹协调专员）")
def scheme_create(request, body: SchemeIn):
    unknown = set(body.weights) - {i.key for i in scoring.INDICATORS}
    if unknown:
        raise ServiceError(f"未知的指标：{'、'.join(sorted(unknown))}", field="weights")
    s = services.scheme_create(
        actor=request.user,
        audience=body.audience,
        effective_month=_month(body.effective_month),
        target_score=body.target_score,
        weights=body.weights,
        note=body.note,
    )
    return Status(201, _scheme_out(s))


class MonthOut(Schema):
    month: str
    status: str
    closed_at: str | None
    digest: str
    version: int
    moves: list[str]


def _month_out(request, m: AssessmentMonth) -> dict:
    return {
        "month": m.month.strftime("%Y-%m"),
        "status": m.status,
        "closed_at": m.closed_at.isoformat() if m.closed_at else None,
        "digest": m.digest,
        "version": m.version,
        "moves": [x.name for x in MONTH.available(request.user, m)],
    }


@router.get("/months", response={200: list[MonthOut], **ERRORS}, summary="考核月份（结账状态与快照摘要）")
def months(request):
    if not (reads_all_scorecards(request.user) or is_hub(request.user)):
        raise Forbidden("无权查看考核月份")
    return [_month_out(request, m) for m in AssessmentMonth.objects.defer("snapshot").order_by("-month")]


@router.post(
    "/months/{month}/moves/{move}",
    response={200: MonthOut, **ERRORS},
    summary="月份操作：close 结账并公布成绩单(note)（version；尚无记录的月份 version 为 1）",
    openapi_extra=api_moves.move_body(MONTH),
)
def month_move(request, month: Month, move: Text(40)):
    if not is_hub(request.user):
        raise Forbidden("仅统筹协调专员可结账")
    m = services.month_get_or_open(_month(month))
    api_moves.move(request, MONTH, pk=m.pk, name=move)
    m.refresh_from_db()
    return _month_out(request, m)
