"""The demo city's major projects (issue 10: "60+ projects in every stage with a year of
monthly reports, driven through the services")."""

import random
from datetime import date, datetime, time

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from zhitong.appeals.models import Appeal
from zhitong.audit.models import AuditEvent
from zhitong.demo import DemoContext
from zhitong.demo import enterprises as enterprises_demo
from zhitong.demo import organizations as organizations_demo
from zhitong.demo import projects as demo
from zhitong.projects.dispatch.models import (
    AdmissionConsultation,
    ConsultationConclusion,
    DispatchLevel,
    DispatchSession,
    InspectionDraw,
)
from zhitong.projects.machines import PREVIOUS
from zhitong.projects.models import (
    Commitment,
    CommitmentStatus,
    DailyReport,
    MemberRole,
    Milestone,
    MilestoneStatus,
    ProgressReport,
    Project,
    ProjectStage,
    ProjectStageChange,
    ReportProblem,
)
from zhitong.projects.progress.calc import ProgressClass, progress_summaries

pytestmark = [pytest.mark.demo, pytest.mark.django_db]

S = ProjectStage
R = MemberRole
TODAY = date(2026, 3, 16)


def stage_on(project, day):
    reached = [c.to_stage for c in project.stage_changes.order_by("at", "id") if c.on <= day]
    return reached[-1] if reached else S.RESERVE


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker, tmp_path_factory):
    """The projects of the demo city, built once for this module's tests (in a transaction
    rolled back at the end; each test runs in a savepoint inside it)."""
    now = timezone.make_aware(datetime.combine(TODAY, time(17, 30)))
    ctx = DemoContext(today=TODAY, now=now, rng=random.Random(7), log=lambda msg: None)
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        with transaction.atomic():
            for module in (organizations_demo, enterprises_demo, demo):
                module.build(ctx)
            yield ctx
            transaction.set_rollback(True)


def test_sixty_projects_in_every_stage_each_with_its_dated_stage_history(city):
    projects = list(Project.objects.all())
    assert len(projects) >= 60
    by_stage = {s: [p for p in projects if p.stage == s] for s in S.values}
    assert all(by_stage[s] for s in S.values), {s: len(v) for s, v in by_stage.items()}
    changes = {}
    for c in ProjectStageChange.objects.order_by("at", "id"):
        changes.setdefault(c.project_id, []).append(c)
    for p in projects:
        rows = changes.get(p.pk, [])
        # One move per stage reached, through the stage table (no import, no hand-written stage).
        assert [c.to_stage for c in rows] == S.values[1 : S.values.index(p.stage) + 1], p.code
        assert all(c.from_stage == PREVIOUS[c.to_stage] for c in rows)
        days = [c.on for c in rows]
        assert days == sorted(days) and all(d < TODAY for d in days)
        if rows:
            assert p.stage_since == rows[-1].on
    assert (
        AuditEvent.objects.filter(action="project.sign").count()
        == Project.objects.filter(stage__in=S.values[2:]).count()
    )


def test_each_project_has_its_lead_unit_with_basis_and_its_whole_team(city):
    for p in Project.objects.prefetch_related("members"):
        assert p.lead_basis and "seeds/003" in p.lead_basis, p.code
        current = [m for m in p.members.all() if m.until is None]
        leads = [m for m in current if m.role == R.LEAD_UNIT]
        assert [m.unit_id for m in leads] == [p.lead_unit_id], p.code
        roles = {m.role for m in current}
        assert {R.LEADER, R.CHIEF_SERVICE, R.SECRETARY, R.BUTLER, R.ENTERPRISE_CONTACT} <= roles, p.code
        assert len([m for m in current if m.role == R.TEAM_UNIT and not m.by_rule]) >= 2
        leader = next(m for m in current if m.role == R.LEADER)
        assert p.leader_id == leader.user_id
        if p.level == "city_major":
            assert p.leader.leader_level in ("vice_mayor", "exec_vice_mayor", "mayor")


def test_every_signed_project_had_an_agreed_consultation_before_signing(city):
    signed = ProjectStageChange.objects.filter(to_stage=S.SIGNED)
    assert signed.exists()
    for change in signed:
        agreed = AdmissionConsultation.objects.filter(
            project_id=change.project_id, conclusion=ConsultationConclusion.AGREE, held_on__lte=change.on
        )
        assert agreed.exists(), change.project_id


