"""Findings of the supervision office and of the People's Congress (seeds/000 五(一)), the
People's Congress's read-only view (seeds/000 四) and the monthly forwarding of results
(seeds/000 三: 由市发改委转报市人大常委会)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.audit.models import AuditEvent
from zhitong.core.errors import AccessDenied, Forbidden, ServiceError
from zhitong.notifications.models import Notification
from zhitong.outbox.services import outbox_deliver
from zhitong.supervision import selectors, services
from zhitong.supervision.choices import FindingSource
from zhitong.supervision.models import Finding
from zhitong.supervision.tasks import forward_to_congress

from .conftest import at, direct_appeal

pytestmark = pytest.mark.django_db
SEPT = date(2025, 9, 1)


def record(sup, user, unit=None, **kw):
    return services.finding_record(
        actor=user,
        unit_id=(unit or sup.units.gxj).pk,
        month=kw.pop("month", SEPT),
        points=kw.pop("points", Decimal("1.5")),
        clause=kw.pop("clause", "榕政办〔2019〕75号 四"),
        basis=kw.pop("basis", "问题上报后解决不及时"),
        **kw,
    )


def test_the_office_and_the_congress_record_findings_and_nobody_else(sup):
    f = record(sup, sup.overseer, appeal_id=direct_appeal(sup, lead=sup.units.gxj).pk)
    assert (f.source, f.points, f.month) == (FindingSource.CONGRESS, Decimal("1.50"), SEPT)
    assert record(sup, sup.supervisor).source == FindingSource.SUPERVISION
    assert AuditEvent.objects.filter(action="finding.record").count() == 2
    for user in (sup.handler, sup.head, sup.outsider, sup.hub, sup.leader):
        with pytest.raises(Forbidden):
            record(sup, user)
    with pytest.raises(ServiceError, match="督查范围"):  # a county office: its county only
        record(sup, sup.county_supervisor)
    assert record(sup, sup.county_supervisor, unit=sup.units.glq).unit == sup.units.glq
    with pytest.raises(AccessDenied):  # an appeal the county office does not supervise
        record(
            sup,
            sup.county_supervisor,
            unit=sup.units.glq,
            appeal_id=direct_appeal(sup, lead=sup.units.csq).pk,
        )
    for points in (0, -1, "abc", Decimal("100.01"), Decimal("1.005")):
        with pytest.raises(ServiceError, match="扣分"):
            record(sup, sup.supervisor, points=points)
    with pytest.raises(ServiceError, match="月份"):
        record(sup, sup.supervisor, month=date(2025, 10, 1))


def test_the_findings_become_deductions_of_the_unit_and_month(sup):
    a = record(sup, sup.supervisor, points=2)
    b = record(sup, sup.overseer, points=Decimal("0.5"), month=date(2025, 8, 15))
    record(sup, sup.overseer, unit=sup.units.swj)
    rows = selectors.findings_deductions(
        units=[sup.units.gxj.pk], month_start=date(2025, 8, 1), month_end=date(2025, 9, 30)
    )
    assert [(r["object_id"], r["points"], r["source_key"], r["when"]) for r in rows] == [
        (b.pk, Decimal("0.50"), "supervision.congress", date(2025, 8, 1)),
        (a.pk, Decimal("2.00"), "supervision.supervision", SEPT),
    ]
    assert set(rows[0]) == {"unit_id", "points", "source_key", "label", "clause", "url", "object_id", "when"}
    rows = selectors.findings_deductions(units=[sup.units.gxj], month_start=SEPT, month_end=date(2025, 9, 30))
    assert [r["object_id"] for r in rows] == [a.pk]


def test_who_reads_and_records_findings_on_the_pages(sup, client):
    gxj, glq = record(sup, sup.supervisor), record(sup, sup.supervisor, unit=sup.units.glq)
    detail = lambda f: reverse("supervision:finding_detail", args=[f.pk])  # noqa: E731
    for user, f, status in [
        (sup.supervisor, gxj, 200),
        (sup.overseer, gxj, 200),
        (sup.county_supervisor, glq, 200),
        (sup.county_supervisor, gxj, 404),
        (sup.handler, gxj, 403),
        (sup.head, gxj, 403),
        (sup.outsider, gxj, 403),
    ]:
        client.force_login(user)
        assert client.get(detail(f)).status_code == status, user
    new = reverse("supervision:finding_new")
    data = {
        "unit": sup.units.swj.pk,
        "month": "2025-09-15",
        "points": "3",
        "clause": "四",
        "basis": "发现问题不上报",
    }
    for user in (sup.handler, sup.head, sup.outsider, sup.hub):
        client.force_login(user)
        assert client.get(new).status_code == 403
        assert client.post(new, data).status_code == 403
    client.force_login(sup.overseer)
    r = client.post(new, data)
    f = Finding.objects.get(unit=sup.units.swj)
    assert r.status_code == 302 and r["Location"] == detail(f) and f.month == SEPT and f.points == 3
    client.force_login(sup.county_supervisor)
    assert client.post(new, data | {"basis": "县"}).status_code == 200  # SWJ is not a choice
    assert Finding.objects.filter(unit=sup.units.swj).count() == 1
    client.logout()
    assert client.get(detail(gxj)).status_code == 302


def test_who_reads_and_records_findings_through_the_api(sup):
    def call(user, method, path, data=None):
        c = Client()
        if user is not None:
            _, raw = ApiToken.issue(user=user, name="t")
            c = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        if method == "get":
            return c.get("/api/v1/supervision" + path, data or {})
        return c.post("/api/v1/supervision" + path, json.dumps(data or {}), content_type="application/json")

    body = {
        "unit_id": sup.units.gxj.pk,
        "month": "2025-09-01",
        "points": "2.5",
        "clause": "四",
        "basis": "解决不及时",
    }
    r = call(sup.overseer, "post", "/findings", body)
    assert (
        r.status_code == 201
        and r.json()["source"] == "congress"
        and Decimal(r.json()["points"]) == Decimal("2.5")
    )
    fid = r.json()["id"]
    for user in (sup.handler, sup.head, sup.outsider):
        assert call(user, "post", "/findings", body).status_code == 403
        assert call(user, "get", f"/findings/{fid}").status_code == 404
        assert call(user, "get", "/findings").status_code == 403
    assert call(sup.county_supervisor, "get", f"/findings/{fid}").status_code == 404
    assert call(sup.county_supervisor, "post", "/findings", body).status_code == 400
    assert call(sup.supervisor, "post", "/findings", body | {"points": "0"}).status_code == 422
    assert [x["id"] for x in call(sup.supervisor, "get", "/findings", {"month": "2025-09"}).json()] == [fid]
    assert call(sup.supervisor, "get", "/findings", {"month": "2025-08"}).json() == []
    assert call(None, "get", "/findings").status_code == 401


def test_the_congress_view_links_annex3_and_the_facts_which_the_overseer_can_read(sup, client):
    record(sup, sup.overseer)
    client.force_login(sup.overseer)
    r = client.get(reverse("supervision:congress"), {"month": "2025-09"})
    page = r.content.decode()
    assert r.status_code == 200 and "问题上报后解决不及时" in page
    annex3 = reverse("coordination:annex3") + "?month=2025-09"
    facts = reverse("coordination:facts") + "?month=2025-09"
    assert annex3 in page and facts in page
    assert client.get(annex3).status_code == 200 and client.get(facts).status_code == 200
    nav = client.get("/").content.decode()
    assert reverse("supervision:congress") in nav and reverse("coordination:annex3") in nav
    for user in (sup.handler, sup.head, sup.outsider, sup.leader):
        client.force_login(user)
        assert client.get(reverse("supervision:congress")).status_code == 403
    client.logout()
    assert client.get(reverse("supervision:congress")).status_code == 302


def test_the_overseer_changes_nothing_but_records_findings(sup, client):
    order = services.order_issue(
        actor=sup.supervisor, unit_id=sup.units.gxj.pk, title="超期", requirement="整改", workdays=3
    )
    client.force_login(sup.overseer)
    for name in ("acknowledge", "report", "verify", "return", "fail"):
        client.post(
            reverse("supervision:order_move", args=[order.pk, name]),
            {"version": 1, "reason": "x", "points": 1},
        )
    order.refresh_from_db()
    assert order.version == 1 and order.status == "issued" and not Finding.objects.exists()
    assert client.post(reverse("supervision:order_new"), {"unit": sup.units.gxj.pk}).status_code == 403
    with pytest.raises(Forbidden):
        services.order_issue(
            actor=sup.overseer, unit_id=sup.units.gxj.pk, title="x", requirement="y", workdays=3
        )


def test_the_monthly_forwarding_tells_each_overseer_once_with_the_months_links(
    sup, django_capture_on_commit_callbacks
):
    other = type(sup.overseer).objects.create(username="t_overseer2", role="overseer", unit=sup.overseer.unit)
    type(sup.overseer).objects.create(
        username="t_overseer3", role="overseer", unit=sup.overseer.unit, is_active=False
    )
    with time_machine.travel(at(2025, 10, 1, 9), tick=False):
        assert forward_to_congress() == 2
        assert forward_to_congress() == 0  # the beat runs again on the 2nd–5th: nothing new
        assert services.forward_results(month=date(2025, 9, 17)) == 0
    outbox_deliver()
    rows = Notification.objects.filter(kind="congress_forwarding")
    assert sorted(n.recipient_id for n in rows) == sorted([sup.overseer.pk, other.pk])
    assert {n.url for n in rows} == {reverse("supervision:congress") + "?month=2025-09"}
    assert "2025年9月" in rows[0].title
    with time_machine.travel(at(2025, 11, 1, 9), tick=False):
        assert forward_to_congress() == 2  # the next month is forwarded in its turn


def test_who_opens_the_office_overview_and_the_findings_list(sup, client):
    gxj, glq = record(sup, sup.supervisor), record(sup, sup.supervisor, unit=sup.units.glq)
    index, findings = reverse("supervision:list"), reverse("supervision:findings")
    for user, shown in [
        (sup.supervisor, {gxj, glq}),
        (sup.county_supervisor, {glq}),  # its county's units only
        (sup.overseer, {gxj, glq}),
        (sup.hub, {gxj, glq}),
    ]:
        client.force_login(user)
        assert client.get(index).status_code == 200, user
        r = client.get(findings, {"month": "2025-09"})
        assert r.status_code == 200 and set(r.context["page"]) == shown, user
    for user in (sup.handler, sup.head, sup.outsider, sup.leader, sup.enterprise_user):
        client.force_login(user)
        assert client.get(index).status_code == 403, user
        assert client.get(findings).status_code == 403, user
    client.logout()
    assert client.get(index).status_code == 302 and client.get(findings).status_code == 302


def test_a_finding_is_a_deduction_on_the_units_scorecard_linking_to_it(sup):
    from zhitong.assessment.scorecards import build_month

    finding = record(sup, sup.supervisor, points=2)
    snapshot = build_month(month=SEPT, today=date(2025, 10, 20), with_streak=False)
    rows = [r for g in snapshot["groups"].values() for r in g["rows"] if r["unit_id"] == sup.units.gxj.pk]
    assert len(rows) == 1
    (deduction,) = rows[0]["deductions"]
    assert Decimal(deduction["points"]) == Decimal("2.00")
    assert deduction["url"] == f"/supervision/findings/{finding.pk}/"
    others = [r for g in snapshot["groups"].values() for r in g["rows"] if r["unit_id"] != sup.units.gxj.pk]
    assert all(not r["deductions"] for r in others)
