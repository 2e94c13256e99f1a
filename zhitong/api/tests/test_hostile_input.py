"""Every operation of the OpenAPI document, fed hostile values in every path, query and body
parameter (and hostile bodies as a whole), as an actor allowed to make it and anonymously:
no answer is a 5xx, every error is the contract's JSON {code, message}, and every status
an operation answered is documented for it in the OpenAPI document.

A refusal before the view's body (404 for an id that does not exist, 403 for the wrong
person, 422 for a missing field) would hide a crash in the body, so each operation first
sends a valid baseline request (BASELINES: real ids of the world's objects, a valid body,
an actor allowed to make it), which must be answered 2xx, and each hostile request varies
ONE parameter of that baseline. Every request runs in a savepoint that is rolled back, so
each starts from the same world (a DELETE or a move does not change what the next one meets).
"""

import json
import re
from collections import defaultdict
from contextlib import contextmanager
from datetime import date
from urllib.parse import quote

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone

from zhitong.api.models import ApiToken
from zhitong.appeals.machine import APPEAL
from zhitong.assessment.machines import MONTH as ASSESSMENT_MONTH
from zhitong.coordination.machines.batches import BATCH, ESCALATION
from zhitong.coordination.machines.events import EVENT
from zhitong.coordination.machines.facts import CERTIFICATION
from zhitong.coordination.machines.meetings import MEETING
from zhitong.coordination.machines.tasks import TASK
from zhitong.coordination.tests.conftest import PDF, at
from zhitong.enterprises.machine import ENTERPRISE
from zhitong.enterprises.tests.factories import make_credit_code
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
# The JSON kind of each hostile value. A value of a kind the parameter's schema does not take
# is refused at validation the way every other value of that kind is, so of those only the
# representatives below are sent (each still in every parameter): a third of the walk's
# requests, when each now reaches the view's body.
KIND = {"nul": "string", "surrogate": "string", "long": "string", "abc": "string"}
KIND |= {"impossible date": "string", "naive datetime": "string", "1900": "string"}
KIND |= {"2**63": "integer", "beyond 64 bits": "integer", "-1": "integer", "float": "number"}
KIND |= {"list": "array", "dict": "object", "bool": "boolean", "null": "null"}
REPRESENTATIVES = {"nul", "long", "abc", "-1", "float", "list", "dict", "bool", "null"}
# The JSON kinds a move's field takes, by its kind (common/transitions.py KIND_TYPES); a
# kind not listed (a file) takes every value.
FIELD_KINDS = {k: {"string"} for k in ("text", "textarea", "date", "datetime")}
FIELD_KINDS |= {k: {"integer"} for k in ("int", "unit", "user", "appeal", "item", "rating")}
FIELD_KINDS |= {k: {"array", "string"} for k in ("items", "units", "event_items")}
FIELD_KINDS |= {"proposals": {"object"}, "bool": {"boolean"}}
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
# The walk's clock: mid-October, so that September is over (its escalation batch is past
# its cutoff, its certification and its assessment month may be closed) and the world's
# objects, made on 1 September, are in the past.
WALK_AT = at(2025, 10, 15, 10)
PDF_FILE = "<a fresh PDF upload>"  # in a multipart baseline: replaced by a new file each time


def _verifying(p) -> None:
    """The event's items sent for verification (seeds/000 四(二)), as its office does."""
    EVENT.dispatch(
        pk=p.w.event,
        move="start_verification",
        actor=p.w.city.hub_gxj,
        expected_version=p.version("coordination.Event", pk=p.w.event),
    )


def _held(p) -> None:
    """The event held, its problem on the final list: the leader's on-site opinion is due
    (seeds/000 四(六)); the coordination tests' path there."""
    from zhitong.coordination.models import Event
    from zhitong.coordination.tests.test_events import run_to_held

    run_to_held(p.w.city, Event.objects.get(pk=p.w.event))


_ROADMAP = {"direction": "reverse", "anchor": "2025-12-31", "items": [{"kind": "land"}], "replace": True}

