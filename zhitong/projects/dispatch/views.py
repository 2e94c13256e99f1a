"""Pages of dispatch sessions and their coverage, the admission consultation, the quarterly
inspection and the leaders' monthly digest. Plain function views: access is checked here
and in the selectors (scope), the rules are the services'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zhitong.common.forms import id_or_none
from zhitong.common.pages import first_error, get_or_404, month_param, perform, today
from zhitong.core.downloads import DOCX, download
from zhitong.core.errors import ServiceError
from zhitong.organizations.capabilities import (
    can_draw_inspections,
    can_read_inspections,
    can_read_leader_digests,
    can_record_dispatch,
    is_government_user,
    is_hub,
)
from zhitong.organizations.selectors import user_scope_unit_ids

from .. import selectors as project_selectors
from . import digest as digests
from . import draw as drawing
from . import selectors, services
from .documents import digest_docx, digest_file_name
from .forms import ConsultationForm, DrawForm, EntryForm, InspectionForm, SessionForm
from .models import DispatchLevel
from .periods import month_of, parse_period, period_of, quarter_of


def tabs(user, active: str) -> list[dict]:
    """The part's pages the user may open, as tabs across them."""
    entries = []
    if is_government_user(user):
        entries += [("sessions", _("调度会"), "sessions"), ("coverage", _("调度覆盖检查"), "coverage")]
    if can_read_inspections(user):
        entries.append(("inspections", _("季度抽查"), "inspections"))
    if can_read_leader_digests(user) or digests.is_digest_leader(user):
        entries.append(("digest", _("领导月报"), "digest"))
    return [
        {"label": label, "url": reverse(f"projects:dispatch:{name}"), "active": key == active}
        for key, label, name in entries
    ]


def _government(request):
    if not is_government_user(request.user):
        raise PermissionDenied


# -- sessions ----------------------------------------------------------------------------------


def _county_ids_for(user):
    """The counties a user may record monthly sessions for (None: any)."""
    if is_hub(user):
        return None
    return user_scope_unit_ids(user) or set()


@login_required
def session_list(request):
    _government(request)
    level = request.GET.get("level")
    level = level if level in DispatchLevel.values else ""
    sessions = selectors.session_list_for_user(user=request.user, level=level)
    return TemplateResponse(
        request,
        "projects/dispatch/session_list.html",
        {
            "tabs": tabs(request.user, "sessions"),
            "sessions": sessions[:200],
            "level": level,
            "levels": DispatchLevel.choices,
            "can_record": can_record_dispatch(request.user),
            "can_read_inspections": can_read_inspections(request.user),
        },
    )


@login_required
def session_create(request):
    if not can_record_dispatch(request.user):
        raise PermissionDenied
    county_ids = _county_ids_for(request.user)
    initial = {
        "held_on": today(),
        "level": DispatchLevel.CITY if is_hub(request.user) else DispatchLevel.COUNTY,
    }
    form = SessionForm(request.POST or None, initial=initial, county_ids=county_ids)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            session = services.dispatch_session_create(
                actor=request.user,
                level=d["level"],
                held_on=d["held_on"],
                convener=d["convener"],
                county=d["county"],
                title=d["title"],
                place=d["place"],
                summary=d["summary"],
            )
        except ServiceError as exc:
            if exc.field and exc.field.removesuffix("_id") in form.fields:
                form.add_error(exc.field.removesuffix("_id"), exc.message)
            else:
                form.add_error(None, exc.message)
        else:
            messages.success(request, "调度会已登记，请逐个列入调度项目")
            return redirect("projects:dispatch:session", session.pk)
    return TemplateResponse(
        request, "projects/dispatch/session_form.html", {"form": form, "tabs": tabs(request.user, "sessions")}
    )


@login_required
def session_detail(request, pk: int):
    session = get_or_404(selectors.session_get_for_user, user=request.user, session_id=pk)
    can_edit = services.may_record_session(request.user, level=session.level, county=session.county)
    return TemplateResponse(
        request,
        "projects/dispatch/session_detail.html",
        {
            "tabs": tabs(request.user, "sessions"),
            "session": session,
            "entries": selectors.session_entries(session),
            "period": period_of(session.level, session.held_on),
            "can_edit": can_edit,
            "form": EntryForm(projects=services.dispatchable(session)) if can_edit else None,
        },
    )


