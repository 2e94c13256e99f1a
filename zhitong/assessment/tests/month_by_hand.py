"""September 2025 worked out by hand (issue 11: "a month worked out by hand, written as a
test fixture whose expected counts are explained in comments, gives exactly the expected
scorecard"). Looked at on 2 October 2025; scheme version 1 of both audiences (migration
0002: counties 10/20/20/10/10/15/15, re-handling 2, deductions ×1, target 60; departments
5/10/25/15/10/20/15, 2, ×1, target 60). A test deduction source takes 3 points from 鼓楼区.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zhitong.assessment.sources import Deduction
from zhitong.organizations.choices import LeaderLevel

from .conftest import at

SEP = date(2025, 9, 1)


def deduct_glq(glq_id):
    def func(*, units, month_start, month_end):
        if month_start != SEP:
            return []
        return [
            Deduction(
                glq_id,
                Decimal("3"),
                "test",
                "督查通报：未及时报送",
                "seeds/000 三",
                "/x/1/",
                1,
                date(2025, 9, 18),
            )
        ]

    return func


def make_september(b) -> dict:
    """The month's rows; returns the objects the expectations name."""
    c, u = b.c, b.c.units
    glq, csq = u.glq, u.csq
    o = {}
    # -- 鼓楼区 (GLQ) --------------------------------------------------------------------
    # coordinated: 3.
    #  M1 (vice mayor, 5 Sep): GLQ's two appeals of project P-001 are ONE project problem
    #  (五(二)2 一次协调会一个项目的多个问题按照一个项目问题) → 1
    #  M2 (vice mayor, 12 Sep): the same project again → 1 more (按照协调会召开次数)
    #  M3 (GLQ principal, 20 Sep): an enterprise problem, minutes filed, certified → 1
    #  M4 (GLQ principal, 25 Sep): not certified → 0 (五(二)1; listed as uncounted)
    a_p1, a_p2 = b.appeal(glq, project=c.project), b.appeal(glq, project=c.project)
    m1 = b.meeting(held=at(2025, 9, 5))
    o["f1"] = b.fact(m1, glq, project=c.project, appeals=[a_p1, a_p2])
    o["f2"] = b.fact(b.meeting(held=at(2025, 9, 12)), glq, project=c.project, appeals=[a_p1])
    m3 = b.meeting(held=at(2025, 9, 20), level=LeaderLevel.COUNTY_PRINCIPAL)
    o["f3"] = b.fact(m3, glq, appeals=[b.appeal(glq)], certified=at(2025, 10, 1))
    m4 = b.meeting(held=at(2025, 9, 25), level=LeaderLevel.COUNTY_PRINCIPAL)
    o["f4"] = b.fact(
        m4, glq, enterprise=c.other_enterprise, appeals=[b.appeal(glq, enterprise=c.other_enterprise)]
    )
    # reported: 2 — a submitted and an accepted request of the September batch; a withdrawn
    # one and one whose appeal was exempted (五(二)3) do not count.
    o["r1"] = b.request(b.appeal(glq), glq, month=SEP)
    o["r2"] = b.request(b.appeal(glq), glq, month=SEP, status="accepted")
    b.request(b.appeal(glq), glq, month=SEP, status="withdrawn")
    exempted = b.appeal(glq)
    b.request(exempted, glq, month=SEP)
    b.exempt(exempted)
    # resolved: 2 (A1 on time, A2 late) → on-time rate 1/2. A3 verified in September but
    # exempted, A4 verified on 30 August: not counted.
    o["a1"] = b.concluded(
        glq,
        verified=at(2025, 9, 16),
        on_time=True,
        sign_due=date(2025, 9, 2),
        signed_at=at(2025, 9, 2, 17),
        handling_due=date(2025, 9, 15),
    )
    o["a2"] = b.concluded(
        glq,
        verified=at(2025, 9, 12),
        on_time=False,
        sign_due=date(2025, 9, 3),
        signed_at=at(2025, 9, 4),
        handling_due=date(2025, 9, 10),
    )
    b.exempt(b.concluded(glq, verified=at(2025, 9, 18), on_time=True))
    b.concluded(glq, verified=at(2025, 8, 30, 16), on_time=True)
    # response rate: sign-for deadlines in September: A1 (signed on its deadline's day: in
    # time), A2 (a day late), A5 (30 Sep, never signed, passed by 2 Oct) → 1/3.
    # resolution rate: handling deadlines in September: A1, A2 concluded, A5 (29 Sep) not → 2/3.
    o["a5"] = b.appeal(glq, status="assigned", sign_due=date(2025, 9, 30), handling_due=date(2025, 9, 29))
    # satisfaction: September's ratings of GLQ's appeals: 4 and 3 satisfied, 2 not (and it
    # reopens the appeal: one re-handling) → 2/3; re-handled 1.
    b.rating(o["a1"], when=at(2025, 9, 17), rating=4)
    o["a6"] = b.appeal(glq)
    o["t_reopen"] = b.rating(o["a6"], when=at(2025, 9, 19), rating=2)
    b.rating(b.appeal(glq, status="closed"), when=at(2025, 9, 22), rating=3)
    # -- 仓山区 (CSQ) --------------------------------------------------------------------
    # coordinated 1 (project P-002 at M1), reported 0, resolved 1 on time; every rate 1/1.
    b.fact(m1, csq, project=c.other_project, appeals=[b.appeal(csq, project=c.other_project)])
    a8 = b.concluded(
        csq,
        verified=at(2025, 9, 21),
        on_time=True,
        sign_due=date(2025, 9, 8),
        signed_at=at(2025, 9, 8),
        handling_due=date(2025, 9, 20),
    )
    b.rating(a8, when=at(2025, 9, 23), rating=5)
    # -- departments ---------------------------------------------------------------------
    # GXJ's section concludes one appeal on time (a section's work counts for its
    # department): resolved 1, response 1/1, resolution 1/1, on time 1/1, no rating.
    o["a9"] = b.concluded(
        u.gxj_section,
        verified=at(2025, 9, 6),
        on_time=True,
        sign_due=date(2025, 9, 1),
        signed_at=at(2025, 9, 1),
        handling_due=date(2025, 9, 5),
    )
    return o


