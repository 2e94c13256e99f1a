"""GET /api/v1/workdays/add?start=YYYY-MM-DD&n=N → {date, provisional}."""

from datetime import date

from ninja import Router, Schema

from zhitong.core.errors import ServiceError
from zhitong.core.fields import SaneDate

from . import services

router = Router(tags=["workdays"])


class WorkdayOut(Schema):
    date: date
    provisional: bool


class BetweenOut(Schema):
    workdays: int


@router.get("/add", response=WorkdayOut, summary="N working days after start (start not counted)")
def add(request, start: SaneDate, n: int):
    if n < 0 or n > 10000:
        raise ServiceError("工作日数须在 0 到 10000 之间。", code="invalid_workdays", field="n")
    result = services.add_workdays(start, n)
    return {"date": result.date, "provisional": result.provisional}


@router.get("/between", response=BetweenOut, summary="working days in (start, end]")
def between(request, start: SaneDate, end: SaneDate):
    return {"workdays": services.workdays_between(start, end)}
