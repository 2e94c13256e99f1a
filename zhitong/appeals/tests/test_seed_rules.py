"""Two rules of seeds/003 六 kept exactly, at each boundary, in the service, the page and the API:

- 六.3: an extension is approved before the time limit expires (在时限届满前告知服务对象).
  The last day is the deadline itself, to 23:59:59 Asia/Shanghai; from the next midnight a
  request still pending has lapsed — it can no longer be approved (nor rejected), the clock
  job records the lapse, the deadline stays, and the appeal is overdue.
- 六.2: the notice of missing materials is given once (一次性告知): never a second one.
"""

import importlib
import json
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.appeals import deadlines, jobs, services
from zhitong.appeals.choices import CONCLUDED_STATUSES, Light, Status
from zhitong.appeals.machine import available_moves
from zhitong.appeals.models import Appeal, AppealExtension, ExtensionStatus, Transition
from zhitong.appeals.selectors import concluded_q
from zhitong.core.errors import ConflictError

from .conftest import TZ, pdf

pytestmark = pytest.mark.django_db
S = Status


def _at(day, hh=9, mm=0, ss=0) -> datetime:
    return datetime.combine(day, time(hh, mm, ss), tzinfo=TZ)


def _names(user, appeal, day) -> list[str]:
    return [m.name for m in available_moves(user, Appeal.objects.get(pk=appeal.pk), today=day)]


@pytest.fixture
def pending(flow, city):
    """An appeal in progress whose handler asked, on the deadline's last day, to extend it."""
    appeal = flow.to(S.IN_PROGRESS)
    services.appeal_request_extension(
        appeal_id=appeal.pk,
        actor=city.handler,
        new_due=deadlines.add_workdays(appeal.handling_due, 5).date,
        reason="需等待省厅批复",
        now=_at(appeal.handling_due, 16),
    )
    return Appeal.objects.get(pk=appeal.pk)


# -- seeds/003 六.3: approval before the deadline passes ------------------------------------------


def test_the_head_may_approve_up_to_the_last_second_of_the_last_day(pending, city):
    due, new_due = pending.handling_due, pending.extension_requested_due
    assert "approve_extension" in _names(city.head, pending, due)
    appeal = services.appeal_approve_extension(
        appeal_id=pending.pk, actor=city.head, note="同意", now=_at(due, 23, 59, 59)
    )
    assert (appeal.handling_due, appeal.extension_requested_due, appeal.extension_count) == (new_due, None, 1)
    assert AppealExtension.objects.get(appeal=appeal).status == ExtensionStatus.APPROVED


def test_the_head_may_reject_on_the_last_day(pending, city):
    due = pending.handling_due
    appeal = services.appeal_reject_extension(
        appeal_id=pending.pk, actor=city.head, reason="应按期办结", now=_at(due, 23, 59, 59)
    )
    assert (appeal.handling_due, appeal.extension_requested_due) == (due, None)


# After the last day: at the stroke of midnight, on the next working day, weeks later.
LATE = {
    "midnight": lambda due: _at(due + timedelta(days=1), 0, 0, 0),
    "next_working_day": lambda due: _at(deadlines.add_workdays(due, 1).date, 9),
    "weeks_later": lambda due: _at(due + timedelta(days=21), 10),
}


@pytest.mark.parametrize("when", list(LATE))
@pytest.mark.parametrize("move", ["approve_extension", "reject_extension"])
def test_after_the_last_day_the_request_can_no_longer_be_decided(pending, city, when, move):
    due = pending.handling_due
    now = LATE[when](due)
    data = {"note": "同意"} if move == "approve_extension" else {"reason": "不同意"}
    with pytest.raises(ConflictError) as exc:
        services.appeal_move(appeal_id=pending.pk, move=move, actor=city.head, now=now, **data)
    assert (exc.value.status, exc.value.code) == (409, "move_not_possible")
    assert exc.value.message == f"办理期限已于{due:%Y-%m-%d}届满，延期须在期限届满前审批，该申请已失效"
    assert move not in _names(city.head, pending, now.date())
    appeal = Appeal.objects.get(pk=pending.pk)
    assert (appeal.handling_due, appeal.version) == (due, pending.version)  # nothing changed


