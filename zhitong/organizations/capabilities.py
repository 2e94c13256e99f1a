"""What a signed-in user may do, by role, in one place (SPEC "Users and roles").

Every app asks these predicates instead of keeping its own set of roles. Rules common to
all of them:

- an anonymous or inactive user may do nothing (every predicate is False);
- a superuser has the system administrator's capabilities on top of their own role's
  (the navigation's rule: a superuser counts as an admin, not as every role);
- they answer "may this *kind* of user do X"; whether X applies to a given object (this
  appeal, that unit) is decided by the owning app's selectors and permissions, which call
  these first.

The `*_ROLES` sets are the role part of a predicate, exported only for code that needs the
set itself (a relation table, a query); prefer the predicates.
"""

from __future__ import annotations

from collections.abc import Callable

from .choices import Role

# SPEC "Users and roles": supervisors and the hub see all; the People's Congress
# overseer's oversight and the administrator's master data are city-wide too.
WHOLE_CITY_ROLES = frozenset({Role.HUB, Role.SUPERVISOR, Role.OVERSEER, Role.ADMIN})
# SPEC "Data scope": "a user sees what their unit (and its sub-units) leads …".
UNIT_STAFF_ROLES = frozenset({Role.CLERK, Role.HANDLER, Role.UNIT_HEAD})
# SPEC: handler and unit head act for their unit (sign, handle, approve).
UNIT_HANDLING_ROLES = frozenset({Role.HANDLER, Role.UNIT_HEAD})
# seeds/003 四 首问负责: whoever receives an enterprise's matter owns it until a lead unit signs.
FIRST_INQUIRY_ROLES = frozenset({Role.CLERK, Role.HANDLER, Role.UNIT_HEAD, Role.HUB})
# The intake issue lists the administrator among those who register (the intake form).
APPEAL_REGISTRAR_ROLES = FIRST_INQUIRY_ROLES | {Role.ADMIN}
# The hub triages; supervisors and admins open the queue read-only.
TRIAGE_QUEUE_ROLES = frozenset({Role.HUB, Role.SUPERVISOR, Role.ADMIN})
# enterprises/selectors: leaders coordinate across portfolios, so they see every enterprise.
ALL_ENTERPRISES_ROLES = WHOLE_CITY_ROLES | {Role.LEADER}
# SPEC "admin: master data"; the hub keeps the enterprise library (imports it, reviews the
# enterprises added at intake).
ENTERPRISE_LIBRARY_ROLES = frozenset({Role.ADMIN, Role.HUB})
# 三员分立 (GB/T 22239-2019 8.1.4.2 c/d): the security and audit administrators administer the
# platform, they do not work in it — no appeal, project or enterprise is in their sight.
SECURITY_ROLES = frozenset({Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# The three administrators; no account holds two of them (one account, one role; a superuser
# must be the system administrator: services.check_role_flags).
ADMINISTRATOR_ROLES = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
GOVERNMENT_ROLES = frozenset(set(Role.values) - {Role.ENTERPRISE} - SECURITY_ROLES)


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _has_role(user, roles) -> bool:
    """The user's role is one of `roles`; a superuser also passes when `roles` has ADMIN."""
    if not _active(user):
        return False
    return user.role in roles or (bool(user.is_superuser) and Role.ADMIN in roles)


# -- who the user is ---------------------------------------------------------------------------


def is_signed_in(user) -> bool:
    """Any active account (the home page, the public service-window directory)."""
    return _active(user)


def is_enterprise_user(user) -> bool:
    """An enterprise's registered contact: submits and follows its own enterprise's
    appeals only (SPEC "Users and roles": enterprise)."""
    return _active(user) and user.role == Role.ENTERPRISE


def is_government_user(user) -> bool:
    """Any government account — every role but the enterprise's (the appeal workbench)."""
    return _has_role(user, GOVERNMENT_ROLES)


def is_hub(user) -> bool:
    """The hub coordinator: triage, route, review escalations, run events (SPEC; seeds/000 二
    由市发改委审核上报)."""
    return _has_role(user, {Role.HUB})


def is_city_leader(user) -> bool:
    """A city leader (分管领导): sees their portfolio, convenes coordination meetings, gives
    opinions, approves event catalogs (SPEC "Users and roles": city leader)."""
    return _has_role(user, {Role.LEADER})


def is_supervisor(user) -> bool:
    """The supervision office (督查室): verifies closures, confirms tasks (SPEC: supervisor)."""
    return _has_role(user, {Role.SUPERVISOR})


def is_unit_head(user) -> bool:
    """A unit's head: approves the unit's extensions, closures and reports (SPEC: unit head)."""
    return _has_role(user, {Role.UNIT_HEAD})


def is_admin(user) -> bool:
    """The system administrator (or a superuser): master data, calendar, users (SPEC: admin)."""
    return _has_role(user, {Role.ADMIN})


# -- data scope --------------------------------------------------------------------------------


def sees_whole_city(user) -> bool:
    """Scope is the whole city: hub, supervisor, overseer, admin (SPEC "Data scope":
    supervisors and hub see all; overseer's oversight and admin's master data are city-wide)."""
    return _has_role(user, WHOLE_CITY_ROLES)


def is_unit_staff(user) -> bool:
    """Clerk, handler or unit head: scope is their unit's subtree, from the department for
    section staff (SPEC "Data scope": their unit and its sub-units)."""
    return _has_role(user, UNIT_STAFF_ROLES)


def handles_unit_matters(user) -> bool:
    """Handler or unit head: act for their unit — sign for and handle appeals, answer
    cooperation, report coordination tasks (SPEC "Users and roles": handler, unit head)."""
    return _has_role(user, UNIT_HANDLING_ROLES)


def sees_all_enterprises(user) -> bool:
    """Every enterprise in the library: the city-wide roles and city leaders, who coordinate
    across portfolios (enterprises/selectors: one rule for pages and API)."""
    return _has_role(user, ALL_ENTERPRISES_ROLES)


def sees_full_phones(user, *, on_team: bool = False, in_scope: bool | Callable[[], bool] = False) -> bool:
    """Whether the user sees an enterprise contact's full number (PIPL minimum necessity):
    its butler and 1+1+N team (`on_team`, seeds/003 五 服务专员), the hub (triage and routing),
    and handlers / unit heads when the enterprise is in their scope (`in_scope`, a bool or a
    callable evaluated only when needed). Others see masked numbers."""
    if not _active(user):
        return False
    if on_team or user.role == Role.HUB:
        return True
    if user.role in UNIT_HANDLING_ROLES:
        return bool(in_scope() if callable(in_scope) else in_scope)
    return False


# -- appeals -----------------------------------------------------------------------------------


def reveals_appeal_contact_phone(user, *, in_lead_unit: bool) -> bool:
    """Whether the user may see an appeal's contact number in full (an audited reveal; PIPL
    minimum necessity, GB/T 22239-2019 8.1.4.11): the hub, which calls back and routes, and
    the handlers and unit heads of the appeal's lead unit, who handle it (`in_lead_unit`)."""
    if not _active(user):
        return False
    return user.role == Role.HUB or (user.role in UNIT_HANDLING_ROLES and in_lead_unit)


def takes_first_inquiry(user) -> bool:
    """Receives enterprises' matters and owns them until a lead unit signs (首问负责,
    seeds/003 四): clerk, handler, unit head, hub."""
    return _has_role(user, FIRST_INQUIRY_ROLES)


def submits_own_appeals(user) -> bool:
    """An enterprise user attached to its enterprise submits that enterprise's appeals on the
    portal (issue 12); a contact still waiting for approval has no enterprise yet."""
    return is_enterprise_user(user) and bool(user.enterprise_id)


def can_register_appeals(user) -> bool:
    """Registers an appeal from any channel (SPEC: intake clerk; seeds/003 四 首问负责 — any
    staff who receives the matter), the hub, and the administrator (the intake issue)."""
    return _has_role(user, APPEAL_REGISTRAR_ROLES)


def can_add_enterprises_at_intake(user) -> bool:
    """Adds an enterprise missing from the library while registering its appeal (issue 9: a
    12345 clerk on the phone cannot wait for the library): whoever registers appeals. The
    enterprise waits for review by the library's keepers (`keeps_enterprise_library`)."""
    return can_register_appeals(user)


def can_triage(user) -> bool:
    """Opens the triage queue (分办队列): the hub acts on it (SPEC: hub triages and routes);
    supervisors and admins read it."""
    return _has_role(user, TRIAGE_QUEUE_ROLES)


# -- projects and butlers ----------------------------------------------------------------------

# seeds/002 项目管家全覆盖: who reads the coverage of butlers (each within their own scope).
BUTLER_COVERAGE_ROLES = frozenset({Role.HUB, Role.SUPERVISOR, Role.ADMIN, Role.LEADER}) | UNIT_STAFF_ROLES


def reads_butler_coverage(user) -> bool:
    """Reads which 规上/限上 enterprises and major projects have no butler (seeds/002): the
    hub, the supervision office, admins, city leaders and unit staff, each in their scope."""
    return _has_role(user, BUTLER_COVERAGE_ROLES)


def assigns_butlers(user) -> bool:
    """Assigns an enterprise's butler (seeds/002 按照项目规模和类型配备项目管家): the hub, and
    handlers and unit heads for the enterprises located in their scope."""
    return _has_role(user, {Role.HUB} | UNIT_HANDLING_ROLES)


# -- administration ----------------------------------------------------------------------------


def can_read_audit(user) -> bool:
    """Reads and exports the audit log and sees its chain verified: the audit administrator
    (安全审计员, 三员分立: GB/T 22239-2019 8.1.4.2 c, 8.1.4.3) and the supervision office
    (督查室), which verifies what was done (SPEC). Not the system administrator, whose own
    acts the log records."""
    return _has_role(user, {Role.AUDIT_ADMIN, Role.SUPERVISOR})


def is_security_admin(user) -> bool:
    """The security administrator (安全管理员): assigns roles and permissions, resets second
    factors, releases sign-in lockouts, keeps the password policy. Not a superuser's power."""
    return _active(user) and user.role == Role.SECURITY_ADMIN


def is_audit_admin(user) -> bool:
    """The audit administrator (安全审计员): reads and exports the audit log, nothing else."""
    return _active(user) and user.role == Role.AUDIT_ADMIN


def can_assign_roles(user) -> bool:
    """Changes an account's role, staff and superuser flags, groups and permissions: the
    security administrator only (the system administrator cannot grant himself powers)."""
    return is_security_admin(user)


def can_reset_second_factor(user) -> bool:
    """Removes an account's TOTP device (a lost phone), audited: the security administrator."""
    return is_security_admin(user)


def can_release_lockout(user) -> bool:
    """Releases a throttled account's sign-in refusal: the security administrator."""
    return is_security_admin(user)


def opens_admin_site(user) -> bool:
    """Opens the Django admin: the system administrator (master data, accounts) and the
    security administrator (roles, second factors, lockouts)."""
    return is_admin(user) or is_security_admin(user)


def can_manage_accounts(user) -> bool:
    """Creates accounts and edits who they are and where they work (not their role): the
    system administrator (SPEC admin: users)."""
    return is_admin(user)


def can_manage_api_tokens(user) -> bool:
    """Creates, lists and revokes the API clients' tokens (the token page, api/views.py):
    the administrator only — a token acts with its owner account's rights, so issuing one
    for any account is an administrator's act (issue 13)."""
    return _has_role(user, {Role.ADMIN})


def can_import_data(user) -> bool:
    """Bulk-imports master data (the enterprise library workbook): the administrator (SPEC:
    master data) and the hub, which keeps the enterprise library."""
    return _has_role(user, ENTERPRISE_LIBRARY_ROLES)


def keeps_enterprise_library(user) -> bool:
    """Reviews the enterprises added at intake — confirms them or corrects them (issue 9):
    the library's keepers, the administrator and the hub (as for `can_import_data`)."""
    return _has_role(user, ENTERPRISE_LIBRARY_ROLES)


def can_view_calendar(user) -> bool:
    """Opens the working-day calendar page and is warned of a missing official year: the
    administrator and the hub, whose deadlines depend on it (seeds/003 六: working days)."""
    return _has_role(user, {Role.ADMIN, Role.HUB})


def can_manage_calendar(user) -> bool:
    """Edits the working-day calendar and imports the official holiday schedule (SPEC:
    admin — calendar)."""
    return _has_role(user, {Role.ADMIN})


# -- projects ----------------------------------------------------------------------------------


def sees_project_library(user) -> bool:
    """Opens the project library (重大项目): every government role — each sees the projects of
    its own scope (projects.selectors.project_scope_q); seeds/003 八: the library is shared
    across units."""
    return is_government_user(user)


def can_register_projects(user) -> bool:
    """Enters a project into the library: the hub (统筹协调专员), and handlers and unit heads
    for projects their own unit leads (seeds/003 八: every department, county and park
    collects and reports project information)."""
    return _has_role(user, UNIT_HANDLING_ROLES | {Role.HUB})


# -- major projects: dispatch, inspection, the leaders' digest ---------------------------------


def can_record_dispatch(user) -> bool:
    """Records dispatch sessions (调度会, seeds/002 市旗两级 季调度/月调度): the hub, for the
    city's quarterly dispatch and any county's; handlers and unit heads, for the monthly
    dispatch of the county or park in their scope (projects.dispatch.services)."""
    return _has_role(user, {Role.HUB, *UNIT_HANDLING_ROLES})


def can_draw_inspections(user) -> bool:
    """Draws the quarter's random inspection of 10% of the signed projects and records the
    findings (seeds/003 九(四)): the hub."""
    return _has_role(user, {Role.HUB})


def can_read_inspections(user) -> bool:
    """Reads the inspection draws and their findings: the city-wide roles and city leaders."""
    return _has_role(user, WHOLE_CITY_ROLES | {Role.LEADER})


def can_read_leader_digests(user) -> bool:
    """Reads every city leader's monthly digest (seeds/004 江山 市领导联系重点项目月报): the
    city-wide roles. A city leader reads their own."""
    return _has_role(user, WHOLE_CITY_ROLES)


# -- assessment (issue 11) ---------------------------------------------------------------------

# The hub and the city leaders see every scorecard; the supervision office and the People's
# Congress read them all (seeds/000 四、五). A unit's staff see their own unit's.
SCORECARD_READER_ROLES = frozenset({Role.HUB, Role.LEADER, Role.SUPERVISOR, Role.OVERSEER})


def reads_all_scorecards(user) -> bool:
    """Every unit's monthly scorecard with its drill-downs (assessment app)."""
    return _has_role(user, SCORECARD_READER_ROLES)


def reads_scorecards(user) -> bool:
    """Some scorecard: every unit's (reads_all_scorecards) or a unit's staff their own unit's."""
    return reads_all_scorecards(user) or is_unit_staff(user)


# -- webhooks (issue 13) -------------------------------------------------------------------


def can_subscribe_webhooks(user) -> bool:
    """Government staff (the accounts the API's tokens belong to: the 12345 hotline's
    integration, a unit's own system) may subscribe to the appeal events of their scope."""
    return is_government_user(user)


def manages_all_webhooks(user) -> bool:
    """The administrator sees, edits and replays every client's subscriptions."""
    return is_admin(user)


# -- supervision (seeds/000 三、四) ---------------------------------------------------------------

# The supervision office's lists (overdue, unreported, stalled) and its orders and findings are
# read by the office (a county office in its county: supervision.scope), the People's Congress
# overseer (seeds/000 四: read-only oversight), the hub and the administrator.
SUPERVISION_READER_ROLES = frozenset({Role.SUPERVISOR, Role.OVERSEER, Role.HUB, Role.ADMIN})


def reads_supervision(user) -> bool:
    """Opens the supervision office's lists, rectification orders and findings (SPEC:
    supervisor, overseer; the hub and the administrator read them too)."""
    return _has_role(user, SUPERVISION_READER_ROLES)


def issues_rectification_orders(user) -> bool:
    """Issues rectification orders (督促整改) and verifies them (seeds/000 三: 由市政府督查室…
    予以督促整改; 各县(市)区政府督查室 督查落实): the supervision office."""
    return _has_role(user, {Role.SUPERVISOR})


def records_findings(user) -> bool:
    """Records a finding with the points it deducts: the supervision office (seeds/000 三) and
    the People's Congress (seeds/000 四), whose results are scored (seeds/000 五(一))."""
    return _has_role(user, {Role.SUPERVISOR, Role.OVERSEER})


def is_overseer(user) -> bool:
    """The People's Congress overseer (人大监督): read-only oversight, records findings."""
    return _has_role(user, {Role.OVERSEER})


def keeps_service_commitments(user) -> bool:
    """Keeps a service-commitment catalog (服务承诺, seeds/003 五): the hub every unit's, unit
    staff their own units' (zhitong/public/machine.keeps_unit_catalog decides per unit)."""
    return is_hub(user) or (is_unit_staff(user) and bool(user.unit_id))


def keeps_policy_library(user) -> bool:
    """Keeps the policy library (惠企政策, seeds/002): the hub."""
    return is_hub(user)


def sees_government_promises(user) -> bool:
    """The government-commitment ledger (政府承诺, seeds/002): the hub (all), unit staff (their
    units' as responsible unit), an enterprise's contact (its own enterprise's)."""
    return (
        is_hub(user)
        or (is_unit_staff(user) and bool(user.unit_id))
        or (is_enterprise_user(user) and bool(user.enterprise_id))
    )
