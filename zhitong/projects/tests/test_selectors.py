import pytest

from zhitong.core.errors import AccessDenied
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.projects.models import Project
from zhitong.projects.selectors import project_get_for_user, project_list_for_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    root = UnitFactory(code="ROOT", kind=UnitKind.CITY_GOVERNMENT)
    unit_a = UnitFactory(code="A", kind=UnitKind.COUNTY, parent=root)
    unit_b = UnitFactory(code="B", kind=UnitKind.COUNTY, parent=root)
    ent_a = EnterpriseFactory(location=unit_a)
    ent_b = EnterpriseFactory(location=unit_b)
    p_a = Project.objects.create(code="P-A", name="甲区项目", owner=ent_a, location=unit_a, lead_unit=unit_a)
    p_b = Project.objects.create(code="P-B", name="乙区项目", owner=ent_b, location=unit_b, lead_unit=unit_b)
    return {
        "root": root,
        "unit_a": unit_a,
        "unit_b": unit_b,
        "ent_a": ent_a,
        "p_a": p_a,
        "p_b": p_b,
        "handler_a": UserFactory(role=Role.HANDLER, unit=unit_a),
        "head_a": UserFactory(role=Role.UNIT_HEAD, unit=unit_a),
        "outsider_b": UserFactory(role=Role.HANDLER, unit=unit_b),
    }


def codes(user):
    return set(project_list_for_user(user=user).values_list("code", flat=True))


def test_unit_staff_see_their_units_projects_and_not_anothers(world):
    assert codes(world["handler_a"]) == {"P-A"}
    assert codes(world["head_a"]) == {"P-A"}
    assert project_get_for_user(user=world["handler_a"], project_id=world["p_a"].pk) == world["p_a"]
    with pytest.raises(AccessDenied):
        project_get_for_user(user=world["outsider_b"], project_id=world["p_a"].pk)


def test_a_leader_sees_portfolio_projects_and_those_they_are_responsible_for(world):
    leader = UserFactory(role=Role.LEADER, unit=world["root"], leader_level=LeaderLevel.VICE_MAYOR)
    leader.portfolio.set([world["unit_a"]])
    assert codes(leader) == {"P-A"}
    world["p_b"].leader = leader
    world["p_b"].save()
    assert codes(leader) == {"P-A", "P-B"}


def test_an_enterprise_user_sees_only_its_own_projects(world):
    own = UserFactory(role=Role.ENTERPRISE, unit=None, enterprise=world["ent_a"])
    assert codes(own) == {"P-A"}
    with pytest.raises(AccessDenied):
        project_get_for_user(user=own, project_id=world["p_b"].pk)


def test_the_hub_sees_every_project(world):
    assert codes(UserFactory(role=Role.HUB, unit=world["root"])) == {"P-A", "P-B"}
