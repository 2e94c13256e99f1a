import time

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode

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
    them to the sign-in page with `idle=1` (the page then says why)."""

    SESSION_KEY = "zt_last_seen"
    # Writing the time into the session on every request would save the session row on
    # every request; a minute's resolution is plenty for a 30-minute rule.
    RESOLUTION_SECONDS = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(self.SESSION_KEY)
            limit = settings.ZHITONG_IDLE_TIMEOUT_MINUTES * 60
            if last is not None and now - int(last) > limit:
                return self._expire(request, user, idle_seconds=now - int(last))
            if last is None or now - int(last) >= self.RESOLUTION_SECONDS:
                request.session[self.SESSION_KEY] = now
        response = self.get_response(request)
        # Just signed in by this request (the login view): start the clock now, not at
        # the next request, which may itself come after the limit.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            if self.SESSION_KEY not in request.session:
                request.session[self.SESSION_KEY] = int(time.time())
        return response

    def _expire(self, request, user, *, idle_seconds: int):
        from zhitong.audit.services import audit_record

        with transaction.atomic():
            audit_record(
                action="auth.idle_logout", obj=user, actor=user, after={"idle_minutes": idle_seconds // 60}
            )
        logout(request)
        # LOGIN_URL is a URL name ("login"); resolve_url also accepts a path.
        # Only a GET can be replayed after signing in again; a timed-out form post goes home.
        query = {"next": request.get_full_path()} if request.method == "GET" else {}
        url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({**query, 'idle': 1})}"
        if request.headers.get("HX-Request"):
            # An htmx request would swap the sign-in page into a fragment; make it a full navigation.
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        return redirect(url)
