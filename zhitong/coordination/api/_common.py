"""The coordination router and the helpers its endpoints share."""

from __future__ import annotations

from ninja import Router

from zhitong.common import api_moves
from zhitong.core.errors import ServiceError
from zhitong.organizations.models import User

from .. import permissions
from ..schemas import ErrorOut

router = Router(tags=["coordination"])
# The refusals an endpoint may answer besides the errors every operation documents
# (400/401/404/405/413/422/500 — added centrally by zhitong.api.contract).
ERRORS = {403: ErrorOut, 409: ErrorOut}


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


# The body of POST …/moves/{move} and its one dispatcher are shared with every app's API
# (zhitong/common/api_moves.py); the names are kept for this package's modules.
move_body = api_moves.move_body
move = api_moves.move
