"""What an enterprise sees of its own appeal (issue 9): the internal steps of the handling —
staff names, objections, follow-ups, cooperating units' opinions, progress notes, evidence,
refused extensions, escalations, rejected verifications, exemptions, coordination notes —
are not on its page, in its API answers or in the notices it gets; staff still see them all.
What is meant for it is there: registration, the lead unit, acceptance, the extension with
its new date and reason, the answer, the rating request and the closing."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from zhitong.api.models import ApiToken
from zhitong.appeals import enterprise_selectors as ent
from zhitong.appeals import services
from zhitong.appeals.choices import Status
from zhitong.appeals.machine import MOVES
from zhitong.appeals.models import AppealEvidence
from zhitong.notifications.models import Notification
from zhitong.organizations.models import ServiceWindow
from zhitong.outbox.services import outbox_deliver

from .conftest import pdf

pytestmark = pytest.mark.django_db

PUBLIC_REASON = "需消防部门现场复核，企业整改后再验收"
ANSWER = "已协调消防部门完成备案，企业可于9月20日前领取备案凭证。"

# Each internal kind of timeline entry, with the words only it puts on the record.
INTERNAL = {
    "follow_up": "内部-首问跟踪记录",
    "object": "内部-退回理由非本单位职责",
    "settle_transfer": "内部-改派说明仍由工信局牵头",
    "cooperate_answer": "内部-投促局配合意见",
    "add_progress": "内部-进展已电话联系消防支队",
    "add_evidence": "内部-现场核查照片说明",
    "request_extension": "内部-被拒的延期理由",
    "reject_extension": "内部-延期不予批准理由",
    "approve_extension": "内部-局长审批意见",
    "escalate": "内部-提请市领导协调的问题",
    "resume_handling": "内部-恢复办理说明",
    "request_exemption": "内部-不纳入考核解释说明",
    "reject_exemption": "内部-不纳入考核不予批准",
    "resolve": "内部-被退回的初次答复",
    "reject_verification": "内部-核验不通过理由",
    "verify": "内部-核验意见",
    "coordination.meeting_opinion": "内部-协调会意见",
}
# The staff who acted on it; the enterprise sees their units, never them.
STAFF_NAMES = {
    "clerk": "陈受理",
    "hub": "王统筹",
    "handler": "李承办",
    "head": "赵局长",
    "tcj_handler": "孙配合",
}


@pytest.fixture
def handled(city, flow):
    """An appeal of the city's enterprise that went through every internal step, then was
    answered, rated 不满意, answered again and rated 满意 (closed)."""
    for who, name in STAFF_NAMES.items():
        user = getattr(city, who)
        user.full_name = name
        user.save(update_fields=["full_name"])
    ServiceWindow.objects.create(
        unit=city.units.gxj, leader_name="王副局长", section_name="企业服务科", phone="0591-87654321"
    )
    c, m = city, flow.move
    a = flow.intake()
    m(a, "follow_up", c.clerk, note=INTERNAL["follow_up"])
    m(a, "assign", c.hub, cooperating_unit_ids=[c.units.tcj.pk])
    m(a, "object", c.handler, reason=INTERNAL["object"])
    m(
        a,
        "settle_transfer",
        c.hub,
        lead_unit_id=c.units.gxj.pk,
        cooperating_unit_ids=[c.units.tcj.pk],
        reason=INTERNAL["settle_transfer"],
    )
    m(a, "sign", c.handler)
    m(a, "cooperate_answer", c.tcj_handler, answer=INTERNAL["cooperate_answer"])
    m(a, "add_progress", c.handler, note=INTERNAL["add_progress"])
    m(a, "add_evidence", c.handler, evidence_files=[pdf("现场核查.pdf")], note=INTERNAL["add_evidence"])
    a.refresh_from_db()
    later = a.handling_due + timedelta(days=4)
    m(a, "request_extension", c.handler, new_due=later, reason=INTERNAL["request_extension"])
    m(a, "reject_extension", c.head, reason=INTERNAL["reject_extension"])
    m(a, "request_extension", c.handler, new_due=later, reason=PUBLIC_REASON)
    m(a, "approve_extension", c.head, note=INTERNAL["approve_extension"])
    m(a, "escalate", c.handler, **(flow.escalation_data() | {"problem": INTERNAL["escalate"]}))
    m(a, "resume_handling", c.hub, note=INTERNAL["resume_handling"])
    # seeds/000 五(二)3: the request carries its formal document.
    m(
        a,
        "request_exemption",
        c.handler,
        explanation=INTERNAL["request_exemption"],
        evidence_files=[pdf("正式行文.pdf")],
    )
    m(a, "reject_exemption", c.hub, reason=INTERNAL["reject_exemption"])
    services.appeal_timeline_note(
        appeal=a,
        actor=c.hub,
        action="coordination.meeting_opinion",
        note=INTERNAL["coordination.meeting_opinion"],
        data={"label": "协调会意见"},
        now=flow.tick(),
    )
    m(a, "resolve", c.handler, resolution=INTERNAL["resolve"])
    m(a, "reject_verification", c.hub, reason=INTERNAL["reject_verification"])
    m(a, "resolve", c.handler, resolution="第一次答复：已约消防部门现场复核。")
    m(a, "verify", c.hub, note=INTERNAL["verify"])
    m(a, "rate", c.enterprise_user, rating=2, comment="复核后仍未出具备案凭证")
    m(a, "resolve", c.handler, resolution=ANSWER)
    m(a, "verify", c.hub, note=INTERNAL["verify"])
    m(a, "rate", c.enterprise_user, rating=5, comment="满意")
    a.refresh_from_db()
    assert a.status == Status.CLOSED
    a.extended_to = later
    outbox_deliver()
    return a


def page_of(client, user, appeal) -> str:
    client.force_login(user)
    response = client.get(reverse("appeals:detail", args=[appeal.pk]))
    assert response.status_code == 200
    return response.content.decode()


def api_of(client, user, appeal) -> dict:
    _, raw = ApiToken.issue(user=user, name="测试")
    response = client.get(f"/api/v1/appeals/{appeal.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    return response.json()


def leaks(text: str) -> list[str]:
    """The internal kinds and staff names found in `text`."""
    found = [f"{kind}: {words}" for kind, words in INTERNAL.items() if words in text]
    found += [f"staff name {name}" for name in STAFF_NAMES.values() if name in text]
    return found


# ---------------------------------------------------------------------------------------
# The internal kinds: not for the enterprise, still for staff
# ---------------------------------------------------------------------------------------


# Kinds shown to the enterprise for what is public in them (the new lead unit, the checked
# answer, the new date and its reason), never with their staff notes — the tests below hold
# them to that. Every other internal kind is not on its timeline at all.
SHOWN_WITHOUT_THEIR_NOTE = {"settle_transfer", "resolve", "verify", "approve_extension"}


def test_no_wholly_internal_kind_is_an_enterprise_timeline_kind():
    assert set(INTERNAL) - SHOWN_WITHOUT_THEIR_NOTE - set(ent.ENTERPRISE_TIMELINE) == (
        set(INTERNAL) - SHOWN_WITHOUT_THEIR_NOTE
    )


def test_the_enterprise_page_shows_no_internal_entry_and_no_staff_name(client, city, handled):
    page = page_of(client, city.enterprise_user, handled)
    assert leaks(page) == []
    assert "13800000001" not in page  # the handler's phone
    assert "现场核查.pdf" not in page  # evidence files are the staff's


def test_the_enterprise_api_answer_shows_no_internal_entry_and_no_staff_name(client, city, handled):
    body = api_of(client, city.enterprise_user, handled)
    assert body["audience"] == "enterprise"
    text = json.dumps(body, ensure_ascii=False)
    assert leaks(text) == []
    assert "13800000001" not in text
    for staff_key in (
        "received_by",
        "handler",
        "cooperations",
        "is_problem",
        "exemption_status",
        "status",
        "light",
    ):
        assert staff_key not in body


def test_staff_still_see_every_internal_entry_and_who_made_it(client, city, handled):
    page = page_of(client, city.hub, handled)
    missing = [kind for kind, words in INTERNAL.items() if words not in page]
    assert missing == []
    assert all(name in page for name in STAFF_NAMES.values())
    body = api_of(client, city.hub, handled)
    assert body["audience"] == "staff"
    text = json.dumps(body, ensure_ascii=False)
    assert [kind for kind, words in INTERNAL.items() if words not in text] == []


def test_the_enterprise_cannot_download_the_evidence_files_staff_can(client, city, handled):
    ev = AppealEvidence.objects.filter(appeal=handled).first()
    client.force_login(city.enterprise_user)
    assert client.get(reverse("appeals:evidence", args=[ev.pk])).status_code == 404
    client.force_login(city.handler)
    assert client.get(reverse("appeals:evidence", args=[ev.pk])).status_code == 200


def test_no_notice_to_the_enterprise_names_staff_or_internal_steps(city, handled):
    notices = Notification.objects.filter(recipient=city.enterprise_user)
    assert notices.exists()
    text = "\n".join(f"{n.title} {n.body}" for n in notices)
    assert leaks(text) == []
    assert "13800000001" not in text


def test_the_sign_notice_names_the_unit_its_window_and_the_deadline(city, flow):
    ServiceWindow.objects.create(
        unit=city.units.gxj, leader_name="王副局长", section_name="企业服务科", phone="0591-87654321"
    )
    appeal = flow.to(Status.IN_PROGRESS)
    outbox_deliver()
    notice = Notification.objects.get(recipient=city.enterprise_user, kind="appeal.signed")
    assert notice.body == (
        f"牵头单位：市工业和信息化局，服务窗口：企业服务科，电话：0591-87654321，"
        f"办理期限：{appeal.handling_due:%Y-%m-%d}"
    )
    assert city.handler.display_name not in notice.body


# ---------------------------------------------------------------------------------------
# What the enterprise must see
# ---------------------------------------------------------------------------------------


def test_the_enterprise_timeline_tells_its_story_in_public_words(city, handled):
    entries = ent.enterprise_timeline(handled)
    labels = [e.label for e in entries]
    assert labels == [
        "诉求已登记受理",
        "已确定牵头单位",
        "牵头单位已调整",
        "牵头单位已签收，正在办理",
        "办理期限已延长",
        "已答复",
        "请对办理情况进行满意度评价",
        "评价不满意，退回重新办理",
        "已答复",
        "请对办理情况进行满意度评价",
        "已评价，诉求办结",
    ]
    by_label = {e.label: e for e in entries}
    assert by_label["诉求已登记受理"].by == "市12345政务服务便民热线管理办公室"
    assert dict(by_label["已确定牵头单位"].facts)["牵头单位"] == "市工业和信息化局"
    assert by_label["牵头单位已签收，正在办理"].by == "市工业和信息化局"
    extension = dict(by_label["办理期限已延长"].facts)
    assert extension["延长至"] == f"{handled.extended_to:%Y-%m-%d}"
    assert extension["延期原因"] == PUBLIC_REASON  # seeds/003 六.3: told the reason
    answers = [e for e in entries if e.label == "已答复"]
    assert [a.text for a in answers] == ["第一次答复：已约消防部门现场复核。", ANSWER]
    assert all(a.by == "市工业和信息化局" for a in answers)
    assert entries[-1].text == "满意" and dict(entries[-1].facts)["满意度"] == "非常满意"


def test_the_enterprise_page_shows_stage_deadline_lead_unit_window_and_answer(client, city, handled):
    page = page_of(client, city.enterprise_user, handled)
    assert 'data-testid="appeal-stage">已办结<' in page
    assert "办结日期" in page
    assert "市工业和信息化局" in page and "企业服务科 0591-87654321" in page
    assert ANSWER in page
    assert PUBLIC_REASON in page


def test_an_answer_waiting_for_the_hubs_check_is_not_shown_yet(client, city, flow):
    appeal = flow.to(Status.RESOLVED)
    page = page_of(client, city.enterprise_user, appeal)
    assert "已协调消防部门完成备案" not in page
    assert 'data-testid="appeal-stage">办理中<' in page
    assert "已协调消防部门完成备案" in page_of(client, city.hub, appeal)


def test_the_answered_appeal_asks_the_enterprise_to_rate_it_with_its_deadline(client, city, flow):
    appeal = flow.to(Status.VERIFIED)
    page = page_of(client, city.enterprise_user, appeal)
    assert 'data-testid="appeal-stage">已答复待评价<' in page
    assert f'评价期限</span> <span class="zt-date">{appeal.clock_due:%Y-%m-%d}' in page
    assert "请对办理情况进行满意度评价" in page
    assert reverse("appeals:move", args=[appeal.pk, "rate"]) in page
    # The rating form speaks to the enterprise, not of counting rules.
    assert "计入该单位重办次数" not in page
    assert "诉求将退回牵头单位重新办理" in page


def test_the_reminder_and_the_not_rated_close_are_on_the_enterprise_timeline(city, flow):
    appeal = flow.to(Status.VERIFIED)
    services.appeal_remind_rating(appeal_id=appeal.pk, now=flow.tick())
    services.appeal_move(
        appeal_id=appeal.pk, move="close_not_rated", actor=None, now=flow.now + timedelta(days=40)
    )
    appeal.refresh_from_db()
    labels = [e.label for e in ent.enterprise_timeline(appeal)]
    assert labels[-2:] == ["提醒评价", "未在期限内评价，诉求办结"]
    assert ent.enterprise_deadline(appeal).label == "办结日期"


def test_missing_materials_are_listed_for_the_enterprise_and_the_clock_waits(client, city, flow):
    appeal = flow.to(Status.MATERIALS_PENDING)
    [entry] = [e for e in ent.enterprise_timeline(appeal) if e.kind == "request_materials"]
    assert dict(entry.facts)["需补齐材料"] == "1. 营业执照副本；2. 消防验收申请表"
    page = page_of(client, city.enterprise_user, appeal)
    assert "材料补齐后开始计时" in page
    assert reverse("appeals:move", args=[appeal.pk, "complete_materials"]) in page


def test_a_merged_duplicate_points_to_the_appeal_it_joined(client, city, flow):
    appeal = flow.to(Status.MERGED)
    page = page_of(client, city.enterprise_user, appeal)
    assert 'data-testid="appeal-stage">已合并<' in page
    assert appeal.merged_into.code in page


@pytest.mark.parametrize("status", list(Status))
def test_every_state_has_a_public_stage_and_deadline(city, flow, status):
    appeal = flow.to(status)
    stage, deadline = ent.stage_of(appeal.status), ent.enterprise_deadline(appeal)
    assert stage in ent.Stage
    assert deadline.label and (deadline.due or deadline.hint)


def test_only_the_enterprises_own_moves_are_offered_to_it():
    offered = {name for name, move in MOVES.items() if "enterprise" in move.actors}
    assert offered == {"complete_materials", "rate", "withdraw"}
    assert set(ent.ENTERPRISE_MOVE_HELP) == offered
