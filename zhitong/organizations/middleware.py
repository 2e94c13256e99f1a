from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode

from . import sessions
from .choices import Role


class EndedSessionMiddleware:
    """A browser whose session was ended by a newer sign-in of the same account (the limit of
    concurrent sessions, organizations/sessions.py) is sent to the sign-in page with the
    reason (`ended=concurrent`), not silently as if it had never signed in. Costs one indexed
    query, only for an anonymous request that still carries a session cookie with no session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if (
            key
            and user is not None
            and not user.is_authenticated
            and hasattr(request, "session")
            and request.session.session_key is None
            and request.path_info != resolve_url(settings.LOGIN_URL)
            and not request.path_info.startswith(tuple(settings.ZHITONG_STATELESS_PATH_PREFIXES))
            and sessions.ended_reason_for(key)
        ):
            response = redirect(
                f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'ended': sessions.REASON_CONCURRENT})}"
            )
            response.delete_cookie(settings.SESSION_COOKIE_NAME)
            return response
        return self.get_response(request)


# 三员分立 (GB/T 22239-2019 8.1.4.2 c/d, 最小权限): the security and audit administrators
# administer the platform and do not work in it. Besides the public pages and their own
# session, messages and home, each reaches its own tools only.
CONFINED_COMMON_NAMES = frozenset(
    {
        "home",
        "login",
        "logout",
        "signin_code",
        "signin_enrol",
        "signin_password",
        "session_status",
        "session_keep_alive",
        "set_language",
        "organizations:directory",
        "projects:board",
        "public_scorecards",
        "public_scorecards_month",
    }
)
CONFINED_COMMON_NAMESPACES = frozenset({"notifications", "public"})
CONFINED_NAMESPACES = {
    Role.SECURITY_ADMIN: frozenset({"admin"}),  # accounts, roles, second factors, lockouts
    Role.AUDIT_ADMIN: frozenset({"audit"}),  # the log, its export and chain
}


def confined_may_open(role: str, url_name: str) -> bool:
    namespace = url_name.split(":", 1)[0] if ":" in url_name else ""
    return (
        url_name in CONFINED_COMMON_NAMES
        or namespace in CONFINED_COMMON_NAMESPACES
        or namespace in CONFINED_NAMESPACES.get(role, ())
    )


class AdministratorConfinementMiddleware:
    """403 for a security or audit administrator on any page outside `confined_may_open`
    (the API refuses their tokens: api.auth.admit). One rule at the door, whatever each
    page's own checks say."""

    def __init__(self, get_response):
        self.get_response = get_response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.role not in CONFINED_NAMESPACES:
            return None
        match = getattr(request, "resolver_match", None)
        name = match.view_name if match is not None else ""
        if request.path_info.startswith(tuple(settings.ZHITONG_STATELESS_PATH_PREFIXES)):
            return None  # the API answers for itself (its own error contract)
        if not confined_may_open(user.role, name or ""):
            raise PermissionDenied
        return None

    def __call__(self, request):
        return self.get_response(request)
