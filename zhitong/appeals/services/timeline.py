"""Timeline notes other apps put on an appeal without changing its state."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.core.errors import AccessDenied

from ..models import Appeal, Transition
from ..recipe import record_note


def appeal_timeline_note(
    *, appeal, actor, action: str, note: str, data: dict | None = None, now=None
) -> Transition:
    """Put an entry on the appeal's timeline without changing its state (e.g. the
    coordination app's meeting opinion or task). `action` is a short machine name such as
    "meeting_opinion"; a human label may be passed as data["label"]. Audited."""
    now = now or timezone.now()
    appeal_id = getattr(appeal, "pk", appeal)
    with transaction.atomic():
        row = Appeal.objects.filter(pk=appeal_id).only("pk", "status").first()
        if row is None:
            raise AccessDenied()
        t = record_note(row, move=action[:40], actor=actor, now=now, note=note, data=data)
        audit_record(
            action=f"appeal.note.{action}"[:64],
            obj=row,
            actor=actor,
            after={"note": note, "data": data or {}},
            now=now,
        )
    return t
