"""The business rules behind the moves: extension limits, re-handling, problem appeals,
routing, evidence, escalation batches, merge."""

import io
import zipfile
from datetime import date, datetime, timedelta

import pytest

from zhitong.appeals import deadlines, services
from zhitong.appeals.choices import ExemptionStatus, Status, Tier
from zhitong.appeals.models import AppealEvidence, AppealExtension, Category, RoutingRule
from zhitong.appeals.routing import suggest_lead_unit
from zhitong.audit.models import AuditEvent
from zhitong.core.errors import ConflictError, ServiceError
from zhitong.enterprises.choices import Industry
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.notifications.models import Notification

from .conftest import PDF, PNG, TZ, pdf

pytestmark = pytest.mark.django_db
S = Status


def kinds_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


# --- extension (seeds/003 六.3) ---------------------------------------------------------


def test_extension_is_approved_by_the_head_and_the_enterprise_is_told(
    flow, city, django_capture_on_commit_callbacks
):
    appeal = flow.to(S.IN_PROGRESS)
    new_due = deadlines.add_workdays(appeal.handling_due, 5).date
    with django_capture_on_commit_callbacks(execute=True):
        flow.move(
            appeal, "request_extension", city.handler, new_due=new_due.isoformat(), reason="需等待省厅批复"
        )
        appeal = flow.move(appeal, "approve_extension", city.head, note="同意延期")
    assert (appeal.handling_due, appeal.extension_count, appeal.extension_requested_due) == (new_due, 1, None)
    ext = AppealExtension.objects.get(appeal=appeal)
    assert (ext.status, ext.decided_by, ext.approved_due) == ("approved", city.head, new_due)
    assert "appeal.extended" in kinds_for(city.enterprise_user)
    assert "appeal.extension" in kinds_for(city.head)


def test_extension_past_the_legal_limit_is_refused(flow, city):
    appeal = flow.to(S.IN_PROGRESS)
    with pytest.raises(ServiceError) as exc:
        flow.move(
            appeal,
            "request_extension",
            city.handler,
            new_due=appeal.legal_due + timedelta(days=1),
            reason="需等待省厅批复",
        )
    assert exc.value.code == "beyond_legal"
    assert "法定期限" in exc.value.message


def test_the_head_cannot_approve_beyond_the_legal_limit_either(flow, city):
    appeal = flow.to(S.IN_PROGRESS)
    flow.move(appeal, "request_extension", city.handler, new_due=appeal.legal_due, reason="需等待省厅批复")
    with pytest.raises(ServiceError):
        flow.move(appeal, "approve_extension", city.head, new_due=appeal.legal_due + timedelta(days=7))
    appeal = flow.move(appeal, "approve_extension", city.head)
    assert appeal.handling_due == appeal.legal_due
    # At the ceiling no further extension can even be asked.
    with pytest.raises(ConflictError) as exc:
        flow.move(appeal, "request_extension", city.handler, new_due=appeal.legal_due, reason="再次延期")
    assert "法定时限" in exc.value.message


