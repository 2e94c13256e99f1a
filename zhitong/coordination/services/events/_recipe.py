"""What the event services share: the kernel's recipe for a move of the event, and the
addresses and people its notifications go to."""

from __future__ import annotations

from datetime import datetime

from zhitong.organizations.choices import Role
from zhitong.organizations.models import User

from ...machines.events import EVENT


def moving(
    move: str, *, event_id: int, actor, version=None, expected_version=None, now: datetime | None = None
):
    """`EVENT.moving` for the services, which take the expected version as `version` (their
    public keyword) or `expected_version` (the dispatcher's)."""
    return EVENT.moving(
        pk=event_id,
        move=move,
        actor=actor,
        expected_version=expected_version if expected_version is not None else version,
        now=now,
    )


def event_url(event) -> str:
    return f"/coordination/events/{event.pk}/"


def office_hubs(event):
    """The office's coordinators (a queryset, evaluated when the notification is sent)."""
    return User.objects.filter(unit__path__startswith=event.office_unit.path, role=Role.HUB, is_active=True)
