"""Reads of the enterprise portal, scoped by the user (never only in a template)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhitong.appeals.choices import Status, WithdrawalCheck
from zhitong.appeals.models import Appeal
from zhitong.appeals.selectors import appeals_visible
from zhitong.organizations.capabilities import is_hub

from .choices import AccessStatus
from .machine import is_principal_of
from .models import ContactAccess

NO_ROWS = Q(pk__in=[])


def access_of(user) -> ContactAccess | None:
    """The user's own access row (its status), if it signed up on the portal."""
    if not getattr(user, "is_authenticated", False):
        return None
    return ContactAccess.objects.select_related("enterprise").filter(user_id=user.pk).first()


def accesses_for_user(user) -> QuerySet[ContactAccess]:
    """The contacts' access rows `user` may see: the hub every one, an enterprise's approved
    principal its own enterprise's, nobody else any."""
    qs = ContactAccess.objects.select_related("user", "enterprise", "decided_by")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.filter(NO_ROWS)
    if is_hub(user):
        return qs
    if user.enterprise_id and is_principal_of(user, user.enterprise_id):
        return qs.filter(enterprise_id=user.enterprise_id)
    return qs.filter(NO_ROWS)


def enterprise_contacts(user) -> dict:
    """The principal's page: pending contacts first, then the others of the enterprise."""
    rows = list(accesses_for_user(user).filter(enterprise_id=user.enterprise_id).order_by("created_at", "id"))
    return {
        "pending": [r for r in rows if r.status == AccessStatus.PENDING_PRINCIPAL],
        "others": [r for r in rows if r.status != AccessStatus.PENDING_PRINCIPAL],
    }


def hub_pending_principals(user) -> QuerySet[ContactAccess]:
    """The hub's queue: first contacts of enterprises waiting to be confirmed as principal."""
    return accesses_for_user(user).filter(status=AccessStatus.PENDING_HUB).order_by("created_at", "id")


def withdrawals_awaiting_callback(user) -> QuerySet[Appeal]:
    """The hub's call-back list (撤单质检): withdrawn appeals not yet called back, oldest
    withdrawal first. The hub's own scope (appeals_visible); others get nothing."""
    if not is_hub(user):
        return Appeal.objects.none()
    return (
        appeals_visible(user)
        .filter(status=Status.WITHDRAWN, withdrawal_check=WithdrawalCheck.PENDING)
        .select_related("enterprise", "lead_unit")
        .order_by("withdrawn_at", "id")
    )