def test_extension_must_be_asked_before_the_deadline(flow, city):
    appeal = flow.to(S.IN_PROGRESS)
    late = datetime.combine(appeal.handling_due + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
    with pytest.raises(ConflictError) as exc:
        services.appeal_request_extension(
            appeal_id=appeal.pk, actor=city.handler, new_due=appeal.legal_due, reason="来不及了", now=late
        )
    assert "已届满" in exc.value.message


def test_a_rejected_extension_keeps_the_deadline(flow, city):
    appeal = flow.to(S.IN_PROGRESS)
    due = appeal.handling_due
    flow.move(appeal, "request_extension", city.handler, new_due=appeal.legal_due, reason="理由")
    appeal = flow.move(appeal, "reject_extension", city.head, reason="应按期办结")
    assert (appeal.handling_due, appeal.extension_requested_due) == (due, None)


# --- rating and re-handling -------------------------------------------------------------


def test_unsatisfied_rating_reopens_to_the_same_lead_unit_and_counts(
    flow, city, django_capture_on_commit_callbacks
):
    appeal = flow.to(S.VERIFIED)
    with django_capture_on_commit_callbacks(execute=True):
        appeal = flow.move(appeal, "rate", city.enterprise_user, rating=2, comment="补贴仍未到账")
    assert appeal.status == S.IN_PROGRESS
    assert (appeal.lead_unit, appeal.handler, appeal.reopen_count) == (city.units.gxj, city.handler, 1)
    assert appeal.rating == 2 and appeal.rating_comment == "补贴仍未到账"
    t = appeal.transitions.order_by("-id").first()
    assert t.data["reopened"] is True and t.data["lead_unit_id"] == city.units.gxj.pk
    assert appeal.handling_due > date(2025, 9, 1)
    assert "appeal.reopened" in kinds_for(city.handler)


def test_unsatisfied_rating_needs_a_reason(flow, city):
    appeal = flow.to(S.VERIFIED)
    with pytest.raises(ServiceError) as exc:
        flow.move(appeal, "rate", city.enterprise_user, rating=1)
    assert exc.value.field == "comment"


@pytest.mark.parametrize("rating", [3, 4, 5])
def test_satisfied_or_neutral_rating_closes(flow, city, rating):
    appeal = flow.move(flow.to(S.VERIFIED), "rate", city.enterprise_user, rating=rating)
    assert (appeal.status, appeal.close_reason, appeal.reopen_count) == (S.CLOSED, "rated", 0)


def test_the_hub_may_record_a_phone_call_back_rating(flow, city):
    appeal = flow.move(flow.to(S.VERIFIED), "rate", city.hub, rating=4, comment="电话回访：满意")
    assert appeal.transitions.order_by("-id").first().data["recorded_by_hub"] is True


def test_three_reopenings_make_a_problem_appeal(flow, city, django_capture_on_commit_callbacks):
    appeal = flow.to(S.VERIFIED)
    for i in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            appeal = flow.move(appeal, "rate", city.enterprise_user, rating=1, comment=f"第{i + 1}次不满意")
        assert appeal.is_problem == (i == 2)
        if i < 2:
            appeal = flow.move(appeal, "resolve", city.handler, resolution="再次办理")
            appeal = flow.move(appeal, "verify", city.hub)
    assert appeal.reopen_count == 3
    assert "appeal.problem" in kinds_for(city.hub)


# --- transfer and the problem flag --------------------------------------------------------


def test_passing_through_three_units_makes_a_problem_appeal_and_the_first_inquiry_owner_stays(
    flow, city, django_capture_on_commit_callbacks
):
    appeal = flow.to(S.ASSIGNED)
    assert appeal.units_passed == 1
    appeal = flow.move(appeal, "object", city.handler, reason="属商务局职责")
    appeal = flow.move(
        appeal, "settle_transfer", city.hub, lead_unit_id=city.units.swj.pk, reason="改由商务局牵头"
    )
    assert (appeal.units_passed, appeal.is_problem) == (2, False)
    appeal = flow.move(appeal, "object", city.outsider, reason="属投促局职责")
    with django_capture_on_commit_callbacks(execute=True):
        appeal = flow.move(
            appeal, "settle_transfer", city.hub, lead_unit_id=city.units.tcj.pk, reason="改由投促局"
        )
    assert (appeal.units_passed, appeal.is_problem) == (3, True)
    assert appeal.received_by == city.clerk
    assert "appeal.problem" in kinds_for(city.hub)
    assert appeal.lead_unit == city.units.tcj and appeal.handler is None


def test_confirming_the_same_unit_does_not_count_a_unit_passed(flow, city):
    appeal = flow.move(
        flow.to(S.TRANSFER_REQUESTED), "settle_transfer", city.hub, reason="经核实属工信局职责"
    )
    assert (appeal.lead_unit, appeal.units_passed, appeal.status) == (city.units.gxj, 1, S.ASSIGNED)


# --- routing -------------------------------------------------------------------------------


def test_routing_follows_the_duty_split_of_seeds_000(city):
    cats = {c.code: c for c in Category.objects.all()}
    factory = city.enterprise  # manufacturing in GLQ
    trade = EnterpriseFactory(industry=Industry.TRADE, location=city.units.glq)
    cases = [
        (cats["SCJY"], factory, "GXJ"),
        (cats["SCJY"], trade, "SWJ"),
        (cats["JSGZ"], trade, "GXJ"),
        (cats["ZSXM"], factory, "TCJ"),
        (cats["FWY"], factory, "SWJ"),
        (cats["QQSP"], factory, "XZFW"),
        (cats["ZDXM"], factory, "FGW"),
        (cats["YG"], factory, "GLQ"),  # local matter → the enterprise's county
    ]
    for category, enterprise, code in cases:
        assert suggest_lead_unit(category=category, enterprise=enterprise).unit.code == code, category.name


def test_a_rule_whose_unit_does_not_exist_is_skipped(city):
    RoutingRule.objects.create(name="不存在的单位", priority=1, lead_unit_code="NOPE")
    assert suggest_lead_unit(category=city.category, enterprise=city.enterprise).unit.code == "GXJ"


def test_assign_uses_the_rule_by_default_and_an_override_needs_a_reason(flow, city):
    appeal = flow.intake()
    with pytest.raises(ServiceError) as exc:
        flow.move(appeal, "assign", city.hub, lead_unit_id=city.units.swj.pk)
    assert exc.value.field == "override_reason" and "市工业和信息化局" in exc.value.message
    appeal = flow.move(
        appeal, "assign", city.hub, lead_unit_id=city.units.swj.pk, override_reason="企业主营已转为商贸"
    )
    t = appeal.transitions.order_by("-id").first()
    assert (appeal.lead_unit, t.data["overridden"], t.note) == (city.units.swj, True, "企业主营已转为商贸")
    assert appeal.tier == Tier.MUNICIPAL


def test_assign_sets_cooperations_due_in_three_working_days(flow, city):
    appeal = flow.move(
        flow.intake(), "assign", city.hub, cooperating_unit_ids=f"{city.units.tcj.pk},{city.units.swj.pk}"
    )
    coops = list(appeal.cooperations.order_by("unit__code"))
    assert [c.unit.code for c in coops] == ["SWJ", "TCJ"]
    assert all(c.due == deadlines.add_workdays(flow.now.date(), 3).date for c in coops)


def test_handling_days_cannot_exceed_the_legal_limit(flow, city):
    with pytest.raises(ServiceError):
        flow.move(flow.intake(), "assign", city.hub, handling_days=city.category.legal_limit_days + 1)


# --- evidence ------------------------------------------------------------------------------


def _zip(names):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, "<x/>")
    return buf.getvalue()


