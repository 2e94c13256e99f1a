"""/api/v1/coordination — the counting facts (seeds/000 五(二)2)."""

from __future__ import annotations

from django.utils import timezone

from zhitong.core.errors import Forbidden
from zhitong.core.fields import Month
from zhitong.organizations.selectors import user_sees_all

from .. import selectors
from ..schemas import ref
from ..schemas.facts import FactOut
from ._common import ERRORS, parse_month, router


@router.get("/facts", response={200: list[FactOut], **ERRORS}, summary="协调问题计数（五(二)2）")
def facts(request, month: Month | None = None):
    if not user_sees_all(request.user):
        raise Forbidden("无权查看协调计数")
    m = parse_month(month) if month else timezone.localdate().replace(day=1)
    return [
        {
            "id": f.pk,
            "meeting_id": f.meeting_id,
            "unit": ref(f.unit),
            "month": f.month,
            "counted_as": f.counted_as,
            "project": ref(f.project),
            "enterprise": ref(f.enterprise),
            "appeal_ids": f.appeal_ids,
            "evaluated_at": f.evaluated_at,
        }
        for f in selectors.facts_for(month=m)
    ]
