"""The project library's pages: the list with its one filter form (garbage ignored), its
counts per stage (each equal to the list it links to), pagination; entering and editing a
project (the hub and the lead unit; the stage never in the form; a stale form is 409)."""

import re
from datetime import date

import pytest
from django.urls import reverse

from zhitong.audit.models import AuditEvent
from zhitong.projects.machines import STAGE
from zhitong.projects.models import Project, ProjectLevel, ProjectStage

from .plib_world import make_project, plib  # noqa: F401

pytestmark = pytest.mark.django_db
LIST = reverse("projects:list")


def listed(response) -> list[str]:
    return re.findall(r'<td class="zt-code"><a href="/projects/\d+/">([^<]+)</a>', response.content.decode())


def total(response) -> int:
    return int(re.search(r'data-testid="project-count">共 (\d+) 个项目', response.content.decode())[1])


@pytest.fixture
def many(plib):  # noqa: F811
    """30 more projects of A at every stage (the hub sees 32, handler A sees 31)."""
    stages = ProjectStage.values
    for i in range(30):
        make_project(
            f"XM-A{i + 10:02d}",
            owner=plib.ent_a,
            lead=plib.unit_a,
            stage=stages[i % len(stages)],
            level=ProjectLevel.COUNTY if i % 3 else ProjectLevel.KEY,
            green_channel=i % 5 == 0,
        )
    return plib


def test_the_list_shows_the_users_projects_only(client, plib):  # noqa: F811
    client.force_login(plib.handler_a)
    response = client.get(LIST)
    assert response.status_code == 200 and listed(response) == ["XM-A1"]
    client.force_login(plib.outsider_b)
    assert listed(client.get(LIST)) == ["XM-B1"]


def test_anonymous_visitors_are_sent_to_sign_in(client, plib):  # noqa: F811
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "新材料"}, {"XM-A1"}),
        ({"q": "XM-B"}, {"XM-B1"}),
        ({"level": "city_major"}, {"XM-A1"}),
        ({"category": "service"}, {"XM-B1"}),
        ({"location": "A"}, {"XM-A1"}),
        ({"lead_unit": "B"}, {"XM-B1"}),
        ({"leader": "leader"}, {"XM-A1"}),
        ({"green": "no"}, {"XM-A1", "XM-B1"}),
        ({"green": "yes"}, set()),
        ({"owner": "ent_b"}, {"XM-B1"}),
    ],
)
def test_each_filter_narrows_the_list(client, plib, params, expected):  # noqa: F811
    ids = {"A": plib.unit_a.pk, "B": plib.unit_b.pk, "leader": plib.leader.pk, "ent_b": plib.ent_b.pk}
    params = {k: ids.get(v, v) for k, v in params.items()}
    client.force_login(plib.hub)
    assert set(listed(client.get(LIST, params))) == expected


def test_a_park_is_found_under_its_county(client, plib):  # noqa: F811
    make_project("XM-PARK", owner=plib.ent_a, lead=plib.dept, location=plib.park_a)
    client.force_login(plib.hub)
    assert set(listed(client.get(LIST, {"location": plib.unit_a.pk}))) == {"XM-A1", "XM-PARK"}


@pytest.mark.parametrize(
    "garbage",
    [
        {"stage": "nonsense"},
        {"level": "x" * 500},
        {"location": "9223372036854775808"},
        {"lead_unit": "-1"},
        {"leader": "abc"},
        {"green": "maybe"},
        {"owner": "0"},
        {"owner": "１２"},
        {"page": "9999"},
        {"page": "abc"},
        {"q": "\x01控制"},
    ],
)
def test_garbage_in_a_filter_lists_as_if_it_were_not_set(client, plib, garbage):  # noqa: F811
    client.force_login(plib.hub)
    response = client.get(LIST, garbage)
    assert response.status_code == 200
    assert set(listed(response)) == {"XM-A1", "XM-B1"}


def test_each_stage_count_links_to_a_list_of_that_length(client, many):
    client.force_login(many.handler_a)
    page = client.get(LIST, {"level": "county"}).content.decode()
    tabs = re.findall(
        r'<a href="\?([^"]*)" data-stage="(\w+)"[^>]*>[^<]+<span class="zt-count">(\d+)</span>', page
    )
    assert len(tabs) == len(ProjectStage.values)
    assert sum(int(n) for _, _, n in tabs) == total(client.get(LIST, {"level": "county"}))
    for query, stage, n in tabs:
        assert f"stage={stage}" in query and "level=county" in query
        target = client.get(LIST + "?" + query.replace("&amp;", "&"))
        assert total(target) == int(n), stage
        assert Project.objects.filter(stage=stage, level="county", lead_unit=many.unit_a).count() == int(n)