@pytest.mark.parametrize(
    "data, kind",
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "jpeg"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16, "doc"),
        (_zip(["[Content_Types].xml", "word/document.xml"]), "docx"),
        (_zip(["[Content_Types].xml", "xl/workbook.xml"]), "xlsx"),
        (_zip(["readme.txt"]), None),
        (b"MZ\x90\x00", None),
        (b"<html>", None),
    ],
)
def test_file_kind_is_detected_by_content(data, kind):
    assert services.detect_file_kind(data) == kind


def test_an_exe_renamed_pdf_is_rejected_and_nothing_is_stored(flow, city):
    appeal = flow.to(S.IN_PROGRESS)
    exe = pdf("办结报告.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)
    with pytest.raises(ServiceError) as exc:
        flow.move(appeal, "resolve", city.handler, resolution="已办结", evidence_files=[pdf(), exe])
    assert exc.value.code == "file_type" and "办结报告.pdf" in exc.value.message
    assert AppealEvidence.objects.count() == 0
    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS


def test_an_oversized_file_is_rejected(flow, city, settings):
    settings.ZHITONG_EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ServiceError) as exc:
        flow.move(
            flow.to(S.IN_PROGRESS), "add_evidence", city.handler, evidence_files=[pdf(data=PDF + b"0" * 2048)]
        )
    assert exc.value.code == "file_too_large"


