"""What invalidates the cached appeal counts (counters.py's freshness rule): every saved or
deleted appeal, cooperation request and escalation request, and every bulk write on appeals
(`models.AppealQuerySet`). Connected in `AppealsConfig.ready`; the escalation requests (the
coordination app, above) are recognised by their model label, so nothing is imported upward."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_init, post_save

from . import counters

# Models below or beside the appeal whose rows change what an appeal list holds: the pending
# filters read cooperation answers and escalation reviews.
RELATED_LABELS = {"appeals.Cooperation", "coordination.EscalationRequest"}


def _remember(sender, instance, **kwargs):
    # The units and users the appeal concerned when it was read: a move that changes its lead
    # unit (a reroute) also changes the old lead unit's figures.
    # (From the instance's dict: a deferred field is not loaded for this.)
    d = instance.__dict__
    instance._counted_refs = (d.get("lead_unit_id"), d.get("received_unit_id"), d.get("handler_id"))


def _appeal_changed(sender, instance, created=False, **kwargs):
    from .models import Cooperation

    d = instance.__dict__
    units = {d.get("lead_unit_id"), d.get("received_unit_id")}
    users = {d.get("received_by_id"), d.get("handler_id")}
    before = getattr(instance, "_counted_refs", None)
    if before:
        units |= {before[0], before[1]}
        users.add(before[2])
    if not created and instance.pk:
        units |= set(Cooperation.objects.filter(appeal_id=instance.pk).values_list("unit_id", flat=True))
    counters.bump(counters.appeal_tokens(unit_ids=units, user_ids=users))
    _remember(sender, instance)


def _related_changed(sender, instance, **kwargs):
    if sender._meta.label not in RELATED_LABELS:
        return
    units = {getattr(instance, "unit_id", None)}
    appeal_id = getattr(instance, "appeal_id", None)
    if appeal_id:
        from .models import Appeal

        row = (
            Appeal.objects.filter(pk=appeal_id)
            .values("lead_unit_id", "received_unit_id", "received_by_id", "handler_id")
            .first()
        )
        if row:
            units |= {row["lead_unit_id"], row["received_unit_id"]}
            counters.bump(
                counters.appeal_tokens(unit_ids=units, user_ids=[row["received_by_id"], row["handler_id"]])
            )
            return
    counters.bump(counters.appeal_tokens(unit_ids=units, user_ids=()))


def install() -> None:
    from .models import Appeal

    post_init.connect(_remember, sender=Appeal, dispatch_uid="appeals.counters.remember")
    post_save.connect(_appeal_changed, sender=Appeal, dispatch_uid="appeals.counters.saved")
    post_delete.connect(_appeal_changed, sender=Appeal, dispatch_uid="appeals.counters.deleted")
    post_save.connect(_related_changed, dispatch_uid="appeals.counters.related_saved")
    post_delete.connect(_related_changed, dispatch_uid="appeals.counters.related_deleted")
