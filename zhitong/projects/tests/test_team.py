"""The people of a project and its 1+1+N team: assign, replace, end (services and pages),
the responsible leader of a city major project before signing, the lead-unit section."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from zhitong.audit.models import AuditEvent
from zhitong.core.errors import ConflictError, Forbidden, InvalidInput
from zhitong.enterprises.tests.factories import ContactFactory, EnterpriseFactory
from zhitong.notifications.models import Notification
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.projects.machines import STAGE
from zhitong.projects.models import MemberRole, Project, ProjectLevel, ProjectMember, ProjectStage
from zhitong.projects.services import (
    member_assign,
    member_end,
    member_replace,
    project_apply_lead,
)
from zhitong.projects.tests.consultations import agreed_consultation

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
R = MemberRole
K = UnitKind


@pytest.fixture
def team_world(db):
    root = UnitFactory(code="SZF", kind=K.CITY_GOVERNMENT, short_name="市政府")
    county = UnitFactory(code="GLQ", kind=K.COUNTY, parent=root, short_name="鼓楼区")
    other = UnitFactory(code="TJQ", kind=K.COUNTY, parent=root, short_name="台江区")
    gxj = UnitFactory(code="GXJ", kind=K.DEPARTMENT, parent=root, short_name="市工信局")
    owner = EnterpriseFactory(location=county, name="榕城新材料有限公司")
    contact = ContactFactory(enterprise=owner, name="王经理", position="副总经理")
    project = Project.objects.create(
        code="XM-1",
        name="新材料产业园",
        owner=owner,
        location=county,
        lead_unit=county,
        stage=ProjectStage.NEGOTIATION,
        first_contact_unit=county,
        industry_unit=gxj,
    )
    hub = UserFactory(role=Role.HUB, unit=root, full_name="统筹专员")
    project_apply_lead(project=project, actor=hub, now=NOW)
    project.refresh_from_db()
    agreed_consultation(project, hub)  # seeds/002: signing needs an agreed consultation
    return {
        "project": project,
        "county": county,
        "gxj": gxj,
        "owner": owner,
        "contact": contact,
        "other_contact": ContactFactory(enterprise=EnterpriseFactory(location=other)),
        "hub": hub,
        "lead": UserFactory(role=Role.HANDLER, unit=county, full_name="鼓楼承办人"),
        "head": UserFactory(role=Role.UNIT_HEAD, unit=county, full_name="鼓楼区长"),
        "butler": UserFactory(role=Role.HANDLER, unit=county, full_name="张管家"),
        "butler2": UserFactory(role=Role.HANDLER, unit=county, full_name="李管家"),
        "gxj_staff": UserFactory(role=Role.HANDLER, unit=gxj, full_name="工信联络员"),
        "outsider": UserFactory(role=Role.HANDLER, unit=other, full_name="台江承办人"),
        "vice_mayor": UserFactory(
            role=Role.LEADER, unit=root, leader_level=LeaderLevel.VICE_MAYOR, full_name="林副市长"
        ),
        "county_leader": UserFactory(
            role=Role.LEADER, unit=county, leader_level=LeaderLevel.COUNTY_PRINCIPAL, full_name="鼓楼区委书记"
        ),
    }


def assign(w, role, actor, **kw):
    p = w["project"]
    p.refresh_from_db()
    return member_assign(project_id=p.pk, actor=actor, role=role, now=NOW, expected_version=p.version, **kw)


# -- services ------------------------------------------------------------------------------------


def test_the_lead_unit_assigns_the_butler_who_is_told_and_it_is_audited(
    team_world, django_capture_on_commit_callbacks
):
    w = team_world
    with django_capture_on_commit_callbacks(execute=True):
        row = assign(w, R.BUTLER, w["lead"], user=w["butler"], basis="区政府办公会确定")
    assert (row.role, row.user, row.since, row.until, row.by_rule) == (
        R.BUTLER,
        w["butler"],
        NOW.date(),
        None,
        False,
    )
    [note] = Notification.objects.filter(recipient=w["butler"], kind="project.team")
    assert note.title == "您已被指定为项目“新材料产业园”的项目管家"
    event = AuditEvent.objects.get(action="project.member_assign")
    assert event.after["role"] == "butler" and event.after["user_id"] == w["butler"].pk


def test_a_single_role_is_replaced_not_assigned_twice_and_history_is_kept(team_world):
    w = team_world
    first = assign(w, R.BUTLER, w["hub"], user=w["butler"], on=date(2026, 5, 1))
    with pytest.raises(ConflictError, match="请使用“更换”"):
        assign(w, R.BUTLER, w["hub"], user=w["butler2"])
    w["project"].refresh_from_db()
    with pytest.raises(InvalidInput):  # not before the current butler began
        member_replace(
            project_id=w["project"].pk,
            actor=w["lead"],
            member_id=first.pk,
            user=w["butler2"],
            on=date(2026, 4, 1),
            now=NOW,
        )
    new = member_replace(
        project_id=w["project"].pk,
        actor=w["lead"],
        member_id=first.pk,
        user=w["butler2"],
        on=date(2026, 9, 1),
        now=NOW,
    )
    first.refresh_from_db()
    assert (first.since, first.until) == (date(2026, 5, 1), date(2026, 9, 1))
    assert (new.user, new.since, new.until) == (w["butler2"], date(2026, 9, 1), None)
    with pytest.raises(ConflictError):  # the ended row is history
        member_end(project_id=w["project"].pk, actor=w["lead"], member_id=first.pk, now=NOW)
    member_end(project_id=w["project"].pk, actor=w["lead"], member_id=new.pk, reason="调岗", now=NOW)
    assert not ProjectMember.objects.filter(project=w["project"], role=R.BUTLER, until__isnull=True).exists()
    assert ProjectMember.objects.filter(project=w["project"], role=R.BUTLER).count() == 2


def test_only_the_hub_names_the_leader_and_the_chief_service_person(team_world):
    w = team_world
    with pytest.raises(Forbidden):
        assign(w, R.LEADER, w["lead"], user=w["county_leader"])
    with pytest.raises(Forbidden):
        assign(w, R.CHIEF_SERVICE, w["head"], user=w["vice_mayor"])
    with pytest.raises(Forbidden):
        assign(w, R.BUTLER, w["outsider"], user=w["butler"])
    assign(w, R.LEADER, w["hub"], user=w["county_leader"])
    assign(w, R.CHIEF_SERVICE, w["hub"], user=w["vice_mayor"])
    w["project"].refresh_from_db()
    assert w["project"].leader == w["county_leader"]


def test_who_may_be_the_leader_chief_secretary_contact_and_team_unit(team_world):
    w = team_world
    with pytest.raises(InvalidInput, match="包挂领导须为县\\(市\\)区、园区政府领导或市直部门领导"):
        assign(w, R.LEADER, w["hub"], user=w["lead"])
    assign(w, R.LEADER, w["hub"], user=w["head"])  # a unit's head may lead a key project
    with pytest.raises(InvalidInput, match="首席服务员由领导班子成员担任"):
        assign(w, R.CHIEF_SERVICE, w["hub"], user=w["head"])
    with pytest.raises(InvalidInput, match="须从业主企业的联系人中选择"):
        assign(w, R.ENTERPRISE_CONTACT, w["lead"], contact=w["other_contact"])
    assign(w, R.ENTERPRISE_CONTACT, w["lead"], contact=w["contact"])
    with pytest.raises(InvalidInput, match="联系人须为市工信局"):
        assign(w, R.TEAM_UNIT, w["lead"], unit=w["gxj"], user=w["butler"])
    assign(w, R.TEAM_UNIT, w["lead"], unit=w["gxj"], user=w["gxj_staff"])
    with pytest.raises(ConflictError, match="已在服务团队中"):
        assign(w, R.TEAM_UNIT, w["lead"], unit=w["gxj"])
    with pytest.raises(InvalidInput):
        assign(w, R.HELPER_UNIT, w["hub"], unit=w["gxj"])  # kept by the lead-unit rules
    with pytest.raises(InvalidInput, match="日期不能晚于今天"):
        assign(w, R.SECRETARY, w["lead"], user=w["butler"], on=date(2026, 11, 21))


def test_rule_based_rows_are_not_ended_by_hand(team_world):
    w = team_world
    rule_row = ProjectMember.objects.get(project=w["project"], role=R.TEAM_UNIT, by_rule=True)
    with pytest.raises(ConflictError, match="由牵头单位规则确定"):
        member_end(project_id=w["project"].pk, actor=w["hub"], member_id=rule_row.pk, now=NOW)


def test_a_stale_form_is_refused(team_world):
    w = team_world
    p = w["project"]
    with pytest.raises(ConflictError):
        member_assign(
            project_id=p.pk,
            actor=w["lead"],
            role=R.BUTLER,
            user=w["butler"],
            expected_version=p.version + 1,
            now=NOW,
        )


# -- seeds/003 一: a city major project has a city leader before it is signed --------------------


def test_a_city_major_project_is_not_signed_without_a_city_leader(team_world):
    w = team_world
    p = w["project"]
    p.level = ProjectLevel.CITY_MAJOR
    p.save()
    sign = {"pk": p.pk, "move": "sign", "actor": w["lead"], "on": date(2026, 6, 18), "note": "", "now": NOW}
    assert not STAGE.can(w["lead"], p, "sign")
    with pytest.raises(ConflictError, match="市重大项目签约前须确定市级包挂领导（seeds/003 一"):
        STAGE.dispatch(**sign)
    with pytest.raises(InvalidInput, match="市重大项目须由市级领导包扶"):
        assign(w, R.LEADER, w["hub"], user=w["county_leader"])
    leader_row = assign(w, R.LEADER, w["hub"], user=w["vice_mayor"])
    STAGE.dispatch(**sign)
    p.refresh_from_db()
    assert p.stage == ProjectStage.SIGNED and p.leader == w["vice_mayor"]
    # Signed, it keeps a city leader: replaced, never removed.
    with pytest.raises(ConflictError, match="只能更换，不能取消"):
        member_end(project_id=p.pk, actor=w["hub"], member_id=leader_row.pk, now=NOW)
    other = UserFactory(role=Role.LEADER, leader_level=LeaderLevel.EXECUTIVE_VICE_MAYOR)
    member_replace(project_id=p.pk, actor=w["hub"], member_id=leader_row.pk, user=other, now=NOW)
    p.refresh_from_db()
    assert p.leader == other
    assert AuditEvent.objects.get(action="project.member_replace").after["leader_id"] == other.pk


def test_a_key_project_signs_without_a_city_leader(team_world):
    w = team_world
    STAGE.dispatch(pk=w["project"].pk, move="sign", actor=w["lead"], on=date(2026, 6, 18), note="", now=NOW)


# -- pages ---------------------------------------------------------------------------------------


def detail(client, user, project):
    client.force_login(user)
    return client.get(reverse("projects:detail", args=[project.pk]))


def test_the_project_page_shows_the_lead_unit_with_its_clause_and_the_team(team_world, client):
    w = team_world
    assign(w, R.BUTLER, w["hub"], user=w["butler"])
    swj = UnitFactory(code="SWJ", kind=K.DEPARTMENT, short_name="市商务局")
    assign(w, R.TEAM_UNIT, w["hub"], unit=swj)  # on the team by hand, not by the rules
    page = detail(client, w["lead"], w["project"])
    assert page.status_code == 200
    html = page.text
    assert 'id="lead"' in html and 'id="team"' in html
    facts = html.split('data-testid="lead-facts"')[1].split("</dl>")[0]
    assert "配合单位" in facts and "市工信局" in facts and "市商务局" not in facts  # 配合 by the rules only
    assert "首谈单位鼓楼区是县(市)区、园区，由其牵头" in html and "seeds/003 二(一)1" in html
    assert "张管家" in html and 'data-form="assign"' in html  # the lead unit manages the butler …
    assert (
        f'action="{reverse("projects:team_assign", args=[w["project"].pk, "leader"])}"' not in html
    )  # … not the leader
    assert "人工指定牵头单位" not in html
    hub_page = detail(client, w["hub"], w["project"]).text
    assert "人工指定牵头单位" in hub_page
    assert f'action="{reverse("projects:team_assign", args=[w["project"].pk, "leader"])}"' in hub_page
    assert detail(client, w["outsider"], w["project"]).status_code == 404


def test_the_team_forms_assign_replace_and_end(team_world, client):
    w = team_world
    p = w["project"]
    client.force_login(w["lead"])
    url = reverse("projects:team_assign", args=[p.pk, "butler"])
    response = client.post(url, {"version": p.version, "user": w["butler"].pk, "on": "2026-11-20"})
    assert response.status_code == 302 and response.url.endswith("#team")
    row = ProjectMember.objects.get(project=p, role=R.BUTLER)
    p.refresh_from_db()
    replace = reverse("projects:team_replace", args=[p.pk, row.pk])
    assert client.post(replace, {"version": p.version, "user": w["butler2"].pk}).status_code == 302
    new = ProjectMember.objects.get(project=p, role=R.BUTLER, until__isnull=True)
    assert new.user == w["butler2"]
    p.refresh_from_db()
    end = reverse("projects:team_end", args=[p.pk, new.pk])
    client.force_login(w["outsider"])
    assert client.post(replace, {"version": p.version, "user": w["butler"].pk}).status_code == 404
    assert client.post(end, {"version": p.version}).status_code == 404
    client.force_login(w["gxj_staff"])  # on the team (配合), but not the lead unit
    assert (
        "只有统筹协调专员或牵头单位可以调整服务团队"
        in client.post(end, {"version": p.version}, follow=True).text
    )
    client.force_login(w["lead"])
    assert client.post(end, {"version": p.version, "reason": "调岗"}).status_code == 302
    assert not ProjectMember.objects.filter(project=p, role=R.BUTLER, until__isnull=True).exists()


def test_the_team_forms_refuse_who_may_not(team_world, client):
    w = team_world
    p = w["project"]
    client.force_login(w["outsider"])
    url = reverse("projects:team_assign", args=[p.pk, "butler"])
    assert client.post(url, {"version": p.version, "user": w["butler"].pk}).status_code == 404
    client.force_login(w["lead"])
    leader_url = reverse("projects:team_assign", args=[p.pk, "leader"])
    response = client.post(leader_url, {"version": p.version, "user": w["county_leader"].pk}, follow=True)
    assert "包挂领导由统筹协调专员按市里确定的人选登记" in response.text
    response = client.post(url, {"user": w["butler"].pk}, follow=True)  # no version
    assert "缺少页面版本号" in response.text
    assert not ProjectMember.objects.filter(project=p, role__in=[R.LEADER, R.BUTLER]).exists()
    bad = reverse("projects:team_assign", args=[p.pk, "helper_unit"])
    assert "该角色不能在服务团队中直接指定" in client.post(bad, {"version": p.version}, follow=True).text
    end = reverse("projects:team_end", args=[p.pk, 999999])
    assert "该成员不存在" in client.post(end, {"version": p.version}, follow=True).text


def test_the_hub_overrides_and_clears_the_lead_unit_on_the_page(team_world, client):
    w = team_world
    p = w["project"]
    client.force_login(w["lead"])
    override = reverse("projects:lead_override", args=[p.pk])
    response = client.post(
        override, {"version": p.version, "unit": w["gxj"].pk, "reason": "市里决定"}, follow=True
    )
    assert "只有统筹协调专员可以调整牵头单位" in response.text
    p.refresh_from_db()
    assert p.lead_unit == w["county"]
    client.force_login(w["hub"])
    assert (
        client.post(override, {"version": p.version, "unit": w["gxj"].pk, "reason": "市里决定"}).status_code
        == 302
    )
    p.refresh_from_db()
    assert p.lead_unit == w["gxj"] and p.lead_override_reason == "市里决定"
    page = client.get(reverse("projects:detail", args=[p.pk])).text
    assert "统筹协调专员已人工指定市工信局为牵头单位" in page and "取消人工指定（按规则由鼓楼区牵头）" in page
    assert client.post(reverse("projects:lead_clear", args=[p.pk]), {"version": p.version}).status_code == 302
    p.refresh_from_db()
    assert p.lead_unit == w["county"] and not p.lead_override_reason
    client.force_login(w["outsider"])
    assert client.post(reverse("projects:lead_clear", args=[p.pk]), {"version": p.version}).status_code == 404


def test_the_hub_decides_again_a_project_whose_facts_changed(team_world, client):
    w = team_world
    p = w["project"]
    Project.objects.filter(pk=p.pk).update(first_contact_unit=w["gxj"])
    client.force_login(w["hub"])
    page = client.get(reverse("projects:detail", args=[p.pk])).text
    assert "按当前项目信息，牵头单位应为市工信局" in page
    url = reverse("projects:lead_apply", args=[p.pk])
    client.force_login(w["lead"])
    assert (
        "只有统筹协调专员可以重新确定牵头单位" in client.post(url, {"version": p.version}, follow=True).text
    )
    client.force_login(w["hub"])
    assert client.post(url, {"version": p.version}).status_code == 302
    p.refresh_from_db()
    assert p.lead_unit == w["gxj"] and p.version == 1


def test_the_lead_unit_escalates_on_the_page_and_others_may_not(team_world, client):
    w = team_world
    p = w["project"]
    STAGE.dispatch(pk=p.pk, move="sign", actor=w["lead"], on=date(2026, 6, 18), note="", now=NOW)
    p.refresh_from_db()
    url = reverse("projects:lead_escalate", args=[p.pk])
    client.force_login(w["gxj_staff"])  # cooperates (配合), does not lead: refused
    response = client.post(
        url, {"version": p.version, "leader": w["vice_mayor"].pk, "reason": "用地"}, follow=True
    )
    assert "只有牵头单位或统筹协调专员可以呈报市政府分管领导" in response.text
    client.force_login(w["lead"])
    page = client.get(reverse("projects:detail", args=[p.pk])).text
    assert "呈报市政府分管领导督办" in page
    assert (
        client.post(url, {"version": p.version, "leader": w["vice_mayor"].pk, "reason": "用地"}).status_code
        == 302
    )
    row = ProjectMember.objects.get(project=p, role=R.LEADER_SUPERVISOR)
    assert row.user == w["vice_mayor"] and "用地" in row.basis
    p.refresh_from_db()
    end = reverse("projects:lead_escalation_end", args=[p.pk])
    client.force_login(w["gxj_staff"])
    assert (
        "只有牵头单位或统筹协调专员可以结束市领导督办"
        in client.post(end, {"version": p.version}, follow=True).text
    )
    client.force_login(w["outsider"])
    assert client.post(end, {"version": p.version}).status_code == 404
    client.force_login(w["lead"])
    assert client.post(end, {"version": p.version, "reason": "已协调"}).status_code == 302
    row.refresh_from_db()
    assert row.until == timezone.localdate()
    client.force_login(w["outsider"])
    assert (
        client.post(url, {"version": p.version, "leader": w["vice_mayor"].pk, "reason": "x"}).status_code
        == 404
    )