def test_resolve_needs_evidence_but_earlier_uploads_count(flow, city):
    appeal = flow.to(S.IN_PROGRESS)
    with pytest.raises(ServiceError) as exc:
        flow.move(appeal, "resolve", city.handler, resolution="已办结")
    assert exc.value.code == "evidence_required"
    flow.move(appeal, "add_evidence", city.handler, evidence_files=[pdf("纪要.pdf")])
    appeal = flow.move(appeal, "resolve", city.handler, resolution="已办结")
    assert appeal.status == S.RESOLVED and appeal.resolved_on_time is True
    ev = AppealEvidence.objects.get()
    assert ev.sha256 == __import__("hashlib").sha256(PDF).hexdigest()
    assert ev.file.read() == PDF and ev.transition.action == "add_evidence"


def test_a_long_note_labels_the_evidence_shortened_visibly_and_stays_whole_on_the_timeline(flow, city):
    # Issue 9: the label was the note's first 200 characters, cut without a sign.
    note = "现场核查情况说明" * 40  # 320 characters
    flow.move(
        flow.to(S.IN_PROGRESS), "add_evidence", city.handler, evidence_files=[pdf("纪要.pdf")], note=note
    )
    ev = AppealEvidence.objects.get()
    assert len(ev.description) == 200 and ev.description.endswith("…")
    assert note.startswith(ev.description[:-1]) and ev.transition.note == note


# --- escalation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "received, batch",
    [
        (datetime(2025, 9, 10, 23, 59, tzinfo=TZ), date(2025, 9, 1)),
        (datetime(2025, 9, 11, 0, 0, tzinfo=TZ), date(2025, 10, 1)),
        (datetime(2025, 9, 1, 8, 0, tzinfo=TZ), date(2025, 9, 1)),
        (datetime(2025, 12, 15, 9, 0, tzinfo=TZ), date(2026, 1, 1)),
        # 16:30 UTC on the 10th is 00:30 on the 11th in Shanghai: next month's batch.
        (datetime.fromisoformat("2025-09-10T16:30:00+00:00"), date(2025, 10, 1)),
        # 2026-01-10 is a Saturday: the cut-off moves to Monday the 12th.
        (datetime(2026, 1, 11, 10, 0, tzinfo=TZ), date(2026, 1, 1)),
        (datetime(2026, 1, 12, 23, 0, tzinfo=TZ), date(2026, 1, 1)),
        (datetime(2026, 1, 13, 8, 0, tzinfo=TZ), date(2026, 2, 1)),
    ],
)
def test_escalation_batch_month_counts_calendar_days_to_the_tenth(received, batch):
    assert services.escalation_batch_month(received) == batch


def test_escalation_creates_the_annex_2_request_and_resuming_returns_it(flow, city):
    flow.now = datetime(2025, 9, 12, 9, 0, tzinfo=TZ)
    appeal = flow.to(S.ESCALATED)
    esc = appeal.escalations.get()
    assert (esc.batch_month, esc.reporting_unit, esc.requested_by) == (
        date(2025, 10, 1),
        city.units.gxj,
        city.handler,
    )
    assert esc.leader == city.leader  # 分管市领导 from the portfolio
    assert {u.code for u in esc.units_to_coordinate.all()} == {"SWJ", "GLQ"}
    assert appeal.tier == Tier.CITY_LEADER
    appeal = flow.move(appeal, "resume_handling", city.hub, note="协调会已明确由鼓楼区落实")
    assert (appeal.status, appeal.tier) == (S.IN_PROGRESS, Tier.MUNICIPAL)


def test_escalation_needs_units_to_coordinate(flow, city):
    data = flow.escalation_data() | {"unit_ids_to_coordinate": []}
    with pytest.raises(ServiceError):
        flow.move(flow.to(S.IN_PROGRESS), "escalate", city.handler, **data)


# --- exemption, merge, timeline notes ----------------------------------------------------------


def _ask_exemption(flow, appeal, actor, **kw):
    data = {"explanation": "政策调整", "evidence_files": [pdf("关于申请不纳入考核的情况说明.pdf")]} | kw
    return flow.move(appeal, "request_exemption", actor, **data)