@login_required
@require_POST
def entry_save(request, pk: int):
    session = get_or_404(selectors.session_get_for_user, user=request.user, session_id=pk)
    back = reverse("projects:dispatch:session", args=[session.pk])
    form = EntryForm(request.POST, projects=services.dispatchable(session))
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(back)
    d = form.cleaned_data
    return perform(
        request,
        back,
        lambda: services.dispatch_entry_save(
            actor=request.user,
            session_id=session.pk,
            project_id=d["project"].pk,
            progress=d["progress"],
            problems=d["problems"],
            decisions=d["decisions"],
            responsible_unit=d["responsible_unit"],
            due_on=d["due_on"],
        ),
        "调度意见已保存",
    )


@login_required
@require_POST
def entry_remove(request, pk: int, entry_id: int):
    session = get_or_404(selectors.session_get_for_user, user=request.user, session_id=pk)
    if not session.entries.filter(pk=entry_id).exists():
        raise Http404
    back = reverse("projects:dispatch:session", args=[session.pk])
    return perform(
        request, back, lambda: services.dispatch_entry_remove(actor=request.user, entry_id=entry_id), "已移出"
    )


# -- coverage ----------------------------------------------------------------------------------

SHOW = {"missing": "未调度", "covered": "已调度", "all": "应调度"}


@login_required
def coverage(request):
    """Which projects in approval or construction a period's dispatch missed (seeds/002
    季调度/月调度). Each count links to its list, which has exactly that many rows."""
    _government(request)
    level = request.GET.get("level")
    level = level if level in DispatchLevel.values else DispatchLevel.CITY
    now_day = today()
    period = parse_period(request.GET.get("period"), level=level, default=period_of(level, now_day))
    show = request.GET.get("show")
    show = show if show in SHOW else "missing"
    cov = selectors.dispatch_coverage(user=request.user, level=level, period=period, today=now_day)
    rows = {"missing": cov.missing, "covered": cov.covered, "all": cov.population}[show]

    def link(**kw):
        q = {"level": level, "period": period.param, "show": show, **kw}
        return "?" + "&".join(f"{k}={v}" for k, v in q.items())

    counts = [
        {"key": key, "label": label, "value": len(lst), "url": link(show=key), "tone": tone}
        for key, label, lst, tone in (
            ("all", SHOW["all"], cov.population, ""),
            ("covered", SHOW["covered"], cov.covered, "green"),
            ("missing", SHOW["missing"], cov.missing, "red" if cov.missing else "green"),
        )
    ]
    return TemplateResponse(
        request,
        "projects/dispatch/coverage.html",
        {
            "tabs": tabs(request.user, "coverage"),
            "cov": cov,
            "rows": rows,
            "show": show,
            "show_label": SHOW[show],
            "counts": counts,
            "levels": [(v, lbl, f"?level={v}") for v, lbl in DispatchLevel.choices],
            "previous": link(period=period.previous().param),
            "next": link(period=period.next().param) if period.next().start <= now_day else "",
        },
    )


# -- the admission consultation (from the project's page) ----------------------------------------


@login_required
@require_POST
def consultation_record(request, project_pk: int):
    project = get_or_404(project_selectors.project_get_for_user, user=request.user, project_id=project_pk)
    back = reverse("projects:detail", args=[project.pk]) + "#dispatch"
    form = ConsultationForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(back)
    d = form.cleaned_data
    return perform(
        request,
        back,
        lambda: services.consultation_record(actor=request.user, project_id=project.pk, **d),
        "准入落地会商已登记",
    )


# -- the quarterly inspection ------------------------------------------------------------------


def _draw_quarters(now_day):
    current = quarter_of(now_day)
    return [current, current.previous()]


