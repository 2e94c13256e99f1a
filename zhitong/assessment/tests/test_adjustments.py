"""Issue 14: a closed month's adjustments come from comparing ids, and `resolved` (the large
set) is compared only when an appeal changed since the close. Each path that changes a closed
month's sets after its close goes through its real service here, with the clock moved on
between the close and the change (a change stamped in the close's own instant would pass
the `updated_at` test whether or not the path saves `updated_at`)."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhitong.appeals.choices import ExemptionStatus
from zhitong.appeals.models import Appeal, AppealEvidence, Transition
from zhitong.assessment import scorecards, services
from zhitong.coordination.models import FactCertification

from .conftest import at
from .month_by_hand import SEP, make_september

OCT = date(2025, 10, 1)
CLOSE = at(2025, 10, 2, 17)  # the rows are written at 09:00 (conftest's frozen clock)
LATER = at(2025, 10, 9, 15)  # a week after the close


@pytest.fixture
def closed(build):
    """September, closed at 17:00 on 2 October, eight hours after its rows were written."""
    objs = make_september(build)
    with time_machine.travel(CLOSE, tick=False):
        services.month_close_by_label(actor=build.c.hub, month=SEP)
    return objs


def _october(build):
    card = scorecards.build_month(month=OCT, today=date(2025, 10, 9))
    row = next(r for g in card["groups"].values() for r in g["rows"] if r["unit_id"] == build.c.units.glq.pk)
    return row, {(a["month"], a["key"]): a for a in row["adjustments"]}


def _resolved_recounted(ctx) -> bool:
    """Whether the month's concluded appeals were read again (the `resolved` ids)."""
    return any(
        '"appeals_appeal"."verified_at" >=' in q["sql"] and "COUNT(" not in q["sql"]
        for q in ctx.captured_queries
    )


def _month_read_again(ctx) -> bool:
    """Whether all of a closed month's `resolved` ids were read (not only those saved since)."""
    return any(
        '"appeals_appeal"."verified_at" >=' in q["sql"]
        and "COUNT(" not in q["sql"]
        and '"appeals_appeal"."updated_at" >=' not in q["sql"]
        for q in ctx.captured_queries
    )


def test_nothing_changed_since_the_close_recounts_no_appeal_and_adjusts_nothing(build, closed):
    with time_machine.travel(LATER, tick=False):
        with CaptureQueriesContext(connection) as ctx:
            row, adj = _october(build)
    assert adj == {} and row["values"]["resolved"] == "0"
    assert not _resolved_recounted(ctx)


def test_an_appeal_saved_just_before_the_close_still_counts_as_changed_since(build, closed):
    """A write stamped before the close may commit after the close read the month."""
    Appeal.objects.filter(pk=closed["a5"].pk).update(updated_at=at(2025, 10, 2, 16, 30))
    with time_machine.travel(LATER, tick=False):
        with CaptureQueriesContext(connection) as ctx:
            _october(build)
    assert _resolved_recounted(ctx)


def test_a_rating_that_reopens_a_closed_months_appeal_takes_it_out_of_that_month(build, closed):
    from zhitong.appeals.services.closing import appeal_rate

    a2 = closed["a2"]  # verified 12 September, counted in September's `resolved`
    with time_machine.travel(LATER, tick=False):
        appeal_rate(appeal_id=a2.pk, actor=build.c.hub, rating=1, comment="问题没有解决")
        a2.refresh_from_db()
        assert a2.verified_at is None and a2.updated_at == LATER  # the kernel saved the stamp
        with CaptureQueriesContext(connection) as ctx:
            row, adj = _october(build)
    assert _resolved_recounted(ctx)
    assert [e["id"] for e in adj[("2025-09", "resolved")]["removed"]] == [a2.pk]
    assert adj[("2025-09", "resolved")]["added"] == []
    assert row["values"]["resolved"] == "-1"
    # The re-handling itself is October's own (the rating's month), not an adjustment.
    assert row["counts"]["rehandled"] == 1 and ("2025-09", "rehandled") not in adj


def test_an_exemption_approved_after_the_close_takes_the_appeals_request_out_of_that_month(build, closed):
    from zhitong.appeals.services.closing import appeal_approve_exemption

    request = closed["r1"]  # September's batch, its appeal still being handled
    appeal = request.appeal
    # The unit asked before the close, with its formal document (seeds/000 五(二)3).
    Appeal.objects.filter(pk=appeal.pk).update(exemption_status=ExemptionStatus.REQUESTED)
    asked = Transition.objects.create(
        appeal=appeal,
        action="request_exemption",
        from_status=appeal.status,
        to_status=appeal.status,
        at=at(2025, 9, 30),
    )
    AppealEvidence.objects.create(
        appeal=appeal,
        file="evidence/x.pdf",
        original_name="说明.pdf",
        kind="pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=build.c.handler,
        uploaded_at=at(2025, 9, 30),
        transition=asked,
    )
    with time_machine.travel(LATER, tick=False):
        appeal_approve_exemption(appeal_id=appeal.pk, actor=build.c.hub)
        row, adj = _october(build)
    assert [e["id"] for e in adj[("2025-09", "reported")]["removed"]] == [request.pk]
    assert row["values"]["reported"] == "-1"