def test_rejected_exemption_may_be_asked_again(flow, city):
    appeal = _ask_exemption(flow, flow.to(S.IN_PROGRESS), city.handler)
    appeal = flow.move(appeal, "reject_exemption", city.hub, reason="不属于国家政策变动")
    assert appeal.exemption_status == ExemptionStatus.REJECTED
    appeal = _ask_exemption(flow, appeal, city.handler, explanation="补充省发改委正式文件")
    assert appeal.exemption_status == ExemptionStatus.REQUESTED


# seeds/000 五(二)3: 需……正式行文解释说明 — the formal document goes with the request.


def test_an_exemption_is_refused_without_its_formal_document(flow, city):
    appeal = flow.to(S.IN_PROGRESS)
    with pytest.raises(ServiceError) as exc:
        flow.move(appeal, "request_exemption", city.handler, explanation="政策调整", evidence_files=[])
    assert exc.value.code == "document_required" and exc.value.field == "evidence_files"
    assert "正式行文" in exc.value.message
    appeal.refresh_from_db()
    assert appeal.exemption_status == ExemptionStatus.NONE


def test_an_exemption_with_its_formal_document_keeps_it_on_the_request(flow, city):
    appeal = _ask_exemption(flow, flow.to(S.IN_PROGRESS), city.handler)
    (doc,) = AppealEvidence.objects.filter(appeal=appeal)
    assert doc.transition.action == "request_exemption" and doc.description == "不纳入考核正式行文"
    appeal = flow.move(appeal, "approve_exemption", city.hub, note="同意")
    assert appeal.exemption_status == ExemptionStatus.APPROVED


def test_a_request_without_a_formal_document_cannot_be_approved(flow, city):
    # A request made before the document was required: its file is missing.
    appeal = _ask_exemption(flow, flow.to(S.IN_PROGRESS), city.handler)
    AppealEvidence.objects.filter(appeal=appeal).delete()
    with pytest.raises(ConflictError, match="未附正式行文") as exc:
        flow.move(appeal, "approve_exemption", city.hub, note="同意")
    assert exc.value.code == "document_required"
    appeal.refresh_from_db()
    assert appeal.exemption_status == ExemptionStatus.REQUESTED
    # Asked again with its document, it can be approved.
    flow.move(appeal, "reject_exemption", city.hub, reason="请附正式行文")
    appeal = _ask_exemption(flow, appeal, city.handler)
    appeal = flow.move(appeal, "approve_exemption", city.hub)
    assert appeal.exemption_status == ExemptionStatus.APPROVED


def test_merge_links_the_duplicate_and_records_it_on_both_timelines(flow, city):
    target = flow.intake(title="消防备案办理缓慢")
    dup = flow.move(flow.intake(), "merge", city.clerk, into_id=target.pk, reason="同一事项重复来电")
    assert (dup.status, dup.merged_into, dup.close_reason) == (S.MERGED, target, "merged")
    assert target.transitions.filter(action="merged_in", data__duplicate_id=dup.pk).exists()


def test_merge_refuses_another_enterprises_or_a_closed_appeal(flow, city):
    other = flow.intake(enterprise_id=city.other_enterprise.pk)
    closed = flow.to(S.CLOSED)
    appeal = flow.intake()
    for target in (other, closed):
        with pytest.raises(ServiceError):
            flow.move(appeal, "merge", city.hub, into_id=target.pk, reason="重复")


def test_timeline_note_keeps_the_status_and_is_audited(flow, city):
    appeal = flow.to(S.ESCALATED)
    t = services.appeal_timeline_note(
        appeal=appeal,
        actor=city.hub,
        action="meeting_opinion",
        note="由鼓楼区牵头，十个工作日内完成",
        data={"meeting_id": 7},
    )
    assert (t.from_status, t.to_status) == (S.ESCALATED, S.ESCALATED)
    assert AuditEvent.objects.filter(action="appeal.note.meeting_opinion", object_id=str(appeal.pk)).exists()
    appeal.refresh_from_db()
    assert appeal.status == S.ESCALATED
