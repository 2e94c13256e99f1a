from django.utils import timezone
from ninja.security import HttpBearer

from zhitong.core import context
from zhitong.core.errors import ServiceError
from zhitong.organizations.signin_throttle import SignInThrottle

from .models import ApiToken


class TooManyFailures(ServiceError):
    """Too many bad tokens from one address (HTTP 429)."""

    status = 429
    code = "throttled"


class TokenAuth(HttpBearer):
    """Bearer tokens, behind the sign-in throttle's per-address limit
    (organizations/signin_throttle.py): an address that sends too many bad tokens is refused
    with 429 from the cache, without a query, until its window ends."""

    def __call__(self, request):
        addr = context.client_addr_from_meta(request.META)
        refusal = SignInThrottle(addr, kind="token").refusal()
        if refusal is not None:
            raise TooManyFailures(f"认证失败次数过多，请{refusal.minutes}分钟后再试。")
        user = super().__call__(request)
        if user is None:
            # No token, a malformed header or an unknown/revoked token: one failure.
            SignInThrottle(addr, kind="token").failed()
        return user

    def authenticate(self, request, token):
        tok = (
            ApiToken.objects.select_related("user", "user__unit")
            .filter(token_hash=ApiToken.hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if tok is None:
            return None
        now = timezone.now()
        if tok.last_used_at is None or (now - tok.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=tok.pk).update(last_used_at=now)
        request.user = tok.user
        # The audit log reads the actor and address from the request context.
        context.set_current(
            context.RequestInfo(
                client_addr=context.client_addr_from_meta(request.META), user_id=tok.user_id, via="api"
            )
        )
        return tok.user
