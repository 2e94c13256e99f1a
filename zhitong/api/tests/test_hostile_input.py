"""Every operation of the OpenAPI document, fed hostile values in every path, query and body
parameter (and hostile bodies as a whole), as a hub with a real token and anonymously:
no answer is a 5xx, every error is the contract's JSON {code, message}, and every status
an operation answered is documented for it in the OpenAPI document."""

import json
import re
from collections import defaultdict
from urllib.parse import quote

import pytest
from django.test import Client

from zhitong.appeals.machine import APPEAL
from zhitong.assessment.machines import MONTH as ASSESSMENT_MONTH
from zhitong.coordination.machines.batches import BATCH, ESCALATION
from zhitong.coordination.machines.events import EVENT
from zhitong.coordination.machines.facts import CERTIFICATION
from zhitong.coordination.machines.meetings import MEETING
from zhitong.coordination.machines.tasks import TASK
from zhitong.enterprises.machine import ENTERPRISE
from zhitong.projects.machines import STAGE
from zhitong.projects.progress.commitment_machine import COMMITMENT
from zhitong.projects.roadmap.machine import MILESTONE
from zhitong.public.machine import COMMITMENT_ITEM
from zhitong.supervision.machines import ORDER

from .conftest import token_client

pytestmark = pytest.mark.django_db

LONG = "x" * 100_000
# (name, value in a JSON body, value in a URL — already percent-encoded)
HOSTILE = [
    ("nul", "a\x00b", "a%00b"),
    ("surrogate", "\ud800", "%ED%A0%80"),
    ("long", LONG, LONG),
    ("2**63", 2**63, str(2**63)),
    ("beyond 64 bits", 10**30, str(10**30)),
    ("-1", -1, "-1"),
    ("abc", "abc", "abc"),
    ("impossible date", "2026-02-30", "2026-02-30"),
    ("naive datetime", "2025-09-01T09:00:00", "2025-09-01T09%3A00%3A00"),
    ("1900", "1900-01-01", "1900-01-01"),
    ("list", ["a", "b"], None),  # a URL sends a list as the parameter twice
    ("dict", {"a": 1}, "%7B%22a%22%3A1%7D"),
    ("float", 1.5, "1.5"),
    ("bool", True, "true"),
    ("null", None, ""),
]
WHOLE_BODIES = [
    ("malformed json", b'{"title": ', "application/json"),
    ("empty body", b"", "application/json"),
    ("json array", b"[1, 2]", "application/json"),
    ("json string", b'"x"', "application/json"),
    ("lone surrogate escape", b'{"note": "\\ud800", "title": "\\udfff"}', "application/json"),
    ("invalid utf-8", b'{"note": "\xed\xa0\x80"}', "application/json"),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ("wrong content type", b'{"note": "x"}', "text/plain"),
    ("form instead of json", b"note=x&title=y", "application/x-www-form-urlencoded"),
]
MOVE_MACHINES = {
    "/appeals/{appeal_id}/moves/{move}": APPEAL,
    "/coordination/batches/{month}/moves/{move}": BATCH,
    "/coordination/requests/{request_id}/moves/{move}": ESCALATION,
    "/coordination/meetings/{meeting_id}/moves/{move}": MEETING,
    "/coordination/tasks/{task_id}/moves/{move}": TASK,
    "/coordination/events/{event_id}/moves/{move}": EVENT,
    "/enterprises/{enterprise_id}/moves/{move}": ENTERPRISE,
    "/coordination/facts/certifications/{certification_id}/moves/{move}": CERTIFICATION,
    "/projects/{project_id}/moves/{move}": STAGE,
    "/projects/{project_id}/milestones/{milestone_id}/moves/{move}": MILESTONE,
    "/projects/commitments/{commitment_id}/moves/{move}": COMMITMENT,
    "/assessment/months/{month}/moves/{move}": ASSESSMENT_MONTH,
    "/supervision/orders/{order_id}/moves/{move}": ORDER,
    "/public/manage/commitments/{commitment_item_id}/moves/{move}": COMMITMENT_ITEM,
}
# A move each object's table has, for the requests that are about the other parameters.
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


def _commitment(c):
    """An agreement commitment of the city's project (projects/progress)."""
    from datetime import date

    from zhitong.projects.models import Commitment

    return Commitment.objects.create(
        project=c.project, party="enterprise", content="按期开工", due_on=date(2025, 12, 31), created_by=c.hub
    )


def _webhook(c) -> dict:
    """A webhook subscription of the hub with one logged delivery (issue 13)."""
    from django.utils import timezone

    from zhitong.webhooks.models import WebhookDelivery
    from zhitong.webhooks.services import subscription_create

    sub = subscription_create(
        actor=c.hub, name="热线系统", url="https://hotline.example.gov.cn/hook", events=[]
    )
    d = WebhookDelivery.objects.create(
        subscription=sub,
        event="appeal.sign",
        payload={"id": "k"},
        dedupe_key="webhook:hostile",
        created_at=timezone.now(),
    )
    return {"subscription_id": sub.pk, "delivery_id": d.pk}


