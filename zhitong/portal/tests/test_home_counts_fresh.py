"""The cached home figures (appeals/counters.py) are exact right after a move (issue 14).

Every home figure and workbench tab is cached; a move must throw away the figures it changes
at once, not when the cache's time runs out. The test warms every role's home page, moves
appeals through the services (a hub's routing, a handler's sign-for, another unit's objection
— reaching the clerk's, the hub's, the handler's and the unit head's figures), reads the home
pages again, and only then forgets every cached figure and follows each link: the list,
counted afresh, must hold exactly the number the (possibly cached) home page showed."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import caches

from zhitong.appeals import services as appeal_services
from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal

from . import test_home_counts as home

pytestmark = pytest.mark.django_db

# The home-count test's busy city and its fixtures.
_fresh_calendar_cache = home._fresh_calendar_cache
_frozen_start = home._frozen_start
_media = home._media
at = home.at
busy = home.busy
city = home.city
scene = home.scene

STAFF = {
    "clerk": lambda c: c.clerk,
    "handler": lambda c: c.handler,
    "unit head": lambda c: c.head,
    "hub": lambda c: c.hub,
    "leader": lambda c: c.leader,
    "supervisor": lambda c: c.supervisor,
}


def _figures(client, user) -> dict:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    page = home.parse(response.content.decode())
    return {c.key: (int(c.value), c.href) for c in page.counts}, page


def _service_appeal(**filters) -> Appeal:
    return Appeal.objects.exclude(code__startswith="ZT-HOME").filter(**filters).order_by("id").first()


def test_every_home_figure_is_exact_right_after_moves(client, busy, scene):
    c = busy
    people = {who: get(c) for who, get in STAFF.items()}
    before = {who: _figures(client, user)[0] for who, user in people.items()}

    submitted = _service_appeal(status=Status.SUBMITTED)
    assigned_gxj = _service_appeal(status=Status.ASSIGNED, lead_unit=c.units.gxj)
    assigned_swj = _service_appeal(status=Status.ASSIGNED, lead_unit=c.units.swj)
    assert submitted and assigned_gxj and assigned_swj
    with time_machine.travel(scene.now, tick=False):
        appeal_services.appeal_move(
            appeal_id=submitted.pk,
            move="assign",
            actor=c.hub,
            lead_unit_id=c.units.gxj.pk,
            override_reason="按职责由该单位牵头",
            now=scene.tick(),
        )
        appeal_services.appeal_move(appeal_id=assigned_gxj.pk, move="sign", actor=c.handler, now=scene.tick())
        appeal_services.appeal_move(
            appeal_id=assigned_swj.pk,
            move="object",
            actor=c.outsider,
            reason="不属本单位职责",
            now=scene.tick(),
        )

    changed = 0
    for who, user in people.items():
        shown, page = _figures(client, user)  # possibly from the cache
        changed += sum(1 for key, (value, _) in shown.items() if before[who].get(key, (value,))[0] != value)
        caches["appeal_counts"].clear()  # the truth: every list counted afresh
        client.force_login(user)
        wrong = []
        for key, (value, href) in shown.items():
            total = home.list_total(client, href, page)
            if total != value:
                wrong.append((key, value, total, href))
        assert not wrong, f"{who}: stale figure after a move (key, shown, list length, link): {wrong}"
    # The moves did change figures (else the test proves nothing about invalidation).
    assert changed >= 4