# Each operation's valid baseline request, by "METHOD /path" (the path without /api/v1): what
# differs from what the schema alone gives (the required body fields and query parameters
# with valid values, path parameters naming the world's objects, the hub as actor). A
# function of the probe when it needs the world. Keys: as (the actor, a person of the city),
# path, query, body (merged over the schema's values; PDF_FILE for an upload), setup (a
# function of the probe run first, undone after the operation's requests). Every
# operation is listed (test_every_operation_has_a_baseline), and each must be answered 2xx.
BASELINES: dict[str, dict | object] = {
    "GET /organizations/units": {},
    "GET /organizations/units/tree": {},
    "GET /organizations/units/{unit_id}": {},
    "GET /organizations/windows": {},
    "GET /enterprises": {},
    "POST /enterprises": {
        "body": {
            "credit_code": make_credit_code(900_001),
            "name": "榕城新材料有限公司",
            "industry": "manufacturing",
        }
    },
    "GET /enterprises/review": {},
    "GET /enterprises/{enterprise_id}": {},
    "POST /enterprises/contacts/{contact_id}/reveal-phone": {},
    "POST /enterprises/{enterprise_id}/moves/{move}": lambda p: {
        "path": {"enterprise_id": p.extra["pending_enterprise"], "move": "approve"},
        "body": {"expected_version": p.extra["pending_enterprise_version"], "data": {"note": "已核实"}},
    },
    "GET /workdays/add": {},
    "GET /workdays/between": {"query": {"end": "2025-10-31"}},
    "GET /projects": {},
    "POST /projects": {"body": {"code": "P-900", "name": "榕城新材料生产基地项目"}},
    "GET /projects/{project_id}": {},
    "PATCH /projects/{project_id}": lambda p: {
        "body": {"version": p.version("projects.Project", pk=p.w.city.project.pk)}
    },
    "GET /projects/{project_id}/moves": {},
    "POST /projects/{project_id}/moves/{move}": lambda p: {
        "path": {"move": "step_back"},
        "body": {
            "version": p.version("projects.Project", pk=p.w.city.project.pk),
            "reason": "施工许可尚未取得",
        },
    },
    "GET /appeals": {},
    "POST /appeals": {},
    "GET /appeals/moves": {},
    "GET /appeals/categories": {},
    "GET /appeals/triage": {},
    "POST /appeals/duplicates": {},
    "GET /appeals/duplicates": {},
    "GET /appeals/{appeal_id}": {},
    "POST /appeals/{appeal_id}/moves/{move}": lambda p: {
        "path": {"move": "add_progress"},
        "body": {
            "expected_version": p.version("appeals.Appeal", pk=p.w.appeal.pk),
            "data": {"note": "已与企业对接"},
        },
    },
    "POST /appeals/{appeal_id}/exemption": lambda p: {
        "as": "handler",
        "body": {
            "expected_version": p.version("appeals.Appeal", pk=p.w.appeal.pk),
            "explanation": "属上级审批事项",
            "files": PDF_FILE,
        },
    },
    "POST /appeals/{appeal_id}/evidence": lambda p: {
        "as": "handler",
        "body": {"expected_version": p.version("appeals.Appeal", pk=p.w.appeal.pk), "files": PDF_FILE},
    },
    "GET /coordination/batches": {},
    "GET /coordination/batches/{month}": {},
    "POST /coordination/batches/{month}/moves/{move}": lambda p: {
        "path": {"move": "start_review"},
        "body": {"version": p.version("coordination.EscalationBatch", month=date(2025, 9, 1))},
    },
    "POST /coordination/requests/{request_id}/moves/{move}": lambda p: {
        "path": {"move": "withdraw"},
        "body": {
            "version": p.version("coordination.EscalationRequest", pk=p.w.request.pk),
            "reason": "企业撤回",
        },
    },
    "GET /coordination/my-batch": {"as": "leader"},
    "GET /coordination/meetings": {},
    "POST /coordination/meetings": {},
    "GET /coordination/meetings/{meeting_id}": {},
    "POST /coordination/meetings/{meeting_id}/items": lambda p: {
        "body": {"appeal_ids": [p.extra["free_appeal"]]}
    },
    "POST /coordination/meetings/{meeting_id}/moves/{move}": lambda p: {
        "path": {"move": "opinion"},
        "body": {
            "version": p.version("coordination.Meeting", pk=p.w.meeting),
            "item_id": p.extra["bare_meeting_item"],
            "opinion": "工信局牵头办理",
            "unit_ids": [p.w.city.units.gxj.pk],
            "due_workdays": 5,
        },
    },
    "DELETE /coordination/meeting-items/{item_id}": lambda p: {
        "path": {"item_id": p.extra["bare_meeting_item"]}
    },
    "GET /coordination/annex3": lambda p: {"query": {"unit_id": p.w.city.units.gxj.pk}},
    "GET /coordination/facts": {},
    "GET /coordination/facts/certifications": {},
    "POST /coordination/facts/certifications/{certification_id}/moves/{move}": lambda p: {
        "path": {"move": "certify"},
        "body": {"version": p.version("coordination.FactCertification", pk=p.w.certification)},
    },
    "GET /coordination/tasks": {},
    "GET /coordination/tasks/{task_id}": {},
    "POST /coordination/tasks/{task_id}/moves/{move}": lambda p: {
        "as": "handler",
        "path": {"move": "progress"},
        "body": {"version": p.version("coordination.Task", pk=p.w.task), "note": "已完成现场踏勘"},
    },
    "GET /coordination/events": {},
    "POST /coordination/events": {"as": "hub_gxj"},
    "GET /coordination/events/{event_id}": {},
    "POST /coordination/events/{event_id}/appeals": lambda p: {
        "as": "hub_gxj",
        "body": {"appeal_ids": [p.extra["free_appeal"]]},
    },
    "POST /coordination/events/{event_id}/problems": {"as": "hub_gxj"},
    "POST /coordination/event-items/{item_id}/verify": {"as": "hub_gxj", "setup": _verifying},
    "POST /coordination/event-items/{item_id}/opinion": {
        "as": "hub_gxj",
        "setup": _held,
        "body": {"due_workdays": 10},
    },
    "POST /coordination/event-items/{item_id}/unit": {"as": "hub_gxj"},
    "DELETE /coordination/event-items/{item_id}": {"as": "hub_gxj"},
    "POST /coordination/events/{event_id}/moves/{move}": lambda p: {
        "as": "hub_gxj",
        "path": {"move": "reschedule"},
        "body": {
            "version": p.version("coordination.Event", pk=p.w.event),
            "scheduled_at": "2025-10-20T15:00:00+08:00",
        },
    },
    "GET /coordination/events/{event_id}/document": {},
    "GET /projects/roadmap/template": {},
    "GET /projects/{project_id}/milestones": {},
    "POST /projects/{project_id}/roadmap/preview": {"body": _ROADMAP},
    "POST /projects/{project_id}/roadmap": {"body": _ROADMAP},
    "GET /projects/{project_id}/milestones/{milestone_id}": {},
    "POST /projects/{project_id}/milestones/{milestone_id}/moves/{move}": lambda p: {
        "path": {"move": "edit"},
        "body": {
            "expected_version": p.version("projects.Milestone", pk=p.w.milestone),
            "data": {"name": "土地摘牌", "workdays": 10, "planned_due": "2025-11-28"},
        },
    },
    "GET /projects/progress/late": {},
    "GET /projects/progress/briefing": {},
    "POST /projects/commitments/{commitment_id}/moves/{move}": lambda p: {
        "path": {"move": "record"},
        "body": {
            "version": p.version("projects.Commitment", pk=p.ids["commitment_id"]),
            "on": "2025-10-14",
            "note": "已开工",
        },
    },
    "GET /projects/{project_id}/progress": {},
    "GET /projects/{project_id}/reports": {},
    "POST /projects/{project_id}/reports": {"as": "handler", "body": {"month": "2025-09"}},
    "GET /projects/{project_id}/reports/{month}": {"path": {"month": "2025-08"}},
    "PUT /projects/{project_id}/reports/{month}": lambda p: {
        "as": "handler",
        "path": {"month": "2025-08"},
        "body": {"version": p.extra["report_version"]},
    },
    "GET /projects/{project_id}/daily-reports": {},
    "POST /projects/{project_id}/daily-reports": {"as": "handler", "body": {"day": "2025-10-14"}},
    "GET /projects/{project_id}/commitments": {},
    "POST /projects/{project_id}/commitments": {"body": {"party": "enterprise"}},
    "GET /dispatch/sessions": {},
    "POST /dispatch/sessions": {"body": {"level": "city", "held_on": "2025-10-14"}},
    "GET /dispatch/sessions/{session_id}": {},
    "POST /dispatch/sessions/{session_id}/entries": {},
    "DELETE /dispatch/sessions/{session_id}/entries/{project_id}": {},
    "GET /dispatch/coverage": {},
    # A consultation is held before signing (services.CONSULTING_STAGES): the reserve project.
    "GET /dispatch/projects/{project_id}/consultations": lambda p: {
        "path": {"project_id": p.w.city.other_project.pk}
    },
    "POST /dispatch/projects/{project_id}/consultations": lambda p: {
        "path": {"project_id": p.w.city.other_project.pk},
        "body": {
            "held_on": "2025-10-14",
            "fits_city_plan": True,
            "fits_park_positioning": True,
            "fits_industry_policy": True,
        },
    },
    "GET /dispatch/inspections": {},
    # Q3 is drawn (the world); the walk's day is in Q4.
    "POST /dispatch/inspections": {"body": {"quarter": "2025-10-01"}},
    "GET /dispatch/inspections/{draw_id}": {},
    "PUT /dispatch/inspections/{draw_id}/projects/{project_id}": {"body": {"inspected_on": "2025-10-14"}},
    "GET /dispatch/leader-digest": lambda p: {"query": {"leader_id": p.w.city.leader.pk}},
    "GET /assessment/scorecards": {},
    "GET /assessment/scorecards/{month}/units/{unit_id}": {},
    "GET /assessment/scorecards/{month}/units/{unit_id}/lists/{key}": {},
    "GET /assessment/schemes": {},
    "POST /assessment/schemes": {
        "body": {
            "audience": "departments",
            "effective_month": "2025-11",
            "target_score": "100",
            "weights": {},
        }
    },
    "GET /assessment/months": {},
    "POST /assessment/months/{month}/moves/{move}": lambda p: {
        "path": {"move": "close"},
        "body": {"version": 1},
    },
    "GET /webhooks/events": {},
    "GET /webhooks/subscriptions": {},
    "POST /webhooks/subscriptions": {"body": {"url": "https://hotline.example.gov.cn/hook2"}},
    "GET /webhooks/subscriptions/{subscription_id}": {},
    "PATCH /webhooks/subscriptions/{subscription_id}": {},
    "DELETE /webhooks/subscriptions/{subscription_id}": {},
    "GET /webhooks/subscriptions/{subscription_id}/deliveries": {},
    "POST /webhooks/subscriptions/{subscription_id}/deliveries/{delivery_id}/replay": {},
    "GET /supervision/lists/{key}": {},
    "GET /supervision/orders": {},
    "POST /supervision/orders": {"as": "supervisor"},
    "GET /supervision/orders/{order_id}": {},
    "POST /supervision/orders/{order_id}/moves/{move}": lambda p: {
        "as": "supervisor",
        "path": {"move": "fail"},
        "body": {
            "version": p.version("supervision.RectificationOrder", pk=p.w.order),
            "reason": "逾期未整改",
            "points": "1",
        },
    },
    "GET /supervision/findings": {},
    "POST /supervision/findings": {"as": "supervisor", "body": {"points": "1", "month": "2025-09-01"}},
    "GET /supervision/findings/{finding_id}": {},
    "GET /reports/annex1": {},
    "GET /public/commitments": {},
    "GET /public/windows": {},
    "GET /public/policies": {},
    "POST /public/lookup": {},
    "GET /public/manage/commitments": {},
    "POST /public/manage/commitments": {},
    "GET /public/manage/commitments/{commitment_item_id}": {},
    "PUT /public/manage/commitments/{commitment_item_id}": lambda p: {"body": {"version": 1}},
    "POST /public/manage/commitments/{commitment_item_id}/moves/{move}": lambda p: {
        "path": {"move": "publish"},
        "body": {"version": 1},
    },
}
# The documented refusals the world cannot avoid, by operation: (status, why). None today;
# keep it short.
REFUSALS: dict[str, tuple[int, str]] = {}


