import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect

from . import context


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
    """Signs a user out after ZHITONG_IDLE_TIMEOUT_MINUTES without a request."""

    SESSION_KEY = "zt_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(self.SESSION_KEY)
            limit = settings.ZHITONG_IDLE_TIMEOUT_MINUTES * 60
            if last is not None and now - int(last) > limit:
                logout(request)
                from django.contrib import messages

                response = redirect(f"{settings.LOGIN_URL and '/accounts/login/'}?next={request.path}&idle=1")
                messages.info(request, "您已超过30分钟未操作，请重新登录。")
                return response
            request.session[self.SESSION_KEY] = now
        return self.get_response(request)
