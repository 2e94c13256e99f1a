"""Writes of the monthly progress reports and the secretaries' daily reports.

A report is filed once per project and month (the unique constraint settles a race) by the
project secretary or the lead unit (access.py), and edited with the version it was read at
(a stale form is a 409). Each problem it names becomes an appeal of the project in the same
transaction (problems.py: the appeals app's intake), so a report and its appeals are saved
together or not at all. Photos are checked (type by content, size, count) before anything
is written.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.common.transitions import contended, required_version, retrying
from zhitong.core.errors import AccessDenied, ConflictError, ServiceError
from zhitong.core.fields import DATE_FLOOR, LONG_TEXT_MAX

from ..models import DailyReport, ProgressReport, Project, ReportPhoto, ReportProblem
from .access import require_reporter
from .calc import REPORTABLE_STAGES, month_start
from .photos import check_photos, store_photos
from .problems import register_problem

MAX_AMOUNT = Decimal("999999999999.99")  # DecimalField(max_digits=14, decimal_places=2)
MAX_COUNT = 2_147_483_647  # PositiveIntegerField
MAX_PROBLEMS = 10  # per report and save
PROBLEM_MAX = 2000  # characters of one problem
STALE = "该月报已被他人修改，请刷新后重试"


def _text(value, label: str, field: str, *, required: bool = True, max_len: int = LONG_TEXT_MAX) -> str:
    value = "" if value is None else str(value).replace("\r\n", "\n").strip()
    if required and not value:
        raise ServiceError(f"请填写{label}", code="required", field=field)
    if len(value) > max_len:
        raise ServiceError(f"{label}不能超过{max_len}字（当前{len(value)}字）", field=field)
    return value


def _amount(value, label: str, field: str) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ServiceError(f"{label}应为数字（万元）", field=field)
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise ServiceError(f"{label}应在0至{MAX_AMOUNT}万元之间", field=field)
    if amount != amount.quantize(Decimal("0.01")):
        raise ServiceError(f"{label}最多保留两位小数", field=field)
    return amount.quantize(Decimal("0.01"))


def _count(value, label: str, field: str) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool):
        raise ServiceError(f"{label}应为整数", field=field)
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise ServiceError(f"{label}应为整数", field=field)
    fractional = not isinstance(value, str) and number != value  # 3.5 is not a head count
    if fractional or not 0 <= number <= MAX_COUNT:
        raise ServiceError(f"{label}应为0至{MAX_COUNT}之间的整数", field=field)
    return number


def _problems(values) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    out = [_text(v, "问题", "problems", max_len=PROBLEM_MAX) for v in values or [] if str(v or "").strip()]
    if len(out) > MAX_PROBLEMS:
        raise ServiceError(f"一次最多填写{MAX_PROBLEMS}个问题（当前{len(out)}个）", field="problems")
    return out


def _month(value, today: date) -> date:
    if not isinstance(value, date):
        raise ServiceError("请选择月份", code="required", field="month")
    month = month_start(value)
    if month < DATE_FLOOR:
        raise ServiceError(f"月份不能早于{DATE_FLOOR:%Y年%m月}", field="month")
    if month > month_start(today):
        raise ServiceError("不能报送以后月份的月报", field="month")
    return month


def _reporting_project(project_id: int, actor) -> Project:
    project = Project.objects.select_related("owner").filter(pk=project_id).first()
    if project is None:
        raise AccessDenied()
    require_reporter(actor, project)
    return project


def _add_problems(report: ProgressReport, texts: list[str], *, actor, now: datetime) -> list[ReportProblem]:
    out = []
    for text in texts:
        problem = ReportProblem.objects.create(report=report, text=text, created_at=now)
        appeal = register_problem(problem=problem, actor=actor, now=now)
        problem.appeal_id, problem.appeal_code = appeal.id, appeal.code
        problem.save(update_fields=["appeal_id", "appeal_code"])
        out.append(problem)
    return out


def _snapshot(report: ProgressReport) -> dict:
    return {
        "month_investment": str(report.month_investment),
        "annual_plan": str(report.annual_plan),
        "image_progress": report.image_progress,
        "workers": report.workers,
        "machinery": report.machinery,
        "version": report.version,
    }


@retrying
def progress_report_submit(
    *,
    actor,
    project_id: int,
    month: date,
    month_investment=None,
    image_progress: str = "",
    workers=None,
    machinery=None,
    problems=(),
    photos=(),
    now: datetime | None = None,
) -> ProgressReport:
    """File `month`'s report of the project (not a later month; once per month)."""
    now = now or timezone.now()
    month = _month(month, timezone.localdate(now))
    values = {
        "month_investment": _amount(month_investment, "本月完成投资", "month_investment"),
        "image_progress": _text(image_progress, "形象进度", "image_progress"),
        "workers": _count(workers, "用工人数", "workers"),
        "machinery": _count(machinery, "机械台套", "machinery"),
    }
    texts = _problems(problems)
    checked = check_photos(photos)
    with contended(), transaction.atomic():
        project = _reporting_project(project_id, actor)
        if project.stage not in REPORTABLE_STAGES:
            raise ConflictError(
                f"项目处于“{project.get_stage_display()}”阶段，无需报送月度进展", code="not_reporting"
            )
        if ProgressReport.objects.filter(project=project, month=month).exists():
            raise ConflictError(f"{month.year}年{month.month}月的月报已报送，请修改该月报", code="duplicate")
        try:
            with transaction.atomic():
                report = ProgressReport.objects.create(
                    project=project,
                    month=month,
                    annual_plan=project.annual_investment or Decimal(0),
                    submitted_at=now,
                    submitted_by=actor,
                    **values,
                )
        except IntegrityError:
            raise ConflictError(f"{month.year}年{month.month}月的月报已报送，请修改该月报", code="duplicate")
        added = _add_problems(report, texts, actor=actor, now=now)
        stored = store_photos(report, checked, actor=actor, now=now)
        audit_record(
            action="project.progress_report_submit",
            obj=report,
            actor=actor,
            after={
                "project_id": project.pk,
                "month": f"{month:%Y-%m}",
                **_snapshot(report),
                "problems": [p.appeal_code for p in added],
                "photos": [p.original_name for p in stored],
            },
            now=now,
        )
    return report


