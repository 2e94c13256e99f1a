"""What the event services share: the kernel's recipe for a move of the event, and the
addresses and people its notifications go to."""

from __future__ import annotations

import functools
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


def performs(move: str):
    """Make `body(step, **fields)` the service of `move`: the returned function takes
    actor, event_id, version (or the dispatcher's expected_version), now and the move's
    fields, opens the kernel's recipe (`EVENT.moving`) and runs the body inside it; it
    returns the event. The body sets fields and calls `step.commit(...)`/`step.tell(...)`."""

    def wrap(body):
        @functools.wraps(body)
        def service(*, actor, event_id: int, version=None, expected_version=None, now=None, **fields):
            with moving(
                move,
                event_id=event_id,
                actor=actor,
                version=version,
                expected_version=expected_version,
                now=now,
            ) as step:
                body(step, **fields)
            return step.obj

        return EVENT.service(move)(service)

    return wrap


def tell(step, recipients, kind: str, title: str, *, key: str | None = None, body: str = "") -> None:
    """A notification about the event of `step`, linking to its page, sent after the commit."""
    step.tell(recipients, kind=kind, title=title, body=body, url=event_url(step.obj), dedupe_key=key)
