"""Fixtures of the assessment tests: the coordination tests' small city (units by their demo
codes, the three people of the access tests and the roles), and `build`, which writes the
rows the counting reads (appeals, meetings, facts, requests, ratings) directly, each with
exactly the columns the coordination and appeals apps would have stored."""

from datetime import date, datetime
from itertools import count
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhitong.appeals.choices import Channel, ExemptionStatus, Status
from zhitong.appeals.models import Appeal, Transition
from zhitong.coordination.choices import CountedAs
from zhitong.coordination.models import CoordinationFact, EscalationRequest, FactCertification, Meeting
from zhitong.coordination.tests.conftest import city  # noqa: F401
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.tests.factories import UserFactory

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


# The hand-worked month is September 2025; it is looked at on 2 October.
TODAY = at(2025, 10, 2, 9)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def people(city):  # noqa: F811
    """The roles beyond the coordination tests' people: the overseer (人大)."""
    city.overseer = UserFactory(username="t_overseer", role=Role.OVERSEER, unit=city.units.root)
    city.glq_head = UserFactory(username="t_glq_head", role=Role.UNIT_HEAD, unit=city.units.glq)
    return city


class Build:
    def __init__(self, c):
        self.c = c
        self.n = count(1)

    def appeal(self, lead, **kw) -> Appeal:
        n = next(self.n)
        fields = dict(
            code=f"T2025{n:05d}",
            enterprise=self.c.enterprise,
            title=f"测试诉求{n}",
            description="企业反映的困难",
            category=self.c.category,
            channel=Channel.HOTLINE,
            received_at=at(2025, 8, 25),
            received_by=self.c.clerk,
            received_unit=self.c.units.hotline,
            status=Status.IN_PROGRESS,
            lead_unit=lead,
        )
        fields.update(kw)
        return Appeal.objects.create(**fields)

    def concluded(self, lead, *, verified: datetime, on_time: bool, **kw) -> Appeal:
        return self.appeal(
            lead,
            status=Status.VERIFIED,
            resolved_at=verified,
            verified_at=verified,
            resolved_on_time=on_time,
            **kw,
        )

    def meeting(self, *, held: datetime, level=LeaderLevel.VICE_MAYOR, title=None) -> Meeting:
        return Meeting.objects.create(
            title=title or f"协调会{next(self.n)}",
            level=level,
            convener=self.c.leader,
            held_at=held,
            created_by=self.c.hub,
        )

    def fact(
        self, meeting: Meeting, unit, *, project=None, enterprise=None, appeals=(), certified=None
    ) -> CoordinationFact:
        needs = meeting.level == LeaderLevel.COUNTY_PRINCIPAL
        month = date(meeting.held_at.astimezone(TZ).year, meeting.held_at.astimezone(TZ).month, 1)
        if needs:
            FactCertification.objects.get_or_create(unit=unit, month=month)
        return CoordinationFact.objects.create(
            meeting=meeting,
            unit=unit,
            month=month,
            counted_as=CountedAs.PROJECT_PROBLEM if project else CountedAs.ENTERPRISE_PROBLEM,
            project=project,
            enterprise=enterprise or (project.owner if project else self.c.enterprise),
            appeal_ids=[a.pk for a in appeals],
            evaluated_at=meeting.held_at,
            needs_certification=needs,
            certified_at=certified,
        )

    def request(self, appeal: Appeal, unit, *, month: date, status="submitted") -> EscalationRequest:
        return EscalationRequest.objects.create(
            appeal=appeal,
            project_name="项目",
            basic_situation="情况",
            problem="问题",
            reporting_unit=unit,
            contact_name="张三",
            contact_mobile="13800000000",
            requested_by=self.c.handler,
            received_at=at(month.year, month.month, 5),
            batch_month=month,
            status=status,
        )

    def rating(self, appeal: Appeal, *, when: datetime, rating: int) -> Transition:
        reopened = rating <= 2
        return Transition.objects.create(
            appeal=appeal,
            action="rate",
            from_status=Status.VERIFIED,
            to_status=Status.IN_PROGRESS if reopened else Status.CLOSED,
            at=when,
            data={"rating": rating, "lead_unit_id": appeal.lead_unit_id, "reopened": reopened},
        )

    def exempt(self, appeal: Appeal) -> None:
        Appeal.objects.filter(pk=appeal.pk).update(exemption_status=ExemptionStatus.APPROVED)


@pytest.fixture
def build(people):
    return Build(people)
