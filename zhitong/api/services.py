"""Writes on API clients' tokens: create (the secret is returned once and never stored) and
revoke. Both audited; the page (views.py) and `zhitong token` (management command) call
these."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.core.errors import AccessDenied, Forbidden, ServiceError
from zhitong.organizations import capabilities

from .models import ApiToken
from .scopes import ALL_SCOPES

NAME_MAX = 100
RATE_LIMIT_MAX = 100_000


def _check_actor(actor) -> None:
    # The command runs as no one (actor None): whoever may run it administers the server.
    if actor is not None and not capabilities.can_manage_api_tokens(actor):
        raise Forbidden("只有系统管理员可以管理接口令牌")


def token_create(
    *,
    actor,
    owner_id: int,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
    rate_limit: int | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for the account `owner_id`: (token, secret). The secret is shown once."""
    _check_actor(actor)
    now = now or timezone.now()
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写令牌用途", field="name")
    if len(name) > NAME_MAX:
        raise ServiceError(f"令牌用途不能超过{NAME_MAX}个字符", field="name")
    unknown = [s for s in scopes or [] if s not in ALL_SCOPES]
    if unknown:
        raise ServiceError("未知的权限范围：" + "、".join(unknown), field="scopes")
    if not scopes:
        raise ServiceError("请至少选择一项权限范围", field="scopes")
    if expires_at is not None and expires_at <= now:
        raise ServiceError("有效期须晚于当前时间", field="expires_at")
    if rate_limit is not None and not (1 <= rate_limit <= RATE_LIMIT_MAX):
        raise ServiceError(f"每分钟请求上限须在1到{RATE_LIMIT_MAX}之间", field="rate_limit")
    owner = get_user_model().objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise ServiceError("所属账号不存在或已停用", field="owner")
    ordered = [s for s in ALL_SCOPES if s in set(scopes)]
    with transaction.atomic():
        tok, raw = ApiToken.issue(
            user=owner,
            name=name,
            scopes=ordered,
            expires_at=expires_at,
            rate_limit=rate_limit,
            created_by=actor,
        )
        audit_record(
            action="api_token.create",
            obj=tok,
            actor=actor,
            after={
                "name": name,
                "user_id": owner.pk,
                "prefix": tok.prefix,
                "scopes": ordered,
                "expires_at": expires_at.isoformat() if expires_at else None,
                "rate_limit": rate_limit,
            },
            now=now,
        )
    return tok, raw


def token_revoke(*, actor, token_id: int, now: datetime | None = None) -> ApiToken:
    """Revoke a token at once (its next request is refused). Revoking twice changes nothing."""
    _check_actor(actor)
    now = now or timezone.now()
    with transaction.atomic():
        tok = ApiToken.objects.select_for_update().filter(pk=token_id).first()
        if tok is None:
            raise AccessDenied()
        if tok.revoked_at is None:
            tok.revoked_at = now
            tok.save(update_fields=["revoked_at"])
            audit_record(
                action="api_token.revoke",
                obj=tok,
                actor=actor,
                before={"revoked_at": None},
                after={"revoked_at": now.isoformat(), "prefix": tok.prefix},
                now=now,
            )
    return tok