@retrying
def progress_report_update(
    *,
    actor,
    report_id: int,
    expected_version,
    month_investment=None,
    image_progress: str = "",
    workers=None,
    machinery=None,
    problems=(),
    photos=(),
    remove_photo_ids=(),
    now: datetime | None = None,
) -> ProgressReport:
    """Correct a filed report, based on the version the user read (409 when stale). New
    problems become appeals; problems already filed stay (their appeals go on). The plan
    is taken again from the project."""
    now = now or timezone.now()
    expected = required_version(expected_version)
    values = {
        "month_investment": _amount(month_investment, "本月完成投资", "month_investment"),
        "image_progress": _text(image_progress, "形象进度", "image_progress"),
        "workers": _count(workers, "用工人数", "workers"),
        "machinery": _count(machinery, "机械台套", "machinery"),
    }
    texts = _problems(problems)
    with contended(), transaction.atomic():
        report = ProgressReport.objects.select_for_update(of=("self",)).filter(pk=report_id).first()
        if report is None:
            raise AccessDenied()
        project = _reporting_project(report.project_id, actor)
        if report.version != expected:
            raise ConflictError(STALE, code="stale")
        remove = set(remove_photo_ids or ())
        kept = ReportPhoto.objects.filter(report=report).exclude(pk__in=remove)
        checked = check_photos(photos, already=kept.count())
        before = _snapshot(report)
        for name, value in values.items():
            setattr(report, name, value)
        report.annual_plan = project.annual_investment or Decimal(0)
        report.version += 1
        report.save(update_fields=[*values, "annual_plan", "version", "updated_at"])
        removed = list(
            ReportPhoto.objects.filter(report=report, pk__in=remove).values_list("original_name", flat=True)
        )
        ReportPhoto.objects.filter(report=report, pk__in=remove).delete()
        added = _add_problems(report, texts, actor=actor, now=now)
        stored = store_photos(report, checked, actor=actor, now=now)
        after = _snapshot(report)
        changed = [k for k in after if before[k] != after[k]]
        audit_record(
            action="project.progress_report_update",
            obj=report,
            actor=actor,
            before={k: before[k] for k in changed} | ({"photos": removed} if removed else {}),
            after={k: after[k] for k in changed}
            | ({"problems": [p.appeal_code for p in added]} if added else {})
            | ({"photos": [p.original_name for p in stored]} if stored else {}),
            now=now,
        )
    return report


# -- the secretaries' daily reports (seeds/004 枣阳) --------------------------------------------


@retrying
def daily_report_submit(
    *, actor, project_id: int, day: date, service: str = "", workers=None, machinery=None, now=None
) -> DailyReport:
    """The day's report: 服务情况、工地工人数、出动机械数 (not a future day; once per day)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not isinstance(day, date):
        raise ServiceError("请填写日期", code="required", field="day")
    if day > today:
        raise ServiceError("不能填报以后日期的日报", field="day")
    if day < DATE_FLOOR:
        raise ServiceError(f"日期不能早于{DATE_FLOOR:%Y-%m-%d}", field="day")
    values = {
        "service": _text(service, "服务情况", "service"),
        "workers": _count(workers, "工地工人数", "workers"),
        "machinery": _count(machinery, "出动机械数", "machinery"),
    }
    with contended(), transaction.atomic():
        project = _reporting_project(project_id, actor)
        if DailyReport.objects.filter(project=project, day=day).exists():
            raise ConflictError(f"{day:%Y-%m-%d}的日报已填报，请修改该日报", code="duplicate")
        try:
            with transaction.atomic():
                report = DailyReport.objects.create(project=project, day=day, reported_by=actor, **values)
        except IntegrityError:
            raise ConflictError(f"{day:%Y-%m-%d}的日报已填报，请修改该日报", code="duplicate")
        audit_record(
            action="project.daily_report_submit",
            obj=report,
            actor=actor,
            after={"project_id": project.pk, "day": day.isoformat(), **values},
            now=now,
        )
    return report


@retrying
def daily_report_update(
    *, actor, report_id: int, expected_version, service: str = "", workers=None, machinery=None, now=None
) -> DailyReport:
    now = now or timezone.now()
    expected = required_version(expected_version)
    values = {
        "service": _text(service, "服务情况", "service"),
        "workers": _count(workers, "工地工人数", "workers"),
        "machinery": _count(machinery, "出动机械数", "machinery"),
    }
    with contended(), transaction.atomic():
        report = DailyReport.objects.select_for_update(of=("self",)).filter(pk=report_id).first()
        if report is None:
            raise AccessDenied()
        _reporting_project(report.project_id, actor)
        if report.version != expected:
            raise ConflictError("该日报已被他人修改，请刷新后重试", code="stale")
        before = {k: getattr(report, k) for k in values}
        for name, value in values.items():
            setattr(report, name, value)
        report.version += 1
        report.save(update_fields=[*values, "version", "updated_at"])
        changed = [k for k in values if before[k] != values[k]]
        audit_record(
            action="project.daily_report_update",
            obj=report,
            actor=actor,
            before={k: before[k] for k in changed} | {"version": report.version - 1},
            after={k: values[k] for k in changed} | {"version": report.version},
            now=now,
        )
    return report
