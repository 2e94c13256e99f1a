from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.utils import timezone


class LockoutModelBackend(ModelBackend):
    """ModelBackend with a lockout: ZHITONG_LOCKOUT_FAILURES wrong passwords lock the
    account for ZHITONG_LOCKOUT_MINUTES (also against the right password meanwhile)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from zhitong.audit.services import audit_record

        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        now = timezone.now()
        with transaction.atomic():
            user = User.objects.select_for_update().filter(username=username).first()
            if user is None:
                User().set_password(password)  # same cost as a real check
                return None
            if user.locked_until and user.locked_until > now:
                if request is not None:
                    request.zt_locked_until = user.locked_until
                audit_record(action="auth.login_refused_locked", obj=user, actor=user, outcome="denied")
                return None
            password_ok = user.check_password(password)
            if password_ok and not self.user_can_authenticate(user):
                # A deactivated account: refused, but not a guessing attempt to count.
                audit_record(action="auth.login_refused_inactive", obj=user, actor=user, outcome="denied")
                return None
            if password_ok:
                if user.failed_logins or user.locked_until:
                    user.failed_logins = 0
                    user.locked_until = None
                    user.save(update_fields=["failed_logins", "locked_until"])
                audit_record(action="auth.login", obj=user, actor=user)
                return user
            user.failed_logins += 1
            fields = ["failed_logins"]
            if user.failed_logins >= settings.ZHITONG_LOCKOUT_FAILURES:
                user.locked_until = now + timedelta(minutes=settings.ZHITONG_LOCKOUT_MINUTES)
                user.failed_logins = 0
                fields.append("locked_until")
                if request is not None:
                    request.zt_locked_until = user.locked_until
            user.save(update_fields=fields)
            audit_record(
                action="auth.login_failed",
                obj=user,
                actor=user,
                outcome="denied",
                after={"failed_logins": user.failed_logins, "locked": "locked_until" in fields},
            )
        return None
