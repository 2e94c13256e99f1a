"""The admission-and-landing consultation (准入落地会商, seeds/002) before signing: recorded
through a service (audited), and the stage table's `sign` refused until one concluded 同意."""

import json
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.audit.models import AuditEvent
from zhitong.core.errors import ConflictError, Forbidden, InvalidInput
from zhitong.projects.dispatch import services
from zhitong.projects.dispatch.guards import NOT_CONSULTED
from zhitong.projects.dispatch.models import AdmissionConsultation
from zhitong.projects.machines import STAGE
from zhitong.projects.models import ProjectStage

pytestmark = pytest.mark.django_db


def consult(
    c, actor=None, *, conclusion="agree", held_on=date(2026, 11, 10), fits=(True, True, True), project=None
):
    return services.consultation_record(
        actor=actor or c.glq_handler,
        project_id=(project or c.talks).pk,
        held_on=held_on,
        participants="区发改局、区自然资源局、园区管委会",
        fits_city_plan=fits[0],
        fits_park_positioning=fits[1],
        fits_industry_policy=fits[2],
        conclusion=conclusion,
        opinion="项目符合规划和产业定位。",
    )


def sign(c, actor=None):
    return STAGE.dispatch(
        pk=c.talks.pk, move="sign", actor=actor or c.glq_handler, on=date(2026, 11, 18), note=""
    )


def test_signing_is_refused_without_a_consultation_and_the_button_is_hidden(pdisp_city):
    c = pdisp_city
    with pytest.raises(ConflictError, match="准入落地会商"):
        sign(c)
    assert "sign" not in [m.name for m in STAGE.available(c.glq_handler, c.talks)]


def test_an_agreed_consultation_lets_the_project_be_signed(pdisp_city):
    c = pdisp_city
    consult(c)
    assert "sign" in [m.name for m in STAGE.available(c.glq_handler, c.talks)]
    sign(c)
    c.talks.refresh_from_db()
    assert c.talks.stage == ProjectStage.SIGNED


@pytest.mark.parametrize("conclusion", ["defer", "reject"])
def test_a_later_deferral_or_refusal_withdraws_an_earlier_agreement(pdisp_city, conclusion):
    c = pdisp_city
    consult(c, held_on=date(2026, 11, 2))
    consult(c, conclusion=conclusion, held_on=date(2026, 11, 12), fits=(True, False, True))
    with pytest.raises(ConflictError, match="结论为“(暂缓|不同意)”，不能签约"):
        sign(c)


def test_agreement_needs_plan_positioning_and_policy_all_met(pdisp_city):
    c = pdisp_city
    for fits in ((False, True, True), (True, False, True), (True, True, False)):
        with pytest.raises(InvalidInput, match="城市发展规划、园区产业定位和产业政策"):
            consult(c, fits=fits)
    assert not AdmissionConsultation.objects.exists()


def test_the_lead_unit_and_the_hub_record_it_others_may_not(pdisp_city):
    c = pdisp_city
    consult(c, actor=c.hub)
    consult(c, actor=c.glq_head)
    for person in (c.csq_handler, c.handler, c.leader, c.supervisor, c.enterprise_user, c.clerk):
        with pytest.raises(Forbidden):
            consult(c, actor=person)
    event = AuditEvent.objects.filter(action="project.consultation_record").first()
    assert event.object_type == "projects.project" and event.after["conclusion"] == "agree"
    assert AuditEvent.objects.filter(action="project.consultation_record").count() == 2


def test_it_is_held_before_signing_on_a_day_that_has_come(pdisp_city):
    c = pdisp_city
    with pytest.raises(ConflictError, match="签约前"):
        consult(c, actor=c.hub, project=c.signed)
    with pytest.raises(InvalidInput, match="不能晚于今天"):
        consult(c, held_on=date(2026, 11, 21))
    assert consult(c, held_on=date(2026, 11, 20)).held_on == date(2026, 11, 20)


def test_the_project_page_says_why_it_cannot_be_signed_and_offers_the_form(pdisp_city):
    c = pdisp_city
    client = Client()
    client.force_login(c.glq_handler)
    url = reverse("projects:detail", args=[c.talks.pk])
    r = client.get(url)
    section = next(s for s in r.context["sections"] if s["section"].key == "dispatch")
    assert section["context"]["sign_blocked"] == NOT_CONSULTED and section["context"]["form"] is not None
    assert NOT_CONSULTED in r.content.decode()
    post = reverse("projects:dispatch:consultation", args=[c.talks.pk])
    data = {
        "held_on": "2026-11-19",
        "participants": "区发改局",
        "fits_city_plan": "on",
        "fits_park_positioning": "on",
        "fits_industry_policy": "on",
        "conclusion": "agree",
        "opinion": "同意落地",
    }
    assert client.post(post, data).status_code == 302
    r = client.get(url)
    section = next(s for s in r.context["sections"] if s["section"].key == "dispatch")
    assert section["context"]["sign_blocked"] is None
    assert "sign" in [m.move.name for m in r.context["moves"]]


def test_the_consultation_post_is_denied_to_those_outside_the_lead_unit(pdisp_city):
    c = pdisp_city
    post = reverse("projects:dispatch:consultation", args=[c.talks.pk])
    data = {"held_on": "2026-11-19", "participants": "x", "conclusion": "defer", "opinion": "x"}
    outsider = Client()
    outsider.force_login(c.csq_handler)
    assert outsider.post(post, data).status_code == 404  # the project is out of sight
    leader = Client()
    leader.force_login(c.leader)  # sees the project (responsible leader), may not record
    r = leader.post(post, data, follow=True)
    assert "只有项目牵头单位" in r.content.decode() and not AdmissionConsultation.objects.exists()
    r = leader.get(reverse("projects:detail", args=[c.talks.pk]))
    section = next(s for s in r.context["sections"] if s["section"].key == "dispatch")
    assert section["context"]["form"] is None


def api(user):
    _, raw = ApiToken.issue(user=user, name="测试")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_api_records_and_lists_consultations_for_the_lead_unit_only(pdisp_city):
    c = pdisp_city
    path = f"/api/v1/dispatch/projects/{c.talks.pk}/consultations"
    body = {
        "held_on": "2026-11-19",
        "participants": "区发改局",
        "fits_city_plan": True,
        "fits_park_positioning": True,
        "fits_industry_policy": True,
        "conclusion": "agree",
        "opinion": "同意",
    }
    r = api(c.glq_handler).post(path, json.dumps(body), content_type="application/json")
    assert r.status_code == 201 and r.json()["conclusion_label"] == "同意"
    assert [x["id"] for x in api(c.leader).get(path).json()] == [r.json()["id"]]
    assert api(c.csq_handler).get(path).status_code == 404
    r = api(c.leader).post(path, json.dumps(body), content_type="application/json")
    assert r.status_code == 403
    r = api(c.glq_handler).post(
        path, json.dumps({**body, "conclusion": "maybe"}), content_type="application/json"
    )
    assert r.status_code == 422