def test_the_list_is_paginated_and_keeps_its_filters(client, many):
    client.force_login(many.hub)
    first = client.get(LIST, {"lead_unit": many.unit_a.pk})
    assert total(first) == 31 and len(listed(first)) == 25
    assert f"?lead_unit={many.unit_a.pk}&amp;page=2" in first.content.decode()
    second = client.get(LIST, {"lead_unit": many.unit_a.pk, "page": 2})
    assert len(listed(second)) == 6 and not set(listed(first)) & set(listed(second))


# -- entering a project -----------------------------------------------------------------------


def form_data(plib, **kw):  # noqa: F811
    data = {
        "code": "XM-NEW1",
        "name": "甲区智能制造产业园项目",
        "owner": plib.ent_a.pk,
        "category": "industry",
        "industry": "装备制造",
        "level": "key",
        "location": plib.unit_a.pk,
        "approval_authority": "county",
        "lead_unit": plib.unit_a.pk,
        "leader": plib.leader.pk,
        "total_investment": "30000",
        "annual_investment": "8000.50",
        "planned_start": "2026-05-01",
        "planned_completion": "2027-12-31",
        "summary": "新建厂房5万平方米",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("who", ["hub", "handler_a", "head_a"])
def test_the_hub_and_unit_staff_enter_a_project_in_reserve(client, plib, who):  # noqa: F811
    client.force_login(getattr(plib, who))
    assert client.get(reverse("projects:create")).status_code == 200
    # A stage sent with the form is not a field of it: the project starts in 储备.
    response = client.post(reverse("projects:create"), form_data(plib, stage="construction"))
    project = Project.objects.get(code="XM-NEW1")
    assert response.status_code == 302 and response["Location"] == reverse(
        "projects:detail", args=[project.pk]
    )
    assert project.stage == ProjectStage.RESERVE and project.lead_unit == plib.unit_a
    assert str(project.annual_investment) == "8000.50" and project.leader == plib.leader
    assert AuditEvent.objects.filter(action="project.create", object_id=str(project.pk)).exists()
    assert not project.stage_changes.exists()


@pytest.mark.parametrize("who", ["clerk_a", "supervisor", "leader", "ent_user_a", "admin"])
def test_others_may_not_enter_a_project(client, plib, who):  # noqa: F811
    client.force_login(getattr(plib, who))
    assert client.get(reverse("projects:create")).status_code == 403
    assert client.post(reverse("projects:create"), form_data(plib)).status_code == 403
    assert not Project.objects.filter(code="XM-NEW1").exists()


def test_a_unit_may_not_enter_a_project_led_by_another_unit(client, plib):  # noqa: F811
    client.force_login(plib.handler_a)
    response = client.post(reverse("projects:create"), form_data(plib, lead_unit=plib.unit_b.pk))
    assert response.status_code == 200 and "所选的选项不可用" in response.content.decode()
    assert not Project.objects.filter(code="XM-NEW1").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": "XM-A1"}, "项目编码“XM-A1”已登记"),
        ({"code": "项目1"}, "项目编码只能包含字母"),
        ({"annual_investment": "40000"}, "年度计划投资不能大于总投资"),
        ({"planned_completion": "2026-01-01"}, "计划竣工日期不能早于计划开工日期"),
        ({"total_investment": "12.345"}, "最多两位小数"),
        ({"total_investment": "-1"}, "不能小于 0"),
        ({"location": "dept"}, "所选的选项不可用"),
        ({"planned_start": "2026-02-30"}, "日期不存在：2026-02-30"),
    ],
)
def test_a_refused_project_says_why_in_chinese_and_saves_nothing(client, plib, change, message):  # noqa: F811
    change = {k: plib.dept.pk if v == "dept" else v for k, v in change.items()}
    client.force_login(plib.hub)
    before = Project.objects.count()
    response = client.post(reverse("projects:create"), form_data(plib, **change))
    assert response.status_code in (200, 409)
    assert message in response.content.decode()
    assert Project.objects.count() == before


# -- editing a project ------------------------------------------------------------------------


def edit(client, project, **kw):
    data = form_data_from(project)
    data.update(kw)
    return client.post(reverse("projects:edit", args=[project.pk]), data)


def form_data_from(p):
    return {
        "version": p.version,
        "code": p.code,
        "name": p.name,
        "owner": p.owner_id,
        "category": p.category,
        "level": p.level,
        "location": p.location_id,
        "approval_authority": p.approval_authority,
        "leader": p.leader_id or "",
        "total_investment": p.total_investment,
        "annual_investment": p.annual_investment,
        "planned_start": p.planned_start or "",
    }


