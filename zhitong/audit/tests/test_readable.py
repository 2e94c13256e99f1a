"""Events in words (readable.py): field names, choice labels, names for ids, local times,
removed objects; and links only to pages the reader may open (the apps' own scope)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from zhitong.appeals.choices import Status
from zhitong.audit.models import AuditEvent
from zhitong.audit.readable import audit_rows
from zhitong.audit.selectors import audit_events_for_user
from zhitong.audit.services import audit_record
from zhitong.enterprises import services as enterprises
from zhitong.enterprises.tests.factories import ContactFactory
from zhitong.organizations.choices import Role
from zhitong.organizations.services import leader_set_portfolio
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.workdays import services as workdays
from zhitong.workdays.models import DayKind

pytestmark = pytest.mark.django_db


def rows(reader, **filters):
    return audit_rows(audit_events_for_user(user=reader, **filters), user=reader)


def one(reader, **filters):
    (row,) = rows(reader, **filters)
    return row


def changes(row) -> list[str]:
    return [str(c) for c in row.changes]


def test_an_admin_edit_reads_with_field_names_choices_and_names(city):
    a, b = UnitFactory(name="市商务局"), UnitFactory(name="市投资促进局")
    person = UserFactory(unit=a, role=Role.HANDLER)
    admin = UserFactory(role=Role.ADMIN, full_name="王管理", unit=city.units.root)
    audit_record(
        action="user.admin_update",
        obj=person,
        actor=admin,
        before={"unit": a.pk, "role": "handler", "is_active": True},
        after={"unit": b.pk, "role": "unit_head", "is_active": False},
    )
    row = one(city.supervisor)
    assert (row.who, row.unit, row.action) == ("王管理", "榕城市人民政府", "后台修改用户")
    assert (row.type_label, row.object_label) == ("用户", person.full_name)
    assert sorted(changes(row)) == sorted(
        ["角色：承办人 → 单位负责人", "有效：是 → 否", "所在单位：市商务局 → 市投资促进局"]
    )


def test_times_are_local_and_dates_plain(flow, city):
    appeal = flow.to(Status.SUBMITTED)
    audit_record(
        action="appeal.remind_rating",
        obj=appeal,
        after={"rating_reminded_at": datetime(2025, 9, 1, 1, 30, tzinfo=ZoneInfo("UTC"))},
        now=datetime(2025, 9, 1, 1, 30, tzinfo=ZoneInfo("UTC")),
    )
    row = one(city.supervisor, action="appeal.remind_rating")
    assert changes(row) == ["评价提醒时间：2025-09-01 09:30"]
    assert f"{row.at:%H:%M}" == "09:30" and row.who == "系统"


def test_a_masked_value_stays_masked_and_a_removed_object_says_so(city):
    contact = ContactFactory(name="林经理", phone="13800000000")
    enterprises.contact_update(actor=city.hub, contact=contact, phone="13900000000", position="总经理")
    updated = one(city.supervisor)
    assert (
        updated.action == "修改企业联系人" and updated.object_label == f"林经理（{contact.enterprise.name}）"
    )
    assert sorted(changes(updated)) == ["手机号码：(已变更)", "职务：（空） → 总经理"]
    enterprises.contact_delete(actor=city.hub, contact=contact)
    deleted = one(city.supervisor, action="enterprise.contact_delete")
    assert deleted.action == "删除企业联系人" and deleted.object_label == "林经理（已不存在）"
    assert "姓名：原为 林经理" in changes(deleted)


def test_codes_and_id_lists_read_as_names(city):
    leader = UserFactory(role=Role.LEADER, full_name="李副市长")
    leader_set_portfolio(actor=city.hub, leader=leader, units=[city.units.gxj, city.units.swj])
    row = one(city.supervisor, action="user.portfolio_set")
    assert changes(row) == ["分管单位：（空） → 市工业和信息化局、市商务局"]


def test_an_unnamed_action_or_key_still_shows(city):
    audit_record(action="test.change", object_type="test.thing", object_id=7, after={"n": 1})
    row = one(city.supervisor)
    assert (row.action, row.type_label, row.object_label) == ("其他操作（test.change）", "test.thing", "7")
    assert changes(row) == ["n：1"]


def test_an_appeal_links_only_for_a_reader_who_may_open_it(flow, city):
    appeal = flow.to(Status.IN_PROGRESS)  # led by GXJ, the handler's unit
    events = AuditEvent.objects.filter(action="appeal.sign").select_related("actor", "actor_unit")
    url = reverse("appeals:detail", args=[appeal.pk])
    for reader, linked in ((city.supervisor, True), (city.handler, True), (city.outsider, False)):
        (row,) = audit_rows(events, user=reader)
        assert row.object_label.startswith(appeal.code)
        assert row.object_url == (url if linked else ""), reader.username


def test_a_page_gated_by_a_capability_links_only_for_those_who_have_it(city):
    admin = UserFactory(role=Role.ADMIN)
    workdays.calendar_day_set(actor=admin, day=date(2025, 10, 9), kind=DayKind.HOLIDAY, name="调整")
    events = AuditEvent.objects.filter(action="workdays.day_set").select_related("actor", "actor_unit")
    (for_admin,) = audit_rows(events, user=admin)
    (for_supervisor,) = audit_rows(events, user=city.supervisor)
    assert for_admin.object_label == for_supervisor.object_label == "2025-10-09"
    assert for_admin.object_url == reverse("workdays:calendar") + "?year=2025"
    assert for_supervisor.object_url == ""  # the calendar is the administrator's and the hub's
    assert changes(for_admin) == ["类型：法定节假日", "名称：调整"]
