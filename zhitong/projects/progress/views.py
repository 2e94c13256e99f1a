"""Pages of a project's progress: filing and correcting monthly reports (optimistic version),
the secretary's daily reports, commitments and their moves, the late/missing reports of a
month, the monthly briefing (page + .xlsx), overdue commitments, and the public board.

Every page of one project first finds it through the project selectors' scope (404 for a
project out of sight, as for one that does not exist); enterprise users do not read the
government's progress records (404 / 403)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhitong.common.forms import clean_filters, refusal_message
from zhitong.common.pages import get_or_404, move_view, parse_month, today
from zhitong.core.downloads import XLSX, download, file_download, file_name, month_cn
from zhitong.core.errors import AccessDenied, ServiceError

from .. import selectors as project_selectors
from ..models import Commitment, ReportPhoto
from . import board as board_reads
from . import briefing as briefing_reads
from . import commitments as commitment_services
from . import reports as report_services
from . import selectors
from .access import may_record_commitments, may_report, sees_progress
from .calc import REPORTABLE_STAGES, ProgressClass, report_due
from .commitment_machine import COMMITMENT
from .forms import CommitmentForm, DailyForm, MonthFilter, ReportForm
from .photos import CONTENT_TYPES


def _project(request, pk: int):
    if not sees_progress(request.user):
        raise Http404("对象不存在或您无权访问")
    return get_or_404(project_selectors.project_get_for_user, user=request.user, project_id=pk)


def _government(request) -> None:
    if not sees_progress(request.user):
        raise PermissionDenied("企业用户不能查看项目进展台账")


def _back(project, anchor: str = "progress") -> str:
    return reverse("projects:detail", args=[project.pk]) + f"#{anchor}"


def _month_of(request, default):
    return clean_filters(MonthFilter(request.GET)).get("month") or default


def _save(request, form, action, *, template: str, context: dict, success: str, back: str, fresh=None):
    """Run `action(form.service_data())` for a valid POST; a refusal is shown on the form
    with the error's status (a stale version: the current one, the user's input kept)."""
    if request.method == "POST" and form.is_valid():
        try:
            action(form.service_data())
        except AccessDenied:
            raise Http404("对象不存在或您无权访问")
        except ServiceError as exc:
            version = fresh() if fresh is not None else 0
            form.add_error(
                None,
                refusal_message(form, exc, version, version_field="version", kept="您填写的内容已保留，"),
            )
            return TemplateResponse(request, template, {**context, "form": form}, status=exc.status)
        messages.success(request, success)
        return redirect(back)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, template, {**context, "form": form}, status=status)


# -- monthly reports ------------------------------------------------------------------------------


@login_required
def report_new(request, pk: int):
    project = _project(request, pk)
    if not may_report(request.user, project):
        raise PermissionDenied("只有项目秘书或牵头单位可以报送该项目的进展")
    initial = {"month": f"{selectors.default_month(today()):%Y-%m}"}
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    return _save(
        request,
        form,
        lambda data: report_services.progress_report_submit(
            actor=request.user, project_id=project.pk, **data
        ),
        template="projects/progress/report_form.html",
        context={"project": project, "editing": None, "reportable": project.stage in REPORTABLE_STAGES},
        success="月报已报送",
        back=_back(project),
    )


@login_required
def report_edit(request, pk: int, month: str):
    project = _project(request, pk)
    report = get_or_404(selectors.report_get, project=project, month=parse_month(month))
    if not may_report(request.user, project):
        raise PermissionDenied("只有项目秘书或牵头单位可以修改该项目的月报")
    initial = {
        "month_investment": report.month_investment,
        "image_progress": report.image_progress,
        "workers": report.workers,
        "machinery": report.machinery,
        "version": report.version,
    }
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial, editing=report)
    return _save(
        request,
        form,
        lambda data: report_services.progress_report_update(actor=request.user, report_id=report.pk, **data),
        template="projects/progress/report_form.html",
        context={"project": project, "editing": report, "reportable": True},
        success="月报已修改",
        back=reverse("projects:report_detail", args=[project.pk, f"{report.month:%Y-%m}"]),
        fresh=lambda: type(report).objects.get(pk=report.pk).version,
    )


@login_required
def report_detail(request, pk: int, month: str):
    project = _project(request, pk)
    report = get_or_404(selectors.report_get, project=project, month=parse_month(month))
    (report,) = selectors.with_due([report])
    summary = selectors.summaries_for([project], report.month)[project.pk]
    return TemplateResponse(
        request,
        "projects/progress/report_detail.html",
        {
            "project": project,
            "report": report,
            "summary": summary,
            "problems": selectors.problem_rows([report]),
            "can_edit": may_report(request.user, project),
        },
    )


@login_required
def report_photo(request, pk: int, photo_id: int):
    project = _project(request, pk)
    photo = ReportPhoto.objects.filter(pk=photo_id, report__project=project).first()
    if photo is None:
        raise Http404("照片不存在或您无权访问")
    try:
        handle = photo.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("照片已不存在")
    return file_download(
        handle,
        name=photo.original_name,
        fallback=f"photo-{photo.pk}.{photo.kind}",
        content_type=CONTENT_TYPES.get(photo.kind, "application/octet-stream"),
        inline=True,
    )


# -- daily reports ----------------------------------------------------------------------------------


@login_required
def daily_list(request, pk: int):
    project = _project(request, pk)
    month = _month_of(request, today().replace(day=1))
    rows = list(selectors.daily_of(project, month=month))
    return TemplateResponse(
        request,
        "projects/progress/daily_list.html",
        {"project": project, "month": month, "rows": rows, "can_report": may_report(request.user, project)},
    )


@login_required
def daily_new(request, pk: int):
    project = _project(request, pk)
    if not may_report(request.user, project):
        raise PermissionDenied("只有项目秘书或牵头单位可以填报日报")
    form = DailyForm(request.POST or None, initial={"day": today()})
    return _save(
        request,
        form,
        lambda data: report_services.daily_report_submit(actor=request.user, project_id=project.pk, **data),
        template="projects/progress/daily_form.html",
        context={"project": project, "editing": None},
        success="日报已填报",
        back=reverse("projects:daily_list", args=[project.pk]),
    )


@login_required
def daily_edit(request, pk: int, report_id: int):
    project = _project(request, pk)
    daily = get_or_404(selectors.daily_get, project=project, report_id=report_id)
    if not may_report(request.user, project):
        raise PermissionDenied("只有项目秘书或牵头单位可以修改日报")
    initial = {
        "service": daily.service,
        "workers": daily.workers,
        "machinery": daily.machinery,
        "version": daily.version,
    }
    form = DailyForm(request.POST or None, initial=initial, editing=daily)
    return _save(
        request,
        form,
        lambda data: report_services.daily_report_update(actor=request.user, report_id=daily.pk, **data),
        template="projects/progress/daily_form.html",
        context={"project": project, "editing": daily},
        success="日报已修改",
        back=reverse("projects:daily_list", args=[project.pk]) + f"?month={daily.day:%Y-%m}",
        fresh=lambda: type(daily).objects.get(pk=daily.pk).version,
    )


# -- commitments --------------------------------------------------------------------------------------


@login_required
def commitment_new(request, pk: int):
    project = _project(request, pk)
    if not may_record_commitments(request.user, project):
        raise PermissionDenied("只有牵头单位或统筹协调专员可以登记履约承诺")
    form = CommitmentForm(request.POST or None)
    return _save(
        request,
        form,
        lambda data: commitment_services.commitment_create(actor=request.user, project_id=project.pk, **data),
        template="projects/progress/commitment_form.html",
        context={"project": project, "editing": None},
        success="履约承诺已登记",
        back=_back(project, "commitments"),
    )


@login_required
def commitment_edit(request, pk: int, commitment_id: int):
    project = _project(request, pk)
    commitment = get_or_404(selectors.commitment_get, project=project, commitment_id=commitment_id)
    if not may_record_commitments(request.user, project):
        raise PermissionDenied("只有牵头单位或统筹协调专员可以修改履约承诺")
    initial = {
        "party": commitment.party,
        "content": commitment.content,
        "basis": commitment.basis,
        "due_on": commitment.due_on,
        "responsible_unit": commitment.responsible_unit_id,
        "version": commitment.version,
    }
    form = CommitmentForm(request.POST or None, initial=initial, editing=commitment)
    return _save(
        request,
        form,
        lambda data: commitment_services.commitment_update(
            actor=request.user, commitment_id=commitment.pk, **data
        ),
        template="projects/progress/commitment_form.html",
        context={"project": project, "editing": commitment},
        success="履约承诺已修改",
        back=_back(project, "commitments"),
        fresh=lambda: type(commitment).objects.get(pk=commitment.pk).version,
    )


@login_required
@require_POST
def commitment_move(request, commitment_id: int, name: str):
    project_id = Commitment.objects.filter(pk=commitment_id).values_list("project_id", flat=True).first()
    if project_id is None:
        raise Http404("对象不存在或您无权访问")
    project = _project(request, project_id)
    commitment = get_or_404(selectors.commitment_get, project=project, commitment_id=commitment_id)
    return move_view(request, COMMITMENT, pk=commitment.pk, name=name, back=_back(project, "commitments"))


@login_required
def overdue_commitments(request):
    _government(request)
    rows = selectors.overdue_commitments_for_user(user=request.user, today=today())
    return TemplateResponse(
        request, "projects/progress/commitments_overdue.html", {"rows": rows, "today": today()}
    )


# -- the month's reports, the briefing, the board -------------------------------------------------------


@login_required
def late_reports(request):
    _government(request)
    now_day = today()
    month = _month_of(request, selectors.default_month(now_day))
    state = selectors.reporting_month(user=request.user, month=month, today=now_day)
    lists = [
        ("missing", _("逾期未报"), state.missing),
        ("late", _("迟报"), state.late),
        ("pending", _("未到截止日、尚未报送"), state.pending),
        ("on-time", _("按时报送"), state.on_time),
    ]
    return TemplateResponse(
        request, "projects/progress/late_reports.html", {"state": state, "month": month, "lists": lists}
    )


def _briefing(request):
    _government(request)
    filters = clean_filters(MonthFilter(request.GET))
    month = filters.get("month") or selectors.default_month(today())
    return briefing_reads.monthly_briefing(user=request.user, month=month, unit_id=filters.get("unit"))


@login_required
def briefing(request):
    data = _briefing(request)
    return TemplateResponse(request, "projects/progress/briefing.html", {"briefing": data})


@login_required
def briefing_xlsx(request):
    data = _briefing(request)
    scope = data.unit.name if data.unit is not None else data.scope_name
    name = file_name("项目月度通报", scope, month_cn(data.month), ext="xlsx")
    return download(
        briefing_reads.briefing_xlsx(data),
        name=name,
        content_type=XLSX,
        fallback=f"project-briefing-{data.month:%Y-%m}.xlsx",
    )


def board(request):
    """The public progress board (挂牌展示, seeds/004 江山 三): no sign-in, public projects
    and public fields only (board.py)."""
    month = _month_of(request, selectors.default_month(today()))
    groups = board_reads.board(month)
    return TemplateResponse(
        request,
        "projects/progress/board.html",
        {
            "month": month,
            "groups": groups,
            "total": sum(len(cards) for _c, cards in groups),
            "classes": ProgressClass,
            "due": report_due(month).date,
        },
    )
