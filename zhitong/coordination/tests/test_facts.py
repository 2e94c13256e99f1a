"""seeds/000 五(二)1–3: how coordination meetings count in the scorecards — the counting
rules, the county principals' meetings counted only with their minutes or plan and after the
hub's monthly certification, and exemptions that take a problem out at once."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhitong.appeals import services as appeal_services
from zhitong.appeals.models import Transition
from zhitong.audit.models import AuditEvent
from zhitong.common.transitions import state_changes
from zhitong.coordination import selectors, services
from zhitong.coordination.choices import CertificationStatus, CountedAs, FactStanding
from zhitong.coordination.models import CoordinationFact, FactCertification
from zhitong.core.errors import ConflictError, Forbidden, ServiceError
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.outbox.services import outbox_deliver
from zhitong.projects.models import Project

from .conftest import PDF, at

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


def test_a_projects_problems_from_two_enterprises_at_one_meeting_count_as_one_project_problem(city, scene):
    # seeds/000 五(二)2 counts the project at the meeting, not the enterprise: the project
    # changed hands between its two appeals (its owner is edited in the admin), so they come
    # from two enterprises — still one project problem (once a database error: two facts for
    # one meeting, unit and project).
    a1 = scene.appeal(project=city.project)
    Project.objects.filter(pk=city.project.pk).update(owner=city.other_enterprise)
    a2 = scene.appeal(project=city.project, enterprise=city.other_enterprise)
    assert a1.enterprise_id != a2.enterprise_id
    meeting = hold(city, [a1, a2], day=15)
    (fact,) = facts(meeting=meeting)
    assert fact.counted_as == CountedAs.PROJECT_PROBLEM and fact.project == city.project
    assert fact.appeal_ids == sorted([a1.pk, a2.pk])
    assert fact.enterprise == city.other_enterprise  # the project's owner


def test_a_project_fact_stands_when_a_problem_of_another_enterprise_joins_it(city, scene):
    a1 = scene.appeal(project=city.project)
    meeting = hold(city, [a1], day=15)
    (before,) = facts(meeting=meeting)
    Project.objects.filter(pk=city.project.pk).update(owner=city.other_enterprise)
    a2 = scene.appeal(project=city.project, enterprise=city.other_enterprise)
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[a2.pk], now=at(2025, 9, 15, 16)
    )
    services.meeting_record_opinion(
        actor=city.hub,
        item_id=item.pk,
        opinion="请牵头单位限期办结",
        unit_ids=[item.unit_id],
        due_workdays=5,
        now=at(2025, 9, 15, 18),
    )
    (after,) = facts(meeting=meeting)
    assert after.pk == before.pk  # the same fact (and any certification of it) stands
    assert after.appeal_ids == sorted([a1.pk, a2.pk]) and after.enterprise == city.other_enterprise


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


def exempt(city, appeal, *, approve_at=None):
    appeal_services.appeal_request_exemption(
        appeal_id=appeal.pk,
        actor={city.units.gxj.pk: city.handler, city.units.glq.pk: city.glq_handler}[appeal.lead_unit_id],
        explanation="受国家产业政策调整影响，当年无法解决",
        evidence_files=[SimpleUploadedFile("关于申请不纳入考核的情况说明.pdf", PDF)],
        now=approve_at or at(2025, 9, 2),
    )
    return appeal_services.appeal_approve_exemption(
        appeal_id=appeal.pk, actor=city.hub, note="同意", now=approve_at or at(2025, 9, 2, 10)
    )


def test_exempted_problems_are_not_counted(city, scene):
    a1 = scene.appeal(title="用工招聘困难")
    exempt(city, a1)
    meeting = hold(city, [a1], day=15)
    assert facts(meeting=meeting) == []


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


# -- seeds/000 五(二)3: an exemption approved after the meeting ---------------------------------


def test_an_exemption_approved_after_the_meeting_removes_the_counted_fact_at_once(city, scene):
    a1 = scene.appeal(title="用工招聘困难")
    a2 = scene.appeal(project=city.project)
    meeting = hold(city, [a1, a2], day=15)
    assert len(facts(meeting=meeting)) == 2
    exempt(city, a1, approve_at=at(2025, 9, 20, 10))
    # Gone with the approval, before any month-end job.
    (fact,) = facts(meeting=meeting)
    assert fact.counted_as == CountedAs.PROJECT_PROBLEM
    assert list(selectors.facts_for(month=date(2025, 9, 1), counted=True)) == [fact]
    approval = Transition.objects.get(appeal=a1, action="approve_exemption")
    assert approval.data == {"meeting_ids": [meeting.pk], "facts_removed": 1}


def test_an_exemption_of_one_of_a_projects_problems_keeps_the_project_problem(city, scene):
    a1 = scene.appeal(project=city.project, title="消防验收备案迟迟未办结")
    a2 = scene.appeal(project=city.project, title="施工许可证办理进度慢")
    meeting = hold(city, [a1, a2], day=15)
    (before,) = facts(meeting=meeting)
    exempt(city, a1, approve_at=at(2025, 9, 20, 10))
    (after,) = facts(meeting=meeting)
    assert after.pk == before.pk and after.appeal_ids == [a2.pk]


def test_the_fact_stays_when_the_approval_is_rolled_back(city, scene, monkeypatch):
    from zhitong.appeals.services import closing

    a1 = scene.appeal(title="用工招聘困难")
    meeting = hold(city, [a1], day=15)

    def broken(*args, **kwargs):
        raise RuntimeError("通知失败")

    # The approval fails after the facts were re-evaluated: one transaction, nothing kept.
    monkeypatch.setattr(closing, "to_handler_or_unit", broken)
    with pytest.raises(RuntimeError):
        exempt(city, a1, approve_at=at(2025, 9, 20, 10))
    assert len(facts(meeting=meeting)) == 1
    a1.refresh_from_db()
    assert a1.exemption_status == "requested"


def test_the_month_end_job_is_idempotent_after_the_approvals(city, scene):
    a1 = scene.appeal(title="用工招聘困难")
    a2 = scene.appeal(project=city.project)
    meeting = hold(city, [a1, a2], day=15)
    exempt(city, a1, approve_at=at(2025, 9, 20, 10))
    kept = [(f.pk, f.counted_as, f.appeal_ids) for f in facts(meeting=meeting)]
    assert services.facts_evaluate_month(month=date(2025, 9, 1), now=at(2025, 9, 30, 18)) == 1
    assert services.facts_evaluate_month(month=date(2025, 9, 1), now=at(2025, 9, 30, 19)) == 1
    assert [(f.pk, f.counted_as, f.appeal_ids) for f in facts(meeting=meeting)] == kept
    assert facts(meeting=meeting)[0].evaluated_at == at(2025, 9, 30, 19)


# -- seeds/000 五(二)1: a county principal's meeting ----------------------------------------------


@pytest.fixture
def county_leader(city):
    return UserFactory(
        username="t_glq_leader",
        role=Role.LEADER,
        unit=city.units.glq,
        leader_level=LeaderLevel.COUNTY_PRINCIPAL,
        full_name="鼓楼区张区长",
    )


def minutes(city, meeting, *, when):
    upload = SimpleUploadedFile("会议纪要.pdf", PDF, content_type="application/pdf")
    return services.meeting_upload_minutes(actor=city.hub, meeting_id=meeting.pk, upload=upload, now=when)


def certify(city, cert, *, when, actor=None):
    return services.certification_certify(actor=actor or city.hub, certification_id=cert.pk, now=when)


def test_a_county_principals_meeting_credits_the_county_whoever_leads_the_appeal(city, scene, county_leader):
    a1 = scene.appeal(project=city.project)  # led by GXJ
    meeting = hold(city, [a1], day=15, convener=county_leader)
    assert meeting.level == LeaderLevel.COUNTY_PRINCIPAL
    (fact,) = facts(meeting=meeting)
    assert fact.unit == city.units.glq and fact.needs_certification
    # Listed in the county's own table, not under the city leaders' title (附件3).
    september = date(2025, 9, 1)
    assert selectors.annex3_rows(unit=city.units.glq, month=september) == []
    (row,) = selectors.annex3_rows(unit=city.units.glq, month=september, section=selectors.ANNEX3_COUNTY)
    assert row[5] == "鼓楼区张区长（县区主要领导）"


def test_a_county_principals_meeting_counts_only_with_minutes_and_after_the_certification(
    city, scene, county_leader
):
    a1 = scene.appeal(project=city.project)
    meeting = hold(city, [a1], day=15, convener=county_leader)
    (fact,) = facts(meeting=meeting)
    cert = FactCertification.objects.get(unit=city.units.glq, month=date(2025, 9, 1))
    assert cert.status == CertificationStatus.PENDING
    assert (fact.counted, fact.standing) == (False, FactStanding.AWAITING_EVIDENCE)
    assert not CoordinationFact.objects.counted().exists()
    # Certified without its minutes: the meeting stays out.
    cert = certify(city, cert, when=at(2025, 10, 9, 10))
    fact.refresh_from_db()
    assert cert.status == CertificationStatus.CERTIFIED and cert.certified_count == 0
    assert (fact.counted, fact.standing) == (False, FactStanding.AWAITING_EVIDENCE)
    # Minutes alone do not count either: the certification came before them.
    minutes(city, meeting, when=at(2025, 10, 10, 9))
    fact = facts(meeting=meeting)[0]
    assert (fact.counted, fact.standing) == (False, FactStanding.AWAITING_CERTIFICATION)
    # Withdrawn and certified again: now it counts.
    cert = services.certification_reopen(
        actor=city.hub, certification_id=cert.pk, reason="区政府补传会议纪要", now=at(2025, 10, 10, 10)
    )
    cert = certify(city, cert, when=at(2025, 10, 10, 11))
    fact.refresh_from_db()
    assert (fact.counted, fact.standing, fact.certified_at) == (
        True,
        FactStanding.COUNTED,
        at(2025, 10, 10, 11),
    )
    assert cert.certified_count == 1
    assert list(CoordinationFact.objects.counted()) == [fact]
    assert [h.action for h in state_changes(cert)] == ["certify", "reopen", "certify"]


def test_with_minutes_filed_the_certification_counts_the_meeting(city, scene, county_leader):
    a1 = scene.appeal(project=city.project)
    meeting = hold(city, [a1], day=15, convener=county_leader)
    minutes(city, meeting, when=at(2025, 9, 16, 9))
    (fact,) = facts(meeting=meeting)
    assert (fact.counted, fact.standing) == (False, FactStanding.AWAITING_CERTIFICATION)
    cert = certify(city, FactCertification.objects.get(), when=at(2025, 10, 9, 10))
    fact.refresh_from_db()
    assert fact.counted and cert.certified_count == 1
    event = AuditEvent.objects.filter(action="fact_certification.certify").get()
    assert event.after["certified_count"] == 1 and event.actor_id == city.hub.pk
    # The county's staff are told the certified number.
    outbox_deliver()
    assert city.glq_handler.notifications.filter(kind="coordination.certified").exists()


@pytest.mark.parametrize(
    ("when", "allowed"),
    [(at(2025, 9, 30, 23, 59), False), (at(2025, 10, 1, 0, 0), True)],
    ids=["last-day-of-the-month", "first-day-after"],
)
def test_a_month_is_certified_once_it_has_ended(city, scene, county_leader, when, allowed):
    meeting = hold(city, [scene.appeal(project=city.project)], day=15, convener=county_leader)
    minutes(city, meeting, when=at(2025, 9, 16, 9))
    cert = FactCertification.objects.get()
    if allowed:
        assert certify(city, cert, when=when).status == CertificationStatus.CERTIFIED
    else:
        with pytest.raises(ConflictError, match="尚未结束"):
            certify(city, cert, when=when)


def test_only_the_hub_certifies(city, scene, county_leader):
    meeting = hold(city, [scene.appeal(project=city.project)], day=15, convener=county_leader)
    cert = FactCertification.objects.get(unit=city.units.glq)
    for person in (city.supervisor, city.glq_handler, county_leader, city.leader):
        with pytest.raises(Forbidden):
            certify(city, cert, when=at(2025, 10, 9), actor=person)
    assert FactCertification.objects.get(pk=cert.pk).status == CertificationStatus.PENDING
    assert facts(meeting=meeting)[0].certified_at is None


def test_the_withdrawal_needs_a_reason_and_uncounts_the_month(city, scene, county_leader):
    meeting = hold(city, [scene.appeal(project=city.project)], day=15, convener=county_leader)
    minutes(city, meeting, when=at(2025, 9, 16, 9))
    cert = certify(city, FactCertification.objects.get(), when=at(2025, 10, 9))
    with pytest.raises(ServiceError, match="理由"):
        services.certification_reopen(
            actor=city.hub, certification_id=cert.pk, reason=" ", now=at(2025, 10, 9)
        )
    services.certification_reopen(
        actor=city.hub, certification_id=cert.pk, reason="重新审核", now=at(2025, 10, 9)
    )
    assert not CoordinationFact.objects.counted().exists()


def test_an_opinion_after_the_certification_waits_for_the_next_one(city, scene, county_leader):
    a1 = scene.appeal(project=city.project)
    a2 = scene.appeal(title="用工招聘困难")
    meeting = hold(city, [a1], day=15, convener=county_leader)
    minutes(city, meeting, when=at(2025, 9, 16, 9))
    certify(city, FactCertification.objects.get(), when=at(2025, 10, 9))
    (item,) = services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[a2.pk], now=at(2025, 10, 9)
    )
    services.meeting_record_opinion(
        actor=city.hub,
        item_id=item.pk,
        opinion="请限期办结",
        unit_ids=[city.units.glq.pk],
        due_workdays=5,
        now=at(2025, 10, 10),
    )
    got = {f.counted_as: f.counted for f in facts(meeting=meeting)}
    assert got == {CountedAs.PROJECT_PROBLEM: True, CountedAs.ENTERPRISE_PROBLEM: False}


def test_an_exemption_takes_a_certified_fact_out_too(city, scene, county_leader):
    a1 = scene.appeal(project=city.project)
    meeting = hold(city, [a1], day=15, convener=county_leader)
    minutes(city, meeting, when=at(2025, 9, 16, 9))
    certify(city, FactCertification.objects.get(), when=at(2025, 10, 9))
    assert CoordinationFact.objects.counted().count() == 1
    exempt(city, a1, approve_at=at(2025, 10, 12, 10))
    assert facts(meeting=meeting) == []


def test_a_city_leaders_meeting_needs_no_certification(city, scene):
    meeting = hold(city, [scene.appeal(project=city.project)], day=15)
    (fact,) = facts(meeting=meeting)
    assert (fact.needs_certification, fact.counted) == (False, True)
    assert not FactCertification.objects.exists()


def test_the_migration_names_the_owner_on_project_facts_recorded_before(city, scene):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("zhitong.coordination.migrations.0010_fact_counts_the_project")
    a1 = scene.appeal(project=city.project)
    a2 = scene.appeal(title="用工招聘困难")
    meeting = hold(city, [a1, a2], day=15)
    # As recorded before: the project fact named the enterprise of its appeals.
    Project.objects.filter(pk=city.project.pk).update(owner=city.other_enterprise)
    migration.name_the_owner(apps, None)
    got = {f.counted_as: f.enterprise_id for f in facts(meeting=meeting)}
    assert got == {
        CountedAs.PROJECT_PROBLEM: city.other_enterprise.pk,
        CountedAs.ENTERPRISE_PROBLEM: city.enterprise.pk,  # an enterprise problem keeps its own
    }