# The expected scorecard.
# 鼓楼区: reported 2/2×10 = 10; coordinated 3/3×20 = 20; resolved 2/2×20 = 20;
#   on time 10×0.5 = 5; response 10×0.3333 = 3.33; resolution 15×0.6667 = 10.00;
#   satisfaction 15×0.6667 = 10.00; re-handled −2×1 = −2; deductions −3 → 73.33, rank 1.
# 仓山区: reported 0; coordinated 1/3×20 = 6.67; resolved 1/2×20 = 10; on time 10;
#   response 10; resolution 15; satisfaction 15 → 66.67, rank 2: last, but not below the
#   target 60 → no warning.
# Departments: 工信局 resolved 1/1×25 = 25, on time 15, response 10, resolution 20,
#   satisfaction (no rating: full) 15 → 85, rank 1. Every other department: counts 0, rates
#   without a due item score full (15+10+20+15) → 60.00, rank 2.
EXPECTED_COUNTIES = {
    "GLQ": {
        "values": {
            "reported": "2",
            "coordinated": "3",
            "resolved": "2",
            "rehandled": "1",
            "deductions": "3",
            "on_time_rate": "0.5000",
            "response_rate": "0.3333",
            "resolution_rate": "0.6667",
            "satisfaction_rate": "0.6667",
        },
        "points": {
            "reported": "10.00",
            "coordinated": "20.00",
            "resolved": "20.00",
            "on_time_rate": "5.00",
            "response_rate": "3.33",
            "resolution_rate": "10.00",
            "satisfaction_rate": "10.00",
            "rehandled": "-2.00",
            "deductions": "-3.00",
        },
        "score": "73.33",
        "rank": 1,
        "last_below": False,
    },
    "CSQ": {
        "values": {
            "reported": "0",
            "coordinated": "1",
            "resolved": "1",
            "rehandled": "0",
            "deductions": "0",
            "on_time_rate": "1.0000",
            "response_rate": "1.0000",
            "resolution_rate": "1.0000",
            "satisfaction_rate": "1.0000",
        },
        "points": {
            "reported": "0.00",
            "coordinated": "6.67",
            "resolved": "10.00",
            "on_time_rate": "10.00",
            "response_rate": "10.00",
            "resolution_rate": "15.00",
            "satisfaction_rate": "15.00",
            "rehandled": "0.00",
            "deductions": "0.00",
        },
        "score": "66.67",
        "rank": 2,
        "last_below": False,
    },
}
EXPECTED_GXJ = {"score": "85.00", "rank": 1}
EXPECTED_OTHER_DEPARTMENT = {"score": "60.00", "rank": 2}
