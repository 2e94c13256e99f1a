"""What the aggregates' selectors share."""

from __future__ import annotations

from zhitong.core.scope import get_in_scope


def item_get_for_user(model, *, user, item_id: int, parent: str, parent_get_for_user):
    """An item of a meeting or an event (only its pk and its parent's id are read) if `user`
    may see its parent (`parent_get_for_user`), or AccessDenied."""
    item = get_in_scope(model.objects.only("pk", f"{parent}_id"), None, item_id)
    parent_get_for_user(user=user, **{f"{parent}_id": getattr(item, f"{parent}_id")})
    return item