def test_a_pending_request_lapses_at_the_clock_after_the_last_day_and_the_appeal_is_overdue(
    pending, city, django_capture_on_commit_callbacks
):
    due, requested = pending.handling_due, pending.extension_requested_due
    # The last second of the last day: still pending, still decidable.
    report = jobs.run_appeal_clock(now=_at(due, 23, 59, 59))
    assert report.extensions_lapsed == 0
    assert Appeal.objects.get(pk=pending.pk).extension_requested_due == requested
    # Midnight: the request lapses, the deadline stays, the light is red.
    with django_capture_on_commit_callbacks(execute=True):
        report = jobs.run_appeal_clock(now=_at(due + timedelta(days=1)))
    assert report.extensions_lapsed == 1 and "延期申请失效 1" in str(report)
    appeal = Appeal.objects.get(pk=pending.pk)
    assert (appeal.handling_due, appeal.extension_requested_due, appeal.extension_count) == (due, None, 0)
    assert deadlines.light_of(appeal, due + timedelta(days=1)) == Light.RED
    ext = AppealExtension.objects.get(appeal=appeal)
    assert (ext.status, ext.approved_due, ext.decided_by) == (ExtensionStatus.LAPSED, None, None)
    row = Transition.objects.filter(appeal=appeal).latest("id")
    assert (row.action, row.actor, row.from_status, row.to_status) == (
        "lapse_extension",
        None,
        S.IN_PROGRESS,
        S.IN_PROGRESS,
    )
    assert row.data == {"old_due": due.isoformat(), "requested_due": requested.isoformat()}
    assert city.handler.notifications.filter(kind="appeal.extension_lapsed").exists()
    assert city.head.notifications.filter(kind="appeal.extension_lapsed").exists()
    # Once: a second run finds nothing; no new request after the deadline either.
    assert jobs.run_appeal_clock(now=_at(due + timedelta(days=1), 0, 15)).extensions_lapsed == 0
    assert "request_extension" not in _names(city.handler, appeal, due + timedelta(days=1))
    # Resolved later, it was resolved late (the timeline says so too).
    appeal = services.appeal_resolve(
        appeal_id=appeal.pk,
        actor=city.handler,
        resolution="已办结",
        evidence_files=[pdf()],
        now=_at(deadlines.add_workdays(due, 2).date, 10),
    )
    assert appeal.resolved_on_time is False
    assert Transition.objects.filter(appeal=appeal).latest("id").data["on_time"] is False


def test_the_lapse_is_the_systems_move_and_only_after_the_last_day(pending, city):
    due = pending.handling_due
    with pytest.raises(ConflictError, match="尚未届满"):
        services.appeal_lapse_extension(appeal_id=pending.pk, now=_at(due, 23, 59, 59))
    assert "lapse_extension" not in _names(city.head, pending, due + timedelta(days=1))


def test_approved_in_time_the_appeal_resolved_by_the_new_deadline_is_on_time(pending, city):
    due = pending.handling_due
    appeal = services.appeal_approve_extension(appeal_id=pending.pk, actor=city.head, now=_at(due, 17))
    appeal = services.appeal_resolve(
        appeal_id=appeal.pk,
        actor=city.handler,
        resolution="已办结",
        evidence_files=[pdf()],
        now=_at(appeal.handling_due, 23, 59, 59),
    )
    assert appeal.resolved_on_time is True


def test_the_page_says_why_and_refuses_a_late_approval(pending, city, client):
    due = pending.handling_due
    url = reverse("appeals:detail", args=[pending.pk])
    move = reverse("appeals:move", args=[pending.pk, "approve_extension"])
    with time_machine.travel(_at(due, 23, 59, 0), tick=False):
        client.force_login(city.head)
        page = client.get(url).content.decode()
        assert move in page and "待单位负责人审批" in page
    with time_machine.travel(_at(due + timedelta(days=1), 0, 0, 1), tick=False):
        page = client.get(url).content.decode()
        reason = f"办理期限已于{due:%Y-%m-%d}届满，延期须在期限届满前审批，该申请已失效"
        assert reason in page and move not in page
        # A page opened before midnight and posted after it.
        r = client.post(
            move,
            {
                "approve_extension-expected_version": pending.version,
                "approve_extension-new_due": pending.extension_requested_due.isoformat(),
            },
        )
        assert r.status_code == 409 and reason in r.content.decode()
    assert Appeal.objects.get(pk=pending.pk).handling_due == due


