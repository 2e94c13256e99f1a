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


def _ids(card, row, key, part="all"):
    return [e["id"] for e in scorecards.row_list(card=card, row=row, key=key, part=part)]


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
    card = scorecards.build_month(month=SEP)
    row = _rows(card, "counties")[build.c.units.glq.pk]
    s = september
    assert _ids(card, row, "coordinated") == [s["f1"].pk, s["f2"].pk, s["f3"].pk]
    assert _ids(card, row, "reported") == [s["r1"].pk, s["r2"].pk]
    assert _ids(card, row, "resolved") == [s["a2"].pk, s["a1"].pk]
    assert _ids(card, row, "rehandled") == [s["t_reopen"].pk]
    assert _ids(card, row, "response_rate", "denominator") == [s["a1"].pk, s["a2"].pk, s["a5"].pk]
    assert _ids(card, row, "response_rate", "numerator") == [s["a1"].pk]
    assert (row["counts"]["coordinated"], row["rates"]["response_rate"]["numerator"]) == (3, 1)
    assert [d["points"] for d in row["deductions"]] == ["3"]


def test_the_hand_worked_month_scores_the_departments_with_a_sections_work(build, september):
    u = build.c.units
    card = scorecards.build_month(month=SEP)
    rows = _rows(card, "departments")
    gxj = rows[u.gxj.pk]
    assert _ids(card, gxj, "resolved") == [september["a9"].pk]
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
