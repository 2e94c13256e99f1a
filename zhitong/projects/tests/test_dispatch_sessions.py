"""Dispatch sessions (seeds/002 季调度/月调度; seeds/004 毕节): recording them, the projects
and decisions, the coverage check per quarter (city) and month (county), pages and API."""

import json
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.audit.models import AuditEvent
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, InvalidInput
from zhitong.projects.dispatch import selectors, services
from zhitong.projects.dispatch.models import DispatchEntry, DispatchLevel
from zhitong.projects.dispatch.periods import Period, month_of, quarter_of
from zhitong.projects.machines import STAGE
from zhitong.projects.models import ProjectStage

from .consultations import agreed_consultation

pytestmark = pytest.mark.django_db
CITY, COUNTY = DispatchLevel.CITY, DispatchLevel.COUNTY


def city_session(c, held_on=date(2026, 10, 15)):
    return services.dispatch_session_create(actor=c.hub, level=CITY, held_on=held_on, convener=c.leader)


def county_session(c, held_on=date(2026, 11, 5), actor=None):
    return services.dispatch_session_create(
        actor=actor or c.glq_handler,
        level=COUNTY,
        held_on=held_on,
        convener=c.glq_principal,
        county=c.units.glq,
    )


def dispatch(c, session, project, actor=None, decisions="由市工信局牵头，11月底前完成施工许可。"):
    return services.dispatch_entry_save(
        actor=actor or c.hub, session_id=session.pk, project_id=project.pk, decisions=decisions
    )


# -- recording ---------------------------------------------------------------------------------


def test_the_hub_records_a_city_session_in_its_quarter_with_a_title_and_an_audit_event(pdisp_city):
    c = pdisp_city
    s = city_session(c)
    assert (s.level, s.period_start, s.convener) == (CITY, date(2026, 10, 1), c.leader)
    assert s.title == "市级2026年第四季度重点项目季度调度会"
    event = AuditEvent.objects.get(action="project.dispatch_create")
    assert event.after["convener_id"] == c.leader.pk and event.object_id == str(s.pk)


def test_a_county_records_its_own_monthly_session_and_not_another_countys(pdisp_city):
    c = pdisp_city
    s = county_session(c)
    assert (s.level, s.period_start, s.county) == (COUNTY, date(2026, 11, 1), c.units.glq)
    assert s.title == "鼓楼区2026年11月重点项目月度调度会"
    with pytest.raises(Forbidden):
        services.dispatch_session_create(
            actor=c.csq_handler,
            level=COUNTY,
            held_on=date(2026, 11, 5),
            convener=c.glq_principal,
            county=c.units.glq,
        )
    with pytest.raises(Forbidden):  # a county's staff do not record the city's sessions
        services.dispatch_session_create(
            actor=c.glq_handler, level=CITY, held_on=date(2026, 11, 5), convener=c.leader
        )
    for person in (c.clerk, c.enterprise_user, c.leader, c.supervisor):
        with pytest.raises(Forbidden):
            services.dispatch_session_create(
                actor=person, level=CITY, held_on=date(2026, 11, 5), convener=c.leader
            )


def test_the_convener_is_a_city_leader_for_the_city_and_the_countys_principal_for_a_county(pdisp_city):
    c = pdisp_city
    with pytest.raises(InvalidInput, match="市领导主持"):
        services.dispatch_session_create(
            actor=c.hub, level=CITY, held_on=date(2026, 11, 5), convener=c.glq_principal
        )
    with pytest.raises(InvalidInput, match="鼓楼区的主要领导"):
        services.dispatch_session_create(
            actor=c.hub, level=COUNTY, held_on=date(2026, 11, 5), convener=c.leader, county=c.units.glq
        )
    with pytest.raises(InvalidInput, match="县级月调度须选择"):
        services.dispatch_session_create(
            actor=c.hub, level=COUNTY, held_on=date(2026, 11, 5), convener=c.glq_principal, county=c.units.gxj
        )
    # The county's head of government may chair it too.
    s = services.dispatch_session_create(
        actor=c.hub, level=COUNTY, held_on=date(2026, 11, 5), convener=c.glq_head, county=c.units.glq
    )
    assert s.convener == c.glq_head


@pytest.mark.parametrize(("held_on", "ok"), [(date(2026, 11, 20), True), (date(2026, 11, 21), False)])
def test_a_session_is_recorded_once_held_not_before(pdisp_city, held_on, ok):
    if ok:
        assert city_session(pdisp_city, held_on=held_on).held_on == held_on
    else:
        with pytest.raises(InvalidInput, match="不能晚于今天"):
            city_session(pdisp_city, held_on=held_on)


