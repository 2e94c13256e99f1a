from django.utils import timezone
from ninja.security import HttpBearer

from zhitong.core import context

from .models import ApiToken


class TokenAuth(HttpBearer):
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
