"""Pages of the project library (seeds/003 八 项目信息资讯平台 / 在谈项目信息库): the list with
its filters and counts per stage, its .xlsx export and import, entering and editing a
project, a project's page (its sections, see `sections.py`) and the one POST endpoint of
the stage table."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhitong.common.forms import refusal_message
from zhitong.common.pages import get_or_404, import_submission, move_forms, move_view, today
from zhitong.core.downloads import XLSX, download
from zhitong.core.errors import ServiceError
from zhitong.organizations.access import government_page
from zhitong.organizations.capabilities import is_enterprise_user
from zhitong.organizations.imports import template_xlsx
from zhitong.organizations.selectors import scope_root

from . import permissions, selectors, services
from .exports import projects_xlsx
from .forms import ProjectFilterForm, ProjectForm
from .imports import PROJECT_COLUMNS, projects_import
from .machines import STAGE
from .models import ProjectStage
from .sections import SECTIONS

PAGE_SIZE = 25


def _filtered(request):
    form = ProjectFilterForm(request.GET)
    return form, selectors.project_list_for_user(user=request.user, **form.filters())


def _filters_in_words(form: ProjectFilterForm) -> str:
    parts = []
    for name, value in form.cleaned().items():
        field = form.fields[name]
        if name == "owner":
            parts.append(f"业主企业：{form.owner_name}")
        elif hasattr(field, "choices"):
            label = dict((str(k), v) for k, v in field.choices).get(str(value), value)
            parts.append(f"{field.label}：{label}")
        else:
            parts.append(f"{field.label}：{value}")
    return "；".join(parts)


@government_page
def project_list(request):
    form, qs = _filtered(request)
    counts = selectors.project_stage_counts(
        selectors.project_list_for_user(user=request.user, **form.filters(stage=False))
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    # The progress class of last month, for the projects measured against a plan (one
    # batch of queries for the page, progress/calc.py).
    from .progress.selectors import default_month, summaries_for

    month = default_month(today())
    summaries = summaries_for(list(page.object_list), month)
    for p in page.object_list:
        p.progress = summaries[p.pk]
    current = form.cleaned().get("stage", "")
    rest = form.query(page=None)
    return TemplateResponse(
        request,
        "projects/project_list.html",
        {
            "form": form,
            "page_obj": page,
            "projects": page.object_list,
            "page_prefix": "?" + (rest + "&" if rest else ""),
            # Each count links to the list it counts (the same filters and that stage).
            "stage_tabs": [
                (value, label, counts[value], "?" + form.query(stage=value, page=None), current == value)
                for value, label in ProjectStage.choices
            ],
            "all_tab": (sum(counts.values()), "?" + form.query(stage=None, page=None), not current),
            "export_query": form.query(page=None),
            "owner_clear_query": form.query(owner=None, page=None),
            "filters_text": _filters_in_words(form),
            "can_create": permissions.can_create_project(request.user),
            "can_import": permissions.can_import_projects(request.user),
            "progress_month": month,
        },
    )


@government_page
def project_export(request):
    """The list as filtered on the page, as .xlsx (every row, not one page)."""
    form, qs = _filtered(request)
    body, name = projects_xlsx(qs, user=request.user, today=today(), filters=_filters_in_words(form))
    return download(body, name=name, fallback=f"projects-{today():%Y-%m-%d}.xlsx", content_type=XLSX)


@login_required
def project_detail(request, pk: int):
    project = get_or_404(selectors.project_get_for_user, user=request.user, project_id=pk)
    now_day = today()
    sections = []
    staff = not is_enterprise_user(request.user)
    for section in SECTIONS:
        if not (staff or section.enterprise):
            continue
        context = section.context(request, project, now_day)
        if context is not None:
            sections.append({"section": section, "context": context})
    return TemplateResponse(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "sections": sections,
            "can_edit": permissions.can_edit_project(request.user, project),
            "owner_visible": selectors.owner_visible(request.user, project),
            "moves": move_forms(
                STAGE, request.user, project, url="projects:move", arg=project.pk, today=now_day
            ),
        },
    )


def _page_status(exc: ServiceError) -> int:
    # A page answers a refused rule with the form and its message (200); a conflict with
    # the stored project (a stale form, a code already registered) with 409.
    return 409 if exc.status == 409 else 200


def _refused(form, exc: ServiceError) -> None:
    if exc.field and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    else:
        form.add_error(None, exc.message)


@login_required
def project_create(request):
    user = request.user
    if not permissions.can_create_project(user):
        raise PermissionDenied("只有统筹协调专员和牵头单位的承办人、负责人可以登记项目")
    allowed = permissions.lead_units_allowed(user)
    # Unit staff enter what their own unit leads (a section's staff: their department's).
    initial_lead = scope_root(user.unit).pk if allowed is not None and user.unit_id else None
    posted = request.method == "POST"
    form = ProjectForm(request.POST if posted else None, user=user, lead_unit_ids=allowed)
    status = 200
    if not posted:
        form.initial["lead_unit"] = initial_lead
    elif form.is_valid():
        lead = form.cleaned_data["lead_unit"]
        try:
            permissions.require_create(user, lead.pk)
            project = services.project_create(actor=user, lead_unit=lead, **form.facts())
        except ServiceError as exc:
            status = _page_status(exc)
            _refused(form, exc)
        else:
            messages.success(request, "项目已登记")
            return redirect("projects:detail", project.pk)
    return TemplateResponse(
        request, "projects/project_form.html", {"form": form, "project": None}, status=status
    )


@login_required
def project_edit(request, pk: int):
    project = get_or_404(selectors.project_get_for_user, user=request.user, project_id=pk)
    if not permissions.can_edit_project(request.user, project):
        raise PermissionDenied("只有统筹协调专员和该项目牵头单位可以编辑项目信息")
    posted = request.method == "POST"
    form = ProjectForm(request.POST if posted else None, user=request.user, project=project)
    status = 200
    if posted:
        if form.is_valid():
            try:
                services.project_update(
                    actor=request.user,
                    project_id=project.pk,
                    expected_version=form.cleaned_data["version"],
                    **form.facts(),
                )
            except ServiceError as exc:
                status = _page_status(exc)
                if exc.status == 409 and exc.code == "stale":
                    # Someone else changed the project (an edit or a stage move): the page
                    # shows it as it is now, the form keeps what the user typed.
                    project = get_or_404(selectors.project_get_for_user, user=request.user, project_id=pk)
                    form.add_error(
                        None,
                        refusal_message(
                            form, exc, project.version, version_field="version", kept="您填写的内容已保留，"
                        ),
                    )
                else:
                    _refused(form, exc)
            else:
                messages.success(request, "项目信息已保存")
                return redirect("projects:detail", project.pk)
    return TemplateResponse(
        request, "projects/project_form.html", {"form": form, "project": project}, status=status
    )


@login_required
@require_POST
def project_move(request, pk: int, name: str):
    project = get_or_404(selectors.project_get_for_user, user=request.user, project_id=pk)
    return move_view(
        request, STAGE, pk=project.pk, name=name, back=reverse("projects:detail", args=[project.pk])
    )


# ------------------------------------------------------------------------------ import


@login_required
def project_import(request):
    """Upload → all-or-nothing import with the report of every bad cell; then, if the user
    chooses, only the good rows of the same file (common.pages.import_submission)."""
    if not permissions.can_import_projects(request.user):
        raise PermissionDenied("只有系统管理员和统筹协调专员可以批量导入")
    ctx = {"kind": "projects", "columns": PROJECT_COLUMNS}
    if request.method != "POST":
        return TemplateResponse(request, "projects/import.html", ctx)
    if request.POST.get("kind", "projects") != "projects":
        raise Http404
    result, status = import_submission(request, kind="projects", run=projects_import)
    ctx.update(result)
    return TemplateResponse(request, "projects/import.html", ctx, status=status)


@login_required
def project_import_template(request):
    if not permissions.can_import_projects(request.user):
        raise PermissionDenied("只有系统管理员和统筹协调专员可以批量导入")
    body = template_xlsx(PROJECT_COLUMNS, title="项目导入")
    return download(body, name="项目导入模板.xlsx", fallback="projects-template.xlsx", content_type=XLSX)
