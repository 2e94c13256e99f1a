from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhitong.common.forms import id_or_none, page_message, refusal_message, search_text
from zhitong.common.pages import import_submission
from zhitong.common.transitions import required_version, state_changes
from zhitong.core.downloads import XLSX, download
from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, ServiceError
from zhitong.organizations.access import government_page
from zhitong.organizations.capabilities import can_import_data, keeps_enterprise_library
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.imports import UNIT_COLUMNS, in_chinese, template_xlsx, units_import
from zhitong.organizations.models import Unit

from . import selectors, services
from .choices import Industry, TeamRole
from .forms import EnterpriseCorrectForm
from .imports import ENTERPRISE_COLUMNS, enterprises_import
from .machine import ENTERPRISE
from .sections import sections_for

PAGE_SIZE = 25
IMPORT_KINDS = {
    "enterprises": (gettext_lazy("企业"), ENTERPRISE_COLUMNS, enterprises_import),
    "units": (gettext_lazy("单位"), UNIT_COLUMNS, units_import),
}


@government_page
def enterprise_list(request):
    g = request.GET
    filters = {
        "q": search_text(g.get("q")),
        "location_id": id_or_none(g.get("location") or ""),
        "industry": g.get("industry") if g.get("industry") in Industry.values else None,
        "flag": g.get("flag") if g.get("flag") in selectors.FLAGS else None,
        "tag": g.get("tag") if g.get("tag") in selectors.TAGS else None,
    }
    qs = selectors.enterprise_list_for_user(user=request.user, **{k: v or None for k, v in filters.items()})
    page = Paginator(qs, PAGE_SIZE).get_page(g.get("page"))
    rest = g.copy()
    rest.pop("page", None)
    ctx = {
        "page_obj": page,
        "page_prefix": "?" + (rest.urlencode() + "&" if rest else ""),
        "filters": filters,
        "locations": Unit.objects.filter(kind__in=[UnitKind.COUNTY, UnitKind.PARK], is_active=True).order_by(
            "sort_order"
        ),
        "industries": Industry.choices,
        "flags": selectors.FLAGS.items(),
        "tags": selectors.TAGS.items(),
        "can_import": _can_import(request.user),
        # The keepers' queue, counted by the selector that lists it.
        "pending_review": (
            selectors.enterprise_review_queue(user=request.user).count()
            if keeps_enterprise_library(request.user)
            else None
        ),
    }
    template = "enterprises/_list_results.html" if request.htmx else "enterprises/list.html"
    return TemplateResponse(request, template, ctx)


def _detail_context(request, enterprise, revealed=None):
    user = request.user
    full_ok = selectors.can_see_full_phone(user, enterprise)
    contacts = [
        {
            "contact": c,
            "masked": selectors.mask_phone(c.phone),
            "revealed": (revealed or {}).get(c.pk),
        }
        for c in enterprise.contacts.all()
    ]
    team = {role: [] for role, _ in TeamRole.choices}
    for m in enterprise.team.all():
        # Government members' numbers are work numbers (published, like a window's); the
        # enterprise contact's is masked like any contact's.
        phone = selectors.mask_phone(m.phone) if m.role == TeamRole.ENTERPRISE_CONTACT else m.phone
        team[m.role].append({"member": m, "phone": phone})
    return {
        "enterprise": enterprise,
        "contacts": contacts,
        "can_reveal": full_ok,
        "team": [(TeamRole(role).label, role, members) for role, members in team.items()],
        "has_team": any(team.values()),
        # Projects, appeals …: sections the apps above this one register (sections.py).
        "sections": sections_for(request, enterprise, timezone.localdate()),
        "flags": [label for key, label in selectors.FLAGS.items() if getattr(enterprise, key)],
        "tags": [label for key, label in selectors.TAGS.items() if getattr(enterprise, key)],
        "moves": ENTERPRISE.available(user, enterprise),
        "review_history": _review_history(enterprise) if enterprise.added_at_intake else [],
    }


REVIEW_LABELS = {"add_at_intake": gettext_lazy("登记诉求时新增")}


def _review_history(enterprise) -> list:
    """The enterprise's review rows (added at intake, confirmed or corrected), labelled."""
    rows = list(state_changes(enterprise))
    for row in rows:
        move = ENTERPRISE.moves.get(row.action)
        row.label = move.label if move else REVIEW_LABELS.get(row.action, row.action)
        row.to_label = ENTERPRISE.status_label(row.to_status)
    return rows


@login_required
def enterprise_detail(request, enterprise_id: int):
    try:
        enterprise = selectors.enterprise_get_for_user(user=request.user, enterprise_id=enterprise_id)
    except AccessDenied:
        raise Http404("企业不存在或您无权查看")
    return TemplateResponse(request, "enterprises/detail.html", _detail_context(request, enterprise))


@login_required
@require_POST
def contact_reveal_phone(request, contact_id: int):
    """The full number (audited). htmx swaps it into the row; without JS the detail page
    is rendered again with the number shown."""
    try:
        phone = services.contact_reveal_phone(user=request.user, contact_id=contact_id)
    except AccessDenied:
        raise Http404("联系人不存在或您无权查看")
    except Forbidden as exc:
        raise PermissionDenied(page_message(exc.message))
    if request.htmx:
        return TemplateResponse(request, "enterprises/_phone_revealed.html", {"phone": phone})
    contact = selectors.contact_get_for_user(user=request.user, contact_id=contact_id)
    enterprise = selectors.enterprise_get_for_user(user=request.user, enterprise_id=contact.enterprise_id)
    return TemplateResponse(
        request, "enterprises/detail.html", _detail_context(request, enterprise, revealed={contact_id: phone})
    )


