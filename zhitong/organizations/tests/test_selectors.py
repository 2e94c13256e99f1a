import pytest

from zhitong.core.errors import AccessDenied
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.selectors import (
    leaders_for_unit,
    service_window_directory,
    unit_get_for_user,
    unit_subtree_ids,
    unit_tree,
    user_scope_unit_ids,
)
from zhitong.organizations.services import service_window_save
from zhitong.organizations.tests.factories import UserFactory

from .org_fixtures import org_fixture  # noqa: F401  (provides the `org` fixture)

pytestmark = pytest.mark.django_db


def test_a_subtree_is_the_unit_and_its_descendants(org):
    assert set(unit_subtree_ids(org.unit_a)) == {org.unit_a.pk, org.section_a.pk}
    assert set(unit_subtree_ids(org.root)) == {org.root.pk, org.unit_a.pk, org.section_a.pk, org.unit_b.pk}


def test_the_handler_of_a_sees_as_subtree_and_not_bs(org):
    scope = user_scope_unit_ids(org.handler_a)
    assert scope == {org.unit_a.pk, org.section_a.pk}
    assert org.unit_b.pk not in scope
    assert user_scope_unit_ids(org.head_a) == scope
    assert user_scope_unit_ids(org.outsider_b) == {org.unit_b.pk}


def test_staff_of_a_section_see_their_departments_subtree(org):
    section_handler = UserFactory(role=Role.HANDLER, unit=org.section_a)
    assert user_scope_unit_ids(section_handler) == {org.unit_a.pk, org.section_a.pk}
    assert org.unit_b.pk not in user_scope_unit_ids(section_handler)


@pytest.mark.parametrize("role", [Role.HUB, Role.SUPERVISOR, Role.OVERSEER, Role.ADMIN])
def test_city_wide_roles_see_all(org, role):
    assert user_scope_unit_ids(UserFactory(role=role, unit=org.root)) is None


def test_a_leader_sees_the_portfolio_and_its_subtrees_only(org):
    leader = UserFactory(role=Role.LEADER, unit=org.root, leader_level=LeaderLevel.VICE_MAYOR)
    assert user_scope_unit_ids(leader) == set()
    leader.portfolio.set([org.unit_a])
    assert user_scope_unit_ids(leader) == {org.unit_a.pk, org.section_a.pk}
    assert org.unit_b.pk not in user_scope_unit_ids(leader)


def test_enterprise_users_and_inactive_users_have_no_unit_scope(org):
    assert user_scope_unit_ids(UserFactory(role=Role.ENTERPRISE, unit=None)) == set()
    org.handler_a.is_active = False
    assert user_scope_unit_ids(org.handler_a) == set()


def test_unit_get_for_user_allows_the_own_subtree_and_denies_another(org):
    assert unit_get_for_user(user=org.handler_a, unit_id=org.section_a.pk) == org.section_a
    with pytest.raises(AccessDenied):
        unit_get_for_user(user=org.outsider_b, unit_id=org.unit_a.pk)
    with pytest.raises(AccessDenied):
        unit_get_for_user(user=org.handler_a, unit_id=999_999)


def test_leaders_for_a_unit_are_those_whose_portfolio_covers_it(org):
    leader = UserFactory(role=Role.LEADER, unit=org.root, leader_level=LeaderLevel.VICE_MAYOR)
    leader.portfolio.set([org.unit_a])
    assert list(leaders_for_unit(org.section_a)) == [leader]
    assert list(leaders_for_unit(org.unit_b)) == []


def test_the_leader_in_charge_comes_before_the_mayor_and_county_principals_are_left_out(org):
    mayor = UserFactory(role=Role.LEADER, unit=org.root, leader_level=LeaderLevel.MAYOR)
    mayor.portfolio.set([org.root])
    vice = UserFactory(role=Role.LEADER, unit=org.root, leader_level=LeaderLevel.VICE_MAYOR)
    vice.portfolio.set([org.unit_b])
    principal = UserFactory(role=Role.LEADER, unit=org.unit_b, leader_level=LeaderLevel.COUNTY_PRINCIPAL)
    principal.portfolio.set([org.unit_b])
    assert list(leaders_for_unit(org.unit_b)) == [vice, mayor]
    assert list(leaders_for_unit(org.unit_b, include_county_principals=True)) == [principal, vice, mayor]
    assert list(leaders_for_unit(org.unit_a)) == [mayor]


def test_the_tree_nests_children_under_parents(org):
    roots = unit_tree()
    assert [n["unit"].code for n in roots] == ["ROOT"]
    children = {n["unit"].code: n for n in roots[0]["children"]}
    assert set(children) == {"A", "B"}
    assert [n["unit"].code for n in children["A"]["children"]] == ["A-QYFW"]


def test_the_directory_groups_public_windows_by_kind(org):
    service_window_save(
        actor=None,
        unit=org.unit_a,
        leader_name="王建国",
        section_name="企业服务科",
        phone="0591-87650001",
        staff=[
            {
                "name": "林晓燕",
                "position": "科长",
                "post": "窗口负责人",
                "duties": "受理",
                "phone": "0591-87650002",
            }
        ],
    )
    w = service_window_save(
        actor=None, unit=org.unit_b, leader_name="陈明", section_name="企业服务中心", phone="0591-1"
    )
    groups = service_window_directory()
    assert [(kind, [x.unit.code for x in ws]) for kind, _, ws in groups] == [
        ("department", ["A"]),
        ("county", ["B"]),
    ]
    w.is_public = False
    w.save()
    assert [kind for kind, _, _ in service_window_directory()] == ["department"]
    assert [x.unit.code for _, _, ws in service_window_directory(q="林晓燕") for x in ws] == ["A"]