@login_required
def inspection_list(request):
    if not can_read_inspections(request.user):
        raise PermissionDenied
    now_day = today()
    can_draw = can_draw_inspections(request.user)
    form = DrawForm(request.POST or None, quarters=_draw_quarters(now_day)) if can_draw else None
    if request.method == "POST":
        if not can_draw:
            raise PermissionDenied
        if form.is_valid():
            try:
                d = services.inspection_draw(actor=request.user, **form.cleaned_data)
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "已抽取本季度抽查项目")
                return redirect("projects:dispatch:inspection", d.pk)
    population = services.inspection_population()
    return TemplateResponse(
        request,
        "projects/dispatch/inspection_list.html",
        {
            "tabs": tabs(request.user, "inspections"),
            "draws": list(selectors.draws_for_user(user=request.user)),
            "form": form,
            "population_size": len(population),
            "sample_size": drawing.sample_size(len(population)),
        },
    )


@login_required
def inspection_detail(request, pk: int):
    if not can_read_inspections(request.user):
        raise PermissionDenied
    d = get_or_404(selectors.draw_get_for_user, user=request.user, draw_id=pk)
    items = selectors.draw_items(d)
    can_record = can_draw_inspections(request.user)
    for it in items:
        # One form per drawn project, filled with what was recorded (no ids: many on a page).
        it.form = (
            InspectionForm(
                initial={f: getattr(it, f) for f in InspectionForm.base_fields}
                | {"inspected_on": it.inspected_on or today()},
                auto_id=False,
            )
            if can_record
            else None
        )
    return TemplateResponse(
        request,
        "projects/dispatch/inspection_detail.html",
        {
            "tabs": tabs(request.user, "inspections"),
            "draw": d,
            "items": items,
            "quarter": quarter_of(d.quarter),
            "script": drawing.reproduction_script(d.seed, d.population),
            "reproduced": drawing.draw(d.seed, d.population) == d.drawn,
            "can_record": can_record,
        },
    )


@login_required
@require_POST
def inspection_record(request, pk: int, item_id: int):
    if not can_draw_inspections(request.user):
        raise PermissionDenied
    d = get_or_404(selectors.draw_get_for_user, user=request.user, draw_id=pk)
    if not d.items.filter(pk=item_id).exists():
        raise Http404
    back = reverse("projects:dispatch:inspection", args=[d.pk]) + f"#item-{item_id}"
    form = InspectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect(back)
    return perform(
        request,
        back,
        lambda: services.inspection_record(actor=request.user, item_id=item_id, **form.cleaned_data),
        "抽查情况已登记",
    )


# -- the leaders' monthly digest ---------------------------------------------------------------


def _digest(request):
    """(digest, leaders to choose from) for the request's ?leader=&month=; 404 for a leader
    the user may not read, 403 for a user who reads none."""
    leader_id = id_or_none(request.GET.get("leader", ""))
    chooser = can_read_leader_digests(request.user)
    leaders = list(digests.digest_leaders()) if chooser else []
    if chooser and leader_id is None and leaders:
        leader_id = leaders[0].pk
    if chooser and leader_id is None:
        return None, leaders, month_param(request.GET.get("month"), digests.last_month(today()))
    leader = get_or_404(digests.digest_leader_for_user, user=request.user, leader_id=leader_id)
    month = month_param(request.GET.get("month"), digests.last_month(today()))
    return digests.leader_digest(leader=leader, month=month, user=request.user), leaders, month


@login_required
def digest(request):
    if not (can_read_leader_digests(request.user) or digests.is_digest_leader(request.user)):
        raise PermissionDenied
    d, leaders, month = _digest(request)
    return TemplateResponse(
        request,
        "projects/dispatch/digest.html",
        {
            "tabs": tabs(request.user, "digest"),
            "d": d,
            "leaders": leaders,
            "month": month,
            "month_label": month_of(month).label,
            "previous": month_of(month).previous().start,
            "next": month_of(month).next().start if month_of(month).next().start <= today() else None,
        },
    )


@login_required
def digest_download(request):
    if not (can_read_leader_digests(request.user) or digests.is_digest_leader(request.user)):
        raise PermissionDenied
    d, _leaders, _month = _digest(request)
    if d is None:
        raise Http404
    name, fallback = digest_file_name(d)
    return download(digest_docx(d), name=name, content_type=DOCX, fallback=fallback)
