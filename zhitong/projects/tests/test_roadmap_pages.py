"""The roadmap's pages and API operations: allowed and denied for each, the section of the
project page (its counts link to the rows they count), and the chart at 1366 and 390 px."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import settle
from zhitong.api.models import ApiToken
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.projects.models import Milestone, MilestoneStatus, PlanRule, Project
from zhitong.projects.roadmap import services

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
TODAY = datetime(2026, 3, 4, 10, 0, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _on_4_march_2026():
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def pages_world(db):
    root = UnitFactory(code="ROOT", kind=UnitKind.CITY_GOVERNMENT)
    county = UnitFactory(code="A", name="高新区", kind=UnitKind.COUNTY, parent=root)
    other = UnitFactory(code="B", kind=UnitKind.COUNTY, parent=root)
    land = UnitFactory(code="ZRZY", name="市自然资源和规划局", kind=UnitKind.DEPARTMENT, parent=root)
    project = Project.objects.create(
        code="P-1",
        name="新材料产业园",
        owner=EnterpriseFactory(location=county),
        location=county,
        lead_unit=county,
    )
    w = {
        "project": project,
        "land": land,
        "lead": UserFactory(role=Role.HANDLER, unit=county, full_name="李代办"),
        "outsider": UserFactory(role=Role.HANDLER, unit=other),
        "hub": UserFactory(role=Role.HUB, unit=root),
        "supervisor": UserFactory(role=Role.SUPERVISOR, unit=root),
    }
    return w


def plan(w, actor=None, **kw):
    # 4 March 2026: 立项 (due 14 Feb) overdue, 选址 (due 6 Mar) due soon, 用地 ahead.
    return services.roadmap_plan(
        project_id=w["project"].pk,
        actor=actor or w["lead"],
        direction=PlanRule.FORWARD,
        anchor=date(2026, 2, 9),
        items=[
            {"kind": "project_approval", "workdays": 5, "agent_id": w["lead"].pk},
            {"kind": "site_selection", "workdays": 10, "responsible_unit_id": w["land"].pk},
            {"kind": "land", "workdays": 20},
        ],
        **kw,
    )


# -- the project page's section ----------------------------------------------------------------


def test_the_project_page_shows_the_roadmap_with_its_chart_data_and_counts(pages_world, client):
    w = pages_world
    plan(w)
    client.force_login(w["lead"])
    url = reverse("projects:detail", args=[w["project"].pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.text
    assert (
        'id="roadmap"' in html and 'data-zt-roadmap="roadmap-data"' in html and "zhitong/roadmap.js" in html
    )
    chart = json.loads(
        html.split('<script id="roadmap-data" type="application/json">')[1].split("</script>")[0]
    )
    assert chart["today"] == "2026-03-04"
    assert [(r["name"], r["light"]) for r in chart["rows"]] == [
        ("立项", "red"),
        ("选址", "yellow"),
        ("用地", "green"),
    ]
    assert reverse("projects:roadmap_plan", args=[w["project"].pk]) in html
    # Each count links to the table filtered by it, and equals its rows.
    for key, expected in (
        ("red", ["立项"]),
        ("yellow", ["选址"]),
        ("open", ["立项", "选址", "用地"]),
        ("done", []),
    ):
        filtered = client.get(url, {"milestones": key}).text
        table = filtered.split('id="roadmap-table"')[1].split("</table>")[0]
        assert [m.name for m in Milestone.objects.filter(project=w["project"]) if m.name in table] == expected
        assert table.count("data-milestone=") == len(expected)


def test_the_roadmap_section_is_not_shown_outside_the_scope_and_offers_no_plan_to_a_reader(
    pages_world, client
):
    w = pages_world
    plan(w)
    client.force_login(w["outsider"])
    assert client.get(reverse("projects:detail", args=[w["project"].pk])).status_code == 404
    client.force_login(w["supervisor"])
    page = client.get(reverse("projects:detail", args=[w["project"].pk])).text
    assert "立项" in page and reverse("projects:roadmap_plan", args=[w["project"].pk]) not in page


# -- the planning page -----------------------------------------------------------------------


def _plan_form(**extra):
    data = {"direction": "reverse", "anchor": "2026-06-30"}
    for kind in ("project_approval", "site_selection", "land"):
        data[f"use_{kind}"] = "on"
    data["days_land"] = "15"
    data["name_c1"] = "环境影响评价"
    data["days_c1"] = "10"
    data["order_c1"] = "25"  # between 选址 (20) and 用地 (30)
    return data | extra


def test_the_lead_unit_previews_and_saves_a_plan(pages_world, client):
    w = pages_world
    client.force_login(w["lead"])
    url = reverse("projects:roadmap_plan", args=[w["project"].pk])
    assert client.get(url).status_code == 200
    page = client.post(url, _plan_form(preview="1"))
    assert page.status_code == 200 and 'id="roadmap-preview"' in page.text and 'name="save"' in page.text
    assert not Milestone.objects.exists()  # a preview saves nothing
    saved = client.post(url, _plan_form(save="1"))
    assert saved.status_code == 302 and saved["Location"].endswith("#roadmap")
    rows = list(
        Milestone.objects.filter(project=w["project"]).order_by("sequence").values_list("name", "workdays")
    )
    assert rows == [("立项", 5), ("选址", 10), ("环境影响评价", 10), ("用地", 15)]
    assert Milestone.objects.get(name="用地").planned_due == date(2026, 6, 30)


def test_the_planning_page_says_what_is_wrong_in_chinese(pages_world, client):
    w = pages_world
    plan(w)
    client.force_login(w["lead"])
    url = reverse("projects:roadmap_plan", args=[w["project"].pk])
    page = client.post(url, _plan_form(save="1"))  # a roadmap exists: replace not ticked
    assert page.status_code == 200 and "确认替换后才能重新编制" in page.text
    page = client.post(url, _plan_form(preview="1", days_c1="", anchor="2026-13-01"))
    assert "请填写自定义节点的办理时限" in page.text and "日期" in page.text
    assert Milestone.objects.filter(project=w["project"]).count() == 3


def test_the_planning_page_is_refused_to_a_reader_and_hidden_from_an_outsider(pages_world, client):
    w = pages_world
    url = reverse("projects:roadmap_plan", args=[w["project"].pk])
    client.force_login(w["supervisor"])
    assert client.get(url).status_code == 403
    assert client.post(url, _plan_form(save="1")).status_code == 403
    client.force_login(w["outsider"])
    assert client.get(url).status_code == 404
    assert not Milestone.objects.exists()


# -- the milestone page and its moves ----------------------------------------------------------


def test_the_milestone_page_shows_its_moves_and_records_completion(pages_world, client):
    w = pages_world
    first = plan(w)[0]
    client.force_login(w["lead"])
    url = reverse("projects:milestone", args=[w["project"].pk, first.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'data-move="complete"' in page.text and 'data-move="edit"' in page.text
    assert "超期" in page.text
    done = client.post(
        reverse("projects:milestone_move", args=[w["project"].pk, first.pk, "complete"]),
        {"version": first.version, "actual_on": "2026-03-03", "note": "已取得备案证明"},
    )
    assert done.status_code == 302
    first.refresh_from_db()
    assert (first.status, first.actual_on) == (MilestoneStatus.DONE, date(2026, 3, 3))
    assert "登记完成" in client.get(url).text  # the history


def test_a_milestone_is_hidden_from_an_outsider_and_a_reader_may_not_move_it(pages_world, client):
    w = pages_world
    first = plan(w)[0]
    url = reverse("projects:milestone", args=[w["project"].pk, first.pk])
    move = reverse("projects:milestone_move", args=[w["project"].pk, first.pk, "complete"])
    client.force_login(w["outsider"])
    assert client.get(url).status_code == 404
    assert client.post(move, {"version": 0, "actual_on": "2026-03-03"}).status_code == 404
    other = Project.objects.create(
        code="P-2",
        name="另一项目",
        owner=w["project"].owner,
        location=w["project"].location,
        lead_unit=w["project"].lead_unit,
    )
    client.force_login(w["lead"])
    assert client.get(reverse("projects:milestone", args=[other.pk, first.pk])).status_code == 404
    client.force_login(w["supervisor"])
    page = client.get(url)
    assert page.status_code == 200 and 'data-move="complete"' not in page.text
    assert client.post(move, {"version": 0, "actual_on": "2026-03-03"}).status_code == 302
    first.refresh_from_db()
    assert first.status == MilestoneStatus.OPEN


# -- the API ------------------------------------------------------------------------------------


def api(user):
    from django.test import Client

    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(user=user, name='测试')[1]}")


def _json(client, path, body):
    return client.post(f"/api/v1/projects{path}", json.dumps(body), content_type="application/json")


def test_the_api_previews_saves_lists_and_moves_the_roadmap(pages_world):
    w = pages_world
    pid = w["project"].pk
    c = api(w["lead"])
    body = {
        "direction": "reverse",
        "anchor": "2026-03-06",
        "items": [{"kind": "project_approval"}, {"kind": "site_selection", "workdays": 10}],
    }
    r = _json(c, f"/{pid}/roadmap/preview", body)
    assert r.status_code == 200, r.content
    assert [(n["planned_start"], n["planned_due"]) for n in r.json()] == [
        ("2026-02-09", "2026-02-14"),
        ("2026-02-14", "2026-03-06"),
    ]
    r = _json(c, f"/{pid}/roadmap", body)
    assert r.status_code == 201 and [m["light"] for m in r.json()] == ["red", "yellow"]
    again = _json(c, f"/{pid}/roadmap", body)
    assert again.status_code == 409 and again.json()["code"] == "roadmap_exists"
    listed = c.get(f"/api/v1/projects/{pid}/milestones").json()
    first = listed[0]
    assert {m["name"] for m in first["moves"]} == {"edit", "complete"}
    r = _json(
        c,
        f"/{pid}/milestones/{first['id']}/moves/complete",
        {"expected_version": first["version"], "data": {"actual_on": "2026-03-02"}},
    )
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["completed_late"] is True
    stale = _json(
        c,
        f"/{pid}/milestones/{first['id']}/moves/reopen",
        {"expected_version": first["version"], "data": {"reason": "x"}},
    )
    assert stale.status_code == 409
    template = c.get("/api/v1/projects/roadmap/template", {"green_channel": "true"}).json()
    assert template[0] == {"kind": "project_approval", "name": "立项", "standard_workdays": 5, "workdays": 3}


def test_the_api_refuses_a_reader_and_hides_the_roadmap_from_an_outsider(pages_world):
    w = pages_world
    first = plan(w)[0]
    pid = w["project"].pk
    body = {"direction": "reverse", "anchor": "2026-03-06", "items": [{"kind": "land"}], "replace": True}
    reader = api(w["supervisor"])
    assert _json(reader, f"/{pid}/roadmap/preview", body).status_code == 403
    assert _json(reader, f"/{pid}/roadmap", body).status_code == 403
    assert reader.get(f"/api/v1/projects/{pid}/milestones").status_code == 200
    r = _json(
        reader,
        f"/{pid}/milestones/{first.pk}/moves/complete",
        {"expected_version": 0, "data": {"actual_on": "2026-03-02"}},
    )
    assert r.status_code == 403 and r.json()["code"] == "forbidden_move"
    outsider = api(w["outsider"])
    assert outsider.get(f"/api/v1/projects/{pid}/milestones").status_code == 404
    assert outsider.get(f"/api/v1/projects/{pid}/milestones/{first.pk}").status_code == 404
    assert _json(outsider, f"/{pid}/roadmap", body).status_code == 404
    r = _json(
        api(w["lead"]),
        f"/{pid}/milestones/{first.pk}/moves/complete",
        {"expected_version": 0, "data": {"actual_on": "2026-03-02", "x": 1}},
    )
    assert r.status_code == 422


# -- the chart in a browser ---------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_roadmap_chart_draws_at_desktop_and_phone_widths(pages_world, page, login, screenshot):
    from pathlib import Path

    from zhitong.projects.roadmap.machine import MILESTONE

    w = pages_world
    w["lead"].set_password("Roadmap-pass-2026")
    w["lead"].save()
    # On 4 March 2026: 立项 done late, 选址 overdue, 用地 due soon, 规划 ahead.
    services.roadmap_plan(
        project_id=w["project"].pk,
        actor=w["lead"],
        direction=PlanRule.FORWARD,
        anchor=date(2026, 1, 26),
        items=[
            {"kind": "project_approval", "workdays": 5, "agent_id": w["lead"].pk},
            {"kind": "site_selection", "workdays": 10, "responsible_unit_id": w["land"].pk},
            {"kind": "land", "workdays": 10},
            {"kind": "planning", "workdays": 15},
        ],
    )
    first = Milestone.objects.get(project=w["project"], sequence=1)
    MILESTONE.dispatch(pk=first.pk, move="complete", actor=w["lead"], actual_on=date(2026, 2, 5))
    login(page, w["lead"].username, "Roadmap-pass-2026")
    shots = Path("/work/notes/shots/proad")
    shots.mkdir(parents=True, exist_ok=True)
    for width, name in ((1366, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(reverse("projects:detail", args=[w["project"].pk]) + "#roadmap")
        settle(page)
        page.wait_for_selector(".zt-roadmap-chart canvas")
        box = page.locator(".zt-roadmap-chart").bounding_box()
        assert box["width"] <= width and box["height"] >= 150
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.locator("#roadmap").screenshot(path=str(shots / f"roadmap-{name}.png"))
        screenshot(page, f"proad-roadmap-{name}")
        page.goto(reverse("projects:roadmap_plan", args=[w["project"].pk]))
        settle(page)
        page.check("input[name=replace]")
        page.click("button[name=preview]")
        page.wait_for_selector("#roadmap-preview")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(shots / f"plan-{name}.png"), full_page=True)
        second = Milestone.objects.get(project=w["project"], sequence=2)
        page.goto(reverse("projects:milestone", args=[w["project"].pk, second.pk]))
        settle(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(shots / f"milestone-{name}.png"), full_page=True)
