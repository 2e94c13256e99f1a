import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .scopes import ALL_SCOPES


class ApiToken(models.Model):
    """An API client's bearer token: a named credential of one owner account (a person, or
    the account of a source system such as the 12345 hotline), acting with that account's
    rights, narrowed to its scopes (scopes.py), until it expires or is revoked. Only the
    SHA-256 of the token is stored; the token itself is shown once at creation.

    Webhook subscriptions and other per-client settings refer to this model (the one
    "API client" of the system)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("所属账号"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("用途"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("令牌前缀"), max_length=8)
    scopes = models.JSONField(_("权限范围"), default=list, blank=True)
    expires_at = models.DateTimeField(_("有效期至"), null=True, blank=True)
    # Requests per minute; empty: settings.ZHITONG_API_RATE_LIMIT (ratelimit.py).
    rate_limit = models.PositiveIntegerField(_("每分钟请求上限"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Updated at most once a minute (auth.py), not on every request.
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model", "API令牌")
        verbose_name_plural = pgettext_lazy("models", "API令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(
        cls, *, user, name: str, scopes=None, expires_at=None, rate_limit=None, created_by=None
    ) -> tuple["ApiToken", str]:
        """A new token and its secret (shown once). Without `scopes`, every scope (the
        tests' and the demo's tokens); the page and the command always name them
        (services.token_create)."""
        raw = "zt_" + secrets.token_urlsafe(32)
        tok = cls.objects.create(
            user=user,
            name=name,
            token_hash=cls.hash(raw),
            prefix=raw[:8],
            scopes=list(ALL_SCOPES if scopes is None else scopes),
            expires_at=expires_at,
            rate_limit=rate_limit,
            created_by=created_by,
        )
        return tok, raw

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or ())

    def is_expired(self, now) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def state(self, now) -> str:
        if self.revoked_at:
            return "revoked"
        if self.is_expired(now):
            return "expired"
        return "active"
