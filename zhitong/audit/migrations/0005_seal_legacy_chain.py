"""Key the audit chain: seal the events hashed before it was keyed, and sign the head.

The events already written keep their plain SHA-256 hashes (key_id ""), untouched. If
there are any, one keyed event (chain.SEAL_ACTION, "re-keyed at" now) is appended after
the last event the chain head names; its HMAC covers that event's hash, which covers
every event before it, so from now on none of them can be rewritten without the key.
services._Walk explains why the old rows are sealed rather than re-chained.

The seal follows the head, not the newest row: a row that was inserted above the head
behind the application's back before the upgrade is not adopted into the chain, and
`zhitong audit verify` keeps reporting it.

Needs the key (ZHITONG_AUDIT_KEY, or the embedded key file under var/) at `migrate` time.
Uses zhitong.audit.chain, so the seal is signed exactly as the verifier will check it.
"""

from django.db import migrations
from django.utils import timezone


def seal_and_sign(apps, schema_editor):
    from zhitong.audit import chain
    from zhitong.audit.keys import keyring

    db = schema_editor.connection.alias
    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    ring = keyring()
    head, _ = AuditChainHead.objects.using(db).get_or_create(
        id=1, defaults={"last_hash": chain.GENESIS, "last_event_id": 0}
    )
    head.count = 0
    events = AuditEvent.objects.using(db)
    if head.last_event_id or events.exists():
        legacy_count = events.filter(id__lte=head.last_event_id).count()
        fields = dict(
            at=timezone.now(),
            actor_id=None,
            actor_name="system",
            actor_unit_id=None,
            action=chain.SEAL_ACTION,
            object_type="audit.chain",
            object_id="",
            before=None,
            after={
                "legacy_last_id": head.last_event_id,
                "legacy_last_hash": head.last_hash,
                "legacy_count": legacy_count,
            },
            client_addr="",
            outcome="ok",
        )
        seq = legacy_count + 1
        mac = chain.event_mac(key=ring.current, key_id=ring.current_id, seq=seq, prev_hash=head.last_hash, **fields)
        seal = events.create(prev_hash=head.last_hash, hash=mac, key_id=ring.current_id, seq=seq, **fields)
        head.last_hash, head.last_event_id, head.count = mac, seal.pk, seq
    head.key_id = ring.current_id
    head.mac = chain.head_mac(
        key=ring.current,
        key_id=ring.current_id,
        count=head.count,
        last_id=head.last_event_id,
        last_hash=head.last_hash,
    )
    head.save(using=db)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_keyed_chain")]

    # Irreversible on purpose: unsealing would need deleting an audit event.
    operations = [migrations.RunPython(seal_and_sign)]
