"""One place for everything about a project: its page shows the project's appeals (the
appeals app's section) and the meetings and tasks about them (coordination's), each read
through its own app's scope — registered from their AppConfig.ready, since projects sits
below both."""

from datetime import date

import pytest
from django.urls import reverse

from zhitong.coordination import services
from zhitong.projects.sections import SECTIONS

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_sections_are_registered_by_the_apps_above_projects():
    keys = [s.key for s in SECTIONS]
    assert "appeals" in keys and "coordination" in keys
    assert keys.index("stages") < keys.index("appeals")


@pytest.fixture
def world(city, scene):
    c = city
    mine = scene.appeal(project=c.project, title="厂房消防验收备案未办结")
    theirs = scene.appeal(project=c.project, lead=c.units.swj, title="项目用工社保登记受阻")
    scene.appeal(
        project=c.other_project, enterprise=c.other_enterprise, lead=c.units.swj, title="别的项目的诉求"
    )
    meeting = services.meeting_create(
        actor=c.hub,
        title="精密机械项目推进协调会",
        convener=c.leader,
        held_at=at(2025, 8, 28, 15),
        now=at(2025, 8, 27),
    )
    items = services.meeting_add_items(
        actor=c.hub, meeting_id=meeting.pk, appeal_ids=[mine.pk], now=at(2025, 8, 27)
    )
    services.meeting_record_opinion(
        actor=c.hub,
        item_id=items[0].pk,
        opinion="市工信局牵头协调消防部门联合验收",
        unit_ids=[c.units.gxj.pk],
        due_date=date(2025, 9, 10),
        now=at(2025, 8, 28, 17),
    )
    return c, mine, theirs, meeting


def page(client, user, project):
    client.force_login(user)
    response = client.get(reverse("projects:detail", args=[project.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_lead_unit_sees_its_appeals_meeting_and_task_about_the_project(client, world):
    c, mine, theirs, meeting = world
    html = page(client, c.handler, c.project)
    assert mine.code in html and theirs.code not in html and "别的项目的诉求" not in html
    assert "共 1 件，其中未办结 1 件" in html
    assert (
        "精密机械项目推进协调会" in html and reverse("coordination:meeting_detail", args=[meeting.pk]) in html
    )
    assert "市工信局牵头协调消防部门联合验收" in html and "共 1 项，其中未办结 1 项" in html


def test_the_hub_sees_every_appeal_of_the_project(client, world):
    c, mine, theirs, _meeting = world
    html = page(client, c.hub, c.project)
    assert mine.code in html and theirs.code in html and "共 2 件" in html


def test_a_hosting_unit_reads_the_project_but_not_appeals_and_meetings_out_of_its_scope(client, world):
    c, mine, theirs, _meeting = world
    html = page(client, c.glq_handler, c.project)
    assert mine.code not in html and theirs.code not in html
    assert "精密机械项目推进协调会" not in html
    assert "尚无与本项目关联的诉求，或您无权查看。" in html and "尚无交办任务，或您无权查看。" in html


def test_an_outsider_gets_404_for_the_project_page(client, world):
    c, *_ = world
    client.force_login(c.outsider)
    # SWJ leads P-002, not P-001: the page (and so its sections) is out of sight.
    assert client.get(reverse("projects:detail", args=[c.project.pk])).status_code == 404
