from datetime import timedelta

import pytest
from django.utils import timezone

from zhitong.appeals.choices import Channel
from zhitong.appeals.models import Appeal, Category, Cooperation
from zhitong.audit.models import AuditEvent
from zhitong.core.errors import AccessDenied, Forbidden
from zhitong.enterprises.choices import TeamRole
from zhitong.enterprises.models import TeamMember
from zhitong.enterprises.selectors import (
    can_see_full_phone,
    enterprise_get_for_user,
    enterprise_list_for_user,
    mask_phone,
)
from zhitong.enterprises.services import contact_reveal_phone
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def visible(user, **kw):
    return set(enterprise_list_for_user(user=user, **kw).values_list("name", flat=True))


def test_a_unit_handler_sees_enterprises_in_the_units_subtree_and_not_another_units(city):
    assert visible(city.handler_a) == {city.enterprise_a.name}
    assert visible(city.head_a) == {city.enterprise_a.name}
    assert visible(city.outsider_b) == {city.enterprise_b.name}


def test_the_handler_gets_an_enterprise_of_unit_a_and_the_outsider_does_not(city):
    assert (
        enterprise_get_for_user(user=city.handler_a, enterprise_id=city.enterprise_a.pk) == city.enterprise_a
    )
    with pytest.raises(AccessDenied):
        enterprise_get_for_user(user=city.outsider_b, enterprise_id=city.enterprise_a.pk)


def test_a_missing_enterprise_gives_the_same_error_as_one_out_of_scope(city):
    with pytest.raises(AccessDenied) as missing:
        enterprise_get_for_user(user=city.handler_a, enterprise_id=999_999)
    with pytest.raises(AccessDenied) as foreign:
        enterprise_get_for_user(user=city.handler_a, enterprise_id=city.enterprise_b.pk)
    assert missing.value.message == foreign.value.message


@pytest.mark.parametrize("role", [Role.HUB, Role.SUPERVISOR, Role.OVERSEER, Role.ADMIN, Role.LEADER])
def test_city_wide_roles_see_every_enterprise(city, user_with_role, role):
    assert visible(user_with_role(role)) == {city.enterprise_a.name, city.enterprise_b.name}


def test_an_enterprise_user_sees_only_its_own_enterprise(city, user_with_role):
    own = user_with_role(Role.ENTERPRISE, enterprise=city.enterprise_a)
    assert visible(own) == {city.enterprise_a.name}
    with pytest.raises(AccessDenied):
        enterprise_get_for_user(user=own, enterprise_id=city.enterprise_b.pk)
    orphan = user_with_role(Role.ENTERPRISE)
    assert visible(orphan) == set()


def _appeal(enterprise, *, lead_unit=None, received_unit):
    clerk = UserFactory(role=Role.CLERK, unit=received_unit)
    category, _ = Category.objects.get_or_create(code="ENT-SCOPE", defaults={"name": "测试"})
    return Appeal.objects.create(
        code=f"ZT-T-{Appeal.objects.count() + 1:06d}",
        enterprise=enterprise,
        title="用地指标",
        description="测试",
        category=category,
        channel=Channel.WEB,
        received_at=timezone.now() - timedelta(days=3),
        received_by=clerk,
        received_unit=received_unit,
        lead_unit=lead_unit,
    )


def test_a_unit_sees_an_outside_enterprise_whose_appeal_it_leads(city):
    _appeal(city.enterprise_b, lead_unit=city.unit_a, received_unit=city.root)
    assert city.enterprise_b.name in visible(city.handler_a)
    # …but a third unit does not.
    unit_c = UnitFactory(kind=UnitKind.COUNTY, parent=city.root)
    assert city.enterprise_b.name not in visible(UserFactory(role=Role.HANDLER, unit=unit_c))


