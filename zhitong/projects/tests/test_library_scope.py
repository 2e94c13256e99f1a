"""Data scope of the project library: a unit sees the projects it leads, hosts, helps,
supervises, cooperates on or serves on the team of (seeds/003 二(二)4; ProjectMember unit
roles still running), a person on the team sees their project — and nobody else does."""

from datetime import date

import pytest

from zhitong.core.errors import AccessDenied
from zhitong.enterprises.selectors import enterprise_list_for_user
from zhitong.projects.models import MemberRole, ProjectMember
from zhitong.projects.selectors import project_get_for_user, project_list_for_user

from .plib_world import make_project, plib  # noqa: F401

pytestmark = pytest.mark.django_db


def codes(user):
    return set(project_list_for_user(user=user).values_list("code", flat=True))


def test_a_unit_sees_the_projects_it_leads_and_an_outsider_does_not(plib):  # noqa: F811
    assert codes(plib.handler_a) == {"XM-A1"}
    assert codes(plib.head_a) == {"XM-A1"}
    assert codes(plib.outsider_b) == {"XM-B1"}
    with pytest.raises(AccessDenied):
        project_get_for_user(user=plib.outsider_b, project_id=plib.p_a.pk)


def test_a_unit_sees_the_projects_it_hosts_in_its_subtree(plib):  # noqa: F811
    make_project("XM-PARK", owner=plib.ent_b, lead=plib.dept, location=plib.park_a)
    assert "XM-PARK" in codes(plib.handler_a)
    assert "XM-PARK" not in codes(plib.outsider_b)


@pytest.mark.parametrize(
    "role",
    [MemberRole.HELPER_UNIT, MemberRole.SUPERVISOR_UNIT, MemberRole.COOPERATOR_UNIT, MemberRole.TEAM_UNIT],
)
def test_a_unit_sees_the_projects_it_helps_supervises_or_cooperates_on(plib, role):  # noqa: F811
    ProjectMember.objects.create(project=plib.p_b, role=role, unit=plib.unit_a, since=date(2026, 1, 5))
    assert codes(plib.handler_a) == {"XM-A1", "XM-B1"}
    assert project_get_for_user(user=plib.head_a, project_id=plib.p_b.pk) == plib.p_b
    # The department helps nothing: it still sees nothing.
    assert codes(plib.dept_handler) == set()


def test_a_unit_whose_role_has_ended_no_longer_sees_the_project(plib):  # noqa: F811
    ProjectMember.objects.create(
        project=plib.p_b,
        role=MemberRole.HELPER_UNIT,
        unit=plib.unit_a,
        since=date(2026, 1, 5),
        until=date(2026, 6, 30),
    )
    assert codes(plib.handler_a) == {"XM-A1"}


def test_a_person_on_the_team_sees_the_project_whatever_their_unit(plib):  # noqa: F811
    ProjectMember.objects.create(
        project=plib.p_b, role=MemberRole.BUTLER, user=plib.dept_handler, since=date(2026, 1, 5)
    )
    assert codes(plib.dept_handler) == {"XM-B1"}
    # Their colleagues do not: the butler is a person, not a unit role.
    from zhitong.organizations.tests.factories import UserFactory

    colleague = UserFactory(role=plib.dept_handler.role, unit=plib.dept)
    assert codes(colleague) == set()


def test_the_leader_sees_the_projects_they_are_responsible_for_and_enterprises_their_own(plib):  # noqa: F811
    assert codes(plib.leader) == {"XM-A1"}
    assert codes(plib.ent_user_a) == {"XM-A1"}
    assert codes(plib.hub) == {"XM-A1", "XM-B1"}


def test_a_unit_that_serves_a_project_sees_its_owner_enterprise(plib):  # noqa: F811
    assert plib.ent_b not in enterprise_list_for_user(user=plib.handler_a)
    ProjectMember.objects.create(
        project=plib.p_b, role=MemberRole.COOPERATOR_UNIT, unit=plib.unit_a, since=date(2026, 1, 5)
    )
    assert plib.ent_b in enterprise_list_for_user(user=plib.handler_a)
    assert plib.ent_b not in enterprise_list_for_user(user=plib.dept_handler)
