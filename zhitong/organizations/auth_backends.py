from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from zhitong.core import context

from .signin_throttle import SignInThrottle


class LockoutModelBackend(ModelBackend):
    """ModelBackend behind the sign-in throttle (signin_throttle.py: per account and address,
    per address, and a soft per-account limit that locks nobody out).

    A refused attempt is answered from the cache before any query or password hash; the
    reason is left on the request (`zt_signin_refusal`) for the form's message. Used by the
    sign-in page and the Django admin's sign-in alike. Without a request (a shell's
    authenticate() call) there is no client address and no throttle."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        throttle = (
            SignInThrottle(context.client_addr_from_meta(request.META), username)
            if request is not None
            else None
        )
        refusal = throttle.refusal() if throttle else None
        if refusal is not None:
            request.zt_signin_refusal = refusal
            return None

        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            User().set_password(password)  # the same cost as a real check
            refusal = throttle.failed(None) if throttle else None
        elif not user.check_password(password):
            refusal = throttle.failed(user) if throttle else None
        elif not self.user_can_authenticate(user):
            # A deactivated account with the right password: refused with the ordinary
            # message, audited, but not a guessing attempt to count.
            self._audit("auth.login_refused_inactive", user, outcome="denied")
            return None
        else:
            failures = throttle.succeeded(user) if throttle else 0
            self._audit("auth.login", user, after={"failures_before": failures} if failures else None)
            return user
        if refusal is not None:
            request.zt_signin_refusal = refusal
        return None

    @staticmethod
    def _audit(action, user, *, outcome="ok", after=None):
        from zhitong.audit.services import audit_record

        audit_record(action=action, obj=user, actor=user, outcome=outcome, after=after)