def test_a_unit_sees_an_outside_enterprise_whose_appeal_it_cooperates_on_or_received(city):
    appeal = _appeal(city.enterprise_b, lead_unit=city.unit_b, received_unit=city.root)
    assert city.enterprise_b.name not in visible(city.handler_a)
    Cooperation.objects.create(appeal=appeal, unit=city.street_a)  # a sub-unit of A
    assert city.enterprise_b.name in visible(city.handler_a)
    other = EnterpriseFactory(location=city.unit_b)
    _appeal(other, received_unit=city.unit_a)
    assert other.name in visible(city.head_a)
    assert len(enterprise_list_for_user(user=city.handler_a)) == len(visible(city.handler_a))  # listed once


def test_a_team_member_sees_the_enterprise_they_serve(city):
    assert city.enterprise_b.name not in visible(city.handler_a)
    TeamMember.objects.create(
        enterprise=city.enterprise_b, role=TeamRole.DEPARTMENT_CONTACT, user=city.handler_a, name="x"
    )
    assert city.enterprise_b.name in visible(city.handler_a)


def test_search_matches_name_or_credit_code_and_filters_narrow(city):
    hub = UserFactory(role=Role.HUB, unit=city.root)
    assert visible(hub, q="华信") == {city.enterprise_a.name}
    assert visible(hub, q=city.enterprise_b.credit_code[-8:].lower()) == {city.enterprise_b.name}
    assert visible(hub, location_id=city.unit_a.pk) == {city.enterprise_a.name}  # includes the street office
    city.enterprise_b.above_quota = True
    city.enterprise_b.save()
    assert visible(hub, flag="above_quota") == {city.enterprise_b.name}
    assert visible(hub, tag="tag_deputy") == set()


# -------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("13812341234", "138****1234"),
        ("+8613812341234", "138****1234"),
        ("138 1234 1234", "138****1234"),
        ("0591-87654321", "0591-****4321"),
        ("059187654321", "0591-****4321"),
        ("12345", "***45"),
        ("110", "****"),
        ("", ""),
    ],
)
def test_mask_phone_hides_the_middle(raw, masked):
    assert mask_phone(raw) == masked


def test_the_hub_and_in_scope_handlers_may_see_full_numbers_but_overseers_may_not(city, user_with_role):
    e = city.enterprise_a
    assert can_see_full_phone(user_with_role(Role.HUB), e)
    assert can_see_full_phone(city.handler_a, e)
    assert can_see_full_phone(city.head_a, e)
    assert not can_see_full_phone(city.outsider_b, e)
    for role in (Role.OVERSEER, Role.SUPERVISOR, Role.LEADER, Role.CLERK, Role.ADMIN):
        assert not can_see_full_phone(user_with_role(role), e), role


def test_the_butler_may_see_full_numbers_of_their_enterprise(city):
    butler = UserFactory(role=Role.HANDLER, unit=city.unit_b)
    assert not can_see_full_phone(butler, city.enterprise_a)
    city.enterprise_a.butler = butler
    city.enterprise_a.save()
    assert can_see_full_phone(butler, city.enterprise_a)


def test_revealing_a_phone_is_audited_for_the_hub(city, user_with_role):
    hub = user_with_role(Role.HUB)
    contact = city.enterprise_a.contacts.get()
    now = timezone.now()
    assert contact_reveal_phone(user=hub, contact_id=contact.pk, now=now) == "13812341234"
    event = AuditEvent.objects.get(action="enterprise.contact_phone_revealed")
    assert event.actor == hub and event.object_id == str(contact.pk) and event.at == now


def test_revealing_is_refused_to_the_overseer_and_to_the_outsider_without_an_audit_event(
    city, user_with_role
):
    contact = city.enterprise_a.contacts.get()
    with pytest.raises(Forbidden):
        contact_reveal_phone(user=user_with_role(Role.OVERSEER), contact_id=contact.pk)
    with pytest.raises(AccessDenied):
        contact_reveal_phone(user=city.outsider_b, contact_id=contact.pk)
    assert not AuditEvent.objects.filter(action="enterprise.contact_phone_revealed").exists()