def test_roadmaps_are_reverse_scheduled_with_actual_days_and_a_few_overdue_nodes(city):
    planned = set(Milestone.objects.values_list("project_id", flat=True))
    from_approval = set(Project.objects.filter(stage__in=S.values[3:]).values_list("pk", flat=True))
    assert planned == from_approval
    assert set(Milestone.objects.values_list("plan_rule", flat=True)) == {"reverse"}
    # Every project past approval finished its nodes before construction began, in order.
    for p in Project.objects.filter(stage__in=S.values[4:]):
        nodes = list(p.milestones.order_by("sequence"))
        assert all(m.status == MilestoneStatus.DONE for m in nodes)
        started = p.stage_changes.get(to_stage=S.CONSTRUCTION).on
        days = [m.actual_on for m in nodes]
        assert days == sorted(days) and days[-1] <= started
    overdue = Milestone.objects.filter(status=MilestoneStatus.OPEN, planned_due__lt=TODAY)
    assert 1 <= overdue.values("project").distinct().count() <= 6
    # The green channel shortens the committed limits of its projects' nodes.
    green = Milestone.objects.filter(project__green_channel=True)
    assert green.exists() and all(m.workdays < m.standard_workdays for m in green if m.standard_workdays > 1)


def test_projects_in_construction_report_every_month_of_the_year(city):
    months = [date(2025, m, 1) for m in range(3, 13)] + [date(2026, 1, 1), date(2026, 2, 1)]
    for p in Project.objects.filter(stage=S.CONSTRUCTION):
        filed = sorted(ProgressReport.objects.filter(project=p).values_list("month", flat=True))
        assert filed == months, p.code
    reports = ProgressReport.objects.filter(project__stage=S.CONSTRUCTION)
    assert all(r.image_progress for r in reports)
    assert (
        reports.filter(month_investment__gt=0, workers__gt=0, machinery__gt=0).count() > reports.count() // 2
    )
    # Every progress class shows up among the projects in construction and approval.
    projects = list(Project.objects.filter(stage__in=[S.APPROVAL, S.CONSTRUCTION]))
    summaries = progress_summaries(projects, date(2026, 2, 1))
    classes = {s.progress_class for s in summaries.values()}
    assert {ProgressClass.NORMAL, ProgressClass.LAGGING, ProgressClass.STALLED} <= classes


def test_report_problems_became_appeals_of_their_projects(city):
    problems = list(ReportProblem.objects.select_related("report"))
    assert 3 <= len(problems) <= 9
    for problem in problems:
        appeal = Appeal.objects.get(pk=problem.appeal_id)
        assert appeal.project_id == problem.report.project_id
        assert appeal.code == problem.appeal_code
    assert DailyReport.objects.exists()


def test_commitments_dispatch_and_the_inspection_draw(city):
    assert Commitment.objects.filter(status=CommitmentStatus.FULFILLED).exists()
    overdue = Commitment.objects.filter(status=CommitmentStatus.PENDING, due_on__lt=TODAY)
    assert overdue.exists()
    assert DispatchSession.objects.filter(level=DispatchLevel.CITY).exists()
    assert DispatchSession.objects.filter(level=DispatchLevel.COUNTY).count() >= 8
    # Most, not all, of the projects due at the counties' sessions are on their records.
    due_total = on_record = 0
    for session in DispatchSession.objects.filter(level=DispatchLevel.COUNTY):
        due = {
            p.pk
            for p in Project.objects.filter(location=session.county)
            if stage_on(p, session.held_on) in (S.SIGNED, S.APPROVAL, S.CONSTRUCTION)
        }
        entries = set(session.entries.values_list("project_id", flat=True))
        assert entries <= due
        due_total, on_record = due_total + len(due), on_record + len(entries)
    assert due_total * 0.7 <= on_record < due_total
    draws = list(InspectionDraw.objects.all())
    assert len(draws) == 2  # last quarter's and this quarter's
    assert all(d.sample_size == len(d.drawn) >= 1 and d.seed for d in draws)
    assert Project.objects.filter(green_channel=True).count() == 2
    assert not AuditEvent.objects.filter(at__gt=city.now).exclude(action="demo.build").exists()
