"""The progress class 超前 / 正常 / 滞后 / 无进展 (docs/projects.md "进度分类"), at each
boundary: exactly at the threshold and one unit (0.01 万元, one day) either side."""

from datetime import date
from decimal import Decimal

import pytest

from zhitong.projects.models import Milestone, MilestoneKind, ProgressReport
from zhitong.projects.progress import (
    PACE_TABLE,
    ProgressClass,
    classify,
    month_investment,
    progress_class,
    progress_summaries,
    ytd_investment,
)

from .progress_fixtures import another_project, progress_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
P = ProgressClass
JUNE = date(2026, 6, 1)


def test_the_thresholds_are_one_table_of_110_and_90_percent():
    assert [(c.value, str(b)) for c, b in PACE_TABLE] == [
        ("ahead", "1.10"),
        ("normal", "0.90"),
        ("lagging", "0"),
    ]
    assert [c.label for c in ProgressClass] == ["超前", "正常", "滞后", "无进展"]


# A plan of 1,200 万元 in June: 600 expected by the end of June; 110 % = 660, 90 % = 540.
@pytest.mark.parametrize(
    ("ytd", "expected"),
    [
        ("660.01", P.AHEAD),
        ("660.00", P.AHEAD),
        ("659.99", P.NORMAL),
        ("540.01", P.NORMAL),
        ("540.00", P.NORMAL),
        ("539.99", P.LAGGING),
        ("0.01", P.LAGGING),
        ("0.00", P.STALLED),
        (None, P.STALLED),
    ],
)
def test_the_pace_boundaries(ytd, expected):
    ytd = None if ytd is None else Decimal(ytd)
    assert classify(ytd=ytd, annual_plan=Decimal("1200"), month=6, overdue_milestones=0) == expected


# A plan of 1,000 in January: 83.333… expected, so 110 % is 91.666…: no rounding decides.
@pytest.mark.parametrize(("ytd", "expected"), [("91.67", P.AHEAD), ("91.66", P.NORMAL), ("75.00", P.NORMAL)])
def test_a_boundary_between_cents_is_compared_exactly(ytd, expected):
    assert classify(ytd=Decimal(ytd), annual_plan=Decimal("1000"), month=1, overdue_milestones=0) == expected


def test_an_overdue_milestone_makes_a_project_lagging_whatever_its_pace_but_not_less_than_stalled():
    assert (
        classify(ytd=Decimal("900"), annual_plan=Decimal("1200"), month=6, overdue_milestones=1) == P.LAGGING
    )
    assert classify(ytd=Decimal("0"), annual_plan=Decimal("1200"), month=6, overdue_milestones=2) == P.STALLED


def test_a_project_without_a_plan_is_normal_with_investment_and_stalled_without():
    assert classify(ytd=Decimal("5"), annual_plan=Decimal("0"), month=6, overdue_milestones=0) == P.NORMAL
    assert classify(ytd=None, annual_plan=Decimal("0"), month=6, overdue_milestones=0) == P.STALLED


def report(project, month, amount, user, plan="1200"):
    from zhitong.projects.tests.progress_fixtures import NOW

    return ProgressReport.objects.create(
        project=project,
        month=month,
        month_investment=Decimal(amount),
        annual_plan=Decimal(plan),
        image_progress="主体施工",
        submitted_at=NOW,
        submitted_by=user,
    )


def test_year_to_date_sums_the_years_reports_and_the_class_follows_it(progress_world):
    w = progress_world
    p = w.project
    report(p, date(2025, 12, 1), "999", w.lead)  # last year: not counted
    for m in range(1, 7):
        report(p, date(2026, m, 1), "110", w.lead)  # 660 by June: exactly 110 %
    assert month_investment(p, JUNE) == Decimal("110.00")
    assert month_investment(p, date(2026, 7, 1)) is None
    assert ytd_investment(p, JUNE) == Decimal("660.00")
    assert ytd_investment(p, date(2026, 3, 31)) == Decimal("330.00")
    assert progress_class(p, JUNE) == P.AHEAD
    ProgressReport.objects.filter(project=p, month=JUNE).update(month_investment=Decimal("109.99"))
    assert progress_class(p, JUNE) == P.NORMAL
    s = progress_summaries([p], JUNE)[p.pk]
    assert s.ytd_investment == Decimal("659.99") and s.annual_plan == Decimal("1200")
    assert s.ytd_ratio == Decimal("0.5500") and s.expected_ytd == Decimal("600.00")
    assert s.latest_report.month == JUNE and s.report.month == JUNE


def test_without_a_report_this_year_it_is_stalled_and_the_latest_report_is_last_years(progress_world):
    w = progress_world
    report(w.project, date(2025, 11, 1), "10", w.lead)
    report(w.project, date(2025, 12, 1), "10", w.lead)
    s = progress_summaries([w.project], JUNE)[w.project.pk]
    assert s.ytd_investment is None and s.month_investment is None and s.progress_class == P.STALLED
    assert s.latest_report.month == date(2025, 12, 1)
    assert s.annual_plan == Decimal("1200")  # the project's, with no report this month


def test_the_plan_a_report_was_filed_against_is_kept(progress_world):
    w = progress_world
    report(w.project, JUNE, "600", w.lead, plan="600")  # June: the full-year plan was 600
    w.project.annual_investment = Decimal("6000")
    w.project.save()
    s = progress_summaries([w.project], JUNE)[w.project.pk]
    assert s.annual_plan == Decimal("600") and s.progress_class == P.AHEAD


def milestone(project, due, actual=None, n=1):
    return Milestone.objects.create(
        project=project,
        kind=MilestoneKind.CUSTOM,
        name=f"节点{n}",
        sequence=n,
        planned_due=due,
        actual_on=actual,
    )


@pytest.mark.parametrize(
    ("due", "actual", "expected"),
    [
        (date(2026, 6, 30), None, P.NORMAL),  # due on the month's last day: not yet overdue
        (date(2026, 6, 29), None, P.LAGGING),  # a day earlier and not done: overdue
        (date(2026, 6, 29), date(2026, 6, 30), P.NORMAL),  # done by the month's end
        (date(2026, 6, 29), date(2026, 7, 1), P.LAGGING),  # done a day after: overdue at the end
    ],
)
def test_the_milestone_boundary_is_the_months_last_day(progress_world, due, actual, expected):
    w = progress_world
    for m in range(1, 7):
        report(w.project, date(2026, m, 1), "100", w.lead)  # 600: exactly on plan
    milestone(w.project, due, actual)
    assert progress_class(w.project, JUNE) == expected


def test_summaries_take_the_same_queries_for_many_projects(progress_world, django_assert_max_num_queries):
    w = progress_world
    few = [w.project]
    many = [w.project, *[another_project(w) for _ in range(12)]]
    for p in many:
        for m in (4, 5, 6):
            report(p, date(2026, m, 1), "50", w.lead)
        milestone(p, date(2026, 5, 1))
    with django_assert_max_num_queries(5):
        one = progress_summaries(few, JUNE)
    with django_assert_max_num_queries(5):
        all_ = progress_summaries(many, JUNE)
    assert one[w.project.pk].progress_class == P.LAGGING
    assert len(all_) == 13 and {s.overdue_milestones for s in all_.values()} == {1}