def test_the_page_approves_on_the_last_day_for_the_head_and_no_one_else(pending, city, client):
    due = pending.handling_due
    move = reverse("appeals:move", args=[pending.pk, "approve_extension"])
    with time_machine.travel(_at(due, 23, 59, 0), tick=False):
        form = {
            "approve_extension-expected_version": pending.version,
            "approve_extension-new_due": pending.extension_requested_due.isoformat(),
        }
        client.force_login(city.handler)  # the lead unit's handler, not its head
        assert client.post(move, form).status_code == 403
        client.force_login(city.head)
        assert client.post(move, form).status_code == 302
    assert Appeal.objects.get(pk=pending.pk).extension_count == 1


def _api(client, user, appeal, move, version, data=None):
    _, raw = ApiToken.issue(user=user, name="测试")
    return client.post(
        f"/api/v1/appeals/{appeal.pk}/moves/{move}",
        data=json.dumps({"expected_version": version, "data": data or {}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def test_the_api_refuses_a_late_approval_with_409_in_chinese(pending, city, client):
    due = pending.handling_due
    with time_machine.travel(_at(due + timedelta(days=1), 0, 0, 0), tick=False):
        r = _api(client, city.head, pending, "approve_extension", pending.version, {"note": "同意"})
        assert r.status_code == 409
        assert r.json() == {
            "code": "move_not_possible",
            "message": f"办理期限已于{due:%Y-%m-%d}届满，延期须在期限届满前审批，该申请已失效",
        }
        r = _api(client, city.head, pending, "lapse_extension", pending.version)
        assert r.status_code == 403  # the clock's move, no one's button
        token = ApiToken.issue(user=city.head, name="x")[1]
        detail = client.get(f"/api/v1/appeals/{pending.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
        assert "approve_extension" not in [m["name"] for m in detail["available_moves"]]
    with time_machine.travel(_at(due, 23, 59, 59), tick=False):
        r = _api(client, city.head, pending, "approve_extension", pending.version, {"note": "同意"})
        assert (
            r.status_code == 200 and r.json()["handling_due"] == pending.extension_requested_due.isoformat()
        )


# -- seeds/003 六.2: the one-time notice is given once ---------------------------------------------


def test_a_second_notice_after_the_materials_were_completed_is_refused(flow, city):
    appeal = flow.to(S.SUBMITTED)
    assert appeal.materials_notice_at is None
    assert "request_materials" in _names(city.clerk, appeal, flow.now.date())
    appeal = flow.move(
        appeal, "request_materials", city.clerk, missing_items=["营业执照副本", "项目备案证明"]
    )
    assert appeal.materials_notice_at == flow.now
    appeal = flow.move(appeal, "complete_materials", city.enterprise_user, note="已补齐")
    assert appeal.status == S.SUBMITTED
    for user in (city.clerk, city.hub):
        assert "request_materials" not in _names(user, appeal, flow.now.date())
        with pytest.raises(ConflictError) as exc:
            flow.move(appeal, "request_materials", user, missing_items=["法人身份证复印件"])
        assert (exc.value.status, exc.value.code) == (409, "move_not_possible")
        assert exc.value.message == "已一次性告知需补齐的全部材料，不能再次告知补正"
    assert Transition.objects.filter(appeal=appeal, action="request_materials").count() == 1


def test_a_notice_given_at_intake_counts_as_the_one(flow, city):
    appeal = flow.to(S.MATERIALS_PENDING)  # intake listed the missing materials
    assert appeal.materials_notice_at is not None
    appeal = flow.move(appeal, "complete_materials", city.clerk)
    with pytest.raises(ConflictError, match="不能再次告知"):
        flow.move(appeal, "request_materials", city.clerk, missing_items=["补充说明"])
    # The appeal goes on: it is assigned as usual.
    assert flow.move(appeal, "assign", city.hub).status == S.ASSIGNED


def test_the_page_offers_the_notice_once(flow, city, client):
    appeal = flow.to(S.SUBMITTED)
    url = reverse("appeals:detail", args=[appeal.pk])
    move = reverse("appeals:move", args=[appeal.pk, "request_materials"])
    client.force_login(city.outsider)  # another unit's handler: the appeal is out of sight
    assert client.post(move, {"request_materials-expected_version": appeal.version}).status_code == 404
    client.force_login(city.clerk)
    assert move in client.get(url).content.decode()
    r = client.post(
        move,
        {
            "request_materials-expected_version": appeal.version,
            "request_materials-missing_items": "营业执照副本",
        },
    )
    assert r.status_code == 302
    appeal = flow.move(Appeal.objects.get(pk=appeal.pk), "complete_materials", city.clerk)
    assert move not in client.get(url).content.decode()
    r = client.post(
        move,
        {
            "request_materials-expected_version": appeal.version,
            "request_materials-missing_items": "法人身份证",
        },
    )
    assert r.status_code == 409 and "已一次性告知需补齐的全部材料，不能再次告知补正" in r.content.decode()


def test_the_api_gives_the_notice_once(flow, city, client):
    appeal = flow.to(S.SUBMITTED)
    r = _api(
        client, city.clerk, appeal, "request_materials", appeal.version, {"missing_items": ["营业执照副本"]}
    )
    assert r.status_code == 200 and r.json()["status"] == S.MATERIALS_PENDING
    appeal = flow.move(Appeal.objects.get(pk=appeal.pk), "complete_materials", city.clerk)
    r = _api(
        client, city.clerk, appeal, "request_materials", appeal.version, {"missing_items": ["法人身份证"]}
    )
    assert r.status_code == 409
    assert r.json() == {
        "code": "move_not_possible",
        "message": "已一次性告知需补齐的全部材料，不能再次告知补正",
    }
    r = _api(client, city.outsider, appeal, "request_materials", appeal.version, {"missing_items": ["x"]})
    assert r.status_code == 404


def test_the_migration_marks_appeals_that_already_had_their_notice(flow, city):
    noticed = flow.to(S.MATERIALS_PENDING)
    noticed = flow.move(noticed, "complete_materials", city.clerk)
    plain = flow.to(S.SUBMITTED)
    first = Transition.objects.get(appeal=noticed, action="request_materials").at
    Appeal.objects.update(materials_notice_at=None)  # as before the column existed
    migration = importlib.import_module(
        "zhitong.appeals.migrations.0008_materials_notice_once_extension_lapse"
    )
    migration.backfill_materials_notice_at(apps, None)
    assert Appeal.objects.get(pk=noticed.pk).materials_notice_at == first
    assert Appeal.objects.get(pk=plain.pk).materials_notice_at is None


# -- seeds/001 四(八): only an appeal that is 办结 is rated ----------------------------------------


def test_concluded_means_verified_or_closed_and_a_merged_duplicate_follows_its_master(flow, city):
    by_status = {s: flow.to(s) for s in (S.IN_PROGRESS, S.RESOLVED, S.VERIFIED, S.CLOSED)}
    duplicate = flow.to(S.MERGED)  # merged into an appeal still waiting for triage
    concluded = set(Appeal.objects.filter(concluded_q()).values_list("pk", flat=True))
    assert concluded == {by_status[S.VERIFIED].pk, by_status[S.CLOSED].pk}
    assert set(CONCLUDED_STATUSES) == {S.VERIFIED, S.CLOSED}
    master = duplicate.merged_into
    master = flow.move(master, "assign", city.hub)
    master = flow.move(master, "sign", city.handler)
    master = flow.move(master, "resolve", city.handler, resolution="已办结", evidence_files=[pdf()])
    master = flow.move(master, "verify", city.hub)
    assert Appeal.objects.filter(concluded_q(), pk=duplicate.pk).exists()


def test_the_rating_is_asked_only_when_verified_never_for_a_merged_or_open_appeal(
    flow, city, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        merged = flow.to(S.MERGED)
        open_one = flow.to(S.RESOLVED)
    assert not city.enterprise_user.notifications.filter(
        kind__in=["appeal.rate", "appeal.rate_reminder"]
    ).exists()
    for appeal in (merged, open_one):
        assert services.appeal_remind_rating(appeal_id=appeal.pk, now=flow.tick()) == 0
    with django_capture_on_commit_callbacks(execute=True):
        verified = flow.move(open_one, "verify", city.hub)
    (asked,) = city.enterprise_user.notifications.filter(kind="appeal.rate")
    assert str(verified.code) in asked.title
