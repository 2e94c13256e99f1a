"""Pages of the tasks coordination opinions give to units: the unit's list with deadlines
and lights, the supervision office's list of all (overdue first), and the moves of the
TASK table (report progress, report done, confirm, reject) through one endpoint."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhitong.common.forms import clean_filters
from zhitong.organizations.access import government_page

from .. import permissions, selectors
from ..choices import TaskStatus
from ..forms import TaskFilterForm
from ..machines.tasks import TASK
from ._common import get_or_404, move_forms, move_view, today


@government_page
def task_list(request):
    now_day = today()
    f = clean_filters(TaskFilterForm(request.GET))
    status = f.get("status", "open") if "status" in request.GET else "open"
    light, source = f.get("light") or "", f.get("source") or ""
    base = selectors.task_list_for_user(user=request.user)
    qs = selectors.task_filter(base, status=status or "", light=light, source=source, today=now_day)
    if light == "red" or f.get("order") == "due":
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
            "moves": move_forms(
                TASK, request.user, task, url="coordination:task_move", arg=task.pk, today=now_day
            ),
        },
    )


@login_required
@require_POST
def task_move(request, pk, name):
    task = get_or_404(selectors.task_get_for_user, user=request.user, task_id=pk)
    back = reverse("coordination:task_detail", args=[task.pk])
    return move_view(request, TASK, pk=task.pk, name=name, back=back)