def _commitment_item(c):
    """A draft item of 工信局's service-commitment catalog (zhitong/public)."""
    from zhitong.public.models import CommitmentItem

    return CommitmentItem.objects.create(
        unit=c.units.gxj, title="技改项目备案", legal_days=20, committed_days=8
    )


def resolve(doc, schema):
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


class Probe:
    def __init__(self, world, doc):
        self.w, self.doc = world, doc
        c = world.city
        self.ids = {
            "appeal_id": world.appeal.pk,
            "request_id": world.request.pk,
            "meeting_id": world.meeting,
            "task_id": world.task,
            "event_id": world.event,
            "certification_id": world.certification,
            "enterprise_id": c.enterprise.pk,
            "unit_id": c.units.gxj.pk,
            "contact_id": world.contact.pk,
            "category_id": c.category.pk,
            "project_id": c.project.pk,
            "convener_id": c.leader.pk,
            "chair_id": c.mayor.pk,
            "deputy_id": c.leader.pk,
            "leader_id": c.leader.pk,
            "duplicate_of_id": None,
            "lead_unit_id": c.units.gxj.pk,
            "milestone_id": world.milestone,
            "commitment_id": _commitment(c).pk,
            "session_id": world.session,
            "draw_id": world.draw,
            "county_id": c.units.glq.pk,
            "responsible_unit_id": c.units.gxj.pk,
            **_webhook(c),
            "order_id": world.order,
            "finding_id": world.finding,
            "commitment_item_id": _commitment_item(c).pk,
        }
        self.failures: list[str] = []
        self.observed: dict[tuple[str, str], set[int]] = defaultdict(set)

    # -- valid values, so that a request is about the one hostile value -----------------
    def path_value(self, path, name):
        if name == "item_id":
            return str(self.w.event_item if "event-items" in path else self.w.meeting_item)
        if name == "month":
            return self.w.month
        if name == "move":
            return BASE_MOVE[MOVE_MACHINES[path]]
        if name == "key":  # a scorecard figure's list, or the supervision office's lists
            return "resolved" if path.startswith("/assessment/") else "overdue"
        return str(self.ids[name])

    def valid(self, name, schema):
        schema = resolve(self.doc, schema)
        if "anyOf" in schema:
            schema = resolve(self.doc, next(s for s in schema["anyOf"] if s.get("type") != "null"))
        kind, fmt = schema.get("type"), schema.get("format")
        if name in self.ids:
            return self.ids[name]
        if name == "item_id":
            return self.w.meeting_item
        if kind == "array":
            item = resolve(self.doc, schema.get("items", {}))
            if item.get("type") == "integer":
                return [self.w.city.units.gxj.pk]
            return ["营业执照复印件"]
        if kind == "integer":
            return 5
        if kind == "boolean":
            return False
        if kind == "object":
            return {}
        if fmt == "date":
            return "2025-09-15"
        if fmt == "date-time":
            return "2025-09-01T09:00:00+08:00"
        if "enum" in schema:
            return schema["enum"][0]
        return {"kind": "quarterly", "channel": "hotline", "result": "confirmed", "month": "2025-09"}.get(
            name, "测试内容"
        )

    def body_schema(self, op):
        content = op.get("requestBody", {}).get("content", {})
        for media in ("application/json", "multipart/form-data"):
            if media in content:
                return media, resolve(self.doc, content[media]["schema"])
        return None, None

    def valid_body(self, schema):
        props = schema.get("properties", {})
        return {k: self.valid(k, v) for k, v in props.items() if k in schema.get("required", [])}

    # -- one request ----------------------------------------------------------------------
    def call(self, client, key, method, url, what, *, body=None, content_type=None, multipart=None):
        fn = getattr(client, method)
        kw = {}
        if multipart is not None:
            kw["data"] = multipart
        elif body is not None:
            kw = {"data": body, "content_type": content_type}
        try:
            r = fn(url, **kw)
        except Exception as exc:  # the test client re-raises what the server did not answer
            self.failures.append(f"{method.upper()} {url[:120]} [{what}]: raised {exc!r}"[:400])
            return
        self.observed[key].add(r.status_code)
        if r.status_code >= 500:
            self.failures.append(
                f"{method.upper()} {url[:120]} [{what}]: {r.status_code} {r.content[:200]!r}"
            )
        elif r.status_code >= 400:
            try:
                data = r.json()
                ok = isinstance(data.get("code"), str) and isinstance(data.get("message"), str)
            except ValueError:
                ok = False
            if not ok:
                self.failures.append(
                    f"{method.upper()} {url[:120]} [{what}]: {r.status_code} not the contract: {r.content[:200]!r}"
                )

    def url(self, path, values, query=""):
        out = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
        return "/api/v1" + out + (f"?{query}" if query else "")

    # -- the walk -------------------------------------------------------------------------
    def run(self, client, *, deep: bool):
        for path, item in self.doc["paths"].items():
            rel = path.removeprefix("/api/v1")
            for method, op in item.items():
                self.operation(client, (path, method), rel, method, op, deep=deep)

    def operation(self, client, key, rel, method, op, *, deep):
        params = op.get("parameters", [])
        base_path = {p["name"]: self.path_value(rel, p["name"]) for p in params if p["in"] == "path"}
        required_query = {
            p["name"]: self.valid(p["name"], p.get("schema", {}))
            for p in params
            if p["in"] == "query" and p.get("required")
        }
        media, schema = self.body_schema(op)
        body = self.valid_body(schema) if schema else None

        def send(path_values, query=None, body=body, what=""):
            q = "&".join(
                f"{k}={quote(str(v))}" for k, v in (query if query is not None else required_query).items()
            )
            url = self.url(rel, path_values, q)
            if media == "multipart/form-data":
                self.call(client, key, method, url, what, multipart=body or {})
            elif body is not None:
                self.call(client, key, method, url, what, body=json.dumps(body), content_type=media)
            else:
                self.call(client, key, method, url, what)

        send(base_path, what="valid")
        for p in params:
            for name, _, raw in HOSTILE:
                if p["in"] == "path":
                    if raw is None or raw == "":
                        continue
                    send(base_path | {p["name"]: raw}, what=f"path {p['name']}={name}")
                elif p["in"] == "query":
                    others = "&".join(
                        f"{k}={quote(str(v))}" for k, v in required_query.items() if k != p["name"]
                    )
                    value = f"{p['name']}=a&{p['name']}=b" if raw is None else f"{p['name']}={raw}"
                    url = self.url(rel, base_path, "&".join(x for x in (others, value) if x))
                    self.call(client, key, method, url, f"query {p['name']}={name}")
            if not deep:
                break
        if schema is None:
            return
        for name, value, _ in HOSTILE[:3]:  # the hygiene layer: a form field or a JSON string
            if media == "multipart/form-data" and name == "surrogate":
                continue  # the test client cannot encode it; the raw-body cases carry one
            send(base_path, body={**(body or {}), "note": value}, what=f"note={name}")
        if not deep:
            return
        for prop in schema.get("properties", {}):
            for name, value, _ in HOSTILE:
                if media == "multipart/form-data":
                    if isinstance(value, (dict, list)) or value is None or name == "surrogate":
                        continue
                    value = str(value)
                send(base_path, body={**(body or {}), prop: value}, what=f"body {prop}={name}")
        if media == "application/json":
            for name, raw_body, content_type in WHOLE_BODIES:
                url = self.url(rel, base_path)
                self.call(client, key, method, url, name, body=raw_body, content_type=content_type)
        machine = MOVE_MACHINES.get(rel)
        if machine is not None:
            self.moves(client, key, rel, method, base_path, machine)

    def moves(self, client, key, rel, method, base_path, machine):
        """Each field of the object's table, with each hostile value, sent to a move that
        takes it (the kernel checks the move data before any service, whoever may make the
        move), and a key no move takes."""
        wrap = rel.startswith(("/appeals", "/enterprises", "/projects"))  # {"expected_version", "data"}
        first = next(iter(machine.moves.values()))
        fields = {f.name: m for m in machine.moves.values() for f in reversed(m.form)}
        for name, move in [*fields.items(), ("unknown_key", first)]:
            url = self.url(rel, base_path | {"move": move.name})
            for what, value, _ in HOSTILE:
                data = {"expected_version": 1, "data": {name: value}} if wrap else {name: value, "version": 1}
                self.call(
                    client,
                    key,
                    method,
                    url,
                    f"move {move.name}.{name}={what}",
                    body=json.dumps(data),
                    content_type="application/json",
                )


@pytest.fixture
def doc(client):
    return client.get("/api/v1/openapi.json").json()


def _documented(doc, key) -> set[int]:
    path, method = key
    return {int(c) for c in doc["paths"][path][method]["responses"]}


@pytest.mark.slow
def test_no_operation_answers_a_hostile_input_with_a_server_error(world, doc):
    probe = Probe(world, doc)
    probe.run(token_client(world.city.hub), deep=True)
    probe.run(Client(), deep=False)
    assert probe.failures == []
    undocumented = {
        f"{method.upper()} {path}": sorted(codes - _documented(doc, (path, method)))
        for (path, method), codes in probe.observed.items()
        if codes - _documented(doc, (path, method))
    }
    assert undocumented == {}
