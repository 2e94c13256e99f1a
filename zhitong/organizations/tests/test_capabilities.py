"""Each capability, allowed and denied, for every role plus anonymous and inactive users.

The users are unsaved model instances: the predicates read only the user's own fields."""

import pytest
from django.contrib.auth.models import AnonymousUser

from zhitong.organizations import capabilities as caps
from zhitong.organizations.choices import Role
from zhitong.organizations.models import User

R = Role
ALL = set(Role.values)

# predicate -> the roles it allows (a superuser also gets what ADMIN gets).
EXPECTED = {
    caps.is_signed_in: ALL,
    caps.is_enterprise_user: {R.ENTERPRISE},
    # 三员分立: the security and audit administrators do not work in the platform.
    caps.is_government_user: ALL - {R.ENTERPRISE, R.SECURITY_ADMIN, R.AUDIT_ADMIN},
    caps.is_hub: {R.HUB},
    caps.is_city_leader: {R.LEADER},
    caps.is_supervisor: {R.SUPERVISOR},
    caps.is_unit_head: {R.UNIT_HEAD},
    caps.is_admin: {R.ADMIN},
    caps.sees_whole_city: {R.HUB, R.SUPERVISOR, R.OVERSEER, R.ADMIN},
    caps.is_unit_staff: {R.CLERK, R.HANDLER, R.UNIT_HEAD},
    caps.handles_unit_matters: {R.HANDLER, R.UNIT_HEAD},
    caps.sees_all_enterprises: {R.HUB, R.SUPERVISOR, R.OVERSEER, R.ADMIN, R.LEADER},
    caps.takes_first_inquiry: {R.CLERK, R.HANDLER, R.UNIT_HEAD, R.HUB},
    caps.can_register_appeals: {R.CLERK, R.HANDLER, R.UNIT_HEAD, R.HUB, R.ADMIN},
    caps.can_triage: {R.HUB, R.SUPERVISOR, R.ADMIN},
    # 三员分立: the audit administrator, not the system administrator (nor a superuser).
    caps.can_read_audit: {R.AUDIT_ADMIN, R.SUPERVISOR},
    caps.is_security_admin: {R.SECURITY_ADMIN},
    caps.is_audit_admin: {R.AUDIT_ADMIN},
    caps.can_assign_roles: {R.SECURITY_ADMIN},
    caps.can_reset_second_factor: {R.SECURITY_ADMIN},
    caps.can_release_lockout: {R.SECURITY_ADMIN},
    caps.can_manage_accounts: {R.ADMIN},
    caps.opens_admin_site: {R.ADMIN, R.SECURITY_ADMIN},
    caps.can_import_data: {R.ADMIN, R.HUB},
    caps.can_add_enterprises_at_intake: {R.CLERK, R.HANDLER, R.UNIT_HEAD, R.HUB, R.ADMIN},
    caps.keeps_enterprise_library: {R.ADMIN, R.HUB},
    caps.can_view_calendar: {R.ADMIN, R.HUB},
    caps.can_manage_calendar: {R.ADMIN},
    caps.reads_butler_coverage: {R.HUB, R.SUPERVISOR, R.ADMIN, R.LEADER, R.CLERK, R.HANDLER, R.UNIT_HEAD},
    caps.assigns_butlers: {R.HUB, R.HANDLER, R.UNIT_HEAD},
}
CASES = [(p, role) for p in EXPECTED for role in Role.values]


def _user(role, *, active=True, superuser=False):
    return User(username=f"u_{role or 'none'}", role=role, is_active=active, is_superuser=superuser)


@pytest.mark.parametrize(("predicate", "role"), CASES, ids=[f"{p.__name__}-{r}" for p, r in CASES])
def test_predicate_by_role(predicate, role):
    assert predicate(_user(role)) is (role in EXPECTED[predicate])


@pytest.mark.parametrize("predicate", list(EXPECTED), ids=lambda p: p.__name__)
def test_anonymous_inactive_and_none_may_do_nothing(predicate):
    assert predicate(AnonymousUser()) is False
    assert predicate(None) is False
    # Inactive: even an inactive superuser whose role would allow it.
    for role in EXPECTED[predicate]:
        assert predicate(_user(role, active=False, superuser=True)) is False


SECURITY_ONLY = (
    caps.is_security_admin,
    caps.is_audit_admin,
    caps.can_assign_roles,
    caps.can_reset_second_factor,
    caps.can_release_lockout,
)


@pytest.mark.parametrize("predicate", list(EXPECTED), ids=lambda p: p.__name__)
def test_superuser_has_the_admins_capabilities(predicate):
    # A superuser whose own role is a handler: gets the handler's plus the admin's.
    expected = R.ADMIN in EXPECTED[predicate] or R.HANDLER in EXPECTED[predicate]
    if predicate in (caps.can_read_audit, *SECURITY_ONLY):
        # 三员分立: a superuser is a system administrator, never the auditor or the security
        # administrator.
        expected = R.HANDLER in EXPECTED[predicate]
    assert predicate(_user(R.HANDLER, superuser=True)) is expected


PHONE_CASES = [
    # role, on_team, in_scope, expected
    *[(role, True, False, True) for role in Role.values],  # butler / 1+1+N team: everyone
    (R.HUB, False, False, True),
    (R.HANDLER, False, True, True),
    (R.UNIT_HEAD, False, True, True),
    (R.HANDLER, False, False, False),
    (R.UNIT_HEAD, False, False, False),
    *[
        (role, False, True, False)
        for role in Role.values
        if role not in (R.HUB, R.HANDLER, R.UNIT_HEAD)  # clerk, leader, supervisor, overseer …
    ],
]


@pytest.mark.parametrize(("role", "on_team", "in_scope", "expected"), PHONE_CASES)
def test_sees_full_phones(role, on_team, in_scope, expected):
    assert caps.sees_full_phones(_user(role), on_team=on_team, in_scope=in_scope) is expected


def test_sees_full_phones_scope_is_a_lazy_callable():
    calls = []

    def in_scope():
        calls.append(1)
        return True

    assert caps.sees_full_phones(_user(R.HUB), in_scope=in_scope) is True
    assert caps.sees_full_phones(_user(R.SUPERVISOR), in_scope=in_scope) is False
    assert calls == []  # not needed for either
    assert caps.sees_full_phones(_user(R.HANDLER), in_scope=in_scope) is True
    assert calls == [1]


@pytest.mark.parametrize("anon", [AnonymousUser(), None, _user(R.HUB, active=False)])
def test_sees_full_phones_denied_to_anonymous_and_inactive(anon):
    assert caps.sees_full_phones(anon, on_team=True, in_scope=True) is False
