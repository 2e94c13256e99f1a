"""A project's open appeals are its problems in the leaders' monthly digest (the projects
app's hook, projects.dispatch.hooks, filled by appeals/project_problems.py)."""

import pytest

from zhitong.appeals.choices import Status
from zhitong.projects.dispatch.hooks import PROBLEM_SOURCES, open_problems
from zhitong.projects.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(city):
    return Project.objects.create(
        code="P-001",
        name="榕城精密机械厂房扩建项目",
        owner=city.enterprise,
        location=city.units.glq,
        lead_unit=city.units.gxj,
    )


def test_the_appeals_app_fills_the_hook():
    from zhitong.appeals.project_problems import open_project_problems

    assert open_project_problems in PROBLEM_SOURCES


def test_open_appeals_of_the_project_are_its_problems_oldest_first(city, flow, project):
    first = flow.to(Status.IN_PROGRESS, project_id=project.pk)
    second = flow.to(Status.SUBMITTED, project_id=project.pk, title="施工用电增容审批缓慢")
    flow.to(Status.VERIFIED, project_id=project.pk, title="已解决的问题")
    flow.to(Status.IN_PROGRESS, title="不属于项目的诉求")
    problems = open_problems([project.pk], user=city.hub)[project.pk]
    assert [p.code for p in problems] == [first.code, second.code]
    assert problems[0].status == "办理中" and problems[0].url == f"/appeals/{first.pk}/"


def test_a_problem_is_named_but_linked_only_for_a_reader_who_may_open_it(city, flow, project):
    appeal = flow.to(Status.IN_PROGRESS, project_id=project.pk)
    (seen,) = open_problems([project.pk], user=city.handler)[project.pk]
    assert seen.url == f"/appeals/{appeal.pk}/"  # GXJ leads it
    (unseen,) = open_problems([project.pk], user=city.outsider)[project.pk]
    assert unseen.code == appeal.code and unseen.url == ""
    assert open_problems([], user=city.hub) == {}
