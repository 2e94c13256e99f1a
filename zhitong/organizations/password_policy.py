"""Password expiry and history (GB/T 22239-2019 8.1.4.1 身份鉴别 a: 身份鉴别信息具有复杂度要求并
定期更换). The complexity rules are the validators of settings.AUTH_PASSWORD_VALIDATORS
(passwords.py).

- **Expiry.** A password older than ZHITONG_PASSWORD_MAX_AGE_DAYS (0: never) must be changed
  at the next sign-in, before the session is signed in (signin_steps.py). Checked at the
  password step only: API tokens (api.models.ApiToken) do not expire with their owner's
  password, and a session already open lasts at most its absolute 12 hours.
- **Administrator-set passwords.** A password the system administrator sets (a new account, a
  reset in the Django admin) marks the account `must_change_password`: the user changes it at
  the first sign-in.
- **History.** None of the last ZHITONG_PASSWORD_HISTORY passwords (the current one included)
  may be chosen again; their hashes are kept in PasswordHistory, never the passwords.

Every change writes an audit event (`user.password_change`, `user.password_set_by_admin`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import PasswordHistory, User

REASON_INITIAL, REASON_EXPIRED = "initial", "expired"


def expires_at(user) -> datetime | None:
    days = settings.ZHITONG_PASSWORD_MAX_AGE_DAYS
    if not days or not user.has_usable_password():
        return None
    return (user.password_changed_at or user.date_joined) + timedelta(days=days)


def change_reason(user, *, now: datetime | None = None) -> str:
    """Why the account must change its password now ("" when it need not)."""
    if user.must_change_password:
        return REASON_INITIAL
    end = expires_at(user)
    if end is not None and (now or timezone.now()) >= end:
        return REASON_EXPIRED
    return ""


def must_change(user, *, now: datetime | None = None) -> bool:
    return bool(change_reason(user, now=now))


def check_not_reused(user, raw: str) -> None:
    """ValidationError if `raw` is the current password or one of the last ones."""
    keep = settings.ZHITONG_PASSWORD_HISTORY
    if keep <= 0:
        return
    hashes = [user.password] + list(
        PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: keep - 1]
    )
    if any(h and check_password(raw, h) for h in hashes):
        raise ValidationError(
            _("新密码不能与最近%(n)s次使用过的密码相同。") % {"n": keep}, code="password_reused"
        )


@transaction.atomic
def password_change(*, user: User, actor, raw: str, now: datetime | None = None) -> None:
    """The user's own change (the forced change at sign-in). Validates history; the caller
    has run the complexity validators."""
    check_not_reused(user, raw)
    user.set_password(raw)
    user.must_change_password = False
    user.save()  # User.save records the old hash (models.User.set_password)
    _audit("user.password_change", user, actor=actor, now=now)


@transaction.atomic
def password_set_by_admin(*, user: User, actor, raw: str, now: datetime | None = None) -> None:
    """The system administrator sets the password: the user must change it at first sign-in."""
    user.set_password(raw)
    user.must_change_password = True
    user.save()
    _audit("user.password_set_by_admin", user, actor=actor, now=now)


def _audit(action, user, *, actor, now=None) -> None:
    from zhitong.audit.services import audit_record

    # The password itself is never in the log, nor its hash.
    audit_record(action=action, obj=user, actor=actor, after={"password": "(已变更)"}, now=now)
