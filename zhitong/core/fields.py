"""The input types every API schema (and the transition kernel's move data) is built from,
and the Chinese wording of their validation errors.

One set of annotated pydantic types, so a bound is written once: ids fit a 64-bit column,
texts fit their model column, a datetime carries its time zone, a date lies in a window
the platform can hold, lists and pages are bounded. An input outside them is refused with
422 and a message naming the field, before any service or query sees it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

# A primary key of PostgreSQL's bigint (and SQLite's INTEGER): a larger number is no id at
# all, and the database driver would fail on it (OverflowError) instead of finding nothing.
MAX_ID = 2**63 - 1

# The platform's records start here: no appeal was received, no meeting held before 2020
# (the first pilot ran in 2020). Dates and times before the floor are typing mistakes
# (1900-01-01, 0001-01-01) and would be counted in no month of any report.
DATE_FLOOR = date(2020, 1, 1)
# Deadlines and scheduled meetings may lie in the future, but not beyond the working-day
# calendar's horizon by decades.
DATE_CEILING = date(2099, 12, 31)
# A client's clock may run a little ahead of ours; a receipt time further in the future is
# a mistake (seeds/000 二: the clock starts when the appeal is received, not later).
FUTURE_TOLERANCE = timedelta(minutes=10)

# Query-string values (search words, filters) and whole text columns.
QUERY_TEXT_MAX = 200
LONG_TEXT_MAX = 5000  # TextField columns written through forms and the API (the page forms' limit)
NAME_MAX = 200  # CharField(max_length=200): titles, places, project names


def excerpt(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its start and "…", so a shortened copy
    (a notice's title, a label taken from a longer note) says that it is one. Never for
    what a user typed into a field of its own: that is refused when too long, not cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _no_bad_characters(value: str) -> str:
    # PostgreSQL refuses NUL in text and a lone surrogate cannot be encoded as UTF-8: both
    # would surface as a server error at the database, not as the input error they are.
    if "\x00" in value:
        raise ValueError("不能包含空字符(NUL)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("含有无效的Unicode字符")
    return value


def _visible(value: str) -> str:
    if not value.strip():
        raise ValueError("不能为空或只含空白")
    return value


# The factories below build annotated types, so they are named like types.


def Text(max_length: int):
    """A text of at most `max_length` characters; may be empty."""
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_no_bad_characters)]


def VisibleText(max_length: int):
    """A required text with at least one visible character, at most `max_length`."""
    return Annotated[
        str,
        StringConstraints(min_length=1, max_length=max_length),
        AfterValidator(_no_bad_characters),
        AfterValidator(_visible),
    ]


def _date_in_window(value: date) -> date:
    if not DATE_FLOOR <= value <= DATE_CEILING:
        raise ValueError(f"须在{DATE_FLOOR.isoformat()}至{DATE_CEILING.isoformat()}之间")
    return value


def _datetime_in_window(value: datetime) -> datetime:
    _date_in_window(value.date())
    return value


def _not_in_future(value: datetime) -> datetime:
    from django.utils import timezone

    if value > timezone.now() + FUTURE_TOLERANCE:
        raise ValueError("不能晚于当前时间")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=0, le=MAX_ID)]  # the version of an object a client saw
PageNumber = Annotated[int, Field(ge=1, le=100_000)]
Offset = Annotated[int, Field(ge=0, le=10_000_000)]
# A date the platform can hold (deadlines, due dates, query bounds).
SaneDate = Annotated[date, AfterValidator(_date_in_window)]
# A moment with its time zone (a naive time is ambiguous: Beijing or UTC?), in the window.
SaneDatetime = Annotated[AwareDatetime, AfterValidator(_datetime_in_window)]
# When something already happened: in the window and not in the future.
PastDatetime = Annotated[AwareDatetime, AfterValidator(_datetime_in_window), AfterValidator(_not_in_future)]
Month = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}$")]
WorkdayCount = Annotated[int, Field(ge=1, le=1000)]


def PageSize(maximum: int):
    return Annotated[int, Field(ge=1, le=maximum)]


def IdList(max_items: int = 100):
    return Annotated[list[Id], Field(max_length=max_items)]


def TextList(max_items: int = 50, max_length: int = NAME_MAX):
    return Annotated[list[VisibleText(max_length)], Field(max_length=max_items)]


# -- the Chinese wording of pydantic's errors ------------------------------------------
_MESSAGES = {
    "missing": "必填",
    "string_type": "应为文本",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "int_parsing_size": "数值过大",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数字",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "date_type": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为有效日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为有效日期（YYYY-MM-DD）",
    "date_from_datetime_inexact": "应为日期，不含时间",
    "datetime_type": "应为日期时间（ISO 8601，含时区）",
    "datetime_parsing": "应为有效的日期时间（ISO 8601，含时区）",
    "datetime_from_date_parsing": "应为有效的日期时间（ISO 8601，含时区）",
    "datetime_object_invalid": "应为有效的日期时间",
    "timezone_aware": "须包含时区，例如 2025-09-01T09:00:00+08:00",
    "list_type": "应为列表",
    "set_type": "应为列表",
    "tuple_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "extra_forbidden": "不接受此字段",
    "json_invalid": "不是有效的JSON",
    "json_type": "不是有效的JSON",
    "is_instance_of": "类型不正确",
    "uuid_parsing": "格式不正确",
}


def _message(err: dict) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error") or err.get("msg", "")).removeprefix("Value error, ")
    if kind == "string_too_long":
        return f"不能超过{ctx.get('max_length')}个字符"
    if kind == "string_too_short":
        n = ctx.get("min_length")
        return "不能为空" if n == 1 else f"至少{n}个字符"
    if kind == "too_long":
        return f"最多{ctx.get('max_length')}项"
    if kind == "too_short":
        return f"至少{ctx.get('min_length')}项"
    if kind == "greater_than_equal":
        return f"不能小于{ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"不能大于{ctx.get('le')}"
    if kind == "greater_than":
        return f"应大于{ctx.get('gt')}"
    if kind == "less_than":
        return f"应小于{ctx.get('lt')}"
    if kind in ("literal_error", "enum"):
        return f"应为以下之一：{ctx.get('expected', '')}"
    return _MESSAGES.get(kind, "格式不正确")


# The first element of ninja's error location names where the value came from.
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def error_field(loc: Iterable) -> str:
    """The field a location names, as a client wrote it: ninja's ("body", "payload",
    "data", "note") is "data.note" — the source and the view's parameter name dropped."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source, parts = parts[0], parts[1:]
        if source == "body" and len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts)


def error_details(errors: Iterable[dict]) -> list[dict]:
    """pydantic's (or ninja's) error list as [{"field", "message"}] in Chinese."""
    out, seen = [], set()
    for err in errors:
        field, message = error_field(err.get("loc") or ()), _message(err)
        if (field, message) not in seen:
            seen.add((field, message))
            out.append({"field": field, "message": message})
    return out


def error_summary(details: list[dict], *, limit: int = 5) -> str:
    parts = [f"“{d['field']}”{d['message']}" if d["field"] else d["message"] for d in details[:limit]]
    more = f"等{len(details)}处" if len(details) > limit else ""
    return "输入有误：" + "；".join(parts) + more
