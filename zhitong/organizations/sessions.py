"""Signed-in sessions per account (GB/T 22239-2019 8.1.4.1 b 登录连接超时自动退出; ASVS 3.3).

Every sign-in (`user_logged_in`) stamps the session with its sign-in time (SIGNED_IN_KEY: the
absolute 12-hour limit counts from it, common/middleware.IdleTimeoutMiddleware) and records a
SignInSession. An account holds at most ZHITONG_MAX_SESSIONS_PER_USER live sessions: the
oldest beyond the limit is ended (its session row deleted, the SignInSession marked
`concurrent`, audited), and its browser is told why on the sign-in page it lands on
(`ended_reason_for`)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.utils import timezone

from .models import SignInSession

SIGNED_IN_KEY = "zt_signed_in_at"
REASON_CONCURRENT = "concurrent"


def _key_id(session_key: str) -> str:
    # The key as the session store keeps it (django_session holds it in clear too).
    return session_key


def on_login(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is None:
        return
    session[SIGNED_IN_KEY] = int(time.time())
    if session.session_key is None:
        session.save()
    now = timezone.now()
    # The same key may sign in again (a test client's second force_login): one row per key.
    SignInSession.objects.update_or_create(
        session_key=_key_id(session.session_key),
        defaults={"user": user, "created_at": now, "ended_at": None, "ended_reason": ""},
    )
    limit = settings.ZHITONG_MAX_SESSIONS_PER_USER
    if not limit:
        return
    live = list(SignInSession.objects.filter(user=user, ended_at__isnull=True).order_by("-created_at", "-id"))
    ended = live[limit:]
    if not ended:
        return
    SignInSession.objects.filter(pk__in=[s.pk for s in ended]).update(
        ended_at=now, ended_reason=REASON_CONCURRENT
    )
    _delete_sessions(user, {s.session_key for s in ended})
    from zhitong.audit.services import audit_record

    audit_record(
        action="auth.session_ended_concurrent",
        obj=user,
        actor=user,
        after={"ended": len(ended), "limit": limit},
    )


def _delete_sessions(user, keys: set[str]) -> None:
    """End the stored sessions (any session engine)."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()


def on_logout(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is None or session.session_key is None or user is None:
        return
    SignInSession.objects.filter(session_key=_key_id(session.session_key), ended_at__isnull=True).update(
        ended_at=timezone.now(), ended_reason="logout"
    )


def ended_reason_for(session_key: str | None) -> str:
    """Why the session of this (old) cookie was ended, if it was ended by the platform."""
    if not session_key or len(session_key) > 64:
        return ""
    row = SignInSession.objects.filter(session_key=_key_id(session_key)).only("ended_reason").first()
    return row.ended_reason if row and row.ended_reason == REASON_CONCURRENT else ""


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="zhitong.organizations.sessions.login")
    user_logged_out.connect(on_logout, dispatch_uid="zhitong.organizations.sessions.logout")
