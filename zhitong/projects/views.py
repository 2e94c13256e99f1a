"""Pages of the project library: the list, a project's page (its sections, see
`sections.py`) and the one POST endpoint of the stage table."""

from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhitong.common.pages import get_or_404, move_forms, move_view, today

from . import selectors
from .machines import STAGE
from .sections import SECTIONS


@login_required
def project_list(request):
    from .progress.selectors import default_month, summaries_for

    projects = list(selectors.project_list_for_user(user=request.user)[:200])
    # The progress class of last month, for the projects measured against a plan (one
    # batch of queries for the page, progress/calc.py).
    month = default_month(today())
    summaries = summaries_for(projects, month)
    for p in projects:
        p.progress = summaries[p.pk]
    return TemplateResponse(
        request, "projects/project_list.html", {"projects": projects, "progress_month": month}
    )


@login_required
def project_detail(request, pk: int):
    project = get_or_404(selectors.project_get_for_user, user=request.user, project_id=pk)
    now_day = today()
    sections = []
    for section in SECTIONS:
        context = section.context(request, project, now_day)
        if context is not None:
            sections.append({"section": section, "context": context})
    return TemplateResponse(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "sections": sections,
            "moves": move_forms(
                STAGE, request.user, project, url="projects:move", arg=project.pk, today=now_day
            ),
        },
    )


@login_required
@require_POST
def project_move(request, pk: int, name: str):
    project = get_or_404(selectors.project_get_for_user, user=request.user, project_id=pk)
    return move_view(
        request, STAGE, pk=project.pk, name=name, back=reverse("projects:detail", args=[project.pk])
    )
