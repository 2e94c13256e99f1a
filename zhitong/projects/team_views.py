"""Pages of the lead unit and the team: the project page's sections "牵头单位" and "服务团队"
(their contexts, see sections.py), the POST endpoints of their forms, the butler coverage
reports (page and .xlsx) and the assignment of an enterprise's butler.

Every read starts from a scoped selector (a project or enterprise outside the user's scope
is a 404); who may change what is the services' rule (a refusal comes back as a message)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zhitong.common.forms import id_or_none
from zhitong.common.pages import first_error, get_or_404, invalid, perform
from zhitong.core.downloads import XLSX, download, file_name
from zhitong.core.errors import ServiceError
from zhitong.core.spreadsheets import Book, Column
from zhitong.enterprises.models import Contact, Enterprise
from zhitong.enterprises.selectors import enterprise_get_for_user
from zhitong.enterprises.services import enterprise_set_butler
from zhitong.organizations.capabilities import assigns_butlers, is_hub, reads_butler_coverage
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.models import Unit, User
from zhitong.organizations.selectors import leaders_for_unit, user_scope_unit_ids

from . import coverage, selectors
from .lead import BUILD_PHASE, decide_lead
from .models import MemberRole, Project, ProjectLevel, ProjectMember
from .services import lead as lead_services
from .services import team as team_services
from .team_forms import ButlerForm, EndForm, EscalateForm, LeadOverrideForm, MemberForm, VersionForm

R = MemberRole
STAFF_ROLES = (Role.HANDLER, Role.UNIT_HEAD, Role.CLERK)
RULE_LABELS = [
    (R.HELPER_UNIT, _("帮办单位")),
    (R.SUPERVISOR_UNIT, _("督办单位")),
    (R.COOPERATOR_UNIT, _("协办单位")),
    (R.TEAM_UNIT, _("配合单位")),
]


def _project(request, pk: int) -> Project:
    return get_or_404(selectors.project_get_for_user, user=request.user, project_id=pk)


def _back(project: Project, anchor: str) -> str:
    return reverse("projects:detail", args=[project.pk]) + f"#{anchor}"


def _units():
    return Unit.objects.filter(is_active=True).exclude(kind=UnitKind.SECTION).order_by("sort_order", "code")


def _city_leaders():
    return User.objects.filter(
        role=Role.LEADER, is_active=True, leader_level__in=lead_services.CITY_LEADER_LEVELS
    ).order_by("leader_level", "pk")


# -- the section "牵头单位" ------------------------------------------------------------------------


def lead_context(request, project: Project, today) -> dict:
    user = request.user
    decision = decide_lead(project)
    rows = list(
        ProjectMember.objects.filter(
            project=project, by_rule=True, role__in=[*[r for r, _ in RULE_LABELS], R.LEAD_UNIT]
        )
        .select_related("unit")
        .order_by("since", "id")
    )
    current = [r for r in rows if r.until is None and r.role != R.LEAD_UNIT]
    recorded = any(r.role == R.LEAD_UNIT for r in rows)
    groups = []
    for role, label in RULE_LABELS:
        if recorded:
            units = [r.unit for r in current if r.role == role]
        else:  # not yet stored (a project created before the rules): what they say now
            units = list(decision.units()[role])
        if units:
            groups.append({"label": label, "units": units})
    escalation = lead_services.current_escalation(project)
    may_escalate = lead_services.can_escalate(user, project)
    suggested = list(leaders_for_unit(project.lead_unit)[:1]) if may_escalate else []
    return {
        "decision": decision,
        "basis": project.lead_basis or decision.explanation,
        "recorded": bool(project.lead_basis) and recorded,
        # The facts say another lead unit than the stored one (edited without re-deciding).
        "stale": not decision.overridden and decision.lead_unit.pk != project.lead_unit_id,
        "groups": groups,
        "history": [r for r in rows if r.role == R.LEAD_UNIT],
        "escalation": escalation,
        "escalations": list(
            ProjectMember.objects.filter(project=project, role=R.LEADER_SUPERVISOR)
            .select_related("user")
            .order_by("since", "id")
        ),
        "version": project.version,
        "can_override": is_hub(user),
        "units": _units() if is_hub(user) else [],
        "can_escalate": may_escalate and project.stage in BUILD_PHASE and escalation is None,
        "can_end_escalation": may_escalate and escalation is not None,
        "leaders": suggested + [u for u in _city_leaders() if u not in suggested] if may_escalate else [],
    }


# -- the section "服务团队" ------------------------------------------------------------------------


def _related_unit_paths(project: Project) -> list[str]:
    units = [
        project.lead_unit,
        project.location,
        project.first_contact_unit,
        project.introducing_unit,
        project.designated_unit,
        project.industry_unit,
    ]
    from .lead import county_of, department_of

    out = []
    for u in units:
        if u is None:
            continue
        root = county_of(u) or department_of(u)
        if root.path not in out:
            out.append(root.path)
    return out


def _staff_of(paths: list[str], roles) -> list:
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(unit__path__startswith=path)
    return list(
        User.objects.filter(q, is_active=True, role__in=roles)
        .select_related("unit")
        .order_by("unit__path", "pk")
    )


def _candidates(project: Project, role: str, paths: list[str]):
    if role == R.LEADER:
        if project.level == ProjectLevel.CITY_MAJOR:
            return list(_city_leaders())
        leaders = list(User.objects.filter(role=Role.LEADER, is_active=True).order_by("leader_level", "pk"))
        return leaders + _staff_of(paths, [Role.UNIT_HEAD])
    if role == R.CHIEF_SERVICE:
        return list(User.objects.filter(role=Role.LEADER, is_active=True).order_by("leader_level", "pk"))
    if role in (R.BUTLER, R.SECRETARY):
        return _staff_of(paths, STAFF_ROLES)
    if role == R.ENTERPRISE_CONTACT:
        return list(Contact.objects.filter(enterprise_id=project.owner_id).order_by("-is_primary", "id"))
    return list(_units())


ROLE_HELP = {
    R.LEADER: _("一个项目、一个领导；市重大项目由市级领导包扶（seeds/003 一）"),
    R.CHIEF_SERVICE: _("由领导班子成员担任，每周到现场（seeds/004 枣阳）"),
    R.BUTLER: _("协调解决企业难题、传递政策信息，全生命周期服务（seeds/002）"),
    R.SECRETARY: _("每天深入现场，报送服务情况、工人数、机械数（seeds/004 枣阳）"),
    R.ENTERPRISE_CONTACT: _("1+1+N 中企业一方的联系人（seeds/002）"),
    R.TEAM_UNIT: _("1+1+N 中的相关行政职能部门联系人（seeds/002）"),
}


def team_context(request, project: Project, today) -> dict:
    user = request.user
    rows = list(
        ProjectMember.objects.filter(project=project, role__in=team_services.ASSIGNABLE, by_rule=False)
        .select_related("user", "user__unit", "unit", "contact")
        .order_by("since", "id")
    )
    paths = _related_unit_paths(project)
    staff = None
    roles = []
    for role in team_services.ASSIGNABLE:
        current = [r for r in rows if r.role == role and r.until is None]
        manage = team_services.can_manage_team(user, project, role)
        candidates = []
        if manage:
            candidates = _candidates(project, role, paths)
        if role == R.TEAM_UNIT and manage:
            if staff is None:
                staff = _staff_of(["/"], [Role.HANDLER, Role.UNIT_HEAD])
        roles.append(
            {
                "role": role,
                "label": R(role).label,
                "help": ROLE_HELP[role],
                "current": current,
                "single": role in team_services.SINGLE,
                "kind": "contact"
                if role == R.ENTERPRISE_CONTACT
                else "unit"
                if role == R.TEAM_UNIT
                else "user",
                "manage": manage,
                "candidates": candidates,
                # A leader recorded on the project before the team rows existed.
                "unrecorded": project.leader
                if role == R.LEADER and not current and project.leader_id
                else None,
            }
        )
    by_role = {r["role"]: r for r in roles}
    return {
        "roles": roles,
        "staff": staff or [],
        "history": [r for r in rows if r.until is not None],
        "version": project.version,
        "today": today,
        "one_one_n": {
            "butler": by_role[R.BUTLER]["current"],
            "contact": by_role[R.ENTERPRISE_CONTACT]["current"],
            "units": by_role[R.TEAM_UNIT]["current"],
        },
        "needs_city_leader": team_services.city_major_needs_city_leader(project, today),
    }


# -- POST endpoints ---------------------------------------------------------------------------


def _form_or_back(request, form, back):
    if not form.is_valid():
        return None, invalid(request, back, form)
    return form.cleaned_data, None


@login_required
@require_POST
def lead_override(request, pk: int):
    project = _project(request, pk)
    back = _back(project, "lead")
    data, refused = _form_or_back(request, LeadOverrideForm(request.POST), back)
    if refused:
        return refused
    return perform(
        request,
        back,
        lambda: lead_services.project_override_lead(
            project_id=project.pk,
            actor=request.user,
            unit=data["unit"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        "已人工指定牵头单位",
    )


def _versioned_lead_post(request, pk: int, service, success: str):
    """A lead-unit action that takes nothing but the version the page was rendered at."""
    project = _project(request, pk)
    back = _back(project, "lead")
    data, refused = _form_or_back(request, VersionForm(request.POST), back)
    if refused:
        return refused
    return perform(
        request,
        back,
        lambda: service(project_id=project.pk, actor=request.user, expected_version=data["version"]),
        success,
    )


@login_required
@require_POST
def lead_clear(request, pk: int):
    return _versioned_lead_post(
        request, pk, lead_services.project_clear_lead_override, "已取消人工指定，按规则确定牵头单位"
    )


@login_required
@require_POST
def lead_apply(request, pk: int):
    """The hub decides the lead unit again from the project's current facts."""
    return _versioned_lead_post(request, pk, lead_services.project_redecide_lead, "已按规则重新确定牵头单位")


