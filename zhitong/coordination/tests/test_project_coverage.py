"""The monthly coordination of a project in construction on its page (seeds/004 绵阳: 每月
至少召开1次协调会), a section the coordination app adds to the project page."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from zhitong.coordination import services
from zhitong.coordination.project_coverage import KEY, coverage_context, coverage_months
from zhitong.projects.models import ProjectStage
from zhitong.projects.sections import SECTIONS

from .conftest import at

pytestmark = pytest.mark.django_db


class Req:
    def __init__(self, user):
        self.user = user


def meeting_with(city, scene, *, units):
    appeal = scene.appeal(project=city.project)
    meeting = services.meeting_create(
        actor=city.hub,
        title="重点项目推进协调会",
        convener=city.leader,
        held_at=at(2025, 9, 20, 15),
        unit_ids=[u.pk for u in units],
        now=at(2025, 9, 12),
    )
    services.meeting_add_items(
        actor=city.hub, meeting_id=meeting.pk, appeal_ids=[appeal.pk], now=at(2025, 9, 12)
    )
    return meeting


def test_the_section_is_registered_once_from_the_coordination_app():
    assert [s.key for s in SECTIONS].count(KEY) == 1


def test_the_months_are_those_since_construction_began_at_most_six():
    class P:
        stage_since = None

    assert coverage_months(P, date(2025, 9, 3)) == [date(2025, m, 1) for m in range(4, 10)]
    P.stage_since = date(2025, 8, 10)
    assert coverage_months(P, date(2025, 9, 3)) == [date(2025, 8, 1), date(2025, 9, 1)]
    P.stage_since = date(2024, 11, 30)
    assert coverage_months(P, date(2025, 2, 3))[0] == date(2024, 11, 1)  # across the year


def test_a_month_with_a_meeting_on_the_projects_appeal_is_covered(city, scene):
    meeting = meeting_with(city, scene, units=[city.units.gxj, city.units.glq])
    ctx = coverage_context(Req(city.hub), city.project, date(2025, 9, 25))
    assert [r["month"] for r in ctx["rows"]][-1] == date(2025, 9, 1) and ctx["covered"] == 1
    assert ctx["missing"] == [date(2025, m, 1) for m in range(4, 9)]
    (m,) = ctx["rows"][-1]["meetings"]
    assert m["meeting"] == meeting and m["url"] == reverse("coordination:meeting_detail", args=[meeting.pk])


def test_a_meeting_the_reader_may_not_open_is_named_without_a_link(city, scene):
    meeting_with(city, scene, units=[city.units.zjj])
    # GLQ's handler sees the project (it is located there), not this meeting.
    (m,) = coverage_context(Req(city.glq_handler), city.project, date(2025, 9, 25))["rows"][-1]["meetings"]
    assert m["url"] == ""


def test_only_projects_in_construction_have_the_section(city):
    city.project.stage = ProjectStage.COMPLETED
    assert coverage_context(Req(city.hub), city.project, date(2025, 9, 25)) is None


def test_the_project_page_shows_it_to_those_who_see_the_project(city, scene):
    meeting_with(city, scene, units=[city.units.gxj])
    client = Client()
    client.force_login(city.handler)
    r = client.get(reverse("projects:detail", args=[city.project.pk]))
    assert r.status_code == 200 and "在建项目月度协调" in r.content.decode()
    assert "近 6 个月中 1 个月已协调" in r.content.decode()
    outsider = Client()
    outsider.force_login(city.outsider)
    assert outsider.get(reverse("projects:detail", args=[city.project.pk])).status_code == 404
