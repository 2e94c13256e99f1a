"""Fixtures of the projects tests. Each part of issue 10 prefixes its fixtures with its name
(`pdisp_*`: dispatch, consultation, inspection and the leaders' digest)."""

from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.projects.models import Project, ProjectLevel, ProjectStage

PDISP_TZ = ZoneInfo("Asia/Shanghai")
# A Friday in November: the city's Q4, the county's November.
PDISP_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=PDISP_TZ)


@pytest.fixture
def pdisp_now():
    with time_machine.travel(PDISP_NOW, tick=False):
        yield PDISP_NOW


@pytest.fixture
def pdisp_city(db, pdisp_now):
    """A city with two counties and a park, the people of the access tests, and projects in
    every stage:

    - `hub` (FGW), `handler`/`head` of GXJ (the lead unit of the city projects), `outsider`
      (handler of SWJ), `glq_handler`/`glq_head` (county GLQ), `csq_handler` (county CSQ),
      `leader` and `leader2` (vice mayors), `glq_principal` (GLQ's 区长, a county principal),
      `supervisor`, `clerk`, `enterprise_user`;
    - `major` (city major, construction, GLQ, led by GXJ, leader `leader`), `key` (city key,
      approval, CSQ, led by CSQ, leader `leader`), `county` (county level, construction, GLQ,
      led by GLQ), `talks` (negotiation, GLQ, led by GLQ, leader `leader`), `signed`
      (signed, GXQ park, led by GXJ, leader `leader2`), `reserve` (reserve, CSQ)."""
    root = UnitFactory(code="SZF", name="榕城市人民政府", kind=UnitKind.CITY_GOVERNMENT)
    u = SimpleNamespace(root=root)
    for code, name, kind in [
        ("FGW", "市发展和改革委员会", UnitKind.DEPARTMENT),
        ("GXJ", "市工业和信息化局", UnitKind.DEPARTMENT),
        ("SWJ", "市商务局", UnitKind.DEPARTMENT),
        ("DCS", "市政府督查室", UnitKind.SUPERVISION),
        ("GLQ", "鼓楼区", UnitKind.COUNTY),
        ("CSQ", "仓山区", UnitKind.COUNTY),
        ("GXQ", "高新区", UnitKind.PARK),
    ]:
        setattr(u, code.lower(), UnitFactory(code=code, name=name, kind=kind, parent=root))
    enterprise = EnterpriseFactory(name="榕城精密机械有限公司", location=u.glq)
    people = dict(
        hub=UserFactory(username="p_hub", role=Role.HUB, unit=u.fgw),
        handler=UserFactory(username="p_handler", role=Role.HANDLER, unit=u.gxj),
        head=UserFactory(username="p_head", role=Role.UNIT_HEAD, unit=u.gxj),
        outsider=UserFactory(username="p_outsider", role=Role.HANDLER, unit=u.swj),
        glq_handler=UserFactory(username="p_glq", role=Role.HANDLER, unit=u.glq),
        glq_head=UserFactory(username="p_glq_head", role=Role.UNIT_HEAD, unit=u.glq),
        csq_handler=UserFactory(username="p_csq", role=Role.HANDLER, unit=u.csq),
        leader=UserFactory(
            username="p_leader",
            role=Role.LEADER,
            unit=root,
            leader_level=LeaderLevel.VICE_MAYOR,
            full_name="陈副市长",
            position="副市长",
        ),
        leader2=UserFactory(
            username="p_leader2",
            role=Role.LEADER,
            unit=root,
            leader_level=LeaderLevel.VICE_MAYOR,
            full_name="李副市长",
        ),
        glq_principal=UserFactory(
            username="p_glq_principal",
            role=Role.LEADER,
            unit=u.glq,
            leader_level=LeaderLevel.COUNTY_PRINCIPAL,
            full_name="王区长",
        ),
        supervisor=UserFactory(username="p_supervisor", role=Role.SUPERVISOR, unit=u.dcs),
        clerk=UserFactory(username="p_clerk", role=Role.CLERK, unit=u.fgw),
        enterprise_user=UserFactory(username="p_ent", role=Role.ENTERPRISE, unit=None, enterprise=enterprise),
    )
    people["leader"].portfolio.set([u.gxj])
    people["glq_principal"].portfolio.set([u.glq])

    def project(code, name, stage, level, location, lead, leader=None, plan="10000"):
        return Project.objects.create(
            code=code,
            name=name,
            owner=enterprise,
            stage=stage,
            level=level,
            location=location,
            lead_unit=lead,
            leader=leader,
            annual_investment=Decimal(plan),
            total_investment=Decimal(plan) * 3,
        )

    S, L = ProjectStage, ProjectLevel
    projects = dict(
        major=project(
            "P-01",
            "精密机械智能制造产业园",
            S.CONSTRUCTION,
            L.CITY_MAJOR,
            u.glq,
            u.gxj,
            people["leader"],
            "50000",
        ),
        key=project("P-02", "闽江冷链物流中心", S.APPROVAL, L.KEY, u.csq, u.csq, people["leader"], "20000"),
        county=project("P-03", "鼓楼数字化车间改造", S.CONSTRUCTION, L.COUNTY, u.glq, u.glq),
        talks=project("P-04", "新型储能电池生产基地", S.NEGOTIATION, L.KEY, u.glq, u.glq, people["leader"]),
        signed=project("P-05", "高新区研发中心", S.SIGNED, L.KEY, u.gxq, u.gxj, people["leader2"]),
        reserve=project("P-06", "仓山文旅综合体", S.RESERVE, L.KEY, u.csq, u.csq),
    )
    return SimpleNamespace(units=u, enterprise=enterprise, **people, **projects)
