"""The authorization matrix (issue 15): every page URL pattern and every API operation ×
every kind of principal, with the answer the product's rules expect.

A row says who passes the door (`gate`: a capability of organizations/capabilities.py, or
a set of principal keys), which object it is asked about (`obj`: how to build the URL's
kwargs from the world of test_authz_matrix.py) and whose scope that object lies outside
(`scope`). The expected answer for a principal is then:

- anonymous: the sign-in page for a page (302 to /accounts/login/), 401 for the API,
  unless the row is `public`;
- outside the gate, or outside the object's scope: denied (403 or 404);
- otherwise allowed: 200, or a 302 to one of the product's own pages (never the sign-in);
- `get=False` (a page that only takes POST): 405 for everyone signed in.

`overrides` states a rule that differs from the row's defaults, with the reason in a
comment. authz_findings.KNOWN_GAPS lists the answers the code gives today that differ from
the rule (findings of issue 15, to be fixed).

The expectations come from SPEC "Users and roles" / "Data scope" and the capabilities,
never from recording what the code answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from zhitong.coordination import permissions as coordination
from zhitong.organizations import capabilities as can
from zhitong.public import promises
from zhitong.reports import briefing, dashboard, mailbox

# ---------------------------------------------------------------------------------------
# Principals
# ---------------------------------------------------------------------------------------

# key → what it stands for. Unit A is 市工信局 (GXJ), which leads the world's objects;
# the world's enterprise (榕城精密机械) owns them.
PRINCIPALS = {
    "anon": "anonymous (no session, no token)",
    "hub": "the hub coordinator (FGW)",
    "supervisor": "the city's supervision office (DCS)",
    "county_supervisor": "a county's supervision office (GLQ-DCS) on a city unit's object",
    "overseer": "the People's Congress overseer",
    "admin": "the system administrator",
    "security_admin": "the security administrator (安全管理员, 三员分立)",
    "audit_admin": "the audit administrator (安全审计员, 三员分立)",
    "leader": "a city leader whose portfolio holds unit A",
    "clerk": "the 12345 intake clerk (HOTLINE)",
    "handler": "handler of unit A (GXJ)",
    "head": "head of unit A (GXJ)",
    "outsider": "handler of unit B (SWJ), an outsider to unit A's objects",
    "enterprise": "the enterprise's own contact (owner of the world's objects)",
    "enterprise_other": "another enterprise's contact, on this enterprise's objects",
}
SIGNED_IN = frozenset(PRINCIPALS) - {"anon"}
# 三员分立 (GB/T 22239-2019 8.1.4.2 c/d): the security and audit administrators administer the
# platform and do not work in it: the public pages, their home, session and messages, and
# their own tools (CONFINED_PAGES); every API operation refuses their tokens.
CONFINED = frozenset({"security_admin", "audit_admin"})
GOVERNMENT = SIGNED_IN - {"enterprise", "enterprise_other"} - CONFINED
ENTERPRISES = frozenset({"enterprise", "enterprise_other"})

# Outside the scope of an object that unit A leads (SPEC "Data scope": a unit sees what it
# and its sub-units lead; supervision.scope: a county office sees only its county's units).
NOT_UNIT_A = frozenset({"clerk", "outsider", "county_supervisor", "enterprise", "enterprise_other"})
# Objects of the world's enterprise (its appeal, the enterprise, its project): its own contact
# is in scope (SPEC "Data scope": an enterprise user sees its own enterprise's; the selectors'
# outsider_scope_q), the other enterprise's is not; the intake clerk who registered the appeal
# follows it (首问负责, seeds/003 四) and its enterprise (enterprises' scope extension).
OWNED = NOT_UNIT_A - {"enterprise", "clerk"}
# Outside the scope of a supervision object about unit A (an order, a finding).
NOT_SUPERVISED_A = frozenset({"clerk", "outsider", "county_supervisor"})
# Outside the enterprise's own objects (SPEC: an enterprise follows its own appeals only).
NOT_OWN_ENTERPRISE = frozenset({"enterprise_other"})

OK, DENY, LOGIN, UNAUTHORIZED, NO_GET = "ok", "deny", "login", "401", "405"

Gate = Callable[[object], bool] | frozenset


@dataclass(frozen=True)
class Row:
    gate: Gate = frozenset(GOVERNMENT)
    obj: str | None = None  # a key of the world's kwargs builders (test_authz_matrix.OBJECTS)
    scope: frozenset = frozenset()
    public: bool = False
    get: bool = True
    query: str = ""  # a query string, with {name} taken from the world's ids
    absent: bool = False  # the world has no such object: nobody may get it
    overrides: dict = field(default_factory=dict)
    confined_ok: bool = False  # set below for CONFINED_PAGES


def expected(row: Row, key: str, user, *, api: bool) -> str:
    if key in row.overrides:
        return row.overrides[key]
    if key == "anon":
        if row.public:
            return OK if row.get else NO_GET
        return UNAUTHORIZED if api else LOGIN
    if not row.get:
        return NO_GET  # (a page outside CONFINED_PAGES may refuse first: DENY is accepted)
    if key in CONFINED and not row.public and (api or not row.confined_ok):
        return DENY
    allowed = key in row.gate if isinstance(row.gate, frozenset) else row.gate(user)
    if not allowed or key in row.scope or row.absent:
        return DENY
    return OK


def either(*preds) -> Callable[[object], bool]:
    return lambda u: any(p(u) for p in preds)


# ---------------------------------------------------------------------------------------
# Pages (named URL patterns)
# ---------------------------------------------------------------------------------------

GOV = Row()
ANY = Row(gate=SIGNED_IN)
PUBLIC = Row(gate=SIGNED_IN, public=True)
POST_ONLY = Row(get=False)


def obj(name, gate: Gate = frozenset(GOVERNMENT), scope=NOT_UNIT_A, **kw) -> Row:
    return Row(gate=gate, obj=name, scope=scope, **kw)


PAGES: dict[str, Row] = {
    "home": ANY,
    "login": PUBLIC,
    # The steps after the password (organizations/signin_steps.py): without a pending sign-in
    # in the session every one of them sends back to the password page; a signed-in user home.
    "signin_code": Row(gate=SIGNED_IN, overrides={"anon": LOGIN}),
    "signin_enrol": Row(gate=SIGNED_IN, overrides={"anon": LOGIN}),
    "signin_password": Row(gate=SIGNED_IN, overrides={"anon": LOGIN}),
    "session_status": Row(gate=SIGNED_IN, overrides={"anon": UNAUTHORIZED}),  # a JSON ping
    "session_keep_alive": Row(gate=SIGNED_IN, get=False, overrides={"anon": NO_GET}),
    "set_language": PUBLIC,  # sends the visitor back where they came from
    # seeds/003 三: each unit's service window is "向社会公布" — no sign-in.
    "organizations:directory": PUBLIC,
    "organizations:units": GOV,
    # Enterprises: every government role within its scope (enterprises.selectors).
    "enterprises:list": GOV,
    "enterprises:detail": obj("enterprise", gate=SIGNED_IN, scope=OWNED),
    "enterprises:review": Row(gate=can.keeps_enterprise_library),
    "enterprises:move": POST_ONLY,
    "enterprises:reveal_phone": POST_ONLY,
    "enterprises:import": Row(gate=can.can_import_data),
    "enterprises:import_template": obj("import_kind", gate=can.can_import_data, scope=frozenset()),
    "workdays:calendar": Row(gate=can.can_view_calendar),
    "workdays:day_edit": POST_ONLY,
    "workdays:import": Row(gate=can.can_manage_calendar, get=False),
    # Appeals: the government workbench; for an enterprise's contact the same address is 我的诉求,
    # its own appeals in their public wording (SPEC "Users and roles": enterprise — follow
    # them; portal.navigation "我的诉求"; appeals.views.workbench.enterprise_appeal_list).
    "appeals:workbench": ANY,
    "appeals:intake": Row(gate=can.can_register_appeals),
    "appeals:intake_enterprises": Row(gate=can.can_register_appeals),
    "appeals:intake_enterprise": Row(gate=can.can_register_appeals),
    "appeals:intake_enterprise_add": POST_ONLY,
    "appeals:intake_duplicates": POST_ONLY,
    "appeals:intake_materials": Row(gate=can.can_register_appeals),
    "appeals:triage": Row(gate=can.can_triage),
    "appeals:evidence": obj("evidence"),
    # 首问负责 (seeds/003 四): the clerk who registered the appeal follows it.
    "appeals:detail": obj("appeal", gate=SIGNED_IN, scope=OWNED),
    "appeals:move": POST_ONLY,
    "appeals:reveal_contact_phone": POST_ONLY,  # allowed/denied: appeals/tests/test_contact_reveal.py
    # Coordination (seeds/000): batches, meetings, tasks, events.
    # Annex 2 batches: the hub reviews the escalation requests (SPEC: hub; seeds/000 二).
    "coordination:batches": Row(gate=can.is_hub),
    "coordination:batch_detail": obj("month", gate=can.is_hub, scope=frozenset()),
    "coordination:batch_move": POST_ONLY,
    "coordination:batch_annex2": obj("month", gate=can.is_hub, scope=frozenset()),
    "coordination:request_move": POST_ONLY,
    "coordination:my_batch": Row(gate=coordination.can_read_leader_batch),
    "coordination:meetings": GOV,
    # The hub prepares meetings; a city leader convenes them (capabilities.is_city_leader).
    "coordination:meeting_create": Row(gate=either(can.is_hub, can.is_city_leader)),
    "coordination:meeting_detail": obj("meeting"),
    "coordination:meeting_add_items": POST_ONLY,
    "coordination:meeting_move": POST_ONLY,
    "coordination:meeting_minutes_file": obj("minutes_file"),  # no minutes uploaded in the world
    "coordination:meeting_remove_item": POST_ONLY,
    "coordination:annex3": Row(gate=coordination.can_read_annex3),
    "coordination:facts": Row(gate=coordination.can_read_facts),
    "coordination:certification_move": POST_ONLY,
    "coordination:tasks": GOV,
    "coordination:task_detail": obj("task"),
    "coordination:task_move": POST_ONLY,
    "coordination:events": GOV,
    "coordination:event_create": Row(gate=can.is_hub),
    "coordination:event_detail": obj("event"),
    # The event is run by the 面对面 office (hub_gxj in the world), not by every hub.
    "coordination:event_pick": obj("event", gate=frozenset()),
    "coordination:event_notices": obj("event_notices"),  # none sent in the world
    "coordination:event_document": obj("event_document"),  # not generated in the world
    "coordination:event_move": POST_ONLY,
    "coordination:event_action": POST_ONLY,
    "coordination:event_item_action": POST_ONLY,
    # Supervision (seeds/000 三、四).
    "supervision:list": Row(gate=can.reads_supervision),
    "supervision:items": obj("supervision_list", gate=can.reads_supervision, scope=frozenset()),
    # An order's unit reads its own orders (the readers of supervision read all).
    "supervision:orders": Row(gate=either(can.reads_supervision, can.is_unit_staff)),
    "supervision:order_new": Row(gate=can.issues_rectification_orders),
    # The order's unit reads and answers it; the readers of supervision read it.
    "supervision:order_detail": obj(
        "order", gate=either(can.reads_supervision, can.is_unit_staff), scope=NOT_SUPERVISED_A
    ),
    "supervision:order_move": POST_ONLY,
    "supervision:order_evidence": obj(
        "order_evidence", gate=either(can.reads_supervision, can.is_unit_staff), scope=NOT_SUPERVISED_A
    ),  # the world's order has no evidence yet
    "supervision:findings": Row(gate=can.reads_supervision),
    "supervision:finding_new": Row(gate=can.records_findings),
    "supervision:finding_detail": obj("finding", gate=can.reads_supervision, scope=NOT_SUPERVISED_A),
    "supervision:congress": Row(gate=can.reads_supervision),
    # Every account's own messages.
    "notifications:list": ANY,
    "notifications:badge": ANY,
    "notifications:open": POST_ONLY,
    "notifications:read": Row(gate=SIGNED_IN, get=False),
    "notifications:read_all": Row(gate=SIGNED_IN, get=False),
    "notifications:digest": obj("digest", gate=frozenset({"leader"}), scope=frozenset()),
    "notifications:preferences": ANY,
    "audit:list": Row(gate=can.can_read_audit),
    # Projects (seeds/003 八): every government role, each its scope.
    "projects:list": Row(gate=can.sees_project_library),
    "projects:export": Row(gate=can.sees_project_library),
    "projects:create": Row(gate=can.can_register_projects),
    "projects:import": Row(gate=can.can_import_data),
    "projects:import_template": Row(gate=can.can_import_data),
    "projects:detail": obj("project", gate=SIGNED_IN, scope=OWNED | {"clerk"}),
    "projects:edit": obj("project", gate=can.can_register_projects),
    "projects:move": POST_ONLY,
    "projects:lead_override": POST_ONLY,
    "projects:lead_clear": POST_ONLY,
    "projects:lead_apply": POST_ONLY,
    "projects:lead_escalate": POST_ONLY,
    "projects:lead_escalation_end": POST_ONLY,
    "projects:team_assign": POST_ONLY,
    "projects:team_replace": POST_ONLY,
    "projects:team_end": POST_ONLY,
    "projects:butlers": Row(gate=can.reads_butler_coverage),
    "projects:butlers_export": Row(gate=can.reads_butler_coverage),
    "projects:enterprise_butler": POST_ONLY,
    "projects:roadmap_plan": obj("project", gate=can.can_register_projects),
    "projects:milestone": obj("milestone", gate=SIGNED_IN, scope=OWNED | {"clerk"}),
    "projects:milestone_move": POST_ONLY,
    # seeds/004 江山 三 挂牌展示: the public progress board, public fields only.
    "projects:board": PUBLIC,
    "projects:late_reports": Row(gate=can.sees_project_library),
    "projects:briefing": Row(gate=can.sees_project_library),
    "projects:briefing_xlsx": Row(gate=can.sees_project_library),
    "projects:overdue_commitments": Row(gate=can.sees_project_library),
    "projects:report_new": obj("project", gate=can.handles_unit_matters),
    "projects:report_photo": obj("report_photo"),
    "projects:report_detail": obj("report"),
    "projects:report_edit": obj("report", gate=can.handles_unit_matters),
    "projects:daily_list": obj("project"),
    "projects:daily_new": obj("project", gate=can.handles_unit_matters),
    "projects:daily_edit": obj("daily", gate=can.handles_unit_matters),
    "projects:commitment_new": obj("project", gate=frozenset({"hub", "handler", "head"})),
    "projects:commitment_edit": obj("commitment", gate=frozenset({"hub", "handler", "head"})),
    "projects:commitment_move": POST_ONLY,
    "projects:dispatch:sessions": GOV,
    "projects:dispatch:session_create": Row(gate=can.can_record_dispatch),
    "projects:dispatch:session": obj("session"),
    "projects:dispatch:entry_save": POST_ONLY,
    "projects:dispatch:entry_remove": POST_ONLY,
    "projects:dispatch:coverage": GOV,
    "projects:dispatch:consultation": POST_ONLY,
    "projects:dispatch:inspections": Row(gate=can.can_read_inspections),
    "projects:dispatch:inspection": obj("draw", gate=can.can_read_inspections, scope=frozenset()),
    "projects:dispatch:inspection_record": POST_ONLY,
    "projects:dispatch:digest": Row(gate=either(can.can_read_leader_digests, can.is_city_leader)),
    "projects:dispatch:digest_docx": Row(
        gate=either(can.can_read_leader_digests, can.is_city_leader), query="leader={leader_id}"
    ),
    # Assessment (seeds/000 五): every unit's scorecard for its readers, a unit its own.
    "assessment:scorecards": Row(gate=can.reads_scorecards),
    "assessment:unit": obj("scorecard", gate=can.reads_scorecards, scope=frozenset({"outsider", "clerk"})),
    "assessment:drill": obj(
        "scorecard_drill", gate=can.reads_scorecards, scope=frozenset({"outsider", "clerk"})
    ),
    # The hub keeps schemes and closes months; every scorecard reader reads them.
    "assessment:schemes": Row(gate=either(can.is_hub, can.reads_all_scorecards)),
    "assessment:months": Row(gate=either(can.is_hub, can.reads_all_scorecards)),
    "assessment:month_close": POST_ONLY,
    # The public scorecard (seeds/000 五(三) 通报): anyone.
    "public_scorecards": PUBLIC,
    "public_scorecards_month": Row(gate=SIGNED_IN, public=True, obj="published_month"),  # none closed
    "webhooks:list": Row(gate=can.can_subscribe_webhooks),
    "webhooks:detail": obj("subscription", gate=frozenset({"hub", "admin"}), scope=frozenset()),
    "webhooks:delete": POST_ONLY,
    "webhooks:replay": POST_ONLY,
    "tokens:list": Row(gate=can.can_manage_api_tokens),
    "tokens:create": Row(gate=can.can_manage_api_tokens, get=False),
    "tokens:revoke": POST_ONLY,
    # The enterprise portal (issue 12).
    # The contact's own access, and the hub's work list of contacts to confirm (eportal.views.status).
    "eportal:status": Row(gate=ENTERPRISES | {"hub"}),
    "eportal:submit": Row(gate=ENTERPRISES),
    # The enterprise's principal contact decides its contacts; no principal in the world.
    "eportal:contacts": Row(gate=frozenset()),
    "eportal:contact_move": POST_ONLY,
    "eportal:hub_contacts": Row(gate=can.is_hub),
    "eportal:hub_withdrawals": Row(gate=can.is_hub),
    # Reports: the ledgers and dashboards (reports.access).
    "reports:ledger": GOV,
    "reports:annex1": GOV,
    "reports:annex1_month": GOV,
    "reports:dashboard": Row(gate=dashboard.reads_dashboard),
    "reports:mailbox": Row(gate=mailbox.reads_mailbox_summary),
    "reports:briefing": Row(gate=briefing.reads_briefing),
    # The public service window (seeds/003 五, seeds/002): open to anyone.
    "public:index": PUBLIC,
    "public:windows": PUBLIC,
    "public:catalog": PUBLIC,
    "public:catalog_export": PUBLIC,
    "public:lookup": PUBLIC,
    "public:policies": PUBLIC,
    "public:policy_detail": Row(gate=SIGNED_IN, public=True, obj="policy"),
    "public:manage": Row(gate=can.keeps_service_commitments),
    "public:manage_new": Row(gate=can.keeps_service_commitments),
    "public:manage_export": Row(gate=can.keeps_service_commitments),
    "public:manage_import": Row(gate=can.keeps_service_commitments),
    "public:manage_detail": obj("commitment_item", gate=can.keeps_service_commitments),
    "public:manage_edit": obj("commitment_item", gate=can.keeps_service_commitments),
    "public:manage_move": POST_ONLY,
    "public:policy_manage": Row(gate=can.keeps_policy_library),
    "public:policy_new": Row(gate=can.keeps_policy_library),
    "public:policy_edit": obj("policy", gate=can.keeps_policy_library, scope=frozenset()),
    "public:my_policies": Row(gate=ENTERPRISES),
    "public:promises": Row(gate=can.sees_government_promises),
    "public:promise_new": Row(gate=promises.keeps_promises),
    "public:promise_detail": obj(
        "promise", gate=can.sees_government_promises, scope=frozenset({"outsider", "enterprise_other"})
    ),
    "public:promise_move": POST_ONLY,
}

# The pages a security or audit administrator may open besides the public ones; each still
# answers by its own gate (the audit log: the audit administrator only).
CONFINED_PAGES = {
    "home",
    "login",
    "session_status",
    "session_keep_alive",
    "set_language",
    "signin_code",
    "signin_enrol",
    "signin_password",
    "audit:list",
    *(n for n in PAGES if n.startswith("notifications:")),
}
PAGES = {n: replace(r, confined_ok=True) if n in CONFINED_PAGES else r for n, r in PAGES.items()}

# Named URL patterns outside the matrix, with the reason.
EXCLUDED_PAGES = {
    "admin:": "Django's admin: staff accounts only, its own permission system (superuser/staff)",
    "api:": "the REST API's URL patterns: covered operation by operation from the OpenAPI document",
    "open311:": "Open311 GeoReport v2: anonymous reads and token writes, open311/tests cover them",
    "logout": "signs the principal out (POST only); test_sign_out covers it",
    "eportal:signup": "anonymous sign-up; a signed-in user is sent on (eportal/tests)",
    "eportal:signup_verify": "anonymous sign-up's code step (eportal/tests)",
    "eportal:signup_resend": "anonymous sign-up's resend (eportal/tests)",
}


def page_excluded(name: str) -> bool:
    return any(name == p or (p.endswith(":") and name.startswith(p)) for p in EXCLUDED_PAGES)


# ---------------------------------------------------------------------------------------
# API operations ("METHOD /path" of the OpenAPI document of zhitong.api.api.api)
# ---------------------------------------------------------------------------------------

# A write is asked only of the principals it must refuse (never performed for the allowed):
# `gate` and `scope` name who is allowed; the others must get 401/403/404.
API_PUBLIC = Row(gate=SIGNED_IN, public=True)


def api_obj(name, gate: Gate = frozenset(GOVERNMENT), scope=NOT_UNIT_A, **kw) -> Row:
    return Row(gate=gate, obj=name, scope=scope, **kw)


HANDLES = frozenset({"hub", "handler", "head"})  # act on unit A's objects for the unit or as hub

API: dict[str, Row] = {
    "GET /organizations/units": GOV,
    "GET /organizations/units/tree": GOV,
    # A unit outside one's scope: another unit's staff, and a county's supervision office
    # outside its county (organizations.selectors.county_supervision_root).
    "GET /organizations/units/{unit_id}": api_obj(
        "unit_id", scope=frozenset({"clerk", "outsider", "county_supervisor"})
    ),
    # The service-window directory is public information (the page organizations:directory is
    # open to every signed-in account; public:windows to anyone).
    "GET /organizations/windows": ANY,
    "GET /enterprises": GOV,
    "POST /enterprises": Row(gate=can.can_add_enterprises_at_intake),
    "GET /enterprises/review": Row(gate=can.keeps_enterprise_library),
    "GET /enterprises/{enterprise_id}": api_obj("enterprise_id", gate=SIGNED_IN, scope=OWNED),
    "POST /enterprises/contacts/{contact_id}/reveal-phone": api_obj("contact_id"),
    "POST /enterprises/{enterprise_id}/moves/{move}": api_obj(
        "enterprise_id", gate=can.keeps_enterprise_library
    ),
    # The working-day calculator reads the official calendar (published by the State Council).
    "GET /workdays/add": Row(gate=SIGNED_IN, query="start=2025-09-01&n=3"),
    "GET /workdays/between": Row(gate=SIGNED_IN, query="start=2025-09-01&end=2025-09-30"),
    "GET /projects": Row(gate=can.sees_project_library),
    "POST /projects": Row(gate=can.can_register_projects),
    "GET /projects/{project_id}": api_obj("project_id", gate=SIGNED_IN, scope=OWNED | {"clerk"}),
    "PATCH /projects/{project_id}": api_obj("project_id", gate=can.can_register_projects),
    "GET /projects/{project_id}/moves": api_obj("project_id", gate=SIGNED_IN, scope=OWNED | {"clerk"}),
    "POST /projects/{project_id}/moves/{move}": api_obj("project_id", gate=can.can_register_projects),
    # Staff: the scoped list; an enterprise's token: its own appeals in the enterprise audience
    # (appeals.api.appeal_list, docs/api.md).
    "GET /appeals": ANY,
    "POST /appeals": Row(gate=can.can_register_appeals),
    "GET /appeals/moves": GOV,
    "GET /appeals/categories": GOV,
    "GET /appeals/triage": Row(gate=can.can_triage),
    "POST /appeals/duplicates": Row(gate=can.can_register_appeals),
    "GET /appeals/duplicates": Row(
        gate=can.can_register_appeals, query="enterprise_id={enterprise_id}&title=消防"
    ),
    "GET /appeals/{appeal_id}": api_obj("appeal_id", gate=SIGNED_IN, scope=OWNED),
    "POST /appeals/{appeal_id}/moves/{move}": api_obj("appeal_id", gate=HANDLES),
    "POST /appeals/{appeal_id}/exemption": api_obj("appeal_id", gate=HANDLES),
    "POST /appeals/{appeal_id}/evidence": api_obj("appeal_id", gate=HANDLES),
    "GET /coordination/batches": Row(gate=can.is_hub),
    "GET /coordination/batches/{month}": api_obj("month", gate=can.is_hub, scope=frozenset()),
    "POST /coordination/batches/{month}/moves/{move}": api_obj("month", gate=can.is_hub),
    "POST /coordination/requests/{request_id}/moves/{move}": api_obj("request_id", gate=can.is_hub),
    "GET /coordination/my-batch": Row(gate=coordination.can_read_leader_batch),
    "GET /coordination/meetings": GOV,
    "POST /coordination/meetings": Row(gate=either(can.is_hub, can.is_city_leader)),
    "GET /coordination/meetings/{meeting_id}": api_obj("meeting_id"),
    "POST /coordination/meetings/{meeting_id}/items": api_obj(
        "meeting_id", gate=either(can.is_hub, can.is_city_leader)
    ),
    "POST /coordination/meetings/{meeting_id}/moves/{move}": api_obj("meeting_id", gate=can.is_hub),
    "DELETE /coordination/meeting-items/{item_id}": api_obj("meeting_item", gate=can.is_hub),
    # Unit A's Annex 3: the city-wide readers and unit A itself (permissions.annex3_units); a
    # county's supervision office reads its county's units only.
    "GET /coordination/annex3": Row(
        gate=coordination.can_read_annex3,
        query="unit_id={unit_id}",
        scope=frozenset({"clerk", "outsider", "county_supervisor"}),
    ),
    "GET /coordination/facts": Row(gate=coordination.can_read_facts),
    "GET /coordination/facts/certifications": Row(gate=coordination.can_read_facts),
    "POST /coordination/facts/certifications/{certification_id}/moves/{move}": api_obj(
        "certification_id", gate=can.is_hub
    ),
    "GET /coordination/tasks": GOV,
    "GET /coordination/tasks/{task_id}": api_obj("task_id"),
    "POST /coordination/tasks/{task_id}/moves/{move}": api_obj("task_id", gate=HANDLES | {"supervisor"}),
    "GET /coordination/events": GOV,
    "POST /coordination/events": Row(gate=can.is_hub),
    "GET /coordination/events/{event_id}": api_obj("event_id"),
    "POST /coordination/events/{event_id}/appeals": api_obj("event_id", gate=can.is_hub),
    "POST /coordination/events/{event_id}/problems": api_obj("event_id", gate=can.is_hub),
    "POST /coordination/event-items/{item_id}/verify": api_obj("event_item", gate=HANDLES),
    "POST /coordination/event-items/{item_id}/opinion": api_obj("event_item", gate=can.is_hub),
    "POST /coordination/event-items/{item_id}/unit": api_obj("event_item", gate=can.is_hub),
    "DELETE /coordination/event-items/{item_id}": api_obj("event_item", gate=can.is_hub),
    "POST /coordination/events/{event_id}/moves/{move}": api_obj("event_id", gate=can.is_hub),
    "GET /coordination/events/{event_id}/document": api_obj("event_id", absent=True),  # not generated
    "GET /projects/roadmap/template": GOV,
    "GET /projects/{project_id}/milestones": api_obj("project_id", gate=SIGNED_IN, scope=OWNED | {"clerk"}),
    "POST /projects/{project_id}/roadmap/preview": api_obj("project_id", gate=HANDLES),
    "POST /projects/{project_id}/roadmap": api_obj("project_id", gate=HANDLES),
    "GET /projects/{project_id}/milestones/{milestone_id}": api_obj(
        "milestone_id", gate=SIGNED_IN, scope=OWNED | {"clerk"}
    ),
    "POST /projects/{project_id}/milestones/{milestone_id}/moves/{move}": api_obj(
        "milestone_id", gate=HANDLES
    ),
    "GET /projects/progress/late": Row(gate=can.sees_project_library),
    "GET /projects/progress/briefing": Row(gate=can.sees_project_library),
    "POST /projects/commitments/{commitment_id}/moves/{move}": api_obj("commitment_id", gate=HANDLES),
    "GET /projects/{project_id}/progress": api_obj("project_id"),
    "GET /projects/{project_id}/reports": api_obj("project_id"),
    "POST /projects/{project_id}/reports": api_obj("project_id", gate=HANDLES),
    "GET /projects/{project_id}/reports/{month}": api_obj("project_month", absent=True),  # none reported
    "PUT /projects/{project_id}/reports/{month}": api_obj("project_month", gate=HANDLES),
    "GET /projects/{project_id}/daily-reports": api_obj("project_id"),
    "POST /projects/{project_id}/daily-reports": api_obj("project_id", gate=HANDLES),
    "GET /projects/{project_id}/commitments": api_obj("project_id"),
    "POST /projects/{project_id}/commitments": api_obj("project_id", gate=HANDLES),
    "GET /dispatch/sessions": GOV,
    "POST /dispatch/sessions": Row(gate=can.can_record_dispatch),
    "GET /dispatch/sessions/{session_id}": api_obj("session_id"),
    "POST /dispatch/sessions/{session_id}/entries": api_obj("session_id", gate=can.is_hub),
    "DELETE /dispatch/sessions/{session_id}/entries/{project_id}": api_obj("session_entry", gate=can.is_hub),
    "GET /dispatch/coverage": GOV,
    "GET /dispatch/projects/{project_id}/consultations": api_obj(
        "project_id", gate=SIGNED_IN, scope=OWNED | {"clerk"}
    ),
    "POST /dispatch/projects/{project_id}/consultations": api_obj("project_id", gate=HANDLES),
    "GET /dispatch/inspections": Row(gate=can.can_read_inspections),
    "POST /dispatch/inspections": Row(gate=can.can_draw_inspections),
    "GET /dispatch/inspections/{draw_id}": api_obj(
        "draw_id", gate=can.can_read_inspections, scope=frozenset()
    ),
    "PUT /dispatch/inspections/{draw_id}/projects/{project_id}": api_obj(
        "draw_project", gate=can.can_draw_inspections
    ),
    "GET /dispatch/leader-digest": Row(
        gate=either(can.can_read_leader_digests, can.is_city_leader), query="leader_id={leader_id}"
    ),
    "GET /assessment/scorecards": Row(gate=can.reads_scorecards, query="month=2025-09"),
    "GET /assessment/scorecards/{month}/units/{unit_id}": api_obj(
        "scorecard", gate=can.reads_scorecards, scope=frozenset({"outsider", "clerk"})
    ),
    # The list behind one of its figures (issue 14): read as the unit's scorecard is.
    "GET /assessment/scorecards/{month}/units/{unit_id}/lists/{key}": api_obj(
        "scorecard", gate=can.reads_scorecards, scope=frozenset({"outsider", "clerk"})
    ),
    "GET /assessment/schemes": Row(gate=either(can.is_hub, can.reads_all_scorecards)),
    "POST /assessment/schemes": Row(gate=can.is_hub),
    "GET /assessment/months": Row(gate=either(can.is_hub, can.reads_all_scorecards)),
    "POST /assessment/months/{month}/moves/{move}": api_obj("month", gate=can.is_hub),
    "GET /webhooks/events": Row(gate=can.can_subscribe_webhooks),
    "GET /webhooks/subscriptions": Row(gate=can.can_subscribe_webhooks),
    "POST /webhooks/subscriptions": Row(gate=can.can_subscribe_webhooks),
    # The hub's own subscription: its owner and the administrator (manages_all_webhooks).
    "GET /webhooks/subscriptions/{subscription_id}": api_obj(
        "subscription_id", gate=frozenset({"hub", "admin"})
    ),
    "PATCH /webhooks/subscriptions/{subscription_id}": api_obj(
        "subscription_id", gate=frozenset({"hub", "admin"})
    ),
    "DELETE /webhooks/subscriptions/{subscription_id}": api_obj(
        "subscription_id", gate=frozenset({"hub", "admin"})
    ),
    "GET /webhooks/subscriptions/{subscription_id}/deliveries": api_obj(
        "subscription_id", gate=frozenset({"hub", "admin"})
    ),
    "POST /webhooks/subscriptions/{subscription_id}/deliveries/{delivery_id}/replay": api_obj(
        "delivery", gate=frozenset({"hub", "admin"})
    ),
    "GET /supervision/lists/{key}": api_obj("supervision_key", gate=can.reads_supervision, scope=frozenset()),
    "GET /supervision/orders": Row(gate=either(can.reads_supervision, can.is_unit_staff)),
    "POST /supervision/orders": Row(gate=can.issues_rectification_orders),
    "GET /supervision/orders/{order_id}": api_obj(
        "order_id", gate=either(can.reads_supervision, can.is_unit_staff), scope=NOT_SUPERVISED_A
    ),
    "POST /supervision/orders/{order_id}/moves/{move}": api_obj(
        "order_id", gate=frozenset({"supervisor", "handler", "head"}), scope=NOT_SUPERVISED_A
    ),
    "GET /supervision/findings": Row(gate=can.reads_supervision),
    "POST /supervision/findings": Row(gate=can.records_findings),
    "GET /supervision/findings/{finding_id}": api_obj(
        "finding_id", gate=can.reads_supervision, scope=NOT_SUPERVISED_A
    ),
    "GET /reports/annex1": GOV,
    "GET /public/commitments": API_PUBLIC,
    "GET /public/windows": API_PUBLIC,
    "GET /public/policies": API_PUBLIC,
    "POST /public/lookup": API_PUBLIC,
    "GET /public/manage/commitments": Row(gate=can.keeps_service_commitments),
    "POST /public/manage/commitments": Row(gate=can.keeps_service_commitments),
    "GET /public/manage/commitments/{commitment_item_id}": api_obj(
        "commitment_item_id", gate=can.keeps_service_commitments
    ),
    "PUT /public/manage/commitments/{commitment_item_id}": api_obj(
        "commitment_item_id", gate=can.keeps_service_commitments
    ),
    "POST /public/manage/commitments/{commitment_item_id}/moves/{move}": api_obj(
        "commitment_item_id", gate=can.keeps_service_commitments
    ),
}

# Operations outside the matrix, with the reason (none today: every operation has a row).
EXCLUDED_OPERATIONS: dict[str, str] = {}
