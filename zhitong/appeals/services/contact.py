"""The appeal's contact number in full, for those who need it; each reveal is audited
(docs/security.md "Masking and unmasking"). Everywhere else it is shown masked."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.core.errors import AccessDenied, Forbidden
from zhitong.organizations.capabilities import reveals_appeal_contact_phone

from ..models import Appeal
from ..selectors import appeals_visible


def may_reveal_contact_phone(user, appeal: Appeal) -> bool:
    in_lead_unit = bool(appeal.lead_unit_id) and appeal.lead_unit_id == getattr(user, "unit_id", None)
    return bool(appeal.contact_phone) and reveals_appeal_contact_phone(user, in_lead_unit=in_lead_unit)


@transaction.atomic
def appeal_reveal_contact_phone(*, user, appeal_id: int, now: datetime | None = None) -> str:
    """The full number. AccessDenied when the appeal is out of the user's sight (or does not
    exist); Forbidden when the user sees the appeal but not full numbers."""
    appeal = appeals_visible(user).filter(pk=appeal_id).first()
    if appeal is None:
        raise AccessDenied("诉求不存在或您无权查看")
    if not may_reveal_contact_phone(user, appeal):
        raise Forbidden("您的角色无需查看诉求联系人的完整号码")
    audit_record(
        action="appeal.contact_phone_revealed",
        obj=appeal,
        actor=user,
        after={"contact": appeal.contact_name},
        now=now or timezone.now(),
    )
    return appeal.contact_phone
