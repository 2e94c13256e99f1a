"""Writing audit events. Call `audit_record` inside the same transaction as the change."""

import hashlib
import json
from datetime import UTC, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from zhitong.common import context

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _canonical(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def normalise(value):
    """JSON round-trip so that what we hash is exactly what the database returns."""
    return None if value is None else json.loads(_canonical(value))


def event_hash(
    *,
    prev_hash: str,
    at: datetime,
    actor_id,
    actor_unit_id,
    action: str,
    object_type: str,
    object_id: str,
    before,
    after,
    client_addr: str,
    outcome: str,
) -> str:
    payload = _canonical(
        {
            "prev": prev_hash,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor_id,
            "unit": actor_unit_id,
            "action": action,
            "type": object_type,
            "id": str(object_id),
            "before": before,
            "after": after,
            "addr": client_addr,
            "outcome": outcome,
        }
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def audit_record(
    *,
    action: str,
    obj=None,
    object_type: str | None = None,
    object_id=None,
    actor=None,
    before=None,
    after=None,
    outcome: str = "ok",
    client_addr: str | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction so the
    event and the change it records commit or roll back together."""
    from django.contrib.auth import get_user_model

    info = context.current()
    if actor is None and info.user_id is not None:
        actor = get_user_model().objects.filter(pk=info.user_id).first()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
    at = now or timezone.now()
    before_n, after_n = normalise(before), normalise(after)
    addr = info.client_addr if client_addr is None else client_addr
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            id=1, defaults={"last_hash": GENESIS, "last_event_id": 0}
        )
        fields = dict(
            at=at,
            actor_id=actor.pk if actor else None,
            actor_unit_id=getattr(actor, "unit_id", None) if actor else None,
            action=action,
            object_type=object_type or "",
            object_id=str(object_id if object_id is not None else ""),
            before=before_n,
            after=after_n,
            client_addr=addr or "",
            outcome=outcome,
        )
        digest = event_hash(prev_hash=head.last_hash, **fields)
        event = AuditEvent(
            actor_name=actor.get_username() if actor else "system",
            prev_hash=head.last_hash,
            hash=digest,
            **fields,
        )
        event.save()
        AuditChainHead.objects.filter(id=1).update(last_hash=digest, last_event_id=event.pk)
    return event