def test_a_certification_withdrawn_after_the_close_takes_its_meetings_problem_out(build, closed):
    from zhitong.coordination.services.facts import certification_reopen

    f3 = closed["f3"]  # 鼓楼区's principal's meeting, certified 1 October
    cert = FactCertification.objects.get(unit=build.c.units.glq, month=SEP)
    FactCertification.objects.filter(pk=cert.pk).update(status="certified", certified_at=at(2025, 10, 1))
    with time_machine.travel(LATER, tick=False):
        certification_reopen(actor=build.c.hub, certification_id=cert.pk, reason="补交会议纪要后重新认定")
        row, adj = _october(build)
    assert [e["id"] for e in adj[("2025-09", "coordinated")]["removed"]] == [f3.pk]
    assert row["values"]["coordinated"] == "-1"


def test_an_escalation_withdrawn_after_the_close_leaves_that_months_reported(build, closed):
    from zhitong.coordination.services.batches import escalation_withdraw

    r2 = closed["r2"]  # accepted into September's batch
    with time_machine.travel(LATER, tick=False):
        escalation_withdraw(actor=build.c.hub, request_id=r2.pk, reason="申报单位要求撤回")
        row, adj = _october(build)
    assert [e["id"] for e in adj[("2025-09", "reported")]["removed"]] == [r2.pk]
    assert [e["label"] for e in adj[("2025-09", "reported")]["removed"]] == [f"{r2.appeal.code} 项目"]


def test_an_adjustment_carried_by_a_closed_month_is_not_carried_again(build, closed):
    from zhitong.appeals.services.closing import appeal_rate

    with time_machine.travel(LATER, tick=False):
        appeal_rate(appeal_id=closed["a2"].pk, actor=build.c.hub, rating=1, comment="问题没有解决")
    with time_machine.travel(at(2025, 11, 3), tick=False):
        october = services.month_close_by_label(actor=build.c.hub, month=OCT)
        glq = next(
            r for r in october.snapshot["groups"]["counties"]["rows"] if r["unit_id"] == build.c.units.glq.pk
        )
        assert [a["key"] for a in glq["adjustments"]] == ["resolved"]
        card = scorecards.build_month(month=date(2025, 11, 1))
    november = next(r for r in card["groups"]["counties"]["rows"] if r["unit_id"] == build.c.units.glq.pk)
    assert november["adjustments"] == []


def test_appeals_saved_since_the_close_and_still_counted_are_all_that_is_read(build, closed):
    """Saved after the close without leaving the month: the month's count and the appeals
    saved since tell that nothing left; its ids are not read again, nothing is adjusted."""
    Appeal.objects.filter(pk=closed["a2"].pk).update(updated_at=LATER, title="改了标题")
    with time_machine.travel(LATER, tick=False):
        with CaptureQueriesContext(connection) as ctx:
            row, adj = _october(build)
    assert _resolved_recounted(ctx) and not _month_read_again(ctx)
    assert adj == {} and row["values"]["resolved"] == "0"


def test_an_appeal_that_enters_a_closed_month_is_added_without_reading_the_month(build, closed):
    a5 = closed["a5"]  # assigned, not counted in September
    Appeal.objects.filter(pk=a5.pk).update(
        status="verified", verified_at=at(2025, 9, 29), resolved_on_time=True, updated_at=LATER
    )
    with time_machine.travel(LATER, tick=False):
        with CaptureQueriesContext(connection) as ctx:
            row, adj = _october(build)
    assert not _month_read_again(ctx)
    assert [e["id"] for e in adj[("2025-09", "resolved")]["added"]] == [a5.pk]
    assert adj[("2025-09", "resolved")]["removed"] == [] and row["values"]["resolved"] == "1"


def test_sections_swapped_between_units_after_the_close_move_their_work_in_that_month(build):
    """Two sections trade their units after the close, each with one appeal concluded in
    September: every count stays the same, but the unit map is not the one the close
    recorded, so the month's ids are read again and each appeal moves to its new unit."""
    from zhitong.organizations.choices import UnitKind
    from zhitong.organizations.tests.factories import UnitFactory

    u = build.c.units
    objs = make_september(build)
    one = UnitFactory(code="GLQ-9", name="鼓楼区某科", kind=UnitKind.SECTION, parent=u.glq)
    two = UnitFactory(code="CSQ-9", name="仓山区某科", kind=UnitKind.SECTION, parent=u.csq)
    a_one = build.concluded(one, verified=at(2025, 9, 16), on_time=True)
    a_two = build.concluded(two, verified=at(2025, 9, 17), on_time=True)
    with time_machine.travel(CLOSE, tick=False):
        services.month_close_by_label(actor=build.c.hub, month=SEP)
    one.parent, two.parent = u.csq, u.glq
    one.save()
    two.save()
    Appeal.objects.filter(pk=objs["a2"].pk).update(updated_at=LATER)  # some appeal saved since
    with time_machine.travel(LATER, tick=False):
        with CaptureQueriesContext(connection) as ctx:
            card = scorecards.build_month(month=OCT, today=date(2025, 10, 9))
    assert _month_read_again(ctx)
    rows = {r["unit_id"]: r for g in card["groups"].values() for r in g["rows"]}
    glq = {(a["month"], a["key"]): a for a in rows[u.glq.pk]["adjustments"]}
    csq = {(a["month"], a["key"]): a for a in rows[u.csq.pk]["adjustments"]}
    assert [e["id"] for e in glq[("2025-09", "resolved")]["removed"]] == [a_one.pk]
    assert [e["id"] for e in glq[("2025-09", "resolved")]["added"]] == [a_two.pk]
    assert [e["id"] for e in csq[("2025-09", "resolved")]["removed"]] == [a_two.pk]
    assert [e["id"] for e in csq[("2025-09", "resolved")]["added"]] == [a_one.pk]
