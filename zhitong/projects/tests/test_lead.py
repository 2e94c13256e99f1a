"""The lead unit per stage (seeds/003 二): each rule with its explanation, the rule-based team
rows kept at every stage move, the hub's override and the escalation to the vice mayor."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from zhitong.audit.models import AuditEvent
from zhitong.core.errors import ConflictError, Forbidden, InvalidInput
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.notifications.models import Notification
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.projects.lead import ESCALATION_TEXT, decide_lead
from zhitong.projects.machines import STAGE
from zhitong.projects.models import (
    ApprovalAuthority,
    MemberRole,
    Project,
    ProjectLevel,
    ProjectMember,
    ProjectStage,
)
from zhitong.projects.services import (
    project_apply_lead,
    project_clear_lead_override,
    project_end_escalation,
    project_escalate,
    project_override_lead,
)
from zhitong.projects.tests.consultations import agreed_consultation

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
S = ProjectStage
A = ApprovalAuthority
K = UnitKind


@pytest.fixture
def lead_city(db):
    """榕城市: two counties, a park with its own 招商局, city departments and the bureau."""
    root = UnitFactory(code="SZF", kind=K.CITY_GOVERNMENT, name="市政府", short_name="市政府")

    def unit(code, kind, short, parent=root):
        return UnitFactory(code=code, kind=kind, name=f"榕城市{short}", short_name=short, parent=parent)

    units = {
        "root": root,
        "glq": unit("GLQ", K.COUNTY, "鼓楼区"),
        "tjq": unit("TJQ", K.COUNTY, "台江区"),
        "gxq": unit("GXQ", K.PARK, "高新区"),
        "gxj": unit("GXJ", K.DEPARTMENT, "市工信局"),
        "swj": unit("SWJ", K.DEPARTMENT, "市商务局"),
        "fgw": unit("FGW", K.DEPARTMENT, "市发改委"),
        "tcj": unit("TCJ", K.DEPARTMENT, "市投促局"),
    }
    units["gxq_zsj"] = unit("GXQ-ZSJ", K.SECTION, "高新区招商局", parent=units["gxq"])
    units["glq_gxj"] = unit("GLQ-GXJ", K.SECTION, "鼓楼区工信局", parent=units["glq"])
    units["gxj_qyfw"] = unit("GXJ-QYFW", K.SECTION, "企业服务科", parent=units["gxj"])
    units["tcj_xmtj"] = unit("TCJ-XMTJ", K.SECTION, "项目推进科", parent=units["tcj"])
    units["owner"] = EnterpriseFactory(location=units["glq"])
    return units


def make(u, **facts):
    """An unsaved project landing in 鼓楼区 (decide_lead needs no row)."""
    facts.setdefault("stage", S.NEGOTIATION)
    facts.setdefault("location", u["glq"])
    return Project(code="P-1", name="新材料产业园", owner=u["owner"], lead_unit=facts["location"], **facts)


def codes(units):
    return [x.code for x in units]


# -- 二(一): from the first talks to signing, the first-contact unit leads ------------------------


def test_a_county_that_first_talked_leads_the_negotiation_with_city_departments_cooperating(lead_city):
    u = lead_city
    d = decide_lead(make(u, first_contact_unit=u["glq"], industry_unit=u["gxj"]))
    assert d.lead_unit == u["glq"] and d.clause == "二(一)1"
    assert codes(d.partners) == ["GXJ"] and d.helpers == d.supervisors == d.cooperators == ()
    assert d.explanation == (
        "洽谈至签约阶段，项目首谈单位即是牵头单位（seeds/003 二(一)）：首谈单位鼓楼区是县(市)区、园区，"
        "由其牵头，市直相关部门（市工信局）配合（二(一)1）。"
    )


def test_a_department_that_first_talked_leads_with_the_county_the_project_would_land_in(lead_city):
    u = lead_city
    # A section talked: its department leads (a section acts for its department).
    d = decide_lead(make(u, stage=S.RESERVE, first_contact_unit=u["gxj_qyfw"]))
    assert d.lead_unit == u["gxj"] and d.clause == "二(一)2"
    assert codes(d.partners) == ["GLQ"]
    assert d.explanation == (
        "洽谈至签约阶段，项目首谈单位即是牵头单位（seeds/003 二(一)）：首谈单位市工信局是市直部门，由其牵头，"
        "相关部门及项目拟落户的县(市)区、园区（鼓楼区）配合（二(一)2）。"
    )


def test_without_a_first_contact_unit_the_host_county_leads_for_now_and_says_so(lead_city):
    d = decide_lead(make(lead_city))
    assert d.lead_unit == lead_city["glq"] and d.pending == "首谈单位未登记"
    assert "首谈单位尚未登记，暂由项目拟落户的鼓楼区牵头；登记首谈单位后改由首谈单位牵头。" in d.explanation


# -- 二(二): after signing, the introducing unit continues ----------------------------------------


def test_a_county_keeps_the_project_it_introduced_after_signing(lead_city):
    u = lead_city
    d = decide_lead(
        make(
            u, stage=S.SIGNED, first_contact_unit=u["gxj"], introducing_unit=u["glq"], industry_unit=u["gxj"]
        )
    )
    assert d.lead_unit == u["glq"] and d.clause == "二(二)1" and codes(d.partners) == ["GXJ"]
    assert d.explanation.startswith(
        "签约后办理手续、开工、建设直至竣工阶段，县(市)区、园区引进的项目继续由鼓楼区作为服务团队的牵头单位，"
        "市直相关部门（市工信局）配合（seeds/003 二(二)1）。"
    )


def test_a_park_keeps_what_its_own_investment_bureau_introduced(lead_city):
    u = lead_city
    # The park's 招商局 is part of the park, not the city's bureau (二(二)1, not 二(二)3).
    d = decide_lead(make(u, stage=S.APPROVAL, location=u["gxq"], introducing_unit=u["gxq_zsj"]))
    assert d.lead_unit == u["gxq"] and d.clause == "二(二)1"


def test_a_department_keeps_the_project_it_introduced_after_signing(lead_city):
    u = lead_city
    d = decide_lead(make(u, stage=S.CONSTRUCTION, introducing_unit=u["swj"], industry_unit=u["gxj"]))
    assert d.lead_unit == u["swj"] and d.clause == "二(二)2" and codes(d.partners) == ["GXJ", "GLQ"]
    assert d.explanation.startswith(
        "签约后办理手续、开工、建设直至竣工阶段，市直部门引进的项目继续由市商务局作为服务团队的牵头单位，"
        "相关部门及项目落户的县(市)区、园区（市工信局、鼓楼区）配合（seeds/003 二(二)2）。"
    )


def test_the_bureaus_project_goes_to_the_department_the_city_designated(lead_city):
    u = lead_city
    d = decide_lead(make(u, stage=S.SIGNED, introducing_unit=u["tcj_xmtj"], designated_unit=u["gxj"]))
    assert d.lead_unit == u["gxj"] and d.clause == "二(二)3" and d.pending == ""
    assert d.explanation.startswith(
        "签约后办理手续、开工、建设直至竣工阶段，市招商局（市投促局）引进的项目，由市政府根据项目行业对口及"
        "关联度指定的市工信局作为牵头单位（seeds/003 二(二)3）"
    )


def test_until_the_city_designates_a_department_the_bureau_keeps_leading_and_says_so(lead_city):
    u = lead_city
    d = decide_lead(make(u, stage=S.SIGNED, introducing_unit=u["tcj"]))
    assert d.lead_unit == u["tcj"] and d.clause == "二(二)3" and d.pending == "市政府尚未指定牵头部门"
    assert "市政府尚未指定，暂由市投促局牵头；登记指定的部门后改由该部门牵头。" in d.explanation


def test_the_bureau_is_found_by_its_configured_code(lead_city):
    u = lead_city
    project = make(u, stage=S.SIGNED, introducing_unit=u["fgw"], designated_unit=u["gxj"])
    assert decide_lead(project).lead_unit == u["fgw"]  # 市发改委 is an ordinary department
    with override_settings(ZHITONG_INVESTMENT_BUREAU_CODE="FGW"):
        assert decide_lead(project).lead_unit == u["gxj"]


def test_without_an_introducing_unit_the_first_contact_unit_is_taken_as_it_and_said(lead_city):
    u = lead_city
    d = decide_lead(make(u, stage=S.SIGNED, first_contact_unit=u["swj"]))
    assert d.lead_unit == u["swj"] and d.clause == "二(二)2"
    assert d.explanation.startswith("引进单位未登记，以首谈单位市商务局为引进单位。")
    d = decide_lead(make(u, stage=S.SIGNED))
    assert d.lead_unit == u["glq"] and d.pending == "引进单位未登记"


# -- 二(二)4: who helps, supervises, cooperates, by approval authority -----------------------------


def test_approvals_in_the_county_are_helped_by_the_county_and_supervised_by_the_lead(lead_city):
    u = lead_city
    d = decide_lead(make(u, stage=S.APPROVAL, introducing_unit=u["swj"], approval_authority=A.COUNTY))
    assert codes(d.helpers) == ["GLQ"] and codes(d.supervisors) == ["SWJ"] and d.cooperators == ()
    assert (
        "审批权限在县(市)区、园区，由鼓楼区负责具体帮办，牵头单位市商务局督办（二(二)4）。" in d.explanation
    )


def test_approvals_at_the_city_are_helped_by_the_lead_unit_itself(lead_city):
    u = lead_city
    d = decide_lead(make(u, stage=S.APPROVAL, introducing_unit=u["swj"], approval_authority=A.CITY))
    assert codes(d.helpers) == ["SWJ"] and d.supervisors == d.cooperators == ()
    assert "审批权限在市级，由牵头单位市商务局具体帮办（二(二)4）。" in d.explanation


def test_approvals_above_the_city_are_cooperated_by_the_counterpart_and_supervised_by_the_lead(lead_city):
    u = lead_city
    facts = {"stage": S.CONSTRUCTION, "introducing_unit": u["glq"], "approval_authority": A.ABOVE_CITY}
    d = decide_lead(make(u, industry_unit=u["fgw"], **facts))
    assert codes(d.cooperators) == ["FGW"] and codes(d.supervisors) == ["GLQ"] and d.helpers == ()
    assert "审批权限在市级以上，由对口部门市发改委负责协办，牵头单位鼓楼区督办（二(二)4）。" in d.explanation
    d = decide_lead(make(u, **facts))
    assert d.cooperators == () and "对口部门未登记：请登记项目的行业主管部门" in d.explanation


def test_no_one_helps_or_supervises_by_approval_authority_before_signing_or_in_operation(lead_city):
    u = lead_city
    for stage in (S.RESERVE, S.NEGOTIATION, S.OPERATING):
        d = decide_lead(make(u, stage=stage, introducing_unit=u["swj"], approval_authority=A.COUNTY))
        assert d.helpers == d.supervisors == d.cooperators == () and not d.may_escalate


def test_a_city_major_project_after_signing_may_go_to_the_vice_mayor_in_charge(lead_city):
    u = lead_city
    major = decide_lead(make(u, stage=S.SIGNED, introducing_unit=u["swj"], level=ProjectLevel.CITY_MAJOR))
    key = decide_lead(make(u, stage=S.SIGNED, introducing_unit=u["swj"], level=ProjectLevel.KEY))
    assert major.may_escalate and ESCALATION_TEXT in major.explanation
    assert "（二(二)5）" in ESCALATION_TEXT and ESCALATION_TEXT not in key.explanation


# -- 二(三): in operation the industry authority leads ------------------------------------------


def test_in_operation_the_countys_industry_department_leads_what_the_county_introduced(lead_city):
    u = lead_city
    d = decide_lead(make(u, stage=S.OPERATING, introducing_unit=u["glq"], industry_unit=u["glq_gxj"]))
    assert d.lead_unit == u["glq_gxj"] and d.clause == "二(三)1"
    assert d.explanation == (
        "投产运营阶段，县(市)区、园区引进的项目由鼓楼区的行业主管部门鼓楼区工信局作为服务团队的牵头单位，"
        "相关部门配合（seeds/003 二(三)1）。"
    )
    # A city department is not the county's industry authority: the county leads for now.
    d = decide_lead(make(u, stage=S.OPERATING, introducing_unit=u["glq"], industry_unit=u["gxj"]))
    assert d.lead_unit == u["glq"] and d.pending == "县(市)区、园区行业主管部门未登记"
    assert "鼓楼区的行业主管部门尚未登记，暂由鼓楼区牵头" in d.explanation


def test_in_operation_the_citys_industry_authority_leads_what_a_department_introduced(lead_city):
    u = lead_city
    d = decide_lead(make(u, stage=S.OPERATING, introducing_unit=u["tcj"], industry_unit=u["swj"]))
    assert d.lead_unit == u["swj"] and d.clause == "二(三)2" and codes(d.partners) == ["GLQ"]
    assert d.explanation == (
        "投产运营阶段，市直部门引进的项目由市行业主管部门市商务局作为服务团队的牵头单位，相关部门及项目落户的"
        "县(市)区、园区（鼓楼区）配合（seeds/003 二(三)2）。"
    )
    d = decide_lead(make(u, stage=S.OPERATING, introducing_unit=u["tcj"], designated_unit=u["gxj"]))
    assert d.lead_unit == u["gxj"] and d.pending == "市行业主管部门未登记"
    assert "市行业主管部门尚未登记，暂由市工信局继续牵头" in d.explanation


def test_an_override_stays_the_lead_and_the_explanation_says_what_the_rules_chose(lead_city):
    u = lead_city
    project = make(u, stage=S.APPROVAL, introducing_unit=u["swj"], approval_authority=A.CITY)
    project.lead_unit, project.lead_override_reason = u["fgw"], "市政府常务会议决定由发改委牵头"
    d = decide_lead(project)
    assert d.lead_unit == u["fgw"] and d.rule_lead == u["swj"] and d.overridden
    assert codes(d.helpers) == ["FGW"]  # 二(二)4 follows the lead unit actually leading
    assert d.explanation.startswith(
        "统筹协调专员已人工指定市发改委为牵头单位，理由：市政府常务会议决定由发改委牵头；按规则本应由市商务局牵头。"
    )


# -- stored and kept in step ---------------------------------------------------------------------


@pytest.fixture
def moving(lead_city):
    u = lead_city
    project = Project.objects.create(
        code="P-9",
        name="智能终端产业园",
        owner=u["owner"],
        location=u["glq"],
        lead_unit=u["glq"],
        first_contact_unit=u["tcj"],
        introducing_unit=u["tcj"],
        industry_unit=u["gxj"],
        approval_authority=A.COUNTY,
    )
    return {
        **u,
        "project": project,
        "hub": UserFactory(role=Role.HUB, unit=u["root"]),
        "bureau_staff": UserFactory(role=Role.HANDLER, unit=u["tcj"]),
        "industry_staff": UserFactory(role=Role.HANDLER, unit=u["gxj"]),
        "fgw_staff": UserFactory(role=Role.HANDLER, unit=u["fgw"]),
        "outsider": UserFactory(role=Role.HANDLER, unit=u["tjq"]),
        "vice_mayor": UserFactory(role=Role.LEADER, unit=u["root"], leader_level=LeaderLevel.VICE_MAYOR),
    }


def move(p, name, actor, on):
    p.refresh_from_db()
    if name == "sign":  # seeds/002: signing needs an agreed admission consultation
        agreed_consultation(p, actor)
    return STAGE.dispatch(pk=p.pk, move=name, actor=actor, on=on, note="", now=NOW)


def current(project, role=None):
    qs = ProjectMember.objects.filter(project=project, until__isnull=True).order_by("role", "unit__code")
    if role:
        qs = qs.filter(role=role)
    return [(m.role, m.unit.code) for m in qs.select_related("unit")]


def test_every_stage_move_decides_the_lead_unit_and_keeps_one_lead_row(moving):
    m = moving
    p = m["project"]
    move(p, "start_negotiation", m["hub"], date(2026, 3, 2))
    p.refresh_from_db()
    assert p.lead_unit == m["tcj"] and "二(一)2" in p.lead_basis
    move(p, "sign", m["bureau_staff"], date(2026, 6, 18))
    p.refresh_from_db()
    # 二(二)3 without a designated department: the bureau keeps leading, and says so.
    assert p.lead_unit == m["tcj"] and "市政府尚未指定" in p.lead_basis
    assert current(p, MemberRole.HELPER_UNIT) == [("helper_unit", "GLQ")]
    assert current(p, MemberRole.SUPERVISOR_UNIT) == [("supervisor_unit", "TCJ")]
    p.designated_unit = m["gxj"]
    p.save()
    project_apply_lead(project=p, actor=m["hub"], now=NOW)
    p.refresh_from_db()
    assert p.lead_unit == m["gxj"]
    assert current(p, MemberRole.LEAD_UNIT) == [("lead_unit", "GXJ")]
    assert current(p, MemberRole.SUPERVISOR_UNIT) == [("supervisor_unit", "GXJ")]
    rows = list(ProjectMember.objects.filter(project=p, role=MemberRole.LEAD_UNIT).order_by("id"))
    # The lead's dated history: one current row, the others ended.
    assert [(r.unit.code, r.until is None) for r in rows] == [("TCJ", False), ("GXJ", True)]
    assert (rows[0].since, rows[0].until, rows[1].since) == (date(2026, 3, 2), NOW.date(), NOW.date())
    event = AuditEvent.objects.filter(action="project.lead_apply").get()
    assert event.after["lead_unit_id"] == m["gxj"].pk


def test_applying_the_lead_again_without_a_change_records_nothing(moving):
    m = moving
    p = m["project"]
    project_apply_lead(project=p, actor=m["hub"], now=NOW)
    n = AuditEvent.objects.filter(action="project.lead_apply").count()
    rows = ProjectMember.objects.count()
    project_apply_lead(project=p, actor=m["hub"], now=NOW)
    assert AuditEvent.objects.filter(action="project.lead_apply").count() == n
    assert ProjectMember.objects.count() == rows


def test_the_hub_overrides_the_lead_with_a_reason_until_the_stage_changes(moving):
    m = moving
    p = m["project"]
    move(p, "start_negotiation", m["hub"], date(2026, 3, 2))
    with pytest.raises(Forbidden):
        project_override_lead(project_id=p.pk, actor=m["bureau_staff"], unit=m["fgw"], reason="调整", now=NOW)
    with pytest.raises(InvalidInput):
        project_override_lead(project_id=p.pk, actor=m["hub"], unit=m["fgw"], reason="  ", now=NOW)
    p.refresh_from_db()
    with pytest.raises(ConflictError):  # a form rendered before the last change
        project_override_lead(
            project_id=p.pk,
            actor=m["hub"],
            unit=m["fgw"],
            reason="调整",
            expected_version=p.version - 1,
            now=NOW,
        )
    project_override_lead(
        project_id=p.pk,
        actor=m["hub"],
        unit=m["fgw"],
        reason="市长办公会确定",
        expected_version=p.version,
        now=NOW,
    )
    p.refresh_from_db()
    assert p.lead_unit == m["fgw"] and p.lead_override_reason == "市长办公会确定"
    assert p.lead_basis.startswith("统筹协调专员已人工指定市发改委为牵头单位，理由：市长办公会确定")
    assert current(p, MemberRole.LEAD_UNIT) == [("lead_unit", "FGW")]
    # Editing the facts keeps the override …
    project_apply_lead(project=p, actor=m["hub"], now=NOW)
    p.refresh_from_db()
    assert p.lead_unit == m["fgw"]
    # … a stage move ends it: the rules decide the new stage's lead.
    move(p, "sign", m["fgw_staff"], date(2026, 6, 18))
    p.refresh_from_db()
    assert p.lead_unit == m["tcj"] and p.lead_override_reason == ""
    assert AuditEvent.objects.filter(action="project.sign").get().after["lead_override_reason"] == ""


def test_the_hub_clears_its_override_and_the_rules_decide_again(moving):
    m = moving
    p = m["project"]
    with pytest.raises(ConflictError):
        project_clear_lead_override(project_id=p.pk, actor=m["hub"], now=NOW)
    project_override_lead(project_id=p.pk, actor=m["hub"], unit=m["fgw"], reason="临时", now=NOW)
    with pytest.raises(Forbidden):
        project_clear_lead_override(project_id=p.pk, actor=m["bureau_staff"], now=NOW)
    project_clear_lead_override(project_id=p.pk, actor=m["hub"], now=NOW)
    p.refresh_from_db()
    assert p.lead_unit == m["tcj"] and p.lead_override_reason == "" and "二(一)2" in p.lead_basis
    assert AuditEvent.objects.filter(action="project.lead_override_clear").count() == 1


def test_the_lead_unit_escalates_a_major_project_to_the_vice_mayor(
    moving, django_capture_on_commit_callbacks
):
    m = moving
    p = m["project"]
    with pytest.raises(ConflictError):  # 二(二)5 is a clause of the post-signing phase
        project_escalate(project_id=p.pk, actor=m["hub"], leader=m["vice_mayor"], reason="用地", now=NOW)
    move(p, "start_negotiation", m["hub"], date(2026, 3, 2))
    move(p, "sign", m["bureau_staff"], date(2026, 6, 18))
    with pytest.raises(Forbidden):
        project_escalate(project_id=p.pk, actor=m["outsider"], leader=m["vice_mayor"], reason="用地", now=NOW)
    with pytest.raises(InvalidInput):
        project_escalate(
            project_id=p.pk, actor=m["bureau_staff"], leader=m["industry_staff"], reason="用地", now=NOW
        )
    with django_capture_on_commit_callbacks(execute=True):
        project_escalate(
            project_id=p.pk,
            actor=m["bureau_staff"],
            leader=m["vice_mayor"],
            reason="用地指标需市级协调",
            now=NOW,
        )
    [note] = Notification.objects.filter(recipient=m["vice_mayor"], kind="project.escalated")
    assert "用地指标需市级协调" in note.body
    with pytest.raises(ConflictError):
        project_escalate(
            project_id=p.pk, actor=m["bureau_staff"], leader=m["vice_mayor"], reason="再次", now=NOW
        )
    # The vice mayor now sees the project (the data scope reads the team).
    from zhitong.projects.selectors import project_list_for_user

    assert list(project_list_for_user(user=m["vice_mayor"])) == [p]
    project_end_escalation(project_id=p.pk, actor=m["bureau_staff"], reason="已解决", now=NOW)
    assert list(project_list_for_user(user=m["vice_mayor"])) == []


def test_an_escalation_ends_when_the_project_leaves_the_post_signing_phase(moving):
    m = moving
    p = m["project"]
    for name, on in [
        ("start_negotiation", date(2026, 3, 2)),
        ("sign", date(2026, 6, 18)),
        ("start_approval", date(2026, 7, 1)),
        ("start_construction", date(2026, 8, 1)),
        ("complete", date(2026, 10, 1)),
    ]:
        move(p, name, m["hub"], on)
    project_escalate(project_id=p.pk, actor=m["hub"], leader=m["vice_mayor"], reason="投产前协调", now=NOW)
    move(p, "start_operation", m["hub"], date(2026, 11, 2))
    p.refresh_from_db()
    assert not ProjectMember.objects.filter(
        project=p, role=MemberRole.LEADER_SUPERVISOR, until__isnull=True
    ).exists()
    # 二(三)2: the city's industry authority leads in operation; no 帮办/督办 any more.
    assert p.lead_unit == m["gxj"]
    assert current(p) == [("lead_unit", "GXJ"), ("team_unit", "GLQ")]


def test_a_unit_on_the_current_team_has_the_project_in_its_scope(moving):
    from zhitong.projects.selectors import project_list_for_user

    m = moving
    p = m["project"]
    p.industry_unit = None
    p.save()
    project_apply_lead(project=p, actor=m["hub"], now=NOW)
    assert list(project_list_for_user(user=m["industry_staff"])) == []
    # 二(一)2: the city's industry department cooperates with the bureau that first talked.
    p.industry_unit = m["gxj"]
    p.save()
    project_apply_lead(project=p, actor=m["hub"], now=NOW)
    assert current(p, MemberRole.TEAM_UNIT) == [("team_unit", "GLQ"), ("team_unit", "GXJ")]
    assert list(project_list_for_user(user=m["industry_staff"])) == [p]
    assert list(project_list_for_user(user=m["outsider"])) == []