def _commitment(c):
    """An agreement commitment of the city's project (projects/progress)."""
    from zhitong.projects.models import Commitment

    return Commitment.objects.create(
        project=c.project, party="enterprise", content="按期开工", due_on=date(2025, 12, 31), created_by=c.hub
    )


def _webhook(c) -> dict:
    """A webhook subscription of the hub with one logged delivery (issue 13)."""
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


def _extra(world, scene) -> dict:
    """The objects some baselines need besides the world's: an enterprise awaiting the
    library's review, appeals on no meeting or event, a meeting item without an opinion
    (removable), August's progress report, and the event's generated document."""
    from django.core.files.base import ContentFile

    from zhitong.coordination.models import Event
    from zhitong.enterprises.choices import ReviewStatus
    from zhitong.enterprises.tests.factories import EnterpriseFactory

    c = world.city
    hub, handler = token_client(c.hub), token_client(c.handler)
    pending = EnterpriseFactory(review_status=ReviewStatus.PENDING, location=c.units.glq)
    free = scene.appeal(title="厂区供电线路改造审批缓慢")
    on_meeting = scene.appeal(title="项目用地红线调整未批复")
    r = hub.post(
        f"/api/v1/coordination/meetings/{world.meeting}/items",
        json.dumps({"appeal_ids": [on_meeting.pk]}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    bare_item = next(
        i["id"] for i in r.json()["items"] if on_meeting.pk in i.get("appeal_ids", [i.get("appeal_id")])
    )
    r = handler.post(
        f"/api/v1/projects/{c.project.pk}/reports",
        json.dumps({"month": "2025-08", "image_progress": "主体结构封顶"}),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    # The document a finished event's opinions make (documents/opinions.py); the walk reads it back.
    Event.objects.get(pk=world.event).document.save("处理意见.docx", ContentFile(b"PK\x03\x04"), save=True)
    return {
        "pending_enterprise": pending.pk,
        "pending_enterprise_version": getattr(pending, ENTERPRISE.version_field),
        "free_appeal": free.pk,
        "bare_meeting_item": bare_item,
        "report_version": r.json()["version"],
    }


def resolve(doc, schema):
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def operations(doc):
    """(key, path, method, operation) of every operation; key is BASELINES' "METHOD /path"."""
    for path, item in doc["paths"].items():
        for method, op in item.items():
            yield f"{method.upper()} {path.removeprefix('/api/v1')}", path, method, op


@contextmanager
def rolled_back():
    """A savepoint undone at the end, so that the next request meets the same world."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class Probe:
    def __init__(self, world, doc, scene=None):
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
            "owner_id": c.enterprise.pk,
            "unit_id": c.units.gxj.pk,
            "location_id": c.units.glq.pk,
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
        # The baselines' extra objects (the authorization matrix, which sends no baseline,
        # makes a Probe without them).
        self.extra = _extra(world, scene) if scene is not None else {}
        # One client per person: a new one loads the middleware again (whitenoise scans the
        # static files), a tenth of the walk's time when each operation had its own.
        self.clients: dict[str, Client] = {}
        self.anonymous = Client()
        self.failures: list[str] = []
        self.observed: dict[tuple[str, str], set[int]] = defaultdict(set)

    def client(self, who: str) -> Client:
        if who not in self.clients:
            self.clients[who] = token_client(getattr(self.w.city, who))
            # Used just now: no request writes its last use (api/auth.py: once a minute).
            ApiToken.objects.filter(user=getattr(self.w.city, who)).update(last_used_at=timezone.now())
        return self.clients[who]

    def version(self, label: str, **lookup) -> int:
        from django.apps import apps

        return apps.get_model(label).objects.values_list("version", flat=True).get(**lookup)

    # -- valid values, so that a request is about the one hostile value -----------------
    def path_value(self, path, name):
        if name == "item_id":
            return str(self.w.event_item if "event-items" in path else self.w.meeting_item)
        if name == "month":
            return self.w.month
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

    def hostile_for(self, schema=None, *, kinds=None) -> list:
        """The hostile values for a parameter: those of a kind its schema (or `kinds`)
        takes, and the representatives of the other kinds (KIND)."""
        if kinds is None:
            kinds = set()
            for one in resolve(self.doc, schema).get("anyOf", [schema]):
                one = resolve(self.doc, one)
                kinds |= {"integer", "number"} if one.get("type") == "number" else {one.get("type")}
        if None in kinds:  # no type (any JSON): every value
            return HOSTILE
        return [h for h in HOSTILE if h[0] in REPRESENTATIVES or KIND[h[0]] in kinds]

    def body_schema(self, op):
        content = op.get("requestBody", {}).get("content", {})
        for media in ("application/json", "multipart/form-data"):
            if media in content:
                return media, resolve(self.doc, content[media]["schema"])
        return None, None

    def valid_body(self, schema):
        props = schema.get("properties", {})
        return {k: self.valid(k, v) for k, v in props.items() if k in schema.get("required", [])}

    def baseline(self, key: str) -> dict:
        spec = BASELINES[key]
        return spec(self) if callable(spec) else spec

    # -- one request ----------------------------------------------------------------------
    def call(self, client, key, method, url, what, *, body=None, content_type=None, multipart=None):
        """Send one request in a savepoint rolled back after it; record a failure if it
        raised, answered 5xx or broke the error contract. Returns the response (None if it raised)."""
        fn = getattr(client, method)
        kw = {}
        if multipart is not None:
            kw["data"] = {
                k: SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf") if v == PDF_FILE else v
                for k, v in multipart.items()
            }
        elif body is not None:
            kw = {"data": body, "content_type": content_type}
        try:
            with rolled_back():
                r = fn(url, **kw)
        except Exception as exc:  # the test client re-raises what the server did not answer
            self.failures.append(f"{method.upper()} {url[:120]} [{what}]: raised {exc!r}"[:400])
            return None
        self.observed[key].add(r.status_code)
        if r.status_code == 429:  # refused before the view: the value met nothing
            self.failures.append(f"{method.upper()} {url[:120]} [{what}]: 429 {r.content[:200]!r}")
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
        return r

    def url(self, path, values, query=""):
        out = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)
        return "/api/v1" + out + (f"?{query}" if query else "")

    # -- the walk -------------------------------------------------------------------------
    def run(self, *, anonymous: bool = False):
        """As each operation's baseline actor (deep: every parameter, every hostile value,
        after the baseline answered 2xx), or anonymously (shallow: the first parameter)."""
        for name, path, method, op in operations(self.doc):
            spec = self.baseline(name)
            self.client(spec.get("as", "hub"))  # its token issued outside the savepoint
            with rolled_back():
                if "setup" in spec and not anonymous:  # anonymously no request reaches it
                    spec["setup"](self)
                # The baseline is read again in `operation`: the versions after the setup.
                self.operation(name, (path, method), path.removeprefix("/api/v1"), method, op, anonymous)

    def operation(self, name, key, rel, method, op, anonymous):
        spec = self.baseline(name)
        client = self.anonymous if anonymous else self.client(spec.get("as", "hub"))
        deep = not anonymous
        params = op.get("parameters", [])
        given = spec.get("path", {})
        base_path = {
            p["name"]: given.get(p["name"]) or self.path_value(rel, p["name"])
            for p in params
            if p["in"] == "path"
        }
        base_query = {
            p["name"]: self.valid(p["name"], p.get("schema", {}))
            for p in params
            if p["in"] == "query" and p.get("required")
        } | spec.get("query", {})
        media, schema = self.body_schema(op)
        body = {**self.valid_body(schema), **spec.get("body", {})} if schema else None

        def send(path_values=base_path, query=base_query, body=body, what=""):
            q = "&".join(f"{k}={quote(str(v))}" for k, v in query.items())
            url = self.url(rel, path_values, q)
            if media == "multipart/form-data":
                return self.call(client, key, method, url, what, multipart=body or {})
            if body is not None:
                return self.call(client, key, method, url, what, body=json.dumps(body), content_type=media)
            return self.call(client, key, method, url, what)

        r = send(what="baseline")
        expected = REFUSALS.get(name, (None, ""))[0]
        if (
            deep
            and r is not None
            and not (r.status_code == expected if expected else 200 <= r.status_code < 300)
        ):
            self.failures.append(
                f"{name}: the baseline was answered {r.status_code}, not {expected or '2xx'}: {r.content[:300]!r}"
            )
        for p in params:
            for hostile, _, raw in self.hostile_for(p.get("schema", {})):
                if p["in"] == "path":
                    if raw is None or raw == "":
                        continue
                    send(base_path | {p["name"]: raw}, what=f"path {p['name']}={hostile}")
                elif p["in"] == "query":
                    others = "&".join(f"{k}={quote(str(v))}" for k, v in base_query.items() if k != p["name"])
                    value = f"{p['name']}=a&{p['name']}=b" if raw is None else f"{p['name']}={raw}"
                    url = self.url(rel, base_path, "&".join(x for x in (others, value) if x))
                    self.call(client, key, method, url, f"query {p['name']}={hostile}")
            if not deep:
                break
        if schema is None:
            return
        for hostile, value, _ in HOSTILE[:3]:  # the hygiene layer: a form field or a JSON string
            if media == "multipart/form-data" and hostile == "surrogate":
                continue  # the test client cannot encode it; the raw-body cases carry one
            send(body={**body, "note": value}, what=f"note={hostile}")
        if not deep:
            return
        for prop, prop_schema in schema.get("properties", {}).items():
            for hostile, value, _ in self.hostile_for(prop_schema):
                if media == "multipart/form-data":
                    if isinstance(value, (dict, list)) or value is None or hostile == "surrogate":
                        continue
                    value = str(value)
                send(body={**body, prop: value}, what=f"body {prop}={hostile}")
        if media == "application/json":
            for hostile, raw_body, content_type in WHOLE_BODIES:
                url = self.url(rel, base_path)
                self.call(client, key, method, url, hostile, body=raw_body, content_type=content_type)
        machine = MOVE_MACHINES.get(rel)
        if machine is not None:
            # A field of the baseline's move already varied in its JSON body is not sent twice.
            varied = set(schema.get("properties", {})) if media == "application/json" else set()
            self.moves(client, key, rel, method, base_path, body, machine, varied)

    def moves(self, client, key, rel, method, base_path, body, machine, varied):
        """Each field of the object's table, with each hostile value, sent to a move that
        takes it (the kernel checks the move data before any service, whoever may make the
        move), and a key no move takes; with the baseline's version, so that a value the
        baseline's move takes reaches its service."""
        wrap = "expected_version" in body  # {"expected_version", "data"}
        first = next(iter(machine.moves.values()))
        fields = {f.name: m for m in machine.moves.values() for f in reversed(m.form)}
        base_move = base_path["move"]
        for name, move in [*fields.items(), ("unknown_key", first)]:
            if any(f.name == name for f in machine.moves[base_move].form):
                move = machine.moves[base_move]
                if not wrap and name in varied:
                    continue
            url = self.url(rel, base_path | {"move": move.name})
            field = machine.fields.get(name)
            kinds = FIELD_KINDS.get(field.kind, {None}) if field else set()
            for what, value, _ in self.hostile_for(kinds=kinds):
                if wrap:
                    data = {**body.get("data", {}), name: value} if move.name == base_move else {name: value}
                    data = {"expected_version": body["expected_version"], "data": data}
                else:
                    data = (
                        {**body, name: value}
                        if move.name == base_move
                        else {"version": body.get("version"), name: value}
                    )
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


def test_every_operation_has_a_baseline(doc):
    """A new operation without a baseline would be walked only from refusals."""
    names = {name for name, *_ in operations(doc)}
    assert sorted(names - BASELINES.keys()) == []
    assert sorted(BASELINES.keys() - names) == []
    assert sorted(REFUSALS.keys() - names) == []


@pytest.mark.slow
def test_no_operation_answers_a_hostile_input_with_a_server_error(world, doc, scene, settings):
    # The walk sends thousands of requests in one frozen minute: past the per-token limit
    # (api/ratelimit.py), or the per-address limit on failed authentication (the anonymous
    # walk; organizations/signin_throttle.py), every one would be refused with 429 before
    # the view.
    settings.ZHITONG_API_RATE_LIMIT = settings.ZHITONG_SIGNIN_ADDRESS_FAILURES = 10**9
    with time_machine.travel(WALK_AT, tick=False):
        probe = Probe(world, doc, scene)
        probe.run()
        probe.run(anonymous=True)
    assert probe.failures == []
    undocumented = {
        f"{method.upper()} {path}": sorted(codes - _documented(doc, (path, method)))
        for (path, method), codes in probe.observed.items()
        if codes - _documented(doc, (path, method))
    }
    assert undocumented == {}
