"""The quarterly random inspection of 10% of the signed projects (seeds/003 九(四)): the draw
with its recorded seed and population, one per quarter, the findings, pages and API."""

import json
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.audit.models import AuditEvent
from zhitong.core.errors import ConflictError, Forbidden, InvalidInput
from zhitong.projects.dispatch import draw as drawing
from zhitong.projects.dispatch import services
from zhitong.projects.dispatch.models import InspectionDraw, InspectionItem
from zhitong.projects.models import Project, ProjectLevel, ProjectStage

pytestmark = pytest.mark.django_db
SEED = "2026-10-09 福彩3D 518"


def make_draw(c, actor=None, quarter=date(2026, 11, 1), seed=SEED):
    return services.inspection_draw(
        actor=actor or c.hub, quarter=quarter, seed=seed, seed_source="中国福利彩票官网公布的当日开奖号码"
    )


def more_signed(c, n):
    for i in range(n):
        Project.objects.create(
            code=f"Q-{i:02d}",
            name=f"签约项目{i}",
            owner=c.enterprise,
            stage=ProjectStage.SIGNED,
            level=ProjectLevel.KEY,
            location=c.units.glq,
            lead_unit=c.units.glq,
        )


def test_the_draw_takes_ten_percent_of_the_signed_projects_from_the_recorded_seed(pdisp_city):
    c = pdisp_city
    more_signed(c, 7)  # with P-01, P-02, P-03, P-05: 11 signed or further on
    d = make_draw(c)
    assert d.quarter == date(2026, 10, 1)
    assert d.population == sorted(["P-01", "P-02", "P-03", "P-05", *[f"Q-{i:02d}" for i in range(7)]])
    assert d.sample_size == 2 == len(d.drawn)
    assert d.drawn == drawing.draw(SEED, d.population)  # anyone can run it again
    items = list(InspectionItem.objects.filter(draw=d).order_by("position"))
    assert [i.project.code for i in items] == d.drawn
    event = AuditEvent.objects.get(action="project.inspection_draw")
    assert event.after["seed"] == SEED and event.after["drawn"] == d.drawn


def test_one_draw_per_quarter_and_only_this_or_last_quarter(pdisp_city):
    c = pdisp_city
    make_draw(c)
    with pytest.raises(ConflictError, match="已抽取过"):
        make_draw(c, seed="another")
    with pytest.raises(InvalidInput, match="本季度或上一季度"):
        make_draw(c, quarter=date(2026, 4, 1))
    with pytest.raises(InvalidInput, match="本季度或上一季度"):
        make_draw(c, quarter=date(2027, 1, 1))
    assert make_draw(c, quarter=date(2026, 9, 30)).quarter == date(2026, 7, 1)


def test_only_the_hub_draws_and_records(pdisp_city):
    c = pdisp_city
    for person in (c.supervisor, c.leader, c.handler, c.glq_head, c.enterprise_user):
        with pytest.raises(Forbidden):
            make_draw(c, actor=person)
    d = make_draw(c)
    item = d.items.first()
    with pytest.raises(Forbidden):
        services.inspection_record(
            actor=c.supervisor,
            item_id=item.pk,
            inspected_on=date(2026, 11, 19),
            site_checked=True,
            permits_checked=True,
            result="normal",
            finding="x",
        )


def test_no_draw_without_signed_projects_nor_without_a_seed(pdisp_city):
    c = pdisp_city
    with pytest.raises(InvalidInput, match="随机种子"):
        make_draw(c, seed="  ")
    Project.objects.filter(stage__in=services.SIGNED_OR_LATER).update(stage=ProjectStage.NEGOTIATION)
    with pytest.raises(ConflictError, match="没有已签约的项目"):
        make_draw(c)


def test_findings_are_recorded_and_corrected_with_audit(pdisp_city):
    c = pdisp_city
    item = make_draw(c).items.first()

    def record(**kw):
        data = dict(
            actor=c.hub,
            item_id=item.pk,
            inspected_on=date(2026, 11, 19),
            site_checked=True,
            permits_checked=True,
            result="normal",
            finding="现场施工正常，手续齐全。",
        )
        return services.inspection_record(**{**data, **kw})

    with pytest.raises(InvalidInput, match="整改要求"):
        record(result="issues")
    with pytest.raises(InvalidInput, match="不能早于抽查季度"):
        record(inspected_on=date(2026, 9, 30))
    record()
    record(result="issues", finding="施工许可尚未取得", rectification="11月底前补办施工许可")
    item.refresh_from_db()
    assert (item.result, item.rectification, item.recorded_by) == ("issues", "11月底前补办施工许可", c.hub)
    events = list(AuditEvent.objects.filter(action="project.inspection_record").order_by("id"))
    assert events[0].before is None and events[1].before["result"] == "normal"