@pytest.mark.parametrize("who", ["hub", "handler_a", "head_a"])
def test_the_hub_and_the_lead_unit_edit_a_projects_facts(client, plib, who):  # noqa: F811
    client.force_login(getattr(plib, who))
    page = client.get(reverse("projects:edit", args=[plib.p_a.pk]))
    assert page.status_code == 200 and 'name="stage"' not in page.content.decode()
    assert 'name="lead_unit"' not in page.content.decode()
    response = edit(
        client, plib.p_a, name="甲区新材料产业园（一期）项目", stage="operating", lead_unit=plib.unit_b.pk
    )
    assert response.status_code == 302
    plib.p_a.refresh_from_db()
    assert plib.p_a.name == "甲区新材料产业园（一期）项目" and plib.p_a.version == 1
    assert plib.p_a.stage == ProjectStage.RESERVE and plib.p_a.lead_unit == plib.unit_a
    event = AuditEvent.objects.get(action="project.update", object_id=str(plib.p_a.pk))
    assert event.after["name"] == "甲区新材料产业园（一期）项目"


def test_a_unit_that_only_hosts_a_project_reads_it_but_may_not_edit_it(client, plib):  # noqa: F811
    hosted = make_project("XM-PARK", owner=plib.ent_a, lead=plib.dept, location=plib.park_a)
    client.force_login(plib.handler_a)
    assert client.get(reverse("projects:detail", args=[hosted.pk])).status_code == 200
    assert "编辑项目信息" not in client.get(reverse("projects:detail", args=[hosted.pk])).content.decode()
    assert client.get(reverse("projects:edit", args=[hosted.pk])).status_code == 403
    assert edit(client, hosted, name="改名").status_code == 403


def test_an_outsider_gets_404_for_the_edit_page(client, plib):  # noqa: F811
    client.force_login(plib.outsider_b)
    assert client.get(reverse("projects:edit", args=[plib.p_a.pk])).status_code == 404
    assert edit(client, plib.p_a, name="改名").status_code == 404
    plib.p_a.refresh_from_db()
    assert plib.p_a.name == "甲区新材料产业园项目"


def test_a_stale_edit_form_is_refused_with_409_and_keeps_what_was_typed(client, plib):  # noqa: F811
    stale = form_data_from(plib.p_a)
    # Meanwhile the lead unit records the start of negotiation (the version moves on).
    STAGE.dispatch(
        pk=plib.p_a.pk,
        move="start_negotiation",
        actor=plib.handler_a,
        on=date(2026, 1, 5),
        expected_version=0,
    )
    client.force_login(plib.hub)
    response = client.post(reverse("projects:edit", args=[plib.p_a.pk]), {**stale, "name": "我改的名称"})
    page = response.content.decode()
    assert response.status_code == 409
    assert "该项目已被他人更新" in page and "我改的名称" in page
    assert 'name="version" value="1"' in page
    plib.p_a.refresh_from_db()
    assert plib.p_a.name == "甲区新材料产业园项目" and plib.p_a.stage == ProjectStage.NEGOTIATION
    # Sent again after a look, it is saved.
    assert (
        client.post(
            reverse("projects:edit", args=[plib.p_a.pk]), {**stale, "version": 1, "name": "我改的名称"}
        ).status_code
        == 302
    )


def test_an_edit_without_its_version_is_refused(client, plib):  # noqa: F811
    client.force_login(plib.hub)
    data = form_data_from(plib.p_a)
    del data["version"]
    response = client.post(reverse("projects:edit", args=[plib.p_a.pk]), {**data, "name": "改名"})
    assert response.status_code == 200 and "缺少页面版本号" in response.content.decode()


def test_the_project_page_offers_edit_only_to_those_who_may(client, plib):  # noqa: F811
    url = reverse("projects:detail", args=[plib.p_a.pk])
    client.force_login(plib.handler_a)
    assert "编辑项目信息" in client.get(url).content.decode()
    client.force_login(plib.leader)
    page = client.get(url)
    assert page.status_code == 200 and "编辑项目信息" not in page.content.decode()


def test_the_navigation_has_the_project_library_for_government_users_only(client, plib):  # noqa: F811
    for who, shown in [
        ("handler_a", True),
        ("hub", True),
        ("leader", True),
        ("supervisor", True),
        ("ent_user_a", False),
    ]:
        client.force_login(getattr(plib, who))
        home = client.get("/").content.decode()
        assert ('href="/projects/"' in home) is shown, who
