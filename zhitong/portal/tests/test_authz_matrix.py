"""The authorization matrix (issue 15): every page URL pattern and API operation, asked by
every kind of principal, answers what authz_matrix.py says the product's rules expect.

Pages are asked with GET only; API reads with GET; API writes only by the principals that
must be refused (so nothing is written by an allowed one). A named URL pattern or an
OpenAPI operation without a row (and not excluded with a reason) fails
`test_every_url_and_operation_has_a_row`.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from zhitong.api.api import api
from zhitong.api.tests.conftest import _county_certification, token_client, world  # noqa: F401
from zhitong.api.tests.test_hostile_input import MOVE_MACHINES, Probe
from zhitong.appeals.machine import APPEAL
from zhitong.assessment.machines import MONTH as ASSESSMENT_MONTH
from zhitong.coordination.machines.batches import BATCH, ESCALATION
from zhitong.coordination.machines.events import EVENT
from zhitong.coordination.machines.facts import CERTIFICATION
from zhitong.coordination.machines.meetings import MEETING
from zhitong.coordination.machines.tasks import TASK
from zhitong.coordination.tests.conftest import (  # noqa: F401
    _fresh_calendar_cache,
    _frozen_start,
    _media,
    city,
    scene,
)
from zhitong.enterprises.machine import ENTERPRISE
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.projects.machines import STAGE
from zhitong.projects.progress.commitment_machine import COMMITMENT
from zhitong.projects.roadmap.machine import MILESTONE
from zhitong.public.machine import COMMITMENT_ITEM
from zhitong.supervision.machines import ORDER

from . import authz_matrix as M
from .authz_findings import KNOWN_GAPS
from .hostile import url_patterns

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ABSENT = 987_654_321
# The move asked of each machine's move endpoint: one each is enough to ask the door.
BASE_MOVE = {APPEAL: "add_progress", BATCH: "start_review", ESCALATION: "accept", MEETING: "opinion"}
BASE_MOVE |= {TASK: "progress", EVENT: "reschedule", ENTERPRISE: "approve", CERTIFICATION: "reopen"}
BASE_MOVE |= {
    STAGE: "step_back",
    MILESTONE: "edit",
    COMMITMENT: "record",
    ASSESSMENT_MONTH: "close",
    ORDER: "fail",
    COMMITMENT_ITEM: "publish",
}
AWAY = "302 to another page"
# What each expectation accepts: an allowed page may send on to the principal's own page; a
# denied one may too (the enterprise's contact is sent to its portal), never show the page;
# a GET on a POST-only door may be refused before the method is looked at.
ACCEPTS = {
    M.OK: {M.OK, AWAY},
    M.DENY: {M.DENY, AWAY},
    M.NO_GET: {M.NO_GET, M.DENY},
    M.LOGIN: {M.LOGIN},
    M.UNAUTHORIZED: {M.UNAUTHORIZED},
}  # no object has this id
_addresses = (f"10.{i // 250 % 250}.{i % 250}.7" for i in itertools.count(1))


def _principals(c) -> dict:
    # A county's supervision office on the city's objects: a county none of the world's objects
    # lies in or is led from (the world's enterprise is located in 鼓楼区; a 鼓楼区 office would
    # see it by location, as supervision/tests and organizations/tests check).
    county = UnitFactory(code="TJQ", name="台江区", kind=UnitKind.COUNTY, parent=c.units.root)
    dcs = UnitFactory(code="TJQ-DCS", name="台江区政府督查室", kind=UnitKind.SECTION, parent=county)
    other_contact = UserFactory(
        username="t_ent_other", role=Role.ENTERPRISE, unit=None, enterprise=c.other_enterprise
    )
    return {
        "anon": None,
        "hub": c.hub,
        "supervisor": c.supervisor,
        "county_supervisor": UserFactory(username="t_county_dcs", role=Role.SUPERVISOR, unit=dcs),
        "overseer": UserFactory(username="t_overseer", role=Role.OVERSEER, unit=c.units.root),
        "admin": UserFactory(username="t_admin", role=Role.ADMIN, unit=c.units.root),
        "security_admin": UserFactory(username="t_secadmin", role=Role.SECURITY_ADMIN, unit=c.units.root),
        "audit_admin": UserFactory(username="t_auditadmin", role=Role.AUDIT_ADMIN, unit=c.units.root),
        "leader": c.leader,
        "clerk": c.clerk,
        "handler": c.handler,
        "head": c.head,
        "outsider": c.outsider,
        "enterprise": c.enterprise_user,
        "enterprise_other": other_contact,
    }


def _page_objects(w, probe) -> dict:
    """Object key → the URL kwargs of a page row (by the pattern's parameter names)."""
    c = w.city
    return {
        "enterprise": {"enterprise_id": c.enterprise.pk},
        "import_kind": {"kind": "enterprises"},
        "appeal": {"appeal_id": w.appeal.pk},
        "month": {"month": w.month},
        "meeting": {"pk": w.meeting},
        "task": {"pk": w.task},
        "event": {"pk": w.event},
        "supervision_list": {"key": "overdue"},
        "order": {"pk": w.order},
        "finding": {"pk": w.finding},
        "project": {"pk": c.project.pk},
        "project_pk": {"project_pk": c.project.pk},
        "milestone": {"pk": c.project.pk, "mid": w.milestone},
        "commitment": {"pk": c.project.pk, "commitment_id": probe.ids["commitment_id"]},
        "session": {"pk": w.session},
        "draw": {"pk": w.draw},
        "scorecard": {"month": w.month, "unit_id": c.units.gxj.pk},
        "public_month": {"month": w.month},
        "subscription": {"subscription_id": probe.ids["subscription_id"]},
        "commitment_item": {"pk": probe.ids["commitment_item_id"]},
    }


def _page_url(name, route_params, objects, row) -> tuple[str, bool]:
    """(the URL, whether it names a real object of the world)."""
    if not route_params:
        return reverse(name), not row.absent
    kwargs = dict(objects.get(row.obj) or {})
    real = bool(kwargs) and set(kwargs) == set(route_params) and not row.absent
    if not real:
        kwargs = {k: (ABSENT if conv == "int" else "x") for k, conv in route_params.items()}
    return reverse(name, kwargs=kwargs), real


def _verdict(r, *, api: bool) -> str:
    code = r.status_code
    if code in (403, 404):
        return M.DENY
    if code == 401:
        return M.UNAUTHORIZED
    if code == 405:
        return M.NO_GET
    if code == 302:
        return M.LOGIN if "/accounts/login/" in r["Location"] else AWAY
    if code == 200:
        return M.OK
    return str(code)


def _api_operations() -> dict[str, tuple[str, str, dict]]:
    doc = api.get_openapi_schema()
    out = {}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            out[f"{method.upper()} {path.removeprefix('/api/v1')}"] = (
                method,
                path.removeprefix("/api/v1"),
                op,
            )
    return out


def test_every_url_and_operation_has_a_row():
    names = {name for name, _, _ in url_patterns() if not M.page_excluded(name)}
    assert sorted(names - set(M.PAGES)) == [], "page URL patterns without a row in authz_matrix.PAGES"
    assert sorted(set(M.PAGES) - names) == [], "rows of authz_matrix.PAGES for no URL pattern"
    ops = set(_api_operations()) - set(M.EXCLUDED_OPERATIONS)
    assert sorted(ops - set(M.API)) == [], "API operations without a row in authz_matrix.API"
    assert sorted(set(M.API) - ops) == [], "rows of authz_matrix.API for no operation"
    stale = [k for k in KNOWN_GAPS if k[0] not in M.PAGES and k[0] not in M.API or k[1] not in M.PRINCIPALS]
    assert stale == [], "authz_findings.KNOWN_GAPS entries for no row or principal"


def _api_path_values(w, probe, path) -> dict:
    values = {}
    for name in re.findall(r"\{(\w+)\}", path):
        if name == "move":
            values[name] = BASE_MOVE[MOVE_MACHINES[path]] if path in MOVE_MACHINES else "x"
        else:
            values[name] = probe.path_value(path, name)
    return values


def test_every_door_answers_each_principal_as_the_rules_say(world, city, settings, no_template_capture):  # noqa: F811
    # The walk asks every public page as 13 principals from one address within a minute: the
    # doors are under test here, not the public pages' rate limit (public/tests test that).
    settings.ZHITONG_PUBLIC_PAGE_LIMIT = 10_000
    settings.ZHITONG_PUBLIC_LOOKUP_LIMIT = 10_000
    w = world
    doc = api.get_openapi_schema()
    probe = Probe(w, doc)
    people = _principals(city)
    objects = _page_objects(w, probe)
    routes = {name: params for name, _, params in url_patterns()}
    query_ids = {**probe.ids, "leader_id": city.leader.pk}
    refused_early = []
    mismatches, walked, absent = [], 0, []

    def check(key, who, row, got, *, api_call, real=True, write=False):
        nonlocal walked
        walked += 1
        want = M.expected(row, who, people[who], api=api_call)
        if not real and want == M.OK:
            want = M.DENY  # nothing answers 200 about an object that does not exist
        if (key, who) in KNOWN_GAPS:
            want = KNOWN_GAPS[(key, who)]
            ok = got == want
        else:
            ok = got in ACCEPTS[want] and (got != AWAY or not api_call)
            if not ok and write and want == M.DENY and got in ("400", "409", "422"):
                # Refused, nothing written, but before the permission was looked at (the
                # body, the version or the state is checked first): counted, not a finding.
                ok = True
                refused_early.append(f"{key} [{who}]: {got}")
        if not ok:
            mismatches.append(f"{key} [{who}]: expected {want}, got {got}")

    # Pages: GET as each principal.
    clients = {}
    for who, user in people.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[who] = client
    for name, row in M.PAGES.items():
        url, real = _page_url(name, routes[name], objects, row)
        if row.query:
            url += "?" + row.query.format(**query_ids)
        if not real:
            absent.append(name)
        for who in people:
            r = clients[who].get(url)
            check(name, who, row, _verdict(r, api=False), api_call=False, real=real)

    # API: reads by everyone, writes by those who must be refused.
    tokens = {who: (token_client(u) if u else None) for who, u in people.items()}
    for key, (method, path, op) in _api_operations().items():
        if key in M.EXCLUDED_OPERATIONS:
            continue
        row = M.API[key]
        url = (
            "/api/v1"
            + re.sub(
                r"\{(\w+)\}", lambda m, path=path: str(_api_path_values(w, probe, path)[m.group(1)]), path
            )
        ) + ("?" + row.query.format(**query_ids) if row.query else "")
        media, schema = probe.body_schema(op)
        for who in people:
            want = M.expected(row, who, people[who], api=True)
            if method != "get" and want == M.OK:
                continue  # never perform a write
            caches["default"].clear()  # the per-token rate limit is not what is tested here
            client = tokens[who] or Client(REMOTE_ADDR=next(_addresses))
            kw = {}
            if media == "application/json":
                kw = {"data": json.dumps(probe.valid_body(schema)), "content_type": media}
            elif media:
                kw = {"data": probe.valid_body(schema)}
            r = getattr(client, method)(url, **kw)
            check(key, who, row, _verdict(r, api=True), api_call=True, write=method != "get")

    print(f"\nwalked {walked} (door, principal) pairs; pages on an absent object: {len(absent)}: {absent}")
    print(f"writes refused before the permission check: {len(refused_early)}")
    assert mismatches == [], f"{len(mismatches)} answers differ from the rules:\n" + "\n".join(mismatches)
