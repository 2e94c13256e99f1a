"""Fixtures for the appeals domain tests: a small city, its people, and `flow`, which
drives a fresh appeal through the real services into any state."""

import importlib
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from zhitong.appeals import services
from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal, Category
from zhitong.enterprises.choices import Industry
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.workdays import services as workdays

TZ = ZoneInfo("Asia/Shanghai")
# A Monday in a year with an official calendar (the workdays migration seeds it).
START = datetime(2025, 9, 1, 9, 0, tzinfo=TZ)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name="办结报告.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _frozen_start():
    """Tests run at START (time ticks on from there) unless they travel elsewhere."""
    with time_machine.travel(START, tick=True):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The factories set real passwords; the production hasher costs ~1 s per user.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    workdays.invalidate_cache()
    yield
    workdays.invalidate_cache()


def _seeded_categories_and_rules():
    """The rows migration 0005 seeds. A transactional test elsewhere may have flushed
    them (pytest-django flushes after each one), so put them back when missing."""
    if not Category.objects.filter(code="SCJY").exists():
        from django.apps import apps

        seed = importlib.import_module("zhitong.appeals.migrations.0005_seed_categories_routing").seed
        seed(apps, None)


@pytest.fixture
def city(db):
    """Units by their demo codes and the people of the access tests: `handler` (handler of
    unit A = GXJ), `head` (head of unit A), `outsider` (handler of unit B = SWJ)."""
    _seeded_categories_and_rules()
    root = UnitFactory(code="SZF", name="榕城市人民政府", kind=UnitKind.CITY_GOVERNMENT)
    u = SimpleNamespace(root=root)
    for code, name, kind in [
        ("FGW", "市发展和改革委员会", UnitKind.DEPARTMENT),
        ("GXJ", "市工业和信息化局", UnitKind.DEPARTMENT),
        ("SWJ", "市商务局", UnitKind.DEPARTMENT),
        ("TCJ", "市投资促进局", UnitKind.DEPARTMENT),
        ("XZFW", "市行政服务中心管委会", UnitKind.DEPARTMENT),
        ("HOTLINE", "市12345政务服务便民热线管理办公室", UnitKind.DEPARTMENT),
        ("DCS", "市政府督查室", UnitKind.SUPERVISION),
        ("GLQ", "鼓楼区", UnitKind.COUNTY),
    ]:
        setattr(u, code.lower(), UnitFactory(code=code, name=name, kind=kind, parent=root))
    u.gxj_section = UnitFactory(code="GXJ-QYFW", name="企业服务科", kind=UnitKind.SECTION, parent=u.gxj)
    enterprise = EnterpriseFactory(
        name="榕城精密机械有限公司", industry=Industry.MANUFACTURING, location=u.glq
    )
    other_enterprise = EnterpriseFactory(name="闽江商贸有限公司", industry=Industry.TRADE, location=u.glq)
    people = dict(
        hub=UserFactory(username="t_hub", role=Role.HUB, unit=u.fgw),
        clerk=UserFactory(username="t_clerk", role=Role.CLERK, unit=u.hotline),
        handler=UserFactory(username="t_handler", role=Role.HANDLER, unit=u.gxj, phone="13800000001"),
        head=UserFactory(username="t_head", role=Role.UNIT_HEAD, unit=u.gxj),
        section_handler=UserFactory(username="t_section", role=Role.HANDLER, unit=u.gxj_section),
        outsider=UserFactory(username="t_outsider", role=Role.HANDLER, unit=u.swj),
        tcj_handler=UserFactory(username="t_tcj", role=Role.HANDLER, unit=u.tcj),
        swj_head=UserFactory(username="t_swj_head", role=Role.UNIT_HEAD, unit=u.swj),
        supervisor=UserFactory(username="t_supervisor", role=Role.SUPERVISOR, unit=u.dcs),
        enterprise_user=UserFactory(username="t_ent", role=Role.ENTERPRISE, unit=None, enterprise=enterprise),
        other_enterprise_user=UserFactory(
            username="t_ent2", role=Role.ENTERPRISE, unit=None, enterprise=other_enterprise
        ),
        leader=UserFactory(username="t_leader", role=Role.LEADER, unit=root),
    )
    people["leader"].portfolio.set([u.gxj])
    return SimpleNamespace(
        units=u,
        enterprise=enterprise,
        other_enterprise=other_enterprise,
        category=Category.objects.get(code="SCJY"),
        **people,
    )


class Flow:
    """Drives a fresh appeal through the real services. Each step advances `now` by an
    hour so the timeline has a believable order."""

    def __init__(self, city):
        self.c = city
        self.now = START

    def tick(self, hours=1):
        self.now = self.now + timedelta(hours=hours)
        return self.now

    def intake(self, **kw):
        args = dict(
            actor=self.c.clerk,
            enterprise_id=self.c.enterprise.pk,
            title="厂房竣工验收消防备案迟迟未办结",
            description="企业新建厂房已完工两个月，消防验收备案材料提交后迟迟未办结，影响设备进场。",
            category_id=self.c.category.pk,
            channel=Channel.HOTLINE,
            now=self.tick(),
        )
        args.update(kw)
        appeal, _ = services.appeal_intake(**args)
        return appeal

    def move(self, appeal, move, actor, **data):
        return services.appeal_move(appeal_id=appeal.pk, move=move, actor=actor, now=self.tick(), **data)

    def to(self, status, **intake_kw) -> Appeal:
        """A fresh appeal in `status`, reached through the services."""
        c = self.c
        if status == Status.MATERIALS_PENDING:
            return self.intake(materials_missing=["营业执照副本", "消防验收申请表"], **intake_kw)
        a = self.intake(**intake_kw)
        if status == Status.SUBMITTED:
            return a
        if status == Status.MERGED:
            target = self.intake(title="消防备案办理缓慢")
            return self.move(a, "merge", c.hub, into_id=target.pk, reason="同一事项重复反映")
        a = self.move(a, "assign", c.hub, cooperating_unit_ids=[c.units.tcj.pk])
        if status == Status.ASSIGNED:
            return a
        if status == Status.TRANSFER_REQUESTED:
            return self.move(a, "object", c.handler, reason="该事项属于住建部门职责")
        a = self.move(a, "sign", c.handler)
        if status == Status.IN_PROGRESS:
            return a
        if status == Status.WITHDRAWN:
            return self.move(a, "withdraw", c.enterprise_user, reason="问题已自行解决")
        if status == Status.ESCALATED:
            return self.move(a, "escalate", c.handler, **self.escalation_data())
        a = self.move(a, "resolve", c.handler, resolution="已协调消防部门完成备案。", evidence_files=[pdf()])
        if status == Status.RESOLVED:
            return a
        a = self.move(a, "verify", c.hub)
        if status == Status.VERIFIED:
            return a
        a = self.move(a, "rate", c.enterprise_user, rating=5)
        assert status == Status.CLOSED
        return a

    def escalation_data(self):
        c = self.c
        return dict(
            project_name="榕城精密机械厂房扩建项目",
            basic_situation="项目总投资2.3亿元，厂房已完工。",
            problem="消防验收备案需市级协调住建、消防部门联合办理。",
            unit_ids_to_coordinate=[c.units.swj.pk, c.units.glq.pk],
            contact_name="林经理",
            contact_mobile="13800000000",
        )


@pytest.fixture
def flow(city):
    return Flow(city)