def test_projects_and_decisions_are_recorded_changed_and_removed_with_audit(pdisp_city):
    c = pdisp_city
    s = city_session(c)
    e = dispatch(c, s, c.major)
    again = dispatch(c, s, c.major, decisions="改由市住建局牵头。")
    assert again.pk == e.pk and DispatchEntry.objects.get().decisions == "改由市住建局牵头。"
    actions = list(
        AuditEvent.objects.filter(action="project.dispatch_entry").values_list("before", flat=True)
    )
    assert actions[0] is None and actions[1]["decisions"].startswith("由市工信局牵头")
    services.dispatch_entry_remove(actor=c.hub, entry_id=e.pk)
    assert not DispatchEntry.objects.exists()
    assert AuditEvent.objects.filter(action="project.dispatch_entry_remove").count() == 1


def test_a_decision_is_required_and_a_county_dispatches_only_its_own_projects(pdisp_city):
    c = pdisp_city
    s = county_session(c)
    with pytest.raises(InvalidInput, match="请填写调度意见"):
        dispatch(c, s, c.county, actor=c.glq_handler, decisions="  ")
    with pytest.raises(InvalidInput, match="不在本县"):
        dispatch(c, s, c.key, actor=c.glq_handler)  # located in CSQ
    assert dispatch(c, s, c.county, actor=c.glq_handler).project == c.county
    with pytest.raises(Forbidden):
        dispatch(c, s, c.county, actor=c.csq_handler)
    with pytest.raises(AccessDenied):
        services.dispatch_entry_save(actor=c.hub, session_id=10**12, project_id=c.county.pk, decisions="x")


# -- coverage ----------------------------------------------------------------------------------


def codes(projects):
    return [p.code for p in projects]


def test_city_coverage_lists_the_major_and_key_projects_in_approval_or_construction_not_dispatched(
    pdisp_city,
):
    c = pdisp_city
    q4 = quarter_of(date(2026, 11, 20))
    cov = selectors.dispatch_coverage(user=c.hub, level=CITY, period=q4, today=date(2026, 11, 20))
    # county-level P-03, negotiation P-04, signed P-05, reserve P-06 are not asked for.
    assert codes(cov.population) == ["P-01", "P-02"] and codes(cov.missing) == ["P-01", "P-02"]
    dispatch(c, city_session(c), c.major)
    cov = selectors.dispatch_coverage(user=c.hub, level=CITY, period=q4, today=date(2026, 11, 20))
    assert codes(cov.covered) == ["P-01"] and codes(cov.missing) == ["P-02"]
    # A county's session does not count for the city's quarter, nor last quarter's session.
    dispatch(c, county_session(c), c.major, actor=c.glq_handler)
    dispatch(c, city_session(c, held_on=date(2026, 9, 30)), c.key)
    cov = selectors.dispatch_coverage(user=c.hub, level=CITY, period=q4, today=date(2026, 11, 20))
    assert codes(cov.missing) == ["P-02"]
    assert cov.population[1].last_dispatched == date(2026, 9, 30)


def test_county_coverage_is_per_month_and_scoped_to_the_users_projects(pdisp_city):
    c = pdisp_city
    nov = month_of(date(2026, 11, 20))
    s = county_session(c)
    dispatch(c, s, c.county, actor=c.glq_handler)
    cov = selectors.dispatch_coverage(user=c.hub, level=COUNTY, period=nov, today=date(2026, 11, 20))
    assert codes(cov.population) == ["P-01", "P-02", "P-03"]
    assert codes(cov.covered) == ["P-03"] and codes(cov.missing) == ["P-01", "P-02"]
    # GLQ's handler sees the projects located in GLQ; CSQ's those in CSQ.
    glq = selectors.dispatch_coverage(user=c.glq_handler, level=COUNTY, period=nov, today=date(2026, 11, 20))
    assert codes(glq.population) == ["P-01", "P-03"] and codes(glq.missing) == ["P-01"]
    csq = selectors.dispatch_coverage(user=c.csq_handler, level=COUNTY, period=nov, today=date(2026, 11, 20))
    assert codes(csq.population) == ["P-02"]
    # October: nothing was dispatched.
    octo = selectors.dispatch_coverage(
        user=c.hub, level=COUNTY, period=Period(date(2026, 10, 1), 1), today=date(2026, 11, 20)
    )
    assert codes(octo.missing) == ["P-01", "P-02", "P-03"]


