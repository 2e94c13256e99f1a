from datetime import datetime

import pytest
from django.db import connection

from zhitong.appeals import services
from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal, AppealCounter, Transition
from zhitong.appeals.selectors import appeal_possible_duplicates, text_similarity
from zhitong.core.errors import Forbidden, ServiceError
from zhitong.notifications.models import Notification
from zhitong.projects.models import Project

from .conftest import TZ

pytestmark = pytest.mark.django_db


def test_intake_numbers_appeals_per_year_and_makes_the_receiver_the_first_inquiry_owner(flow, city):
    a = flow.intake()
    b = flow.intake(actor=city.handler, channel=Channel.WINDOW)
    assert (a.code, b.code) == ("ZT-2025-000001", "ZT-2025-000002")
    assert (a.received_by, a.received_unit, a.status) == (city.clerk, city.units.hotline, Status.SUBMITTED)
    assert (b.received_by, b.received_unit) == (city.handler, city.units.gxj)
    if connection.vendor != "postgresql":  # PostgreSQL: a sequence (appeals/codes.py)
        assert AppealCounter.objects.get(year=2025).last == 2


def test_the_counter_starts_after_codes_already_used(flow, city):
    a = flow.intake()
    AppealCounter.objects.all().delete()  # e.g. appeals imported without the counter
    assert flow.intake().code == "ZT-2025-000002"
    assert a.code == "ZT-2025-000001"


def test_the_same_key_three_times_creates_one_appeal(flow, city):
    results = [flow.intake(idempotency_key="hotline-0001") for _ in range(3)]
    assert len({a.pk for a in results}) == 1
    assert Appeal.objects.count() == 1
    assert Transition.objects.filter(action="intake").count() == 1


def test_missing_materials_send_one_notice_listing_every_item(flow, city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appeal = flow.intake(materials_missing=["营业执照副本", "技改项目备案证明", " "])
    assert (appeal.status, appeal.materials_complete, appeal.clock_due) == (
        Status.MATERIALS_PENDING,
        False,
        None,
    )
    notice = Transition.objects.get(appeal=appeal, action="request_materials")
    assert notice.data["missing_items"] == ["营业执照副本", "技改项目备案证明"]
    assert notice.data["on_time"] is True
    [n] = Notification.objects.filter(recipient=city.enterprise_user, kind="appeal.materials")
    assert "1. 营业执照副本" in n.body and "2. 技改项目备案证明" in n.body


def test_a_late_materials_notice_is_recorded_as_late(flow, city):
    appeal = flow.intake()
    late = datetime(2025, 9, 10, 9, 0, tzinfo=TZ)
    services.appeal_request_materials(
        appeal_id=appeal.pk, actor=city.hub, missing_items="营业执照副本", now=late
    )
    assert Transition.objects.get(appeal=appeal, action="request_materials").data["on_time"] is False


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": "  "}, "title"),
        ({"description": ""}, "description"),
        ({"channel": "fax"}, "channel"),
        ({"category_id": 999999}, "category_id"),
        ({"enterprise_id": 999999}, "enterprise_id"),
    ],
)
def test_intake_refuses_bad_data_with_the_field(flow, change, field):
    with pytest.raises(ServiceError) as exc:
        flow.intake(**change)
    assert exc.value.field == field


def test_a_project_of_another_enterprise_is_refused(flow, city):
    project = Project.objects.create(
        code="XM-1",
        name="闽江物流园",
        owner=city.other_enterprise,
        location=city.units.glq,
        lead_unit=city.units.swj,
    )
    with pytest.raises(ServiceError) as exc:
        flow.intake(project_id=project.pk)
    assert exc.value.field == "project_id"


def test_intake_is_for_staff_not_for_leaders_or_enterprises(flow, city):
    for user in (city.leader, city.enterprise_user, city.supervisor):
        with pytest.raises(Forbidden):
            flow.intake(actor=user)


def test_possible_duplicates_rank_open_appeals_of_the_same_enterprise(flow, city):
    close = flow.intake(title="厂房消防验收备案迟迟未办结", description="消防验收备案提交后一直没有结果")
    far = flow.intake(title="企业用工缺口约80人需协助招聘", description="急需普工")
    flow.intake(enterprise_id=city.other_enterprise.pk, title="厂房消防验收备案迟迟未办结")
    done = flow.to(Status.CLOSED)
    found = appeal_possible_duplicates(
        user=city.clerk,
        enterprise_id=city.enterprise.pk,
        title="厂房竣工验收消防备案未办结",
        description="消防备案",
    )
    assert found[0] == close
    assert far not in found and done not in found
    assert all(a.enterprise_id == city.enterprise.pk for a in found)
    assert 0 < found[0].similarity <= 1


def test_text_similarity_on_chinese_bigrams():
    assert text_similarity("消防验收备案", "消防验收备案") == 1
    assert text_similarity("消防验收备案", "用工招聘") == 0
    assert 0 < text_similarity("消防验收备案未办结", "消防备案迟迟未办结") < 1


def test_a_confirmed_duplicate_is_linked_at_intake_never_lost(flow, city):
    original = flow.intake()
    dup = flow.intake(title="消防备案又来电催办", duplicate_of_id=original.pk)
    assert (dup.status, dup.merged_into_id) == (Status.MERGED, original.pk)
    assert Appeal.objects.filter(pk=dup.pk).exists()
    assert list(original.merged_duplicates.all()) == [dup]


def test_a_received_time_in_the_future_is_refused_beyond_a_small_clock_skew(flow):
    from datetime import timedelta

    now = flow.tick()
    a = flow.intake(received_at=now + timedelta(minutes=3), now=now)
    assert a.received_at == now
    with pytest.raises(ServiceError) as exc:
        flow.intake(received_at=now + timedelta(hours=1), now=now)
    assert exc.value.field == "received_at"
