"""Reads of API clients' tokens: the token page's list (administrators see every token)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from zhitong.organizations import capabilities

from .models import ApiToken


def tokens_for_user(user) -> QuerySet[ApiToken]:
    """Every token, newest first, for whoever manages them; none for anyone else."""
    qs = ApiToken.objects.select_related("user", "user__unit", "created_by").order_by("-created_at", "-id")
    if not capabilities.can_manage_api_tokens(user):
        return qs.none()
    return qs


def token_owner_choices() -> list[tuple[int, str]]:
    """The active accounts a token may be issued to: (id, "username 姓名（单位）")."""
    rows = (
        get_user_model()
        .objects.filter(is_active=True)
        .select_related("unit")
        .order_by("username")
        .only("id", "username", "full_name", "unit__name")
    )
    out = []
    for u in rows:
        full = (u.full_name or "").strip()
        unit = f" · {u.unit.name}" if getattr(u, "unit", None) else ""
        out.append((u.pk, f"{u.username} {full}".strip() + unit))
    return out
