"""The audit log's page and export, as the supervision office (督查室) reads them: who, when,
what, which object and what changed, in words; filters; who may read it."""

import io
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse

from zhitong.appeals import deadlines
from zhitong.appeals.choices import Status
from zhitong.audit.models import AuditEvent
from zhitong.audit.services import audit_record
from zhitong.core.downloads import XLSX
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("audit:list")


def extended(flow, city):
    """An appeal through intake, assignment, signing and an approved extension."""
    appeal = flow.to(Status.IN_PROGRESS)
    new_due = deadlines.add_workdays(appeal.handling_due, 3).date
    flow.move(appeal, "request_extension", city.handler, new_due=new_due, reason="需等待省厅批复")
    flow.move(appeal, "approve_extension", city.head, note="同意延期，请抓紧办理")
    appeal.refresh_from_db()
    return appeal, new_due


def read(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def test_the_supervisor_reads_a_move_in_words(client, flow, city):
    appeal, new_due = extended(flow, city)
    response = read(client, city.supervisor, action="appeal.approve_extension")
    (row,) = response.context["rows"]
    assert (row.who, row.unit, row.action) == (city.head.full_name, "市工业和信息化局", "批准延期")
    assert row.object_label == f"{appeal.code} {appeal.title}"
    assert row.object_url == reverse("appeals:detail", args=[appeal.pk])
    changes = [str(c) for c in row.changes]
    assert f"申请延期至：{new_due:%Y-%m-%d} → （空）" in changes
    assert any(c.startswith("办理期限：") and c.endswith(f"→ {new_due:%Y-%m-%d}") for c in changes)
    assert changes[-1] == "说明：同意延期，请抓紧办理"
    table = table_html(response)
    assert city.head.full_name in table and appeal.code in table
    # No codes, JSON or sign-in names for the reader.
    for raw in (
        city.head.username,
        "extension_requested_due",
        "handling_due",
        '{"',
        "version",
        "in_progress",
    ):
        assert raw not in table, raw


def test_states_choices_and_units_read_as_their_names(client, flow, city):
    appeal = flow.to(Status.ASSIGNED)
    response = read(client, city.supervisor, action="appeal.assign")
    (row,) = response.context["rows"]
    changes = [str(c) for c in row.changes]
    assert changes[0] == f"状态：{Status.SUBMITTED.label} → {Status.ASSIGNED.label}"
    assert "牵头单位：（空） → 市工业和信息化局" in changes
    assert row.who == city.hub.full_name and row.object_label.startswith(appeal.code)


def test_the_admin_reads_the_log_too(client, flow, city):
    flow.to(Status.SUBMITTED)
    admin = UserFactory(role=Role.AUDIT_ADMIN)
    assert len(read(client, admin).context["rows"]) == AuditEvent.objects.count()


@pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.AUDIT_ADMIN, Role.SUPERVISOR}))
@pytest.mark.parametrize("export", [False, True])
def test_nobody_else_reads_the_page_or_the_export(client, role, export):
    audit_record(action="test.thing", object_type="x", object_id=1)
    client.force_login(UserFactory(role=role))
    response = client.get(URL, {"export": "xlsx"} if export else {})
    assert response.status_code == 403
    assert response.get("Content-Type") != XLSX


