"""N+1 guard (STYLE.md): every role's home page costs the same number of queries in a
quiet city as in a busy one. The city and its appeals come from the coordination tests'
fixtures (real services: intake, escalation, batch review, meetings, events)."""

from datetime import date

import pytest

from zhitong.coordination import services
from zhitong.coordination.choices import EventKind
from zhitong.coordination.tests import conftest as coordination_fixtures
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The coordination tests' city and scene, with their clock and calendar fixtures.
at = coordination_fixtures.at
city = coordination_fixtures.city
scene = coordination_fixtures.scene
_frozen_start = coordination_fixtures._frozen_start
_media = coordination_fixtures._media
_fresh_calendar_cache = coordination_fixtures._fresh_calendar_cache


def _busy(city, scene, n, *, month):
    """n appeals escalated in `month` and reported to the leader; a meeting on them with
    tasks; an event collecting them."""
    appeals = [scene.appeal(project=city.project, title=f"首页诉求{month}-{i}") for i in range(n)]
    requests = [scene.escalate(a, when=at(2025, month, 3, 9, i)) for i, a in enumerate(appeals)]
    first = date(2025, month, 1)
    services.batch_start_review(actor=city.hub, month=first, now=at(2025, month, 11))
    for req in requests:
        services.escalation_accept(actor=city.hub, request_id=req.pk, now=at(2025, month, 11))
    services.batch_submit(actor=city.hub, month=first, now=at(2025, month, 11))
    meeting = services.meeting_create(
        actor=city.hub, title=f"{month}月协调会", convener=city.leader, held_at=at(2025, month, 12, 8)
    )
    items = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, escalation_ids=[r.pk for r in requests]
    )
    for item in items:
        services.meeting_record_opinion(
            actor=city.hub,
            item_id=item.pk,
            opinion="限期办理",
            unit_ids=[city.units.gxj.pk],
            due_workdays=5,
            now=at(2025, month, 12, 10),
        )
    for i in range(n):
        services.event_create(
            actor=city.hub_gxj,
            title=f"面对面活动{month}-{i}",
            kind=EventKind.QUARTERLY,
            scheduled_at=at(2025, 12, 13, 15),
            chair=city.mayor,
            deputy=city.leader,
        )
    # Fresh appeals, not escalated, in every state a home page counts.
    for i in range(n):
        scene.appeal(title=f"新诉求{month}-{i}")


def test_every_home_page_costs_the_same_in_a_quiet_or_a_busy_city(city, scene, client, count_queries):
    people = {
        "hub": city.hub,
        "office hub": city.hub_gxj,
        "clerk": city.clerk,
        "handler": city.handler,
        "unit head": city.head,
        "leader": city.leader,
        "supervisor": city.supervisor,
        "enterprise": city.enterprise_user,
        "overseer": UserFactory(role=Role.OVERSEER, unit=city.units.root),
        "admin": UserFactory(role=Role.ADMIN, unit=city.units.root),
    }

    def counts():
        out = {}
        for name, user in people.items():
            client.force_login(user)
            out[name] = count_queries(client, "/")
        return out

    _busy(city, scene, 2, month=9)
    small = counts()
    _busy(city, scene, 10, month=10)
    large = counts()
    assert small == large