@login_required
@require_POST
def lead_escalate(request, pk: int):
    project = _project(request, pk)
    back = _back(project, "lead")
    data, refused = _form_or_back(request, EscalateForm(request.POST), back)
    if refused:
        return refused
    return perform(
        request,
        back,
        lambda: lead_services.project_escalate(
            project_id=project.pk,
            actor=request.user,
            leader=data["leader"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        "已呈报市政府分管领导",
    )


@login_required
@require_POST
def lead_escalation_end(request, pk: int):
    project = _project(request, pk)
    back = _back(project, "lead")
    data, refused = _form_or_back(request, EndForm(request.POST), back)
    if refused:
        return refused
    return perform(
        request,
        back,
        lambda: lead_services.project_end_escalation(
            project_id=project.pk, actor=request.user, reason=data["reason"], expected_version=data["version"]
        ),
        "已结束市领导督办",
    )


@login_required
@require_POST
def team_assign(request, pk: int, role: str):
    project = _project(request, pk)
    back = _back(project, "team")
    if role not in team_services.ASSIGNABLE:
        messages.error(request, "该角色不能在服务团队中直接指定")
        return redirect(back)
    data, refused = _form_or_back(request, MemberForm(request.POST, project=project), back)
    if refused:
        return refused
    return perform(
        request,
        back,
        lambda: team_services.member_assign(
            project_id=project.pk,
            actor=request.user,
            role=role,
            user=data["user"],
            unit=data["unit"],
            contact=data["contact"],
            on=data["on"],
            basis=data["basis"],
            expected_version=data["version"],
        ),
        f"已指定{R(role).label}",
    )


@login_required
@require_POST
def team_replace(request, pk: int, member_id: int):
    project = _project(request, pk)
    back = _back(project, "team")
    data, refused = _form_or_back(request, MemberForm(request.POST, project=project), back)
    if refused:
        return refused
    return perform(
        request,
        back,
        lambda: team_services.member_replace(
            project_id=project.pk,
            actor=request.user,
            member_id=member_id,
            user=data["user"],
            unit=data["unit"],
            contact=data["contact"],
            on=data["on"],
            basis=data["basis"],
            expected_version=data["version"],
        ),
        "已更换",
    )


@login_required
@require_POST
def team_end(request, pk: int, member_id: int):
    project = _project(request, pk)
    back = _back(project, "team")
    data, refused = _form_or_back(request, EndForm(request.POST), back)
    if refused:
        return refused
    return perform(
        request,
        back,
        lambda: team_services.member_end(
            project_id=project.pk,
            actor=request.user,
            member_id=member_id,
            on=data["on"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        "已结束任职",
    )


# -- butler coverage (seeds/002 项目管家全覆盖) ---------------------------------------------------

KINDS = {"enterprises": "规上/限上企业", "projects": "重大项目"}
ENTERPRISE_COLUMNS = [
    Column("序号", 6, center=True),
    Column("企业名称", 36),
    Column("统一社会信用代码", 22, center=True),
    Column("所在县区/园区", 16),
    Column("规模", 14, center=True),
    Column("行业", 12, center=True),
    Column("原项目管家", 14),
]
PROJECT_COLUMNS = [
    Column("序号", 6, center=True),
    Column("项目编码", 14, center=True),
    Column("项目名称", 34),
    Column("业主企业", 28),
    Column("层级", 12, center=True),
    Column("阶段", 10, center=True),
    Column("落地县区/园区", 14),
    Column("牵头单位", 16),
]
SUMMARY_COLUMNS = [
    Column("范围", 18),
    Column("应配备", 10, center=True),
    Column("已配备", 10, center=True),
    Column("未配备", 10, center=True),
    Column("配备率", 10, center=True),
]


def _coverage_filters(request) -> dict:
    g = request.GET
    kind = g.get("kind") if g.get("kind") in KINDS else "enterprises"
    location = None
    location_id = id_or_none(g.get("location") or "")
    if location_id:
        location = Unit.objects.filter(pk=location_id, kind__in=[UnitKind.COUNTY, UnitKind.PARK]).first()
    level = g.get("level") if g.get("level") in coverage.MAJOR_LEVELS else ""
    return {"kind": kind, "location": location, "level": level}


def _gaps(user, f):
    if f["kind"] == "projects":
        return (
            coverage.projects_without_butler(user=user, level=f["level"] or None, location=f["location"])
            .select_related("owner", "location", "lead_unit")
            .order_by("level", "code")
        )
    return (
        coverage.enterprises_without_butler(user=user, location=f["location"])
        .select_related("location", "butler")
        .order_by("location__sort_order", "location__code", "name", "id")
    )


def _require_coverage(user):
    if not reads_butler_coverage(user):
        raise PermissionDenied("您的角色无需查看项目管家配备情况")


@login_required
def butler_coverage(request):
    """Which 规上/限上 enterprises and which major projects have no butler, in scope."""
    _require_coverage(request.user)
    f = _coverage_filters(request)
    summary = (
        coverage.project_coverage(user=request.user)
        if f["kind"] == "projects"
        else coverage.enterprise_coverage(user=request.user)
    )
    gaps = list(_gaps(request.user, f))
    for e in gaps if f["kind"] == "enterprises" else ():
        e.size_label = _size(e)
    return TemplateResponse(
        request,
        "projects/butler_coverage.html",
        {
            **f,
            "kinds": KINDS,
            "summary": summary,
            "gaps": gaps,
            "levels": [(lv, ProjectLevel(lv).label) for lv in coverage.MAJOR_LEVELS],
            "can_assign": assigns_butlers(request.user),
            "filter_label": _filter_label(f),
        },
    )


def _size(e: Enterprise) -> str:
    return "、".join(
        label for flag, label in (("above_scale", "规上"), ("above_quota", "限上")) if getattr(e, flag)
    )


def _filter_label(f) -> str:
    parts = []
    if f["location"] is not None:
        parts.append(f["location"].display_name)
    if f["kind"] == "projects" and f["level"]:
        parts.append(ProjectLevel(f["level"]).label)
    return "、".join(parts)


@login_required
def butler_coverage_export(request):
    """The same report as an .xlsx: the summary, then the list of those without a butler."""
    _require_coverage(request.user)
    f = _coverage_filters(request)
    today = timezone.localdate()
    day = f"{today.year}年{today.month}月{today.day}日"
    title = f"{KINDS[f['kind']]}项目管家配备情况"
    gaps = list(_gaps(request.user, f))
    if f["kind"] == "projects":
        summary = coverage.project_coverage(user=request.user)
        rows = [
            [
                i,
                p.code,
                p.name,
                p.owner.name,
                p.get_level_display(),
                p.get_stage_display(),
                p.location.display_name,
                p.lead_unit.display_name,
            ]
            for i, p in enumerate(gaps, start=1)
        ]
        columns = PROJECT_COLUMNS
    else:
        summary = coverage.enterprise_coverage(user=request.user)
        rows = [
            [
                i,
                e.name,
                e.credit_code,
                e.location.display_name,
                _size(e),
                e.get_industry_display(),
                e.butler.display_name if e.butler_id else "",
            ]
            for i, e in enumerate(gaps, start=1)
        ]
        columns = ENTERPRISE_COLUMNS
    label = _filter_label(f)
    book = Book()
    book.sheet("汇总", SUMMARY_COLUMNS, title=title, subtitle=f"统计日期：{day}", landscape=False).rows(
        [[r.label, r.total, r.covered, r.missing, r.rate] for r in summary]
    )
    sheet = book.sheet(
        "未配备名单",
        columns,
        title=f"未配备项目管家的{KINDS[f['kind']]}",
        subtitle="　".join(
            p for p in (f"范围：{label}" if label else "", f"统计日期：{day}", f"共{len(rows)}个") if p
        ),
    )
    sheet.rows(rows)
    sheet.autofilter()
    return download(
        book.close(),
        name=file_name(title, label, day, ext="xlsx"),
        fallback=f"butler-coverage-{f['kind']}-{today:%Y-%m-%d}.xlsx",
        content_type=XLSX,
    )


def _butler_candidates(user, enterprise: Enterprise):
    """Whom `user` may make the enterprise's butler: government staff in the user's scope
    (the whole city for the hub), those of the enterprise's county or park first."""
    ids = user_scope_unit_ids(user)
    qs = User.objects.filter(is_active=True, role__in=[Role.HANDLER, Role.UNIT_HEAD]).select_related("unit")
    if ids is not None:
        qs = qs.filter(unit_id__in=ids)
    local = enterprise.location.path
    return sorted(
        qs,
        key=lambda u: (not (u.unit and u.unit.path.startswith(local)), u.unit.path if u.unit else "", u.pk),
    )


def _may_assign(user, enterprise: Enterprise) -> bool:
    if not assigns_butlers(user):
        return False
    ids = user_scope_unit_ids(user)
    return ids is None or enterprise.location_id in ids


@login_required
def enterprise_butler(request, enterprise_id: int):
    """Assign (or change, or clear) an enterprise's butler (seeds/002): the hub, or the
    handlers and heads of the county or park the enterprise is in."""
    enterprise = get_or_404(enterprise_get_for_user, user=request.user, enterprise_id=enterprise_id)
    if not _may_assign(request.user, enterprise):
        raise PermissionDenied("只有统筹协调专员或企业所在县区、园区的工作人员可以指定项目管家")
    candidates = _butler_candidates(request.user, enterprise)
    form = ButlerForm(request.POST or None, initial={"butler": enterprise.butler_id})
    form.fields["butler"].queryset = User.objects.filter(pk__in=[u.pk for u in candidates])
    if request.method == "POST":
        if form.is_valid():
            try:
                enterprise_set_butler(
                    actor=request.user, enterprise=enterprise, butler=form.cleaned_data["butler"]
                )
            except ServiceError as exc:
                form.add_error("butler", exc.message)
            else:
                chosen = form.cleaned_data["butler"]
                messages.success(
                    request, f"已指定项目管家：{chosen.display_name}" if chosen else "已取消项目管家"
                )
                return redirect(reverse("projects:butlers") + "?kind=enterprises")
        if form.errors:
            messages.error(request, first_error(form))
    return TemplateResponse(
        request,
        "projects/enterprise_butler.html",
        {"enterprise": enterprise, "form": form, "candidates": candidates},
    )
