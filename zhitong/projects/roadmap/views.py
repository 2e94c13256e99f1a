"""The roadmap's pages: planning (choose the milestones, the target or start date →
preview → save), one milestone (its facts, history and moves: edit, record completion,
undo), and the one POST endpoint of the milestone table. The project page shows the
roadmap in its section (sections.py: `roadmap_section`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhitong.common.pages import MoveForm, get_or_404, history_rows, move_view, today
from zhitong.common.transitions import state_changes
from zhitong.core.errors import ServiceError

from .. import selectors as project_selectors
from ..models import MilestoneStatus, PlanRule
from . import rules, selectors, services
from .forms import PlanForm
from .machine import MILESTONE


def _choices():
    agents = [
        (str(u.pk), f"{u.display_name}（{u.unit.display_name}）" if u.unit_id else u.display_name)
        for u in selectors.agent_choices()
    ]
    units = [(str(u.pk), u.display_name) for u in selectors.unit_choices()]
    return agents, units


ROW_FILTERS = ("open", "red", "yellow", "done")


def _shown(milestone, shown: str) -> bool:
    if shown == "done":
        return milestone.status == MilestoneStatus.DONE
    if shown == "open":
        return milestone.status == MilestoneStatus.OPEN
    return milestone.light == shown


def roadmap_section(request, project, now_day):
    """The project page's section "推进路径图": the chart, the rows and the plan button."""
    milestones = selectors.decorate(selectors.milestone_list_for_project(project), now_day)
    chart = selectors.roadmap_chart(milestones, now_day)
    chart["labels"] = {
        "planned": _("计划"),
        "actual": _("实际完成"),
        "overrun": _("超期"),
        "today": _("今天"),
        "workdays": _("个工作日"),
        "provisional": _("（预测）"),
        "done": _("已完成"),
        "late": _("逾期完成"),
    }
    # The counts above the table link to it filtered (?milestones=red#roadmap): each
    # count equals the rows it lists. The chart always shows the whole roadmap.
    shown = request.GET.get("milestones", "")
    rows = [m for m in milestones if _shown(m, shown)] if shown in ROW_FILTERS else milestones
    return {
        "project_id": project.pk,
        "milestones": milestones,
        "rows": rows,
        "filter": shown if shown in ROW_FILTERS else "",
        "chart": chart,
        "summary": selectors.roadmap_summary(milestones),
        "can_plan": services.can_plan(request.user, project)
        and not any(m.status == MilestoneStatus.DONE for m in milestones),
        "green_channel": project.green_channel,
        "green_percent": rules.green_channel_percent(),
        "yellow_workdays": rules.YELLOW_WORKDAYS,
    }


@login_required
def roadmap_plan(request, pk: int):
    project = get_or_404(project_selectors.project_get_for_user, user=request.user, project_id=pk)
    if not services.can_plan(request.user, project):
        raise PermissionDenied(_("只有统筹协调专员和项目牵头单位可以编制推进路径图"))
    existing = selectors.milestone_list_for_project(project)
    agents, units = _choices()
    data = request.POST if request.method == "POST" else None
    initial = {}
    if existing and existing[0].plan_rule in (PlanRule.REVERSE, PlanRule.FORWARD):
        initial = {"direction": existing[0].plan_rule, "anchor": existing[0].plan_anchor}
    form = PlanForm(data, agents=agents, units=units, initial=initial)
    preview = None
    if data is not None and form.is_valid():
        args = {
            "direction": form.cleaned_data["direction"],
            "anchor": form.cleaned_data["anchor"],
            "items": form.items(),
        }
        try:
            if "save" in request.POST:
                services.roadmap_plan(
                    project_id=project.pk, actor=request.user, replace=form.cleaned_data["replace"], **args
                )
                messages.success(request, _("推进路径图已保存"))
                return redirect(reverse("projects:detail", args=[project.pk]) + "#roadmap")
            preview = services.roadmap_preview(project=project, **args)
        except ServiceError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
    return TemplateResponse(
        request,
        "projects/roadmap/plan.html",
        {
            "project": project,
            "form": form,
            "rows": form.rows(),
            "preview": preview,
            "existing": existing,
            "green_percent": rules.green_channel_percent(),
            "is_reverse": (form["direction"].value() or PlanRule.REVERSE) == PlanRule.REVERSE,
        },
    )


@login_required
def milestone_detail(request, pk: int, mid: int):
    milestone = get_or_404(
        selectors.milestone_get_for_user, user=request.user, milestone_id=mid, project_id=pk
    )
    now_day = today()
    selectors.decorate([milestone], now_day)
    by_name = {
        m.name: MoveForm(
            move=m,
            action=reverse("projects:milestone_move", args=[pk, milestone.pk, m.name]),
            version=milestone.version,
            multipart=False,
        )
        for m in MILESTONE.available(request.user, milestone, today=now_day)
    }
    needs_choices = "edit" in by_name
    agents, units = _choices() if needs_choices else ([], [])
    return TemplateResponse(
        request,
        "projects/roadmap/milestone.html",
        {
            "project": milestone.project,
            "milestone": milestone,
            "edit": by_name.get("edit"),
            "complete": by_name.get("complete"),
            "reopen": by_name.get("reopen"),
            "agents": agents,
            "units": units,
            "history": history_rows(MILESTONE, state_changes(milestone)),
            "today": now_day,
            "yellow_workdays": rules.YELLOW_WORKDAYS,
        },
    )


@login_required
@require_POST
def milestone_move(request, pk: int, mid: int, name: str):
    milestone = get_or_404(
        selectors.milestone_get_for_user, user=request.user, milestone_id=mid, project_id=pk
    )
    return move_view(
        request,
        MILESTONE,
        pk=milestone.pk,
        name=name,
        back=reverse("projects:milestone", args=[pk, milestone.pk]),
    )
