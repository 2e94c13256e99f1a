"""The soak harness, briefly (docs/reliability.md): the generated city, a few virtual users
against a live server for a few seconds, and the counts in the database. The 10-minute
soak against gunicorn is `zhitong soak`; this checks its parts and that the counts see what
they must."""

import pytest
from django.db import connection

from zhitong.appeals.models import Appeal
from zhitong.demo import soak
from zhitong.organizations.models import User

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the soak runs against PostgreSQL (threads writing at once)")


def test_a_short_soak_registers_moves_and_reads_with_no_5xx_and_no_lost_or_double_appeal(live_server):
    world = soak.soak_setup(run="abc123")
    tally = soak.drive(live_server.url, world, seconds=6, users=3)
    counts = soak.soak_count(tally.to_json())
    rows = dict(soak.report_rows(tally, counts))
    assert tally.server_errors == 0, tally.errors
    assert counts["created_201"] > 0 and counts["stored"] == len(tally.keys)
    assert not counts["lost"] and counts["duplicate_keys"] == 0 and not counts["half_written"]
    assert counts["audit_ok"], counts["audit"]
    assert soak.passed(tally, counts)
    assert not [(k, s) for (k, s) in tally.statuses if s >= 400 and k != "replay"], tally.errors
    kinds = {kind for kind, _ in tally.statuses}
    assert {"intake", "move:assign", "move:sign", "home", "api:list"} <= kinds, kinds
    assert rows["lost appeals (201, not stored)"] == "0"

    # The counts can fail: an appeal answered 201 but missing is counted lost, and a key
    # stored twice is counted as a duplicate.
    code = next(iter(tally.created.values()))
    forged = tally.to_json() | {"created": {**tally.created, "soak-missing": "ZT-1999-000001"}}
    forged["keys"] = [*tally.keys, "soak-missing"]
    assert soak.soak_count(forged)["lost"] == ["ZT-1999-000001"]
    # (The database refuses one key twice for one client: the twin is another client's.)
    twin = Appeal.objects.exclude(code=code).filter(idempotency_key__in=tally.keys).first()
    hub = User.objects.get(username="soak-hub-abc123")
    Appeal.objects.filter(code=code).update(idempotency_key=twin.idempotency_key, received_by=hub)
    assert soak.soak_count(tally.to_json())["duplicate_keys"] == 1