def test_coverage_reads_the_stage_each_project_had_in_the_period(pdisp_city):
    c = pdisp_city
    agreed_consultation(c.talks, c.hub)
    for move, on in (("sign", date(2026, 6, 1)), ("start_approval", date(2026, 8, 3))):
        STAGE.dispatch(pk=c.talks.pk, move=move, actor=c.hub, on=on, note="")
    c.talks.refresh_from_db()
    assert c.talks.stage == ProjectStage.APPROVAL
    cov = selectors.dispatch_coverage(
        user=c.hub, level=CITY, period=Period(date(2026, 4, 1), 3), today=date(2026, 11, 20)
    )
    assert "P-04" not in codes(cov.population)  # Q2: still negotiating, then signed
    cov = selectors.dispatch_coverage(
        user=c.hub, level=CITY, period=Period(date(2026, 7, 1), 3), today=date(2026, 11, 20)
    )
    assert "P-04" in codes(cov.missing)


# -- pages -------------------------------------------------------------------------------------


def page(user, url):
    client = Client()
    client.force_login(user)
    return client.get(url)


def test_the_coverage_page_counts_link_to_lists_of_the_same_length(pdisp_city):
    c = pdisp_city
    dispatch(c, city_session(c), c.major)
    url = reverse("projects:dispatch:coverage")
    r = page(c.hub, url + "?level=city&period=2026-Q4")
    assert r.status_code == 200
    counts = {x["key"]: x for x in r.context["counts"]}
    assert (counts["all"]["value"], counts["covered"]["value"], counts["missing"]["value"]) == (2, 1, 1)
    for key, count in counts.items():
        listed = page(c.hub, url + count["url"])
        assert listed.context["show"] == key and len(listed.context["rows"]) == count["value"]
        assert listed.content.decode().count('<td class="zt-code">') == count["value"]
    # Garbage in the filters lists the default (the current quarter, the missing ones).
    assert page(c.hub, url + "?level=x&period=2026-Q9&show=zzz").context["cov"].period.param == "2026-Q4"


def test_the_coverage_page_is_for_government_staff_only(pdisp_city):
    c = pdisp_city
    url = reverse("projects:dispatch:coverage") + "?level=county"
    assert page(c.glq_handler, url).status_code == 200
    assert page(c.enterprise_user, url).status_code == 403
    assert Client().get(url).status_code == 302


def test_the_session_pages_allow_the_recorders_and_deny_others(pdisp_city):
    c = pdisp_city
    s = county_session(c)
    dispatch(c, s, c.county, actor=c.glq_handler)
    detail = reverse("projects:dispatch:session", args=[s.pk])
    # Allowed: the county's staff (with the edit form), the hub, the principal who convened
    # it; another county's staff and the enterprise get the answer of a missing session.
    r = page(c.glq_handler, detail)
    assert r.status_code == 200 and r.context["form"] is not None
    assert page(c.hub, detail).status_code == 200
    assert page(c.glq_principal, detail).status_code == 200  # convened it
    assert page(c.csq_handler, detail).status_code == 404
    assert page(c.enterprise_user, detail).status_code == 404
    assert page(c.enterprise_user, reverse("projects:dispatch:sessions")).status_code == 403
    listed = page(c.csq_handler, reverse("projects:dispatch:sessions")).context["sessions"]
    assert list(listed) == []
    (row,) = page(c.glq_head, reverse("projects:dispatch:sessions")).context["sessions"]
    assert row.pk == s.pk and row.entry_count == len(page(c.glq_head, detail).context["entries"]) == 1


def test_the_session_form_records_and_refuses_in_chinese(pdisp_city):
    c = pdisp_city
    client = Client()
    client.force_login(c.hub)
    url = reverse("projects:dispatch:session_create")
    assert client.get(url).status_code == 200
    r = client.post(url, {"level": "city", "held_on": "2026-11-02", "convener": c.glq_principal.pk})
    assert r.status_code == 200 and "市级季调度须由市领导主持" in r.content.decode()
    r = client.post(
        url, {"level": "city", "held_on": "2026-11-02", "convener": c.leader.pk, "place": "市政府"}
    )
    assert r.status_code == 302
    outsider = Client()
    outsider.force_login(c.enterprise_user)
    assert outsider.get(url).status_code == 403
    clerk = Client()
    clerk.force_login(c.clerk)
    assert clerk.post(url, {"level": "city"}).status_code == 403


