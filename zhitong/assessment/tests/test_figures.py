"""Issue 14: every figure is counted by GROUP BY from one definition and listed on demand from
the same definition; on a world of several units (a section under a department, a park
under a county with a section of its own, a unit that is not scored) each figure equals the
length of its on-demand list, and that list is exactly the one the scorecard built object by
object before (tests/legacy_lists.py)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhitong.assessment import counting, rates, scorecards
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.tests.factories import UnitFactory

from .conftest import at
from .legacy_lists import legacy_lists
from .month_by_hand import SEP, make_september

TODAY = date(2025, 10, 2)  # the tests' frozen day (conftest.TODAY)


@pytest.fixture
def world(build):
    """September by hand, and around it the cases the GROUP BY must sum and the lists
    restrict alike."""
    c, u = build.c, build.c.units
    objs = make_september(build)
    park = UnitFactory(code="GLQ-PARK", name="鼓楼软件园", kind=UnitKind.PARK, parent=u.glq)
    park_section = UnitFactory(code="GLQ-PARK-1", name="软件园企业服务科", kind=UnitKind.SECTION, parent=park)
    # Work of the park's section, of the department's section, of an unscored unit.
    build.concluded(park_section, verified=at(2025, 9, 9), on_time=False, handling_due=date(2025, 9, 3))
    build.concluded(c.units.gxj_section, verified=at(2025, 9, 26), on_time=True)
    build.concluded(c.units.gsl, verified=at(2025, 9, 10), on_time=True)  # an association: not scored
    build.request(build.appeal(park_section), park_section, month=SEP)
    meeting = build.meeting(held=at(2025, 9, 14))
    park_fact = build.fact(meeting, park, enterprise=c.other_enterprise)
    # Signed at 07:00 on the day after its deadline in Beijing time — 23:00 UTC on the
    # deadline's day: late, whatever the database's own time zone.
    build.appeal(park_section, sign_due=date(2025, 9, 10), signed_at=at(2025, 9, 11, 7))
    build.appeal(park_section, sign_due=date(2025, 9, 10), signed_at=at(2025, 9, 10, 23, 30))
    # A handling deadline passed and not concluded; one not passed yet (after "today").
    build.appeal(c.units.gxj_section, handling_due=date(2025, 9, 18))
    # Ratings credited to sections (the move records the lead unit), one re-handling.
    build.rating(build.appeal(park_section), when=at(2025, 9, 27), rating=1)
    build.rating(build.appeal(c.units.gxj_section), when=at(2025, 9, 28), rating=4)
    # A merged duplicate and an exempted appeal are never counted.
    build.appeal(c.units.gxj, status="merged", sign_due=date(2025, 9, 2), signed_at=at(2025, 9, 2))
    build.exempt(
        build.concluded(c.units.gxj, verified=at(2025, 9, 11), on_time=True, sign_due=date(2025, 9, 2))
    )
    return {"objs": objs, "park": park, "park_section": park_section, "park_fact": park_fact}


def _rows(card):
    return {r["unit_id"]: r for g in card["groups"].values() for r in g["rows"]}


def test_every_figure_is_the_length_of_its_list_and_of_the_list_built_before(build, world):
    card = scorecards.build_month(month=SEP, today=TODAY)
    before = legacy_lists(month=SEP, today=TODAY)
    rows = _rows(card)
    assert set(rows) == set(before)
    nonzero = set()
    for uid, row in rows.items():
        for key in counting.COUNT_KEYS:
            listed = scorecards.row_list(card=card, row=row, key=key)
            assert row["counts"][key] == len(listed) == len(before[uid][key]), (row["unit"], key)
            assert listed == before[uid][key], (row["unit"], key)  # the same items, in the same order
            nonzero |= {key} if listed else set()
        for key in rates.RATE_KEYS:
            for part in ("numerator", "denominator"):
                listed = scorecards.row_list(card=card, row=row, key=key, part=part)
                assert row["rates"][key][part] == len(listed) == len(before[uid][key][part]), (
                    row["unit"],
                    key,
                )
                assert listed == before[uid][key][part], (row["unit"], key, part)
                nonzero |= {key} if listed else set()
    # Every figure had something to count somewhere: none agrees only by being empty.
    assert nonzero == {*counting.COUNT_KEYS, *rates.RATE_KEYS}


def test_a_sections_work_counts_for_its_unit_and_a_parks_for_the_park_under_its_county(build, world):
    card = scorecards.build_month(month=SEP, today=TODAY)
    rows = _rows(card)
    u = build.c.units
    park = world["park"].pk
    # The park lies under the county but is scored itself: its work and its section's are
    # its own (the nearest scored unit), the county keeps September's two of its own.
    assert rows[u.glq.pk]["counts"]["resolved"] == 2
    assert rows[park]["counts"]["resolved"] == 1  # the park section's
    assert rows[u.glq.pk]["counts"]["reported"] == 2 and rows[park]["counts"]["reported"] == 1
    assert rows[u.glq.pk]["counts"]["coordinated"] == 3 and rows[park]["counts"]["coordinated"] == 1
    assert rows[u.gxj.pk]["counts"]["resolved"] == 2  # a9 and the second section appeal
    assert counting.UnitMap().owned(u.glq.pk) == [u.glq.pk]
    assert counting.UnitMap().owned(park) == sorted([park, world["park_section"].pk])


def test_signing_on_the_next_morning_in_beijing_is_late_though_its_utc_date_is_the_deadline(build, world):
    card = scorecards.build_month(month=SEP, today=TODAY)
    row = _rows(card)[world["park"].pk]  # the park's appeals, signed at 08:00 Beijing time
    numerator = scorecards.row_list(card=card, row=row, key="response_rate", part="numerator")
    denominator = scorecards.row_list(card=card, row=row, key="response_rate", part="denominator")
    park = [e for e in denominator if e["when"] == "2025-09-10"]
    assert len(park) == 2 and len([e for e in numerator if e["when"] == "2025-09-10"]) == 1


def test_the_figures_take_one_query_per_table_whatever_the_number_of_objects_and_months(build, world):
    units = counting.UnitMap()
    tables = {(s.base, s.unit) for s in counting.SOURCES.values()}
    assert len(tables) == 4  # facts, requests, appeals (three sources), ratings
    with CaptureQueriesContext(connection) as ctx:
        counting.month_figures(month=SEP, today=TODAY, units=units)
    assert len(ctx.captured_queries) == len(tables)
    for _ in range(20):
        build.concluded(build.c.units.csq, verified=at(2025, 9, 3), on_time=True)
    months = [date(2025, 6, 1), date(2025, 7, 1), date(2025, 8, 1), SEP]
    with CaptureQueriesContext(connection) as ctx:
        figures = counting.months_figures(months=months, today=TODAY, units=units)
    assert len(ctx.captured_queries) == len(tables)
    assert figures[SEP][build.c.units.csq.pk]["resolved"] == (21, 0)
    # Each month's figures are the month's alone.
    for m in months:
        assert figures[m] == counting.month_figures(month=m, today=TODAY, units=units)


def test_one_sources_figure_over_months_apart_reads_one_range_and_counts_each_month_alone(build, world):
    """`Source.span` (the closed months' `resolved` the adjustments check): the months are read
    as one range of verifications in one query, each month counted by its own window; an
    appeal verified in a month between them counts in neither."""
    units, csq = counting.UnitMap(), build.c.units.csq
    build.concluded(csq, verified=at(2025, 7, 15), on_time=True)
    build.concluded(csq, verified=at(2025, 6, 30, 23), on_time=True)
    months = [date(2025, 6, 1), SEP]
    with CaptureQueriesContext(connection) as ctx:
        figures = counting.months_figures(months=months, today=TODAY, units=units, keys=["resolved"])
    assert len(ctx.captured_queries) == 1
    for m in months:
        alone = counting.month_figures(month=m, today=TODAY, units=units)
        assert {u: f["resolved"] for u, f in figures[m].items()} == {
            u: f["resolved"] for u, f in alone.items()
        }
    july = counting.month_figures(month=date(2025, 7, 1), today=TODAY, units=units)
    assert july[csq.pk]["resolved"][0] >= 1
    assert figures[date(2025, 6, 1)][csq.pk]["resolved"][0] >= 1


def test_the_close_freezes_the_ids_apart_from_the_groups(build, world):
    from zhitong.assessment import services

    m = services.month_close_by_label(actor=build.c.hub, month=SEP)
    glq = str(build.c.units.glq.pk)
    frozen = m.snapshot["lists"][glq]
    assert frozen["coordinated"] == sorted(world["objs"][k].pk for k in ("f1", "f2", "f3"))
    assert m.snapshot["lists"][str(world["park"].pk)]["coordinated"] == [world["park_fact"].pk]
    assert (
        len(frozen["response_rate"]["denominator"])
        == _rows(m.snapshot)[build.c.units.glq.pk]["rates"]["response_rate"]["denominator"]
    )
    # The groups (what the streaks and adjustments read of every closed month) hold numbers.
    assert all(isinstance(v, int) for r in _rows(m.snapshot).values() for v in r["counts"].values())
    assert "lists" not in scorecards.closed_groups([SEP])[SEP]["groups"]


def test_a_closed_months_list_is_its_frozen_ids_and_names_an_object_deleted_since(build, world):
    from zhitong.assessment import services
    from zhitong.coordination.models import CoordinationFact

    services.month_close_by_label(actor=build.c.hub, month=SEP)
    f1 = world["objs"]["f1"]
    CoordinationFact.objects.filter(pk=f1.pk).delete()
    card = scorecards.read_month(SEP)
    row = _rows(card)[build.c.units.glq.pk]
    listed = scorecards.row_list(card=card, row=row, key="coordinated")
    assert row["counts"]["coordinated"] == len(listed) == 3
    assert [e["id"] for e in listed if e["kind"] == "deleted"] == [f1.pk]


def test_a_snapshot_closed_before_issue_14_is_still_read(build, world):
    """Old snapshots carried every list in their rows; the reader takes both formats."""
    from zhitong.assessment import services
    from zhitong.assessment.models import AssessmentMonth

    m = services.month_close_by_label(actor=build.c.hub, month=SEP)
    old = legacy_lists(month=SEP, today=TODAY)
    snapshot = dict(m.snapshot)
    snapshot.pop("lists")
    for g in snapshot["groups"].values():
        for r in g["rows"]:
            r["counts"] = {k: old[r["unit_id"]][k] for k in counting.COUNT_KEYS}
            for k in rates.RATE_KEYS:
                r["rates"][k] = {**r["rates"][k], **old[r["unit_id"]][k]}
    AssessmentMonth.objects.filter(pk=m.pk).update(snapshot=snapshot, digest=services.digest_of(snapshot))
    card = scorecards.read_month(SEP)
    row = _rows(card)[build.c.units.glq.pk]
    assert [e["id"] for e in scorecards.row_list(card=card, row=row, key="resolved")] == [
        e["id"] for e in old[build.c.units.glq.pk]["resolved"]
    ]
    assert scorecards._value(row, "coordinated") == 3
    october = _rows(scorecards.build_month(month=date(2025, 10, 1), today=TODAY))[build.c.units.glq.pk]
    assert october["adjustments"] == []  # the old lists are the base the recount compares to
