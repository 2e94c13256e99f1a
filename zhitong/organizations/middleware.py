from django.conf import settings
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode

from . import sessions


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
