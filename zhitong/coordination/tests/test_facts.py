"""seeds/000 五(二)2–3: how coordination meetings count in the scorecards."""

from datetime import date

import pytest

from zhitong.appeals import services as appeal_services
from zhitong.coordination import selectors, services
from zhitong.coordination.choices import CountedAs
from zhitong.coordination.models import CoordinationFact

from .conftest import at

pytestmark = pytest.mark.django_db


def hold(city, appeals, *, day, convener=None):
    """A meeting on `day` (September 2025) coordinating `appeals`, one opinion each."""
    meeting = services.meeting_create(
        actor=city.hub,
        title=f"{day}日协调会",
        convener=convener or city.leader,
        held_at=at(2025, 9, day, 15),
        now=at(2025, 9, 1, 8),
    )
    items = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[a.pk for a in appeals], now=at(2025, 9, 1, 8)
    )
    for item in items:
        services.meeting_record_opinion(
            actor=city.hub,
            item_id=item.pk,
            opinion="请牵头单位限期办结",
            unit_ids=[item.unit_id],
            due_workdays=5,
            now=at(2025, 9, day, 17),
        )
    return meeting


def facts(**kw):
    return list(CoordinationFact.objects.filter(**kw).order_by("pk"))


def test_several_problems_of_one_project_at_one_meeting_count_as_one_project_problem(city, scene):
    a1 = scene.appeal(project=city.project, title="消防验收备案迟迟未办结")
    a2 = scene.appeal(project=city.project, title="施工许可证办理进度慢")
    meeting = hold(city, [a1, a2], day=15)
    (fact,) = facts(meeting=meeting)
    assert fact.counted_as == CountedAs.PROJECT_PROBLEM
    assert fact.project == city.project and fact.unit == city.units.gxj
    assert fact.appeal_ids == sorted([a1.pk, a2.pk])
    assert fact.month == date(2025, 9, 1)


def test_the_same_project_problem_at_two_meetings_counts_once_per_meeting(city, scene):
    a1 = scene.appeal(project=city.project)
    hold(city, [a1], day=15)
    hold(city, [a1], day=25, convener=city.leader2)
    assert len(facts(project=city.project, counted_as=CountedAs.PROJECT_PROBLEM)) == 2


def test_an_enterprises_problems_at_one_meeting_count_as_one_enterprise_problem(city, scene):
    a1 = scene.appeal(title="用工招聘困难")
    a2 = scene.appeal(title="电力增容申请未批复")
    a3 = scene.appeal(project=city.project)
    meeting = hold(city, [a1, a2, a3], day=15)
    got = {(f.counted_as, f.enterprise_id, f.project_id) for f in facts(meeting=meeting)}
    assert got == {
        (CountedAs.ENTERPRISE_PROBLEM, city.enterprise.pk, None),
        (CountedAs.PROJECT_PROBLEM, city.enterprise.pk, city.project.pk),
    }


def test_each_reporting_unit_is_credited_with_its_own_problems(city, scene):
    a1 = scene.appeal(project=city.project)
    a2 = scene.appeal(lead=city.units.glq, enterprise=city.other_enterprise, project=city.other_project)
    hold(city, [a1, a2], day=15)
    assert {(f.unit_id, f.project_id) for f in selectors.facts_for(month=date(2025, 9, 1))} == {
        (city.units.gxj.pk, city.project.pk),
        (city.units.glq.pk, city.other_project.pk),
    }


def exempt(city, appeal):
    appeal_services.appeal_request_exemption(
        appeal_id=appeal.pk,
        actor=city.handler,
        explanation="受国家产业政策调整影响，当年无法解决",
        now=at(2025, 9, 2),
    )
    appeal_services.appeal_approve_exemption(
        appeal_id=appeal.pk, actor=city.hub, note="同意", now=at(2025, 9, 2, 10)
    )


def test_exempted_problems_are_not_counted(city, scene):
    a1 = scene.appeal(title="用工招聘困难")
    exempt(city, a1)
    meeting = hold(city, [a1], day=15)
    assert facts(meeting=meeting) == []


def test_an_exemption_approved_after_the_meeting_is_respected_at_the_month_evaluation(city, scene):
    a1 = scene.appeal(title="用工招聘困难")
    a2 = scene.appeal(project=city.project)
    meeting = hold(city, [a1, a2], day=15)
    assert len(facts(meeting=meeting)) == 2
    exempt(city, a1)
    assert services.facts_evaluate_month(month=date(2025, 9, 1), now=at(2025, 9, 30, 18)) == 1
    (fact,) = facts(meeting=meeting)
    assert fact.counted_as == CountedAs.PROJECT_PROBLEM
    assert fact.evaluated_at == at(2025, 9, 30, 18)


def test_an_item_without_an_opinion_is_not_counted(city, scene):
    a1 = scene.appeal(project=city.project)
    meeting = services.meeting_create(
        actor=city.hub,
        title="未议协调会",
        convener=city.leader,
        held_at=at(2025, 9, 15, 15),
        now=at(2025, 9, 1),
    )
    services.meeting_add_items(actor=city.hub, meeting_id=meeting.pk, appeal_ids=[a1.pk], now=at(2025, 9, 1))
    services.facts_evaluate_meeting(meeting=meeting, now=at(2025, 9, 16))
    assert facts(meeting=meeting) == []


def test_a_county_principals_meeting_credits_the_county_whoever_leads_the_appeal(city, scene):
    from zhitong.organizations.choices import LeaderLevel, Role
    from zhitong.organizations.tests.factories import UserFactory

    county_leader = UserFactory(
        username="t_glq_leader",
        role=Role.LEADER,
        unit=city.units.glq,
        leader_level=LeaderLevel.COUNTY_PRINCIPAL,
    )
    a1 = scene.appeal(project=city.project)  # led by GXJ
    meeting = hold(city, [a1], day=15, convener=county_leader)
    assert meeting.level == LeaderLevel.COUNTY_PRINCIPAL
    (fact,) = facts(meeting=meeting)
    assert fact.unit == city.units.glq
    assert (
        selectors.annex3_rows(unit=city.units.glq, month=date(2025, 9, 1))[0][5]
        == f"{county_leader.display_name}（县区主要领导）"
    )