def page(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


def test_the_inspection_pages_show_the_seed_population_and_algorithm(pdisp_city):
    c = pdisp_city
    d = make_draw(c)
    r = page(c.supervisor, reverse("projects:dispatch:inspection", args=[d.pk]))
    html = r.content.decode()
    assert r.status_code == 200 and r.context["reproduced"] is True
    assert SEED in html and "random.Random" in html and "P-05" in html and r.context["items"][0].form is None
    hub = page(c.hub, reverse("projects:dispatch:inspection", args=[d.pk]))
    assert hub.context["items"][0].form is not None
    listed = page(c.leader, reverse("projects:dispatch:inspections"))
    assert listed.status_code == 200 and listed.context["form"] is None and len(listed.context["draws"]) == 1
    assert page(c.hub, reverse("projects:dispatch:inspections")).context["sample_size"] == 1


def test_the_inspection_pages_are_denied_to_unit_staff_and_enterprises(pdisp_city):
    c = pdisp_city
    d = make_draw(c)
    for person in (c.handler, c.glq_head, c.enterprise_user):
        assert page(person, reverse("projects:dispatch:inspections")).status_code == 403
        assert page(person, reverse("projects:dispatch:inspection", args=[d.pk])).status_code == 403
    assert page(c.hub, reverse("projects:dispatch:inspection", args=[d.pk + 1])).status_code == 404


def test_the_hub_draws_and_records_from_the_pages(pdisp_city):
    c = pdisp_city
    client = Client()
    client.force_login(c.hub)
    url = reverse("projects:dispatch:inspections")
    r = client.post(url, {"quarter": "2026-Q4", "seed": SEED, "seed_source": "福彩官网"})
    d = InspectionDraw.objects.get()
    assert r.status_code == 302 and r.url == reverse("projects:dispatch:inspection", args=[d.pk])
    r = client.post(url, {"quarter": "2026-Q4", "seed": "again", "seed_source": "x"})
    assert r.status_code == 200 and "已抽取过" in r.content.decode()
    r = client.post(url, {"quarter": "2026-Q1", "seed": "x", "seed_source": "x"})
    assert "所选的选项不可用" in r.content.decode()
    item = d.items.first()
    record = reverse("projects:dispatch:inspection_record", args=[d.pk, item.pk])
    data = {"inspected_on": "2026-11-19", "site_checked": "on", "result": "normal", "finding": "正常"}
    assert client.post(record, data).status_code == 302
    item.refresh_from_db()
    assert item.site_checked and not item.permits_checked and item.result == "normal"
    supervisor = Client()
    supervisor.force_login(c.supervisor)
    assert supervisor.post(record, data).status_code == 403
    assert supervisor.post(url, {"quarter": "2026-Q4", "seed": "x", "seed_source": "x"}).status_code == 403


def test_the_project_page_shows_its_inspection(pdisp_city):
    c = pdisp_city
    d = make_draw(c)
    drawn = d.items.first().project
    r = page(c.hub, reverse("projects:detail", args=[drawn.pk]))
    section = next(s for s in r.context["sections"] if s["section"].key == "dispatch")
    assert [i.draw_id for i in section["context"]["inspections"]] == [d.pk]


def api(user):
    _, raw = ApiToken.issue(user=user, name="测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_api_draws_reads_and_records_for_the_hub_and_refuses_others(pdisp_city):
    c = pdisp_city
    hub = api(c.hub)
    body = {"quarter": "2026-11-20", "seed": SEED, "seed_source": "福彩官网"}
    r = hub.post("/api/v1/dispatch/inspections", json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["quarter"] == "2026-Q4" and d["drawn"] == drawing.draw(SEED, d["population"])
    assert [x["id"] for x in api(c.supervisor).get("/api/v1/dispatch/inspections").json()] == [d["id"]]
    assert api(c.leader).get(f"/api/v1/dispatch/inspections/{d['id']}").status_code == 200
    project = Project.objects.get(code=d["drawn"][0])
    finding = {"inspected_on": "2026-11-19", "result": "normal", "finding": "正常"}
    path = f"/api/v1/dispatch/inspections/{d['id']}/projects/{project.pk}"
    r = hub.put(path, json.dumps(finding), content_type="application/json")
    assert r.status_code == 200 and r.json()["items"][0]["result"] == "normal"
    # Denied.
    assert api(c.handler).get("/api/v1/dispatch/inspections").status_code == 403
    assert api(c.handler).get(f"/api/v1/dispatch/inspections/{d['id']}").status_code == 403
    assert (
        api(c.supervisor).put(path, json.dumps(finding), content_type="application/json").status_code == 403
    )
    r = api(c.supervisor).post(
        "/api/v1/dispatch/inspections", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 403
    undrawn = Project.objects.exclude(code__in=d["drawn"]).first()
    r = hub.put(
        f"/api/v1/dispatch/inspections/{d['id']}/projects/{undrawn.pk}",
        json.dumps(finding),
        content_type="application/json",
    )
    assert r.status_code == 404
