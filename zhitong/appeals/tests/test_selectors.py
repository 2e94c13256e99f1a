"""Scope in the query layer, the one access function, the triage queue and the timeline."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhitong.appeals import selectors
from zhitong.appeals.choices import Status
from zhitong.appeals.machine import available_moves
from zhitong.core.errors import AccessDenied

from .conftest import pdf

pytestmark = pytest.mark.django_db
S = Status


def visible(user):
    return set(selectors.appeal_list_for_user(user=user).values_list("pk", flat=True))


def test_unit_staff_see_what_their_unit_leads_cooperates_on_or_received(flow, city):
    led = flow.to(S.IN_PROGRESS)  # GXJ leads, TCJ cooperates, HOTLINE received
    waiting = flow.to(S.SUBMITTED)  # only HOTLINE so far
    assert visible(city.handler) == {led.pk}
    assert visible(city.head) == {led.pk}
    assert visible(city.section_handler) == {led.pk}  # a section works for its department
    assert visible(city.tcj_handler) == {led.pk}
    assert visible(city.clerk) == {led.pk, waiting.pk}
    assert visible(city.outsider) == set()


def test_hub_and_supervisor_see_all_enterprises_only_their_own(flow, city):
    a = flow.to(S.IN_PROGRESS)
    b = flow.intake(enterprise_id=city.other_enterprise.pk)
    assert visible(city.hub) == visible(city.supervisor) == {a.pk, b.pk}
    assert visible(city.enterprise_user) == {a.pk}
    assert visible(city.other_enterprise_user) == {b.pk}


def test_leaders_see_their_portfolio(flow, city):
    a = flow.to(S.IN_PROGRESS)  # led by GXJ, in the leader's portfolio
    b = flow.intake(enterprise_id=city.other_enterprise.pk)
    assert visible(city.leader) == {a.pk}
    assert b.pk not in visible(city.leader)


def test_appeal_get_for_user_denies_missing_and_not_yours_alike(flow, city):
    appeal = flow.to(S.ASSIGNED)
    assert selectors.appeal_get_for_user(user=city.handler, appeal_id=appeal.pk) == appeal
    assert selectors.appeal_get_for_user(user=city.head, appeal_id=appeal.pk) == appeal
    for user, appeal_id in [(city.outsider, appeal.pk), (city.handler, 999999), (city.handler, "x")]:
        with pytest.raises(AccessDenied) as exc:
            selectors.appeal_get_for_user(user=user, appeal_id=appeal_id)
        assert exc.value.message == "对象不存在或您无权访问"


def test_a_list_page_and_its_buttons_cost_the_same_queries_for_any_size(flow, city):
    def page():
        rows = list(selectors.appeal_list_for_user(user=city.handler)[:50])
        for a in rows:
            available_moves(city.handler, a, today=flow.now.date())
            _ = (a.enterprise.name, a.category.name, a.lead_unit.name, a.received_unit.name, a.handler)
            _ = [c.unit.name for c in a.cooperations.all()]
        return len(rows)

    flow.to(S.IN_PROGRESS)
    city.handler.unit  # the request user's unit is loaded once per request  # noqa: B018
    with CaptureQueriesContext(connection) as one:
        assert page() == 1
    for status in (S.ASSIGNED, S.RESOLVED, S.ESCALATED, S.IN_PROGRESS):
        flow.to(status)
    with CaptureQueriesContext(connection) as many:
        assert page() == 5
    assert len(many) == len(one)


def test_triage_queue_holds_what_waits_for_the_hub(flow, city):
    submitted = flow.to(S.SUBMITTED)
    objected = flow.to(S.TRANSFER_REQUESTED)
    resolved = flow.to(S.RESOLVED)
    flow.to(S.IN_PROGRESS)
    assert set(selectors.triage_queue(user=city.hub)) == {submitted, objected, resolved}
    with pytest.raises(AccessDenied):
        selectors.triage_queue(user=city.handler)


def test_timeline_lists_every_entry_in_order_with_its_evidence(flow, city):
    appeal = flow.to(S.IN_PROGRESS)
    flow.move(appeal, "add_evidence", city.handler, evidence_files=[pdf("现场照片说明.pdf")])
    entries = selectors.appeal_timeline(appeal)
    assert [e.action for e in entries] == ["intake", "assign", "sign", "add_evidence"]
    assert [e.label for e in entries] == ["登记受理", "分办", "签收", "上传佐证材料"]
    assert entries[-1].evidence[0].original_name == "现场照片说明.pdf"
    assert entries[2].status_changed and entries[2].to_status_label == "办理中"
    assert not entries[3].status_changed


def test_light_counts_group_the_list(flow, city):
    flow.to(S.IN_PROGRESS)
    flow.to(S.CLOSED)
    counts = selectors.appeal_light_counts(selectors.appeal_list_for_user(user=city.hub))
    assert counts["green"] == 1 and counts["none"] == 1 and counts["red"] == 0