def test_entries_are_saved_and_removed_from_the_page_by_the_recorder_only(pdisp_city):
    c = pdisp_city
    s = city_session(c)
    client = Client()
    client.force_login(c.hub)
    save = reverse("projects:dispatch:entry_save", args=[s.pk])
    r = client.post(save, {"project": c.major.pk, "decisions": "加快办理施工许可"})
    assert r.status_code == 302 and DispatchEntry.objects.count() == 1
    r = client.post(save, {"project": 10**20, "decisions": "x"}, follow=True)
    assert DispatchEntry.objects.count() == 1 and "所选的选项不可用" in r.content.decode()
    # The lead unit's handler sees the session (its project is on it) but may not edit it.
    handler = Client()
    handler.force_login(c.handler)
    detail = handler.get(reverse("projects:dispatch:session", args=[s.pk]))
    assert detail.status_code == 200 and detail.context["form"] is None
    r = handler.post(save, {"project": c.major.pk, "decisions": "改"}, follow=True)
    assert "只有登记该调度会" in r.content.decode()
    entry = DispatchEntry.objects.get()
    remove = reverse("projects:dispatch:entry_remove", args=[s.pk, entry.pk])
    assert handler.post(remove).status_code == 302 and DispatchEntry.objects.count() == 1
    assert client.post(remove).status_code == 302 and DispatchEntry.objects.count() == 0


def test_the_project_page_lists_the_sessions_that_dispatched_it(pdisp_city):
    c = pdisp_city
    dispatch(c, city_session(c), c.major)
    r = page(c.handler, reverse("projects:detail", args=[c.major.pk]))
    assert r.status_code == 200 and "市级2026年第四季度重点项目季度调度会" in r.content.decode()


# -- API ---------------------------------------------------------------------------------------


def api(user):
    _, raw = ApiToken.issue(user=user, name="测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def post(client, path, body):
    return client.post("/api/v1/dispatch" + path, json.dumps(body), content_type="application/json")


def test_the_api_records_a_session_and_its_projects_and_refuses_others(pdisp_city):
    c = pdisp_city
    hub = api(c.hub)
    r = post(hub, "/sessions", {"level": "city", "held_on": "2026-10-15", "convener_id": c.leader.pk})
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    assert r.json()["period"] == "2026-Q4"
    r = post(hub, f"/sessions/{sid}/entries", {"project_id": c.major.pk, "decisions": "加快办理"})
    assert r.status_code == 200 and r.json()["entries"][0]["project"]["code"] == "P-01"
    assert hub.get(f"/api/v1/dispatch/sessions/{sid}").status_code == 200
    assert [x["id"] for x in hub.get("/api/v1/dispatch/sessions").json()] == [sid]
    # Denied: another county's handler does not see it, cannot add to it, nor create a city session.
    csq = api(c.csq_handler)
    assert csq.get(f"/api/v1/dispatch/sessions/{sid}").status_code == 404
    assert (
        post(csq, f"/sessions/{sid}/entries", {"project_id": c.key.pk, "decisions": "x"}).status_code == 404
    )
    r = post(csq, "/sessions", {"level": "city", "held_on": "2026-10-15", "convener_id": c.leader.pk})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert api(c.enterprise_user).get("/api/v1/dispatch/sessions").status_code == 403
    # The handler of the lead unit sees the session (its project) but may not change it.
    handler = api(c.handler)
    assert handler.get(f"/api/v1/dispatch/sessions/{sid}").status_code == 200
    assert handler.delete(f"/api/v1/dispatch/sessions/{sid}/entries/{c.major.pk}").status_code == 403
    r = hub.delete(f"/api/v1/dispatch/sessions/{sid}/entries/{c.major.pk}")
    assert r.status_code == 200 and r.json()["entries"] == []
    assert hub.delete(f"/api/v1/dispatch/sessions/{sid}/entries/{c.major.pk}").status_code == 404


def test_the_api_coverage_equals_the_pages(pdisp_city):
    c = pdisp_city
    dispatch(c, city_session(c), c.major)
    r = api(c.hub).get("/api/v1/dispatch/coverage?level=city&period=2026-Q4")
    assert r.status_code == 200
    body = r.json()
    assert [p["code"] for p in body["missing"]] == ["P-02"] and [p["code"] for p in body["covered"]] == [
        "P-01"
    ]
    assert api(c.enterprise_user).get("/api/v1/dispatch/coverage").status_code == 403
    assert Client().get("/api/v1/dispatch/coverage").status_code == 401


def test_a_second_entry_for_the_same_project_at_once_is_a_conflict_not_an_error(pdisp_city, monkeypatch):
    c = pdisp_city
    s = city_session(c)
    # Simulate the race: the lookup finds no row, the insert meets the other's row.
    dispatch(c, s, c.major)
    real = DispatchEntry.objects.select_for_update

    class Empty:
        def filter(self, **kw):
            return self

        def first(self):
            return None

    monkeypatch.setattr(DispatchEntry.objects, "select_for_update", lambda: Empty())
    with pytest.raises(ConflictError):
        dispatch(c, s, c.major, decisions="另一人同时保存")
    monkeypatch.setattr(DispatchEntry.objects, "select_for_update", real)
