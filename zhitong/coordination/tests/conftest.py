"""Fixtures for the coordination tests: a small city with the demo codes, the people of the
access tests, and `scene`, which makes appeals and escalation requests through the appeals
app's real services."""

from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhitong.appeals import services as appeal_services
from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal, Category
from zhitong.enterprises.choices import Industry
from zhitong.enterprises.tests.factories import ContactFactory, EnterpriseFactory
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.projects.models import Project, ProjectStage
from zhitong.workdays import services as workdays

TZ = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=9, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


# A Monday in a year with an official calendar (the workdays migration seeds it).
START = at(2025, 9, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _frozen_start():
    with time_machine.travel(START, tick=True):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    workdays.invalidate_cache()
    yield
    workdays.invalidate_cache()


@pytest.fixture
def city(db):
    """Units by their demo codes, and people: `handler` and `head` of unit A (GXJ),
    `outsider` (handler of unit B, SWJ), the hubs of FGW and GXJ, leaders, the supervisor."""
    root = UnitFactory(code="SZF", name="榕城市人民政府", kind=UnitKind.CITY_GOVERNMENT)
    u = SimpleNamespace(root=root)
    for code, name, kind in [
        ("SZFB", "市政府办公厅", UnitKind.DEPARTMENT),
        ("FGW", "市发展和改革委员会", UnitKind.DEPARTMENT),
        ("GXJ", "市工业和信息化局", UnitKind.DEPARTMENT),
        ("SWJ", "市商务局", UnitKind.DEPARTMENT),
        ("TCJ", "市投资促进局", UnitKind.DEPARTMENT),
        ("ZRJ", "市自然资源和规划局", UnitKind.DEPARTMENT),
        ("ZJJ", "市住房和城乡建设局", UnitKind.DEPARTMENT),
        ("RSJ", "市人力资源和社会保障局", UnitKind.DEPARTMENT),
        ("XZFW", "市行政服务中心管委会", UnitKind.DEPARTMENT),
        ("GSL", "市工商业联合会", UnitKind.ASSOCIATION),
        ("HOTLINE", "市12345政务服务便民热线管理办公室", UnitKind.DEPARTMENT),
        ("DCS", "市政府督查室", UnitKind.SUPERVISION),
        ("GLQ", "鼓楼区", UnitKind.COUNTY),
        ("CSQ", "仓山区", UnitKind.COUNTY),
    ]:
        setattr(u, code.lower(), UnitFactory(code=code, name=name, kind=kind, parent=root))
    u.gxj_section = UnitFactory(code="GXJ-QYFW", name="企业服务科", kind=UnitKind.SECTION, parent=u.gxj)
    enterprise = EnterpriseFactory(
        name="榕城精密机械有限公司", industry=Industry.MANUFACTURING, location=u.glq
    )
    other = EnterpriseFactory(name="闽江商贸有限公司", industry=Industry.TRADE, location=u.csq)
    ContactFactory(enterprise=enterprise, name="林总", position="董事长", phone="13800000011")
    project = Project.objects.create(
        code="P-001",
        name="榕城精密机械厂房扩建项目",
        owner=enterprise,
        stage=ProjectStage.CONSTRUCTION,
        location=u.glq,
        lead_unit=u.gxj,
        summary="项目总投资2.3亿元，厂房已完工。",
    )
    other_project = Project.objects.create(
        code="P-002", name="闽江商贸物流中心", owner=other, location=u.csq, lead_unit=u.swj
    )
    people = dict(
        hub=UserFactory(username="t_hub", role=Role.HUB, unit=u.fgw),
        # As in the demo city, the 面对面 office's hub sits in a section of GXJ.
        hub_gxj=UserFactory(username="t_hub_gxj", role=Role.HUB, unit=u.gxj_section),
        clerk=UserFactory(username="t_clerk", role=Role.CLERK, unit=u.hotline),
        handler=UserFactory(username="t_handler", role=Role.HANDLER, unit=u.gxj),
        head=UserFactory(
            username="t_head", role=Role.UNIT_HEAD, unit=u.gxj, full_name="王局长", phone="13900000001"
        ),
        section_handler=UserFactory(username="t_section", role=Role.HANDLER, unit=u.gxj_section),
        outsider=UserFactory(username="t_outsider", role=Role.HANDLER, unit=u.swj),
        swj_head=UserFactory(username="t_swj_head", role=Role.UNIT_HEAD, unit=u.swj),
        glq_handler=UserFactory(username="t_glq", role=Role.HANDLER, unit=u.glq),
        supervisor=UserFactory(username="t_supervisor", role=Role.SUPERVISOR, unit=u.dcs),
        enterprise_user=UserFactory(username="t_ent", role=Role.ENTERPRISE, unit=None, enterprise=enterprise),
        leader=UserFactory(
            username="t_leader",
            role=Role.LEADER,
            unit=root,
            leader_level=LeaderLevel.VICE_MAYOR,
            full_name="陈副市长",
        ),
        leader2=UserFactory(
            username="t_leader2",
            role=Role.LEADER,
            unit=root,
            leader_level=LeaderLevel.VICE_MAYOR,
            full_name="李副市长",
        ),
        exec_leader=UserFactory(
            username="t_exec", role=Role.LEADER, unit=root, leader_level=LeaderLevel.EXECUTIVE_VICE_MAYOR
        ),
        mayor=UserFactory(username="t_mayor", role=Role.LEADER, unit=root, leader_level=LeaderLevel.MAYOR),
    )
    people["leader"].portfolio.set([u.gxj, u.swj])
    people["leader2"].portfolio.set([u.fgw, u.zrj, u.glq])
    people["mayor"].portfolio.set([root])
    return SimpleNamespace(
        units=u,
        enterprise=enterprise,
        other_enterprise=other,
        project=project,
        other_project=other_project,
        category=Category.objects.get(code="SCJY"),
        **people,
    )


class Scene:
    """Appeals and requests through the appeals app's services; each step moves `now` on."""

    def __init__(self, city):
        self.c = city
        self.now = START

    def tick(self, hours=1):
        self.now = self.now + timedelta(hours=hours)
        return self.now

    def appeal(
        self, *, status=Status.IN_PROGRESS, lead=None, enterprise=None, project=None, title=None
    ) -> Appeal:
        c = self.c
        lead = lead or c.units.gxj
        enterprise = enterprise or c.enterprise
        with time_machine.travel(self.now, tick=False):
            appeal, _ = appeal_services.appeal_intake(
                actor=c.clerk,
                enterprise_id=enterprise.pk,
                project_id=project.pk if project else None,
                title=title or "厂房竣工验收消防备案迟迟未办结",
                description="企业新建厂房已完工两个月，消防验收备案迟迟未办结，影响设备进场。",
                category_id=c.category.pk,
                channel=Channel.HOTLINE,
                now=self.tick(),
            )
        if status == Status.SUBMITTED:
            return appeal
        appeal = appeal_services.appeal_move(
            appeal_id=appeal.pk,
            move="assign",
            actor=c.hub,
            lead_unit_id=lead.pk,
            override_reason="按属地和职责由该单位牵头",
            now=self.tick(),
        )
        if status == Status.ASSIGNED:
            return appeal
        signer = {c.units.gxj.pk: c.handler, c.units.swj.pk: c.outsider, c.units.glq.pk: c.glq_handler}[
            lead.pk
        ]
        appeal = appeal_services.appeal_move(appeal_id=appeal.pk, move="sign", actor=signer, now=self.tick())
        assert status == Status.IN_PROGRESS
        return appeal

    def escalate(self, appeal: Appeal, *, when=None, units=None, leader=None):
        """An Annex 2 request for `appeal` received at `when` (default: now)."""
        c = self.c
        signer = {c.units.gxj.pk: c.handler, c.units.swj.pk: c.outsider, c.units.glq.pk: c.glq_handler}[
            appeal.lead_unit_id
        ]
        when = when or self.tick()
        with time_machine.travel(when, tick=False):
            appeal = appeal_services.appeal_move(
                appeal_id=appeal.pk,
                move="escalate",
                actor=signer,
                project_name=appeal.project.name if appeal.project_id else appeal.enterprise.name,
                basic_situation="项目总投资2.3亿元，厂房已完工。",
                problem="消防验收备案需市级协调住建、消防部门联合办理。",
                unit_ids_to_coordinate=[u.pk for u in (units or [c.units.zjj, c.units.glq])],
                contact_name="林经理",
                contact_mobile="13800000000",
                leader_id=leader.pk if leader else None,
                now=when,
            )
        self.now = max(self.now, when)
        return appeal.escalations.order_by("-id").first()


@pytest.fixture
def scene(city):
    return Scene(city)
