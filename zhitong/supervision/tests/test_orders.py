"""Rectification orders (督促整改, seeds/000 三) through the kernel: issued by the supervision
office with a working-day deadline, acknowledged and reported with evidence by the unit,
verified, returned or closed as a failure (which records a finding), with history, audit and
notices; and who may do what, on the pages and through the API."""

from __future__ import annotations

import json
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.audit.models import AuditEvent
from zhitong.common.transitions import state_changes
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, ServiceError
from zhitong.outbox.models import OutboxMessage
from zhitong.supervision import selectors, services
from zhitong.supervision.choices import FindingSource, OrderStatus
from zhitong.supervision.machines import ORDER
from zhitong.supervision.models import Finding
from zhitong.workdays.services import add_workdays

from .conftest import PDF, at, direct_appeal

pytestmark = pytest.mark.django_db
API = "/api/v1/supervision"


def pdf(name="整改报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def issue(sup, *, unit=None, by=None, appeals=(), n=5):
    return services.order_issue(
        actor=by or sup.supervisor,
        unit_id=(unit or sup.units.gxj).pk,
        title="诉求超期未办结",
        requirement="请于期限内办结并向企业反馈。",
        workdays=n,
        appeal_ids=[a.pk for a in appeals],
    )


def notices(kind):
    return list(OutboxMessage.objects.filter(payload__kind=kind))


@pytest.fixture
def api():
    def client_for(user):
        _, raw = ApiToken.issue(user=user, name="测试")
        c = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

        def call(method, path, data=None, **kw):
            fn = getattr(c, method)
            if method == "get":
                return fn(API + path, data or {})
            if kw.get("multipart"):
                return fn(API + path, data or {})
            return fn(API + path, json.dumps(data or {}), content_type="application/json")

        return call

    return client_for


def test_an_order_goes_from_issue_to_verification_with_history_audit_and_notices(sup):
    appeal = direct_appeal(sup, lead=sup.units.gxj, due=date(2025, 8, 20))
    order = issue(sup, appeals=[appeal])
    # seeds/000 三: 5 working days from the day it is issued, on the calendar.
    assert order.due == add_workdays(date(2025, 9, 1), 5).date == date(2025, 9, 8)
    assert order.code.startswith("DC-2025-") and list(order.appeals.all()) == [appeal]
    # The unit's handlers and head, its sections' too; nobody else.
    assert sorted(n.payload["recipient_id"] for n in notices("rectification_order")) == sorted(
        [sup.handler.pk, sup.head.pk, sup.section_handler.pk]
    )
    ORDER.dispatch(pk=order.pk, move="acknowledge", actor=sup.handler, expected_version=1, note="已收到")
    ORDER.dispatch(
        pk=order.pk,
        move="report",
        actor=sup.head,
        expected_version=2,
        report="已办结并反馈企业",
        evidence=pdf(),
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.REPORTED and order.evidence_name == "整改报告.pdf" and order.evidence
    assert [n.payload["recipient_id"] for n in notices("rectification_reported")] == [sup.supervisor.pk]
    ORDER.dispatch(pk=order.pk, move="verify", actor=sup.supervisor, expected_version=3, note="核验属实")
    order.refresh_from_db()
    assert order.status == OrderStatus.VERIFIED and order.closed_by == sup.supervisor
    assert [h.action for h in state_changes(order)] == ["issue", "acknowledge", "report", "verify"]
    actions = list(AuditEvent.objects.filter(object_id=str(order.pk)).values_list("action", flat=True))
    assert "rectification_order.issue" in actions and "rectification_order.verify" in actions
    assert len(notices("rectification_closed")) == 3


def test_the_unit_cannot_report_without_evidence_and_nobody_skips_a_step(sup):
    order = issue(sup)
    with pytest.raises(ConflictError):
        ORDER.dispatch(pk=order.pk, move="report", actor=sup.handler, report="已整改", evidence=pdf())
    ORDER.dispatch(pk=order.pk, move="acknowledge", actor=sup.handler)
    with pytest.raises(ServiceError, match="佐证材料"):
        ORDER.dispatch(pk=order.pk, move="report", actor=sup.handler, report="已整改")
    with pytest.raises(ServiceError, match="不是允许的类型"):
        bad = SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")
        ORDER.dispatch(pk=order.pk, move="report", actor=sup.handler, report="已整改", evidence=bad)
    with pytest.raises(Forbidden):
        ORDER.dispatch(pk=order.pk, move="report", actor=sup.supervisor, report="代报", evidence=pdf())
    with pytest.raises(ConflictError):  # a stale version
        ORDER.dispatch(
            pk=order.pk, move="report", actor=sup.handler, expected_version=1, report="x", evidence=pdf()
        )


def test_a_returned_order_gets_a_new_deadline_and_a_failure_records_a_finding(sup):
    order = issue(sup)
    ORDER.dispatch(pk=order.pk, move="acknowledge", actor=sup.handler)
    ORDER.dispatch(pk=order.pk, move="report", actor=sup.handler, report="已整改", evidence=pdf())
    with time_machine.travel(at(2025, 9, 10), tick=False):
        ORDER.dispatch(pk=order.pk, move="return", actor=sup.supervisor, reason="未向企业反馈", workdays=3)
    order.refresh_from_db()
    assert order.status == OrderStatus.RETURNED and order.due == add_workdays(date(2025, 9, 10), 3).date
    with pytest.raises(ServiceError, match="扣分"):
        ORDER.dispatch(pk=order.pk, move="fail", actor=sup.supervisor, reason="仍未整改")
    ORDER.dispatch(pk=order.pk, move="fail", actor=sup.supervisor, reason="逾期仍未整改", points=2)
    order.refresh_from_db()
    finding = Finding.objects.get(order=order)
    assert order.status == OrderStatus.FAILED
    assert (finding.unit, finding.points, finding.source, finding.month) == (
        sup.units.gxj,
        2,
        FindingSource.SUPERVISION,
        date(2025, 9, 1),
    )
    rows = selectors.findings_deductions(
        units=[sup.units.gxj], month_start=date(2025, 9, 1), month_end=date(2025, 9, 30)
    )
    assert rows == [
        {
            "unit_id": sup.units.gxj.pk,
            "points": finding.points,
            "source_key": "supervision.supervision",
            "label": f"督查室督查：{finding.basis}",
            "clause": services.ORDER_CLAUSE,
            "url": reverse("supervision:finding_detail", args=[finding.pk]),
            "object_id": finding.pk,
            "when": date(2025, 9, 1),
        }
    ]
    assert (
        selectors.findings_deductions(
            units=[sup.units.swj], month_start=date(2025, 9, 1), month_end=date(2025, 9, 30)
        )
        == []
    )
    assert (
        selectors.findings_deductions(
            units=[sup.units.gxj], month_start=date(2025, 10, 1), month_end=date(2025, 10, 31)
        )
        == []
    )


def test_an_order_past_its_deadline_is_red_until_reported(sup):
    order = issue(sup, n=2)
    # 2 working days from Monday 1 September: due Wednesday 3rd; the light rule makes it
    # yellow once half the limit is used and at most 2 working days remain.
    assert order.due == date(2025, 9, 3)
    assert selectors.order_light(order, date(2025, 8, 29)) == "green"
    assert selectors.order_light(order, order.due) == "yellow"
    late = date(2025, 9, 5)
    assert selectors.order_light(order, late) == "red" and selectors.order_overdue_workdays(order, late) == 2
    assert list(
        selectors.order_filter(selectors.orders_for_user(sup.supervisor), status="red", today=late)
    ) == [order]


def test_a_county_office_issues_only_to_its_county_and_supervises_only_its_orders(sup):
    glq_appeal = direct_appeal(sup, lead=sup.units.glq)
    city_appeal = direct_appeal(sup, lead=sup.units.gxj)
    with pytest.raises(ServiceError, match="督查范围"):
        issue(sup, by=sup.county_supervisor, unit=sup.units.gxj)
    with pytest.raises(AccessDenied):
        issue(sup, by=sup.county_supervisor, unit=sup.units.glq, appeals=[city_appeal])
    own = issue(sup, by=sup.county_supervisor, unit=sup.units.glq, appeals=[glq_appeal])
    city_order = issue(sup, unit=sup.units.gxj)
    csq_order = issue(sup, unit=sup.units.csq)
    assert list(selectors.orders_for_user(sup.county_supervisor)) == [own]
    assert set(selectors.orders_for_user(sup.supervisor)) == {own, city_order, csq_order}
    with pytest.raises(Forbidden):  # issuing is the office's, not the overseer's or a unit's
        issue(sup, by=sup.overseer)
    with pytest.raises(Forbidden):
        issue(sup, by=sup.head)


# -- pages --------------------------------------------------------------------------------------


def _detail(client, user, order):
    client.force_login(user)
    return client.get(reverse("supervision:order_detail", args=[order.pk]))


def test_who_reads_an_order_page(sup, client):
    gxj = issue(sup)
    csq = issue(sup, unit=sup.units.csq)
    glq = issue(sup, unit=sup.units.glq)
    allowed = [(sup.supervisor, gxj), (sup.handler, gxj), (sup.head, gxj), (sup.overseer, gxj)]
    allowed += [(sup.county_supervisor, glq), (sup.glq_handler, glq), (sup.hub, gxj)]
    for user, order in allowed:
        assert _detail(client, user, order).status_code == 200, user
    denied = [
        (sup.outsider, gxj),
        (sup.county_supervisor, gxj),
        (sup.county_supervisor, csq),
        (sup.glq_handler, gxj),
    ]
    for user, order in denied:
        assert _detail(client, user, order).status_code == 404, user
    assert _detail(client, sup.leader, gxj).status_code == 403
    client.logout()
    r = client.get(reverse("supervision:order_detail", args=[gxj.pk]))
    assert r.status_code == 302 and "login" in r["Location"]


def test_the_order_page_shows_each_user_only_their_moves_and_the_post_performs_them(sup, client):
    order = issue(sup)
    page = _detail(client, sup.handler, order).content.decode()
    assert 'data-move="acknowledge"' in page and 'data-move="verify"' not in page
    page = _detail(client, sup.supervisor, order).content.decode()
    assert 'data-move="fail"' in page and 'data-move="acknowledge"' not in page
    assert "data-move" not in _detail(client, sup.overseer, order).content.decode()
    url = reverse("supervision:order_move", args=[order.pk, "acknowledge"])
    # The overseer reads, changes nothing; the outsider does not see it at all.
    client.force_login(sup.overseer)
    client.post(url, {"version": 1})
    client.force_login(sup.outsider)
    assert client.post(url, {"version": 1}).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED
    client.force_login(sup.handler)
    assert client.post(url, {"note": "收到"}).status_code == 302  # no version: refused
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED
    client.post(url, {"version": 1, "note": "收到"})
    order.refresh_from_db()
    assert order.status == OrderStatus.ACKNOWLEDGED
    report = reverse("supervision:order_move", args=[order.pk, "report"])
    client.post(report, {"version": 2, "report": "已整改", "evidence": pdf()})
    order.refresh_from_db()
    assert order.status == OrderStatus.REPORTED
    r = client.get(reverse("supervision:order_evidence", args=[order.pk]))
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    client.force_login(sup.outsider)
    assert client.get(reverse("supervision:order_evidence", args=[order.pk])).status_code == 404


def test_issuing_from_the_page_is_the_supervisors_only(sup, client):
    appeal = direct_appeal(sup, lead=sup.units.gxj, due=date(2025, 8, 20))
    url = reverse("supervision:order_new")
    data = {
        "unit": sup.units.gxj.pk,
        "title": "超期",
        "requirement": "限期整改",
        "workdays": 5,
        "appeals": appeal.code,
    }
    for user in (sup.overseer, sup.handler, sup.head, sup.outsider, sup.hub):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    client.force_login(sup.supervisor)
    page = client.get(url, {"appeal": appeal.pk}).content.decode()
    assert appeal.code in page
    r = client.post(url, data)
    order = selectors.orders_for_user(sup.supervisor).get()
    assert r.status_code == 302 and r["Location"] == reverse("supervision:order_detail", args=[order.pk])
    client.force_login(sup.county_supervisor)  # GXJ is not in its county: not even a choice
    r = client.post(url, data | {"title": "县督查"})
    assert r.status_code == 200 and selectors.orders_for_user(sup.supervisor).count() == 1
    client.logout()
    assert client.post(url, data).status_code == 302


def test_the_order_list_is_scoped(sup, client):
    gxj, csq = issue(sup), issue(sup, unit=sup.units.csq)
    url = reverse("supervision:orders")
    for user, expected in [
        (sup.supervisor, {gxj, csq}),
        (sup.handler, {gxj}),
        (sup.head, {gxj}),
        (sup.outsider, set()),
        (sup.county_supervisor, set()),
        (sup.overseer, {gxj, csq}),
    ]:
        client.force_login(user)
        r = client.get(url)
        assert r.status_code == 200
        assert {o for o in r.context["page"]} == expected, user
    client.force_login(sup.leader)
    assert client.get(url).status_code == 403


# -- API -----------------------------------------------------------------------------------------


def test_the_order_through_the_api_and_the_denied_cases(sup, api):
    supervisor, handler, outsider, overseer = (
        api(sup.supervisor),
        api(sup.handler),
        api(sup.outsider),
        api(sup.overseer),
    )
    county = api(sup.county_supervisor)
    body = {"unit_id": sup.units.gxj.pk, "title": "任务超期", "requirement": "限期整改", "workdays": 5}
    for denied in (handler, overseer, api(sup.head)):
        assert denied("post", "/orders", body).status_code == 403
    r = county("post", "/orders", body)  # GXJ is no unit of its county
    assert r.status_code == 400 and r.json()["field"] == "unit_id"
    r = supervisor("post", "/orders", body)
    assert r.status_code == 201, r.content
    oid, v = r.json()["id"], r.json()["version"]
    assert r.json()["moves"] == ["fail"]
    assert handler("get", f"/orders/{oid}").json()["moves"] == ["acknowledge"]
    assert overseer("get", f"/orders/{oid}").json()["moves"] == []
    assert outsider("get", f"/orders/{oid}").status_code == 404
    assert county("get", f"/orders/{oid}").status_code == 404
    assert (
        county("post", f"/orders/{oid}/moves/fail", {"version": v, "reason": "x", "points": 1}).status_code
        == 404
    )
    assert outsider("post", f"/orders/{oid}/moves/acknowledge", {"version": v}).status_code == 404
    assert overseer("post", f"/orders/{oid}/moves/acknowledge", {"version": v}).status_code == 403
    assert supervisor("post", f"/orders/{oid}/moves/acknowledge", {"version": v}).status_code == 403
    assert handler("post", f"/orders/{oid}/moves/acknowledge", {}).status_code == 422
    assert handler("post", f"/orders/{oid}/moves/acknowledge", {"version": v, "points": 3}).status_code == 422
    r = handler("post", f"/orders/{oid}/moves/acknowledge", {"version": v})
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    assert handler("post", f"/orders/{oid}/moves/acknowledge", {"version": v}).status_code == 409
    r = handler(
        "post",
        f"/orders/{oid}/moves/report",
        {"version": v + 1, "report": "已整改", "evidence": pdf()},
        multipart=True,
    )
    assert r.status_code == 200 and r.json()["has_evidence"] is True
    assert handler("get", "/orders").json()[0]["id"] == oid
    assert outsider("get", "/orders").json() == []
    assert api(sup.leader)("get", "/orders").status_code == 403
    assert Client().get(f"{API}/orders/{oid}").status_code == 401