# ------------------------------------------------------------------------------ review


REVIEW_PAGE_SIZE = 50


def _require_keeper(user) -> None:
    if not keeps_enterprise_library(user):
        raise PermissionDenied(_("只有统筹协调专员和系统管理员可以核实企业"))


@login_required
def review_queue(request):
    """The keepers' queue: enterprises added at intake that wait for review (issue 9),
    oldest first, each with the moves of machine.ENTERPRISE the user may make."""
    _require_keeper(request.user)
    qs = selectors.enterprise_review_queue(user=request.user)
    page = Paginator(qs, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    for e in page.object_list:
        e.moves = ENTERPRISE.available(request.user, e)
    return TemplateResponse(request, "enterprises/review.html", {"page_obj": page, "page_prefix": "?"})


def _back(request, enterprise) -> str:
    # Back to the queue, or to the enterprise when the move started there.
    if request.POST.get("from") == "detail":
        return reverse("enterprises:detail", args=[enterprise.pk])
    return reverse("enterprises:review")


@login_required
def enterprise_move(request, enterprise_id: int, name: str):
    """One move of machine.ENTERPRISE (issue 9). `approve` is a button (POST); `correct`
    has its own form page (GET shows it filled in with what was entered, POST performs it).
    404 for an enterprise out of sight, 403 for a user who may not review."""
    move = ENTERPRISE.moves.get(name)
    if move is None:
        raise Http404("未知的操作")
    try:
        enterprise = selectors.enterprise_get_for_user(user=request.user, enterprise_id=enterprise_id)
    except AccessDenied:
        raise Http404("企业不存在或您无权查看")
    _require_keeper(request.user)
    if name == "correct":
        return _correct(request, enterprise)
    if request.method != "POST":
        return redirect("enterprises:detail", enterprise_id=enterprise.pk)
    try:
        ENTERPRISE.dispatch(
            pk=enterprise.pk,
            move=name,
            actor=request.user,
            expected_version=required_version(request.POST.get("version")),
            note=search_text(request.POST.get("note"), 5000),
        )
    except AccessDenied:
        raise Http404
    except ServiceError as exc:
        messages.error(request, page_message(exc.message))
    else:
        messages.success(request, _("已核实：%(name)s") % {"name": enterprise.name})
    return redirect(_back(request, enterprise))


def _correct(request, enterprise):
    if request.method != "POST":
        try:
            ENTERPRISE.check(request.user, enterprise, "correct")
        except (ConflictError, Forbidden) as exc:
            messages.error(request, page_message(exc.message))
            return redirect("enterprises:detail", enterprise_id=enterprise.pk)
        form = EnterpriseCorrectForm(enterprise=enterprise)
        return TemplateResponse(request, "enterprises/correct.html", {"enterprise": enterprise, "form": form})
    form = EnterpriseCorrectForm(request.POST, enterprise=enterprise)
    status = 400
    if form.is_valid():
        try:
            ENTERPRISE.dispatch(
                pk=enterprise.pk,
                move="correct",
                actor=request.user,
                expected_version=form.cleaned_data["expected_version"],
                **form.move_data(),
            )
        except AccessDenied:
            raise Http404
        except ServiceError as exc:
            enterprise.refresh_from_db()
            message = refusal_message(form, exc, enterprise.version, version_field="expected_version")
            if not (exc.field and exc.field in form.fields):
                form.add_error(None, message)
            status = exc.status
        else:
            messages.success(request, _("已更正并核实：%(name)s") % {"name": form.cleaned_data["name"]})
            return redirect("enterprises:review")
    return TemplateResponse(
        request, "enterprises/correct.html", {"enterprise": enterprise, "form": form}, status=status
    )


# ------------------------------------------------------------------------------ import


def _can_import(user) -> bool:
    return can_import_data(user)


@login_required
def import_page(request):
    """Upload → all-or-nothing import; with bad rows, the report and an explicit
    "仅导入无误的行" button that imports the same file's good rows."""
    if not _can_import(request.user):
        raise PermissionDenied(_("只有系统管理员和统筹协调专员可以批量导入"))
    ctx = {
        "kinds": [(k, v[0]) for k, v in IMPORT_KINDS.items()],
        "kind": request.GET.get("kind") if request.GET.get("kind") in IMPORT_KINDS else "enterprises",
    }
    if request.method != "POST":
        return TemplateResponse(request, "enterprises/import.html", ctx)

    kind = request.POST.get("kind")
    if kind not in IMPORT_KINDS:
        ctx["error"] = _("请选择导入的数据类型")
        return TemplateResponse(request, "enterprises/import.html", ctx, status=400)
    ctx["kind"] = kind
    result, status = import_submission(request, kind=kind, run=IMPORT_KINDS[kind][2])
    ctx.update(result)
    return TemplateResponse(request, "enterprises/import.html", ctx, status=status)


@login_required
def import_template(request, kind: str):
    if not _can_import(request.user):
        raise PermissionDenied(_("只有系统管理员和统筹协调专员可以批量导入"))
    if kind not in IMPORT_KINDS:
        raise Http404()
    label, columns, _run = IMPORT_KINDS[kind]
    label = in_chinese(label)  # the workbook is Chinese, like the headers it asks for
    body = template_xlsx(columns, title=f"{label}导入")
    return download(body, name=f"{label}导入模板.xlsx", fallback=f"{kind}-template.xlsx", content_type=XLSX)