@pytest.mark.parametrize("export", [False, True])
def test_anonymous_is_sent_to_sign_in(client, export):
    response = client.get(URL, {"export": "xlsx"} if export else {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def table_html(response) -> str:
    html = response.text
    start = html.index('data-testid="audit-table"')
    return html[start : html.index("</table>", start)]


def _ids(response) -> set[int]:
    return {r.event.pk for r in response.context["rows"]}


def test_filters_by_person_unit_object_action_and_period(client, flow, city):
    first = flow.to(Status.IN_PROGRESS)
    second = flow.intake(title="另一件诉求")
    by_section = audit_record(action="unit.update", obj=city.units.gxj, actor=city.section_handler)
    later = audit_record(
        action="unit.update", obj=city.units.swj, actor=city.outsider, now=flow.tick(24 * 10)
    )
    events = AuditEvent.objects.all()
    s = city.supervisor

    def expect(params, qs):
        assert _ids(read(client, s, **params)) == set(qs.values_list("pk", flat=True)), params

    expect({"person": city.head.full_name[-2:]}, events.filter(actor=city.head))
    expect({"person": city.handler.username}, events.filter(actor=city.handler))
    # A unit's filter takes in its sections.
    gxj = events.filter(actor_unit__in=[city.units.gxj, city.units.gxj_section])
    assert by_section.pk in set(gxj.values_list("pk", flat=True))
    expect({"unit": city.units.gxj.pk}, gxj)
    # The object by its code or by its type and id.
    of_first = events.filter(object_type="appeals.appeal", object_id=str(first.pk))
    expect({"object_id": first.code}, of_first)
    expect({"object_id": first.code.lower()}, of_first)
    expect(
        {"object_type": "appeals.appeal", "object_id": str(second.pk)},
        events.filter(object_id=str(second.pk), object_type="appeals.appeal"),
    )
    expect({"object_type": "organizations.unit"}, events.filter(object_type="organizations.unit"))
    # One action, or a whole group.
    expect({"action": "appeal.sign"}, events.filter(action="appeal.sign"))
    expect({"action": "appeal."}, events.filter(action__startswith="appeal."))
    # Local dates, both ends included.
    day = f"{later.at:%Y-%m-%d}"
    expect({"date_from": day}, events.filter(pk=later.pk))
    expect({"date_to": day}, events)
    expect({"date_to": f"{first.received_at:%Y-%m-%d}"}, events.exclude(pk=later.pk))


def test_a_row_links_to_its_own_filters(client, flow, city):
    flow.to(Status.ASSIGNED)
    html = read(client, city.supervisor).text
    assert f"?person={quote(city.hub.full_name)}" in html
    assert "?action=appeal.assign" in html


@pytest.mark.parametrize(
    "params",
    [
        {"unit": "x", "date_from": "2025-02-30", "date_to": "yesterday", "page": "-1"},
        {"action": "<script>", "object_type": "../../etc", "person": "张" * 500},
        {"unit": "99999999999999999999999", "object_id": "\x07", "action": "appeal.nope"},
        {"date_from": "1900-01-01", "object_type": "appeals.appeal.x", "page": "999"},
    ],
)
def test_garbage_in_the_filters_is_ignored(client, flow, city, params):
    flow.to(Status.SUBMITTED)
    response = read(client, city.supervisor, **params)
    assert _ids(response) == set(AuditEvent.objects.values_list("pk", flat=True))


def test_a_code_the_catalog_does_not_name_still_filters_if_the_log_has_it(client, city):
    audit_record(action="test.change", object_type="test.thing", object_id=1)
    audit_record(action="test.other", object_type="test.thing", object_id=2)
    response = read(client, city.supervisor, action="test.change")
    (row,) = response.context["rows"]
    assert row.action == "其他操作（test.change）"
    assert len(read(client, city.supervisor, object_type="test.thing").context["rows"]) == 2


def test_a_long_text_is_shortened_with_a_way_to_read_it_whole(client, flow, city):
    appeal = flow.to(Status.SUBMITTED)
    text = "企业反映厂房消防验收备案迟迟未办结，" * 8
    audit_record(action="appeal.add_progress", obj=appeal, actor=city.handler, after={"note": text})
    html = read(client, city.supervisor, action="appeal.add_progress").text
    assert '<details class="zt-more' in html
    assert f"<summary>{text[:40]}…</summary>" in html and text in html


def test_the_export_is_the_filtered_list_in_words(client, flow, city):
    appeal, new_due = extended(flow, city)
    client.force_login(city.supervisor)
    response = client.get(URL, {"export": "xlsx", "object_id": appeal.code, "action": "appeal."})
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "filename*=UTF-8''" + quote("审计日志_") in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "审计日志"
    assert "对象编号：" + appeal.code in rows[1][0] and "操作：全部诉求操作" in rows[1][0]
    header = rows[2]
    assert header[:5] == ("序号", "时间", "操作人", "单位", "操作")
    data = rows[3:]
    assert len(data) == AuditEvent.objects.filter(object_id=str(appeal.pk)).count()
    newest = dict(zip(header, data[0], strict=True))
    assert (newest["操作人"], newest["操作"], newest["结果"]) == (city.head.full_name, "批准延期", "成功")
    assert newest["对象"] == f"{appeal.code} {appeal.title}"
    assert "说明：同意延期，请抓紧办理" in newest["变更内容"] and "handling_due" not in newest["变更内容"]


def test_the_list_counts_what_it_lists(client, flow, city):
    flow.to(Status.ASSIGNED)
    response = read(client, city.supervisor)
    n = AuditEvent.objects.count()
    assert f"共 {n} 条记录" in response.text and len(response.context["rows"]) == n
