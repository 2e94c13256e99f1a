"""The stage table of a project: its moves, their dated history, the pages."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from zhitong.core.errors import ConflictError, Forbidden, InvalidInput
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.projects.machines import STAGE
from zhitong.projects.models import Project, ProjectStage, ProjectStageChange

from .consultations import agreed_consultation

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def world(db):
    root = UnitFactory(code="ROOT", kind=UnitKind.CITY_GOVERNMENT)
    county = UnitFactory(code="A", kind=UnitKind.COUNTY, parent=root)
    other = UnitFactory(code="B", kind=UnitKind.COUNTY, parent=root)
    project = Project.objects.create(
        code="P-1",
        name="新材料产业园",
        owner=EnterpriseFactory(location=county),
        location=county,
        lead_unit=county,
    )
    hub = UserFactory(role=Role.HUB, unit=root)
    # seeds/002 准入落地会商: signing needs an agreed consultation (test_dispatch_consultation.py).
    agreed_consultation(project, hub)
    return {
        "project": project,
        "lead": UserFactory(role=Role.HANDLER, unit=county),
        "outsider": UserFactory(role=Role.HANDLER, unit=other),
        "hub": hub,
    }


def advance(project, move, actor, on, version=None):
    return STAGE.dispatch(
        pk=project.pk, move=move, actor=actor, on=on, note="", expected_version=version, now=NOW
    )


def test_the_lead_unit_moves_the_project_stage_by_stage_with_dated_history(world):
    p, lead = world["project"], world["lead"]
    advance(p, "start_negotiation", lead, date(2026, 3, 2))
    advance(p, "sign", lead, date(2026, 6, 18))
    p.refresh_from_db()
    assert p.stage == ProjectStage.SIGNED and p.stage_since == date(2026, 6, 18) and p.version == 2
    rows = list(ProjectStageChange.objects.filter(project=p).values_list("from_stage", "to_stage", "on"))
    assert rows == [
        ("reserve", "negotiation", date(2026, 3, 2)),
        ("negotiation", "signed", date(2026, 6, 18)),
    ]


def test_a_stage_cannot_be_skipped_nor_moved_by_another_unit(world):
    p = world["project"]
    with pytest.raises(ConflictError):
        advance(p, "sign", world["lead"], date(2026, 3, 2))
    with pytest.raises(Forbidden):
        advance(p, "start_negotiation", world["outsider"], date(2026, 3, 2))


@pytest.mark.parametrize(
    ("on", "ok"),
    [
        (date(2026, 11, 20), True),
        (date(2026, 11, 21), False),
        (date(2026, 3, 1), False),
        (date(2026, 3, 2), True),
    ],
)
def test_the_day_of_a_stage_is_not_in_the_future_nor_before_the_previous_one(world, on, ok):
    p, lead = world["project"], world["lead"]
    advance(p, "start_negotiation", lead, date(2026, 3, 2))
    if ok:
        advance(p, "sign", lead, on)
    else:
        with pytest.raises(InvalidInput):
            advance(p, "sign", lead, on)


def test_only_the_hub_steps_back_with_a_reason(world):
    p = world["project"]
    advance(p, "start_negotiation", world["lead"], date(2026, 3, 2))
    with pytest.raises(Forbidden):
        STAGE.dispatch(pk=p.pk, move="step_back", actor=world["lead"], reason="登记错误", now=NOW)
    STAGE.dispatch(pk=p.pk, move="step_back", actor=world["hub"], reason="登记错误", now=NOW)
    p.refresh_from_db()
    assert p.stage == ProjectStage.RESERVE


def test_the_project_page_is_in_scope_only(world, client):
    p = world["project"]
    client.force_login(world["lead"])
    page = client.get(reverse("projects:detail", args=[p.pk]))
    assert page.status_code == 200 and "新材料产业园" in page.text and "进入洽谈" in page.text
    assert "新材料产业园" in client.get(reverse("projects:list")).text
    client.force_login(world["outsider"])
    assert client.get(reverse("projects:detail", args=[p.pk])).status_code == 404
    assert "新材料产业园" not in client.get(reverse("projects:list")).text
    posted = client.post(
        reverse("projects:move", args=[p.pk, "start_negotiation"]), {"version": 0, "on": "2026-03-02"}
    )
    assert posted.status_code == 404


def test_the_move_endpoint_records_the_stage(world, client):
    p = world["project"]
    client.force_login(world["lead"])
    url = reverse("projects:move", args=[p.pk, "start_negotiation"])
    assert client.post(url, {"version": 0, "on": "2026-03-02"}).status_code == 302
    p.refresh_from_db()
    assert p.stage == ProjectStage.NEGOTIATION
