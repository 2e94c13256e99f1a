"""The mayor's mailbox (seeds/003 七): a municipal department's matter goes to the vice mayor
in charge, a county's to the county's principal; the enterprise is told who (name,
position, public contact) and by when; 7 working days is a hard limit."""

import pytest

from zhitong.appeals import deadlines
from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.enterprise_selectors import enterprise_timeline
from zhitong.appeals.models import Transition
from zhitong.core.errors import ServiceError
from zhitong.notifications.models import Notification
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.models import ServiceWindow
from zhitong.organizations.tests.factories import UserFactory
from zhitong.outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaders(city):
    u = city.units
    vice = UserFactory(
        username="t_vice",
        role=Role.LEADER,
        unit=u.root,
        full_name="陈副市长",
        position="副市长",
        leader_level=LeaderLevel.VICE_MAYOR,
        phone="13700000009",
    )
    vice.portfolio.set([u.gxj])
    mayor = UserFactory(username="t_mayor", role=Role.LEADER, unit=u.root, leader_level=LeaderLevel.MAYOR)
    mayor.portfolio.set([u.root])
    principal = UserFactory(
        username="t_principal",
        role=Role.LEADER,
        unit=u.glq,
        full_name="林区长",
        position="鼓楼区区长",
        leader_level=LeaderLevel.COUNTY_PRINCIPAL,
    )
    principal.portfolio.set([u.glq])
    ServiceWindow.objects.create(unit=u.root, leader_name="办公室", section_name="市长信箱", phone="12345")
    return dict(vice=vice, mayor=mayor, principal=principal)


def _mailbox(flow, city, unit, **kw):
    return flow.move(
        flow.intake(channel=Channel.MAYOR_MAILBOX),
        "assign",
        city.hub,
        lead_unit_id=unit.pk,
        override_reason="测试",
        **kw,
    )


def test_a_municipal_department_matter_goes_to_the_vice_mayor_in_charge(
    flow, city, leaders, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = _mailbox(flow, city, city.units.gxj)
    outbox_deliver()
    data = Transition.objects.get(appeal=appeal, action="assign").data
    assert data["mailbox_leader_id"] == leaders["vice"].pk
    assert (data["mailbox_leader"], data["mailbox_leader_position"], data["mailbox_contact"]) == (
        "陈副市长",
        "副市长",
        "12345",
    )
    assert Notification.objects.filter(recipient=leaders["vice"], kind="appeal.mailbox_leader").exists()
    assert not Notification.objects.filter(recipient=leaders["mayor"], kind="appeal.mailbox_leader").exists()


def test_a_department_no_vice_mayor_holds_goes_to_the_mayor(flow, city, leaders):
    appeal = _mailbox(flow, city, city.units.swj)
    assert (
        Transition.objects.get(appeal=appeal, action="assign").data["mailbox_leader_id"]
        == leaders["mayor"].pk
    )


def test_a_county_matter_goes_to_the_countys_principal(flow, city, leaders):
    appeal = _mailbox(flow, city, city.units.glq)
    data = Transition.objects.get(appeal=appeal, action="assign").data
    assert (
        data["mailbox_leader_id"] == leaders["principal"].pk
        and data["mailbox_leader_position"] == "鼓楼区区长"
    )


def test_the_enterprise_is_told_who_handles_it_and_by_when(flow, city, leaders):
    appeal = _mailbox(flow, city, city.units.gxj)
    entry = next(e for e in enterprise_timeline(appeal) if e.kind == "assign")
    facts = dict(entry.facts)
    assert facts["处理人"] == "陈副市长（副市长）" and facts["联系电话"] == "12345"
    assert "办理期限" in facts
    assert "13700000009" not in str(entry.facts)  # the leader's own phone is never given


def test_seven_working_days_from_complete_materials(flow, city, leaders):
    appeal = _mailbox(flow, city, city.units.gxj)
    base = appeal.materials_completed_on or appeal.received_at.date()
    assert appeal.handling_days == 7
    assert appeal.handling_due == deadlines.add_workdays(base, 7).date
    assert appeal.legal_due == appeal.handling_due  # the ceiling: no extension passes it


def test_the_hub_may_not_give_a_mailbox_appeal_more_than_seven_days(flow, city, leaders):
    with pytest.raises(ServiceError, match="不得超过7个工作日") as exc:
        _mailbox(flow, city, city.units.gxj, handling_days=8)
    assert exc.value.field == "handling_days"
    assert _mailbox(flow, city, city.units.gxj, handling_days=5).handling_days == 5


def test_no_extension_past_the_seven_days(flow, city, leaders):
    appeal = _mailbox(flow, city, city.units.gxj)
    appeal = flow.move(appeal, "sign", city.handler)
    assert appeal.status == Status.IN_PROGRESS
    from zhitong.appeals.machine import APPEAL

    assert not APPEAL.can(city.handler, appeal, "request_extension")


def test_an_ordinary_appeal_keeps_its_legal_ceiling(flow, city, leaders):
    appeal = flow.move(
        flow.intake(), "assign", city.hub, lead_unit_id=city.units.gxj.pk, override_reason="测试"
    )
    assert appeal.legal_due > appeal.handling_due
    assert "mailbox_leader" not in Transition.objects.get(appeal=appeal, action="assign").data


def test_the_enterprises_view_of_the_result_goes_back_to_the_leader_and_the_handler(
    flow, city, leaders, django_capture_on_commit_callbacks
):
    # seeds/003 七: 将企业的反馈意见再次转交相关承办领导.
    appeal = flow.to(Status.VERIFIED, channel=Channel.MAYOR_MAILBOX)
    with django_capture_on_commit_callbacks(execute=True):
        flow.move(appeal, "rate", city.enterprise_user, rating=4, comment="办理及时")
    outbox_deliver()
    told = Notification.objects.filter(kind="appeal.mailbox_feedback")
    assert set(told.values_list("recipient_id", flat=True)) == {leaders["vice"].pk, appeal.handler_id}
    assert all("办理及时" in n.body for n in told)


def test_an_unsatisfied_mailbox_rating_reaches_the_leader_beside_the_reopened_notice(
    flow, city, leaders, django_capture_on_commit_callbacks
):
    appeal = flow.to(Status.VERIFIED, channel=Channel.MAYOR_MAILBOX)
    with django_capture_on_commit_callbacks(execute=True):
        flow.move(appeal, "rate", city.enterprise_user, rating=2, comment="问题没有解决")
    outbox_deliver()
    told = Notification.objects.filter(kind="appeal.mailbox_feedback")
    assert list(told.values_list("recipient_id", flat=True)) == [leaders["vice"].pk]
    assert Notification.objects.filter(kind="appeal.reopened", recipient_id=appeal.handler_id).exists()


def test_an_ordinary_appeals_rating_tells_no_leader(flow, city, leaders):
    appeal = flow.to(Status.VERIFIED)
    flow.move(appeal, "rate", city.enterprise_user, rating=5)
    outbox_deliver()
    assert not Notification.objects.filter(kind="appeal.mailbox_feedback").exists()
