from django.db.models import Q
from django.utils import timezone
from ninja.security import HttpBearer

from zhitong.core import context
from zhitong.core.errors import Forbidden, ServiceError
from zhitong.organizations.capabilities import SECURITY_ROLES
from zhitong.organizations.signin_throttle import SignInThrottle

from . import ratelimit
from .models import ApiToken
from .scopes import required_scope

# last_used_at is written at most this often per token: a busy client costs no write per request.
LAST_USE_RESOLUTION_SECONDS = 60


class TooManyFailures(ServiceError):
    """Too many bad tokens from one address (HTTP 429)."""

    status = 429
    code = "throttled"


class InsufficientScope(ServiceError):
    """A valid token without the scope the operation needs (HTTP 403)."""

    status = 403
    code = "insufficient_scope"

    def __init__(self, scope: str):
        super().__init__(f"该令牌没有执行此操作所需的权限范围 {scope}，请联系系统管理员调整令牌的权限范围")
        self.scope = scope


def find_token(raw: str, *, now=None) -> ApiToken | None:
    """The usable token whose secret is `raw`: not revoked, not expired, its owner active.
    One indexed lookup. The hash is unique: no ORDER BY for `.first()` to compile (~15% of
    the lookup's CPU, issue 14)."""
    if not raw:
        return None
    now = now or timezone.now()
    found = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(token_hash=ApiToken.hash(raw), revoked_at__isnull=True, user__is_active=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))[:1]
    )
    return next(iter(found), None)


def admit(request, tok: ApiToken, scope: str, *, now=None) -> None:
    """Let `tok` act for this request if it holds `scope` and is within its rate limit
    (else InsufficientScope, 403, or ratelimit.RateLimited, 429); record its last use (at
    most once a minute) and make its owner the request's user and the audit log's actor."""
    if tok.user.role in SECURITY_ROLES:
        # 三员分立: the security and audit administrators do not work through the API.
        raise Forbidden("安全管理员和安全审计员的账号不能使用接口令牌")
    if not tok.has_scope(scope):
        raise InsufficientScope(scope)
    ratelimit.check(tok)
    now = now or timezone.now()
    if tok.last_used_at is None or (now - tok.last_used_at).total_seconds() > LAST_USE_RESOLUTION_SECONDS:
        ApiToken.objects.filter(pk=tok.pk).update(last_used_at=now)
    request.user = tok.user
    request.api_token = tok
    # The audit log reads the actor and address from the request context.
    context.set_current(
        context.RequestInfo(
            client_addr=context.client_addr_from_meta(request.META), user_id=tok.user_id, via="api"
        )
    )


def count_failure(request) -> None:
    """One failed authentication from the request's address (the sign-in throttle's
    per-address limit); TooManyFailures (429) once the address is refused."""
    throttle = SignInThrottle(context.client_addr_from_meta(request.META), kind="token")
    refusal = throttle.refusal()
    if refusal is not None:
        raise TooManyFailures(f"认证失败次数过多，请{refusal.minutes}分钟后再试。")
    throttle.failed()


class TokenAuth(HttpBearer):
    """Bearer tokens (models.ApiToken), with the sign-in throttle's per-address limit
    (organizations/signin_throttle.py) on failures: an address that sends too many bad or
    missing tokens gets 429 instead of 401 until its window ends. A good token is always
    accepted, whatever its address did before: an anonymous flood from a shared address (a
    government network's NAT) must not lock out the 12345 hotline's integration or slow
    intake (issue 8). Checking the token first costs one indexed lookup per request.

    A revoked or expired token is no token (401). A good token must hold the operation's
    scope (scopes.py: 403 `insufficient_scope`) and stay within its rate limit
    (ratelimit.py: 429 `rate_limited` with Retry-After)."""

    def __call__(self, request):
        user = super().__call__(request)
        if user is None:
            # No token, a malformed header or an unknown/revoked/expired token: one failure.
            count_failure(request)
        return user

    def authenticate(self, request, token):
        tok = find_token(token)
        if tok is None:
            return None
        admit(request, tok, required_scope(request.method, request.path_info))
        return tok.user
