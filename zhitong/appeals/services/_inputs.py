"""Checking the inputs of the appeal services (Chinese messages naming the form field)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone
from django.utils.dateparse import parse_date

from zhitong.core.errors import ServiceError
from zhitong.organizations.models import Unit


def text(value, label: str, field: str, *, required: bool = True, max_len: int = 5000) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        raise ServiceError(f"请填写{label}", code="required", field=field)
    if len(value) > max_len:
        raise ServiceError(f"{label}不能超过{max_len}字", field=field)
    return value


def day(value, field: str) -> date:
    if isinstance(value, datetime):
        return timezone.localdate(value)
    if isinstance(value, date):
        return value
    parsed = parse_date(str(value or ""))
    if parsed is None:
        raise ServiceError("请填写正确的日期(YYYY-MM-DD)", code="invalid_date", field=field)
    return parsed


def ids(value) -> list[int]:
    if value in (None, ""):
        return []
    if isinstance(value, str | int):
        value = [v for v in str(value).replace("，", ",").split(",") if v.strip()]
    try:
        return sorted({int(v) for v in value})
    except (TypeError, ValueError):
        raise ServiceError("单位编号格式不正确", code="invalid_ids")


def units(unit_ids, field: str) -> list[Unit]:
    """Active units by id (a string "3,5" or a list); ServiceError if one is unknown."""
    wanted = ids(unit_ids)
    found = list(Unit.objects.filter(pk__in=wanted, is_active=True))
    if len(found) != len(wanted):
        raise ServiceError("所选单位不存在或已停用", code="invalid_unit", field=field)
    return found
