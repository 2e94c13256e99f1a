"""Monthly progress reports and the secretaries' daily reports: who files them, once per
month, corrections on the version read, problems becoming appeals, photos, the due day."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal
from zhitong.audit.models import AuditEvent
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, ServiceError
from zhitong.projects.models import DailyReport, ProgressReport, ProjectStage, ReportPhoto
from zhitong.projects.progress import REPORT_DUE_WORKDAYS, progress_summaries, report_due
from zhitong.projects.progress.calc import is_late
from zhitong.projects.progress.reports import (
    daily_report_submit,
    daily_report_update,
    progress_report_submit,
    progress_report_update,
)
from zhitong.projects.progress.selectors import reporting_month

from .progress_fixtures import TZ, another_project, progress_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db
JUNE = date(2026, 6, 1)
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 100
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def submit(w, actor=None, month=JUNE, **kw):
    values = dict(month_investment="120.50", image_progress="主体结构封顶", workers=85, machinery=6)
    values.update(kw)
    return progress_report_submit(actor=actor or w.lead, project_id=w.project.pk, month=month, **values)


def test_the_lead_unit_and_the_secretary_file_reports_and_others_may_not(progress_world):
    w = progress_world
    report = submit(w)
    assert report.month == JUNE and report.month_investment == Decimal("120.50")
    assert report.annual_plan == Decimal("1200") and report.submitted_by == w.lead
    assert submit(w, w.secretary, month=date(2026, 5, 1)).submitted_by == w.secretary
    for stranger in (w.outsider, w.hub):
        with pytest.raises(Forbidden):
            submit(w, stranger, month=date(2026, 4, 1))
    assert AuditEvent.objects.filter(action="project.progress_report_submit").count() == 2


def test_a_former_secretary_may_no_longer_file(progress_world):
    w = progress_world
    w.project.members.filter(user=w.secretary).update(until=date(2026, 7, 14))
    with pytest.raises(Forbidden):
        submit(w, w.secretary)


def test_one_report_per_project_and_month_and_none_for_a_later_month(progress_world):
    w = progress_world
    submit(w)
    with pytest.raises(ConflictError, match="已报送"):
        submit(w, w.secretary)
    with pytest.raises(ServiceError, match="以后月份"):
        submit(w, month=date(2026, 8, 1))
    submit(w, month=date(2026, 7, 1))  # the current month may be filed early
    assert ProgressReport.objects.count() == 2


def test_a_project_in_reserve_or_operation_files_no_report(progress_world):
    w = progress_world
    for stage in (ProjectStage.RESERVE, ProjectStage.OPERATING):
        w.project.stage = stage
        w.project.save()
        with pytest.raises(ConflictError, match="无需报送"):
            submit(w)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("month_investment", "-1", "本月完成投资"),
        ("month_investment", "1.005", "两位小数"),
        ("month_investment", "abc", "数字"),
        ("month_investment", "1000000000000", "本月完成投资"),
        ("workers", -1, "用工人数"),
        ("workers", 2.5, "用工人数"),
        ("machinery", "x", "机械台套"),
        ("image_progress", "  ", "形象进度"),
    ],
)
def test_bad_values_are_refused_in_chinese(progress_world, field, value, message):
    with pytest.raises(ServiceError, match=message) as exc:
        submit(progress_world, **{field: value})
    assert exc.value.field == field
    assert ProgressReport.objects.count() == 0


def test_each_problem_becomes_an_appeal_of_the_project_through_the_intake(progress_world):
    w = progress_world
    report = submit(w, problems=["施工用电增容未批复", "", "临时用地手续待办"])
    problems = list(report.problems.order_by("id"))
    assert [p.text for p in problems] == ["施工用电增容未批复", "临时用地手续待办"]
    appeals = list(Appeal.objects.order_by("id"))
    assert [a.pk for a in appeals] == [p.appeal_id for p in problems]
    first = appeals[0]
    assert first.project == w.project and first.enterprise == w.owner
    assert first.channel == Channel.PROJECT_REPORT and first.get_channel_display() == "项目月报"
    assert first.status == Status.SUBMITTED and first.received_by == w.lead
    assert first.title == "新材料产业园一期：施工用电增容未批复"
    assert "2026年6月月度进展报告" in first.description
    assert first.category.code == "ZDXM"
    assert problems[0].appeal_code == first.code


def test_a_failing_intake_saves_neither_the_report_nor_its_appeals(progress_world):
    from zhitong.appeals.models import Category

    Category.objects.update(is_active=False)  # no category to file the problem under
    with pytest.raises(ServiceError, match="诉求类别"):
        submit(progress_world, problems=["问题"])
    assert ProgressReport.objects.count() == 0 and Appeal.objects.count() == 0


def test_at_most_ten_problems_at_once(progress_world):
    with pytest.raises(ServiceError, match="最多填写10个问题"):
        submit(progress_world, problems=[f"问题{i}" for i in range(11)])


def test_problems_count_as_open_until_their_appeal_is_verified(progress_world):
    w = progress_world
    report = submit(w, problems=["甲", "乙"])
    assert progress_summaries([w.project], JUNE)[w.project.pk].problems_open == 2
    Appeal.objects.filter(pk=report.problems.first().appeal_id).update(status=Status.VERIFIED)
    assert progress_summaries([w.project], JUNE)[w.project.pk].problems_open == 1
    # A problem of a later month is not counted in June.
    progress_report_update(
        actor=w.lead, report_id=report.pk, expected_version=0, image_progress="x", problems=["丙"]
    )
    assert progress_summaries([w.project], JUNE)[w.project.pk].problems_open == 2
    assert progress_summaries([w.project], date(2026, 5, 1))[w.project.pk].problems_open == 0


def test_a_correction_needs_the_version_read_and_keeps_filed_problems(progress_world):
    w = progress_world
    report = submit(w, problems=["甲"])
    w.project.annual_investment = Decimal("1500")
    w.project.save()
    updated = progress_report_update(
        actor=w.secretary,
        report_id=report.pk,
        expected_version=0,
        month_investment="130",
        image_progress="二层施工",
        workers=90,
        machinery=7,
        problems=["乙"],
    )
    assert updated.version == 1 and updated.month_investment == Decimal("130.00")
    assert updated.annual_plan == Decimal("1500")  # taken again from the project
    assert [p.text for p in updated.problems.order_by("id")] == ["甲", "乙"]
    assert Appeal.objects.count() == 2
    with pytest.raises(ConflictError, match="已被他人修改"):
        progress_report_update(actor=w.lead, report_id=report.pk, expected_version=0, image_progress="旧页面")
    with pytest.raises(ServiceError, match="版本号"):
        progress_report_update(actor=w.lead, report_id=report.pk, expected_version=None, image_progress="x")
    with pytest.raises(Forbidden):
        progress_report_update(actor=w.outsider, report_id=report.pk, expected_version=1, image_progress="x")
    with pytest.raises(AccessDenied):
        progress_report_update(actor=w.lead, report_id=999999, expected_version=1, image_progress="x")
    event = AuditEvent.objects.get(action="project.progress_report_update")
    assert event.before["month_investment"] == "120.50" and event.after["month_investment"] == "130.00"


def photo(name, data):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_photos_are_jpeg_or_png_by_content_within_the_size_and_count_limits(progress_world, settings):
    w = progress_world
    settings.ZHITONG_PROGRESS_PHOTO_MAX_BYTES = 200
    with pytest.raises(ServiceError, match="不是 JPEG 或 PNG"):
        submit(w, photos=[photo("假照片.jpg", b"%PDF-1.4 not an image")])
    with pytest.raises(ServiceError, match="超过"):
        submit(w, photos=[photo("大.jpg", JPEG + b"0" * 200)])
    with pytest.raises(ServiceError, match="最多 6 张"):
        submit(w, photos=[photo(f"{i}.jpg", JPEG) for i in range(7)])
    assert ProgressReport.objects.count() == 0
    report = submit(w, photos=[photo("现场.jpg", JPEG), photo("航拍.png", PNG)])
    kinds = list(report.photos.order_by("id").values_list("original_name", "kind"))
    assert kinds == [("现场.jpg", "jpg"), ("航拍.png", "png")]
    first = report.photos.order_by("id").first()
    updated = progress_report_update(
        actor=w.lead,
        report_id=report.pk,
        expected_version=0,
        image_progress="x",
        photos=[photo(f"{i}.jpg", JPEG) for i in range(5)],
        remove_photo_ids=[first.pk],
    )
    assert updated.photos.count() == 6 and not ReportPhoto.objects.filter(pk=first.pk).exists()


def test_the_due_day_is_the_third_working_day_of_the_next_month_and_lateness_follows_it(progress_world):
    assert REPORT_DUE_WORKDAYS == 3
    # June 2026 ends on a Tuesday: 1, 2, 3 July (Wed–Fri) are the working days after it.
    assert report_due(JUNE).date == date(2026, 7, 3)
    # September 2026: the National Day holiday (1–7 October, 10 October a make-up working day)
    # pushes it past the week: 8, 9 and Saturday 10 October.
    assert report_due(date(2026, 9, 1)).date == date(2026, 10, 10)
    w = progress_world
    on_time = submit(w, now=datetime(2026, 7, 3, 23, 59, tzinfo=TZ))
    assert not is_late(on_time, date(2026, 7, 3))
    late = submit(w, month=date(2026, 5, 1), now=datetime(2026, 6, 4, 0, 1, tzinfo=TZ))
    assert report_due(date(2026, 5, 1)).date == date(2026, 6, 3)
    assert is_late(late, date(2026, 6, 3))


def test_the_month_lists_missing_late_and_on_time_reports_of_the_users_projects(progress_world):
    w = progress_world
    negotiating = another_project(w, code="XM-N", stage=ProjectStage.NEGOTIATION)
    reserve = another_project(w, code="XM-R", stage=ProjectStage.RESERVE)
    late_one = another_project(w, code="XM-L")
    elsewhere = another_project(w, code="XM-B", location=w.other, lead_unit=w.other)
    submit(w, month=date(2026, 5, 1), now=datetime(2026, 6, 2, 9, tzinfo=TZ))  # on time
    progress_report_submit(
        actor=w.lead,
        project_id=late_one.pk,
        month=date(2026, 5, 1),
        image_progress="x",
        now=datetime(2026, 6, 10, 9, tzinfo=TZ),
    )
    state = reporting_month(user=w.lead, month=date(2026, 5, 1), today=date(2026, 7, 15))
    assert state.past_due and state.due == date(2026, 6, 3)
    assert [p.code for p in state.on_time] == ["XM-2026-001"]
    assert [p.code for p in state.late] == ["XM-L"]
    assert [p.code for p in state.missing] == ["XM-N"]  # negotiation owes one (seeds/003 九(二))
    assert reserve.code not in {p.code for p in state.missing} and state.owed == 3
    assert elsewhere.code not in {p.code for p in state.missing}  # another county's
    assert negotiating.pk in {p.pk for p in state.missing}
    # Before the due day the unfiled ones are pending, not missing.
    before = reporting_month(user=w.lead, month=date(2026, 7, 1), today=date(2026, 8, 3))
    assert not before.past_due and before.missing == [] and len(before.pending) == 3


def test_a_project_owes_the_months_in_which_it_was_in_a_reporting_stage(progress_world):
    from zhitong.projects.models import ProjectStageChange

    w = progress_world
    p = another_project(w, code="XM-S", stage=ProjectStage.SIGNED)
    at = datetime(2026, 6, 20, 9, tzinfo=TZ)
    ProjectStageChange.objects.create(
        project=p,
        action="start_negotiation",
        from_stage="reserve",
        to_stage="negotiation",
        on=date(2026, 4, 30),
        at=at,
    )
    ProjectStageChange.objects.create(
        project=p, action="sign", from_stage="negotiation", to_stage="signed", on=date(2026, 6, 18), at=at
    )

    def codes(month):
        return {q.code for q in reporting_month(user=w.lead, month=month, today=date(2026, 7, 15)).missing}

    assert "XM-S" not in codes(date(2026, 3, 1))  # in reserve at the end of March
    assert "XM-S" in codes(date(2026, 4, 1))  # negotiating from 30 April
    assert "XM-S" in codes(date(2026, 6, 1))


# -- daily reports -------------------------------------------------------------------------------


def test_the_secretary_files_one_daily_report_a_day_and_corrects_it_on_its_version(progress_world):
    w = progress_world
    day = date(2026, 7, 15)
    d = daily_report_submit(
        actor=w.secretary, project_id=w.project.pk, day=day, service="协调电力接入", workers=120, machinery=9
    )
    assert (d.workers, d.machinery, d.reported_by) == (120, 9, w.secretary)
    with pytest.raises(ConflictError, match="已填报"):
        daily_report_submit(actor=w.lead, project_id=w.project.pk, day=day, service="重复")
    with pytest.raises(ServiceError, match="以后日期"):
        daily_report_submit(actor=w.lead, project_id=w.project.pk, day=date(2026, 7, 16), service="明天")
    with pytest.raises(Forbidden):
        daily_report_submit(actor=w.outsider, project_id=w.project.pk, day=date(2026, 7, 14), service="x")
    d = daily_report_update(
        actor=w.lead, report_id=d.pk, expected_version=0, service="协调电力接入完成", workers=121
    )
    assert d.version == 1 and d.workers == 121 and d.machinery == 0
    with pytest.raises(ConflictError):
        daily_report_update(actor=w.lead, report_id=d.pk, expected_version=0, service="旧")
    assert DailyReport.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="project.daily_report").count() == 2
