"""Pages of the tasks coordination opinions give to units: the unit's list with deadlines
and lights, the supervision office's list of all (overdue first), reports, confirmation."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from .. import permissions, selectors, services
from ..choices import TaskStatus
from ..forms import NoteForm, ReasonForm, TaskReportForm
from ._common import get_or_404, invalid, perform, today


@login_required
def task_list(request):
    now_day = today()
    status = request.GET.get("status", "open")
    light = request.GET.get("light", "")
    source = request.GET.get("source", "")
    base = selectors.task_list_for_user(user=request.user)
    qs = selectors.task_filter(base, status=status, light=light, source=source, today=now_day)
    if light == "red" or request.GET.get("order") == "due":
        qs = qs.order_by("due", "id")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for task in page:
        task.light = selectors.task_light(task, now_day)
        task.overdue = selectors.overdue_workdays(task, now_day)
    return TemplateResponse(
        request,
        "coordination/task_list.html",
        {
            "page": page,
            "status": status,
            "light": light,
            "source": source,
            "counts": selectors.task_counts(base, today=now_day),
            "statuses": TaskStatus.choices,
            "can_confirm": permissions.can_confirm_task(request.user),
            "today": now_day,
        },
    )


@login_required
def task_detail(request, pk):
    task = get_or_404(selectors.task_get_for_user, user=request.user, task_id=pk)
    now_day = today()
    return TemplateResponse(
        request,
        "coordination/task_detail.html",
        {
            "task": task,
            "light": selectors.task_light(task, now_day),
            "overdue": selectors.overdue_workdays(task, now_day),
            "reports": task.reports.select_related("actor", "actor__unit"),
            "can_report": permissions.can_report_task(request.user, task)
            and task.status in (TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS),
            "can_confirm": permissions.can_confirm_task(request.user) and task.status == TaskStatus.REPORTED,
            "report_form": TaskReportForm(initial={"version": task.version}),
            "note_form": NoteForm(),
            "reason_form": ReasonForm(),
        },
    )


def _back(task) -> str:
    return reverse("coordination:task_detail", args=[task.pk])


@login_required
@require_POST
def task_report(request, pk):
    task = get_or_404(selectors.task_get_for_user, user=request.user, task_id=pk)
    form = TaskReportForm(request.POST)
    if not form.is_valid():
        return invalid(request, _back(task), form)
    d = form.cleaned_data
    fn = services.task_report_done if d["kind"] == "done" else services.task_report_progress
    return perform(
        request,
        _back(task),
        lambda: fn(actor=request.user, task_id=task.pk, note=d["note"], version=d["version"]),
        "已报办结，待确认" if d["kind"] == "done" else "进展已填报",
    )


@login_required
@require_POST
def task_confirm(request, pk):
    task = get_or_404(selectors.task_get_for_user, user=request.user, task_id=pk)
    form = NoteForm(request.POST)
    form.is_valid()
    return perform(
        request,
        _back(task),
        lambda: services.task_confirm(
            actor=request.user, task_id=task.pk, note=form.cleaned_data.get("note", "")
        ),
        "已确认办结",
    )


@login_required
@require_POST
def task_reject(request, pk):
    task = get_or_404(selectors.task_get_for_user, user=request.user, task_id=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return invalid(request, _back(task), form)
    return perform(
        request,
        _back(task),
        lambda: services.task_reject(actor=request.user, task_id=task.pk, reason=form.cleaned_data["reason"]),
        "已退回继续办理",
    )
