"""Month close: sealed, refused twice, deterministic; late changes land in the next month;
warnings over consecutive closed months (seeds/004)."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from zhitong.assessment import scorecards, services
from zhitong.assessment.choices import MonthStatus
from zhitong.assessment.models import AssessmentMonth
from zhitong.audit.services import audit_verify
from zhitong.coordination.models import CoordinationFact
from zhitong.core.errors import ConflictError
from zhitong.notifications.models import Notification
from zhitong.outbox.services import outbox_deliver

from .conftest import at
from .month_by_hand import SEP, make_september

OCT = date(2025, 10, 1)


def _glq(card, c):
    return next(r for r in card["groups"]["counties"]["rows"] if r["unit_id"] == c.units.glq.pk)


def test_closing_freezes_the_scorecard_and_seals_its_digest_into_the_audit_chain(build):
    make_september(build)
    m = services.month_close_by_label(actor=build.c.hub, month=SEP)
    assert m.status == MonthStatus.CLOSED and m.closed_by == build.c.hub
    assert m.digest == services.digest_of(m.snapshot)
    assert services.month_verify(m)
    assert audit_verify().ok
    assert m.snapshot == scorecards.build_month(month=SEP, parts=True)  # nothing changed since


def test_closing_again_is_refused_and_the_snapshot_stays_bit_identical(build):
    make_september(build)
    m = services.month_close_by_label(actor=build.c.hub, month=SEP)
    before = services.canonical(m.snapshot)
    with pytest.raises(ConflictError):
        services.month_close_by_label(actor=build.c.hub, month=SEP)
    m.refresh_from_db()
    assert services.canonical(m.snapshot) == before


def test_building_the_same_month_twice_gives_the_same_bytes(build):
    make_september(build)
    one = services.canonical(scorecards.build_month(month=SEP, parts=True))
    assert one == services.canonical(scorecards.build_month(month=SEP, parts=True))


def test_a_month_not_yet_over_cannot_be_closed(build):
    with pytest.raises(ConflictError):
        services.month_close_by_label(actor=build.c.hub, month=OCT)


def test_only_the_hub_closes_a_month(build):
    from zhitong.core.errors import Forbidden

    for who in (build.c.handler, build.c.head, build.c.outsider, build.c.supervisor, build.c.leader):
        with pytest.raises(Forbidden):
            services.month_close_by_label(actor=who, month=SEP)
    assert not AssessmentMonth.objects.filter(status=MonthStatus.CLOSED).exists()


def test_changes_after_the_close_land_in_the_next_month_as_adjustments(build):
    objs = make_september(build)
    c = build.c
    services.month_close_by_label(actor=c.hub, month=SEP)
    frozen = _glq(AssessmentMonth.objects.get(month=SEP).snapshot, c)
    # After the close: the hub certifies the fourth meeting late, and A1's exemption is approved.
    CoordinationFact.objects.filter(pk=objs["f4"].pk).update(certified_at=at(2025, 10, 2))
    build.exempt(objs["a1"])
    # September stays as published.
    assert _glq(scorecards.read_month(SEP), c) == frozen
    october = _glq(scorecards.build_month(month=OCT), c)
    adj = {a["key"]: a for a in october["adjustments"]}
    assert [e["id"] for e in adj["coordinated"]["added"]] == [objs["f4"].pk]
    assert adj["coordinated"]["removed"] == [] and adj["coordinated"]["month"] == "2025-09"
    assert [e["id"] for e in adj["resolved"]["removed"]] == [objs["a1"].pk]
    # October's own counts are empty; its values are the net adjustments.
    assert october["counts"]["coordinated"] == 0 and october["values"]["coordinated"] == "1"
    assert october["values"]["resolved"] == "-1"
    # Once October is closed with them, November carries nothing more.
    with time_machine.travel(at(2025, 11, 3), tick=False):
        services.month_close_by_label(actor=c.hub, month=OCT)
        november = _glq(scorecards.build_month(month=date(2025, 11, 1)), c)
    assert november["adjustments"] == []


def test_last_and_below_target_in_consecutive_months_raises_yellow_red_and_organisational(build):
    c = build.c
    # Only the counties matter here; 仓山区 beats 鼓楼区 each month with one resolved appeal,
    # and a target of 100 leaves 鼓楼区 below it.
    from zhitong.assessment.models import Scheme

    Scheme.objects.filter(audience="counties").update(target_score="100")
    seen = []
    for month, close_day in (
        (date(2025, 6, 1), at(2025, 7, 2)),
        (date(2025, 7, 1), at(2025, 8, 2)),
        (date(2025, 8, 1), at(2025, 9, 2)),
        (SEP, at(2025, 10, 2)),
    ):
        build.concluded(c.units.csq, verified=at(month.year, month.month, 10), on_time=True)
        with time_machine.travel(close_day, tick=False):
            m = services.month_close_by_label(actor=c.hub, month=month)
        row = _glq(m.snapshot, c)
        seen.append((row["streak"], row["warning"]))
    assert seen == [(1, ""), (2, "yellow"), (3, "red"), (4, "organisational")]
    outbox_deliver()
    titles = list(
        Notification.objects.filter(kind="assessment.warning", recipient=c.glq_head)
        .order_by("id")
        .values_list("title", flat=True)
    )
    assert len(titles) == 3 and "黄色预警" in titles[0] and "红色预警" in titles[1]
    # Every close is announced to the readers of the scorecards (and the unit heads).
    assert Notification.objects.filter(kind="assessment.month_closed", recipient=c.overseer).count() == 4


def test_the_command_closes_a_month_and_refuses_it_twice(build):
    make_september(build)
    out = StringIO()
    call_command("month", "close", "2025-09", stdout=out)
    assert "已结账" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("month", "close", "2025-09", stdout=StringIO())
    call_command("month", "verify", "2025-09", stdout=out)
    assert "快照完好" in out.getvalue()


def test_every_registered_close_part_is_frozen_into_the_snapshot(build):
    from zhitong.assessment import close

    calls = []

    def ledger(*, month_start, month_end):
        calls.append((month_start, month_end))
        return [{"unit": "鼓楼区", "rows": 2}]

    close.register_close_part("test_ledger", label="测试台账", func=ledger)
    try:
        m = services.month_close_by_label(actor=build.c.hub, month=SEP)
    finally:
        close.CLOSE_PARTS.pop("test_ledger", None)
    assert calls == [(SEP, date(2025, 9, 30))]
    assert m.snapshot["parts"]["test_ledger"] == {
        "label": "测试台账",
        "rows": [{"unit": "鼓楼区", "rows": 2}],
    }
    assert services.month_verify(m)


def test_a_snapshot_changed_in_the_database_no_longer_verifies(build):
    make_september(build)
    m = services.month_close_by_label(actor=build.c.hub, month=SEP)
    m.snapshot["groups"]["counties"]["rows"][0]["score"] = "100.00"
    AssessmentMonth.objects.filter(pk=m.pk).update(snapshot=m.snapshot)
    m.refresh_from_db()
    assert not services.month_verify(m)
