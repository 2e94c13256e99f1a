"""The hand-worked month (month_by_hand.py) gives exactly the expected scorecard."""

import pytest

from zhitong.assessment import scorecards, sources

from .month_by_hand import (
    EXPECTED_COUNTIES,
    EXPECTED_GXJ,
    EXPECTED_OTHER_DEPARTMENT,
    SEP,
    deduct_glq,
    make_september,
)


@pytest.fixture
def september(build):
    objs = make_september(build)
    sources.register_deduction_source(
        "test", label="测试扣分", clause="seeds/000 三", func=deduct_glq(build.c.units.glq.pk)
    )
    yield objs
    sources.DEDUCTION_SOURCES.pop("test", None)


def _rows(card, group):
    return {r["unit_id"]: r for r in card["groups"][group]["rows"]}


def test_the_hand_worked_month_gives_exactly_the_expected_county_scorecard(build, september):
    card = scorecards.build_month(month=SEP)
    rows = _rows(card, "counties")
    u = build.c.units
    for code, unit in (("GLQ", u.glq), ("CSQ", u.csq)):
        row, want = rows[unit.pk], EXPECTED_COUNTIES[code]
        assert row["values"] == want["values"], code
        assert row["points"] == want["points"], code
        assert (row["score"], row["rank"], row["last_below"], row["warning"]) == (
            want["score"],
            want["rank"],
            want["last_below"],
            "",
        ), code
    assert [r["unit_id"] for r in card["groups"]["counties"]["rows"]] == [u.glq.pk, u.csq.pk]


def test_the_hand_worked_month_lists_exactly_the_objects_it_counted(build, september):
    row = _rows(scorecards.build_month(month=SEP), "counties")[build.c.units.glq.pk]
    s = september
    assert [e["id"] for e in row["counts"]["coordinated"]] == [s["f1"].pk, s["f2"].pk, s["f3"].pk]
    assert [e["id"] for e in row["counts"]["reported"]] == [s["r1"].pk, s["r2"].pk]
    assert [e["id"] for e in row["counts"]["resolved"]] == [s["a2"].pk, s["a1"].pk]
    assert [e["id"] for e in row["counts"]["rehandled"]] == [s["t_reopen"].pk]
    response = row["rates"]["response_rate"]
    assert [e["id"] for e in response["denominator"]] == [s["a1"].pk, s["a2"].pk, s["a5"].pk]
    assert [e["id"] for e in response["numerator"]] == [s["a1"].pk]
    assert [d["points"] for d in row["deductions"]] == ["3"]


def test_the_hand_worked_month_scores_the_departments_with_a_sections_work(build, september):
    rows = _rows(scorecards.build_month(month=SEP), "departments")
    u = build.c.units
    gxj = rows[u.gxj.pk]
    assert [e["id"] for e in gxj["counts"]["resolved"]] == [september["a9"].pk]
    assert (gxj["score"], gxj["rank"]) == (EXPECTED_GXJ["score"], EXPECTED_GXJ["rank"])
    assert (rows[u.swj.pk]["score"], rows[u.swj.pk]["rank"]) == (
        EXPECTED_OTHER_DEPARTMENT["score"],
        EXPECTED_OTHER_DEPARTMENT["rank"],
    )
    assert u.gsl.pk not in rows and u.dcs.pk not in rows  # associations and supervision are not scored


def test_the_uncertified_principals_meeting_is_recorded_not_counted(build, september):
    card = scorecards.build_month(month=SEP)
    (cert,) = [c for c in card["certifications"] if c["unit_id"] == build.c.units.glq.pk]
    assert [f["id"] for f in cert["uncounted"]] == [september["f4"].pk]


def test_counting_a_month_alone_gives_the_lists_the_scorecard_gives(build, september):
    """count_month read alone (as the adjustments recount a closed month) reads only the
    reopening ratings; it must list exactly what it lists with the month's every rating."""
    from zhitong.assessment import counting

    units = counting.UnitMap()
    alone = counting.count_month(month=SEP, units=units)
    full = counting.count_month(month=SEP, units=units, ratings=counting.month_ratings(SEP))
    assert alone == full
    assert [e["id"] for e in alone[build.c.units.glq.pk]["rehandled"].items] == [september["t_reopen"].pk]
    # The month has ratings that did not reopen: the filter is what left them out.
    assert len(counting.month_ratings(SEP)) > len(counting.month_ratings(SEP, reopened_only=True)) == 1
