"""The coordination router and the helpers its endpoints share."""

from __future__ import annotations

import json

from ninja import Router

from zhitong.common.transitions import Machine, required_version
from zhitong.core.errors import ConflictError, ServiceError
from zhitong.organizations.models import User

from .. import permissions
from ..forms import move_input
from ..schemas import ErrorOut

router = Router(tags=["coordination"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def parse_month(value: str):
    from datetime import date

    try:
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except (ValueError, AttributeError):
        raise ServiceError("月份格式应为 YYYY-MM", field="month")


def require_hub(request) -> None:
    permissions.require_batch_reviewer(request.user)


def active_user(user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ServiceError("所选人员不存在", field=field)
    return user


def move(request, machine: Machine, *, pk, name: str):
    """POST …/{id}/moves/{move}: the move's declared fields and `version` from a JSON body
    (or a multipart form, for files), performed through `machine.dispatch` — the one entry
    point shared with the pages. 422 without `version` (the version the client based the
    move on), 409 stale version / illegal or unknown move, 403 not allowed; the caller has
    already answered 404 for an object the user may not see."""
    m = machine.moves.get(name)
    if m is None:
        raise ConflictError(f"未知的操作：{name}", code="unknown_move")
    if request.content_type == "application/json":
        try:
            data, files = json.loads(request.body or b"{}"), None
        except ValueError:
            raise ServiceError("请求体不是有效的JSON")
        if not isinstance(data, dict):
            raise ServiceError("请求体应为JSON对象")
    else:
        data, files = request.POST, request.FILES
    version = required_version(data.get("version"))
    return machine.dispatch(
        pk=pk, move=name, actor=request.user, expected_version=version, **move_input(m, data, files)
    )
