from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AppendOnly(RuntimeError):
    pass


class AuditEventQuerySet(models.QuerySet):
    """No bulk path around the chain: rows are added only by `audit_record`, one at a time,
    and never changed or removed through the ORM."""

    def update(self, **kwargs):
        raise AppendOnly("AuditEvent is append-only")

    def delete(self):
        raise AppendOnly("AuditEvent is append-only")

    def bulk_create(self, *args, **kwargs):
        raise AppendOnly("AuditEvent rows are written one at a time by audit_record")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnly("AuditEvent is append-only")

    update_or_create = bulk_update


class AuditEvent(models.Model):
    """An append-only record of one action. Each event carries the hash of the previous
    one (`prev_hash`) and its own (`hash`: an HMAC under a key kept outside the database,
    named by `key_id`; chain.py), so a row changed, added or removed behind the
    application's back breaks the chain, even if whoever did it recomputed every hash;
    `zhitong audit verify` finds the first break.

    There is no update or delete path: the model refuses `save()` on an existing row and
    `delete()`, its queryset refuses `update()`/`delete()`/bulk writes, the admin is
    read-only, and on PostgreSQL a trigger refuses UPDATE and DELETE (migration 0006).
    """

    at = models.DateTimeField(_("时间(UTC)"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    actor_unit = models.ForeignKey(
        "organizations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    client_addr = models.CharField(_("客户端地址"), max_length=64, blank=True)
    outcome = models.CharField(_("结果"), max_length=20, default="ok")
    # The chain's columns (prev_hash, hash, seq; key_id re-set) are filled once, when the
    # sealer puts the event in the chain (services.seal, docs/audit-chain.md): NULL until then.
    prev_hash = models.CharField(max_length=64, null=True, blank=True)
    hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    # HMAC of the content alone (chain.content_mac, under `key_id` at insert), written with the
    # row: the sealer refuses to chain an unsealed row whose content does not match it (a row
    # inserted or changed behind the application's back). "" on events sealed at insert.
    content_mac = models.CharField(max_length=64, blank=True, default="")
    # When the row was inserted, by the database's clock (not hashed: `at` is the action's
    # time, which a service may give); how long an event has waited for its seal.
    recorded_at = models.DateTimeField(db_default=Now(), null=True, blank=True, editable=False)
    # "" for the events hashed before the chain was keyed (chain.legacy_hash).
    key_id = models.CharField(_("密钥编号"), max_length=16, blank=True, default="")
    # Position in the chain, 1, 2, 3 … without gaps (ids have gaps on PostgreSQL: a rolled
    # back insert still uses up its sequence value). None on unkeyed events.
    seq = models.PositiveBigIntegerField(_("序号"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("model", "审计事件")
        verbose_name_plural = pgettext_lazy("models", "审计事件")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The sealer's queue: the few events not yet in the chain.
            models.Index(fields=["id"], condition=models.Q(hash__isnull=True), name="audit_event_unsealed"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnly("AuditEvent is append-only")
        sealed = bool(self.hash and self.prev_hash and self.key_id)
        unsealed = not self.hash and not self.prev_hash and self.content_mac and self.key_id
        if not (sealed or unsealed):
            raise AppendOnly("AuditEvent rows are written by zhitong.audit.services.audit_record")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("AuditEvent is append-only")


class AuditChainHead(models.Model):
    """A single row holding the hash, id and position of the newest event, signed (`mac`,
    chain.head_mac). Writers lock it (SELECT … FOR UPDATE) so concurrent transactions
    append to the chain one at a time, and `verify` compares it with the last event, so
    removing the newest events (which would leave the rest of the chain intact) is
    detected too: the head cannot be re-signed without the key. It is the one audit row
    that is updated; the events themselves never are."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64)
    last_event_id = models.BigIntegerField(default=0)
    count = models.BigIntegerField(default=0)
    key_id = models.CharField(max_length=16, blank=True, default="")
    mac = models.CharField(max_length=64, blank=True, default="")
