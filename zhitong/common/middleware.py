import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from zhitong.core import context


class RequestContextMiddleware:
    """Publishes the actor and client address for services (audit) during a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        token = context.set_current(
            context.RequestInfo(
                client_addr=context.client_addr_from_meta(request.META),
                user_id=user.pk if user is not None and user.is_authenticated else None,
                via="web",
            )
        )
        try:
            return self.get_response(request)
        finally:
            context.reset(token)


class IdleTimeoutMiddleware:
    """Signs a user out after ZHITONG_IDLE_TIMEOUT_MINUTES without a request, and sends
    them to the sign-in page with `idle=1` (the page then says why).

    The page warns before it happens (static/zhitong/site.js, issue 9): it asks the session
    probe (portal.views.session_status, under SESSION_PATH) how long is left, and "继续工作"
    posts to the keep-alive next to it. The probe must not count as activity: a page left
    open would otherwise keep itself signed in for ever by asking. Under SESSION_PATH a
    signed-out or timed-out request is answered with JSON 401, not sent to the sign-in page."""

    SESSION_KEY = "zt_last_seen"
    SIGNED_IN_KEY = "zt_signed_in_at"  # organizations.sessions.SIGNED_IN_KEY
    # Writing the time into the session on every request would save the session row on
    # every request; a minute's resolution is plenty for a 30-minute rule.
    RESOLUTION_SECONDS = 60
    SESSION_PATH = "session_status"  # URL name; the keep-alive lies under its path

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def limit_seconds(cls) -> int:
        return int(settings.ZHITONG_IDLE_TIMEOUT_MINUTES * 60)

    @classmethod
    def touch(cls, request) -> None:
        """Start the idle clock again now (a request, or "继续工作" on the warning)."""
        request.session[cls.SESSION_KEY] = int(time.time())

    @classmethod
    def remaining_seconds(cls, request) -> int:
        """Seconds until the next request signs the user out (0: the next one does)."""
        last = request.session.get(cls.SESSION_KEY)
        if last is None:
            return cls.limit_seconds()
        return max(0, int(last) + cls.limit_seconds() - int(time.time()))

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            probe_path = self._probe_path()
            now = int(time.time())
            last = request.session.get(self.SESSION_KEY)
            # The absolute limit (GB/T 22239-2019 8.1.4.1 b): from the sign-in time the session
            # was stamped with (organizations/sessions.py), not the cookie's sliding age.
            signed_in = request.session.get(self.SIGNED_IN_KEY)
            if signed_in is None:
                request.session[self.SIGNED_IN_KEY] = now  # a session from before the stamp
            elif now - int(signed_in) > settings.ZHITONG_SESSION_ABSOLUTE_SECONDS:
                return self._expire(
                    request,
                    user,
                    idle_seconds=now - int(last or signed_in),
                    json=request.path_info.startswith(probe_path),
                    absolute=True,
                )
            if last is not None and now - int(last) > self.limit_seconds():
                return self._expire(
                    request, user, idle_seconds=now - int(last), json=request.path_info.startswith(probe_path)
                )
            # The probe only asks; it is no sign of a person at the page.
            probing = request.path_info == probe_path
            if not probing and (last is None or now - int(last) >= self.RESOLUTION_SECONDS):
                request.session[self.SESSION_KEY] = now
        response = self.get_response(request)
        # Just signed in by this request (the login view): start the clock now, not at
        # the next request, which may itself come after the limit.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            if self.SESSION_KEY not in request.session:
                request.session[self.SESSION_KEY] = int(time.time())
        return response

    def _probe_path(self) -> str:
        try:
            return reverse(self.SESSION_PATH)
        except NoReverseMatch:  # a URLconf without the session endpoints (a test's own)
            return "//"  # matches no request's path

    def _expire(self, request, user, *, idle_seconds: int, json: bool = False, absolute: bool = False):
        from zhitong.audit.services import audit_record

        with transaction.atomic():
            audit_record(
                action="auth.session_expired" if absolute else "auth.idle_logout",
                obj=user,
                actor=user,
                after={"hours": settings.ZHITONG_SESSION_ABSOLUTE_SECONDS // 3600}
                if absolute
                else {"idle_minutes": idle_seconds // 60},
            )
        logout(request)
        if json:
            return signed_out_json(idle=not absolute, expired=absolute)
        # LOGIN_URL is a URL name ("login"); resolve_url also accepts a path.
        # Only a GET can be replayed after signing in again. A timed-out form post returns
        # to the page the form was on (its Referer, on this site only): the page restores
        # what was typed from the browser's draft (site.js), and nothing is re-submitted.
        back = request.get_full_path() if request.method == "GET" else _same_site_referer(request)
        query = {"next": back} if back else {}
        flag = {"expired": 1} if absolute else {"idle": 1}
        url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({**query, **flag})}"
        if request.headers.get("HX-Request"):
            # An htmx request would swap the sign-in page into a fragment; make it a full navigation.
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)


def signed_out_json(*, idle: bool = False, expired: bool = False) -> JsonResponse:
    """The session endpoints' answer to a request that is not (or no longer) signed in."""
    body = {"signed_in": False, "idle": idle} | ({"expired": True} if expired else {})
    return JsonResponse(body, status=401, headers={"Cache-Control": "no-store"})


def _same_site_referer(request) -> str:
    """The path and query of the page a POST came from, if it is a page of this site."""
    referer = request.headers.get("Referer", "")
    if not referer or len(referer) > 2000:
        return ""
    parts = urlsplit(referer)
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    if not parts.path.startswith("/") or parts.path.startswith(resolve_url(settings.LOGIN_URL)):
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")
