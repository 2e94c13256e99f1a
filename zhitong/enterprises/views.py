from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from zhitong.common.forms import id_or_none, search_text
from zhitong.common.pages import import_submission
from zhitong.core.downloads import XLSX, download
from zhitong.core.errors import AccessDenied, Forbidden
from zhitong.organizations.capabilities import can_import_data
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.imports import UNIT_COLUMNS, template_xlsx, units_import
from zhitong.organizations.models import Unit

from . import selectors, services
from .choices import Industry, TeamRole
from .imports import ENTERPRISE_COLUMNS, enterprises_import
from .sections import sections_for

PAGE_SIZE = 25
IMPORT_KINDS = {
    "enterprises": ("企业", ENTERPRISE_COLUMNS, enterprises_import),
    "units": ("单位", UNIT_COLUMNS, units_import),
}


@login_required
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
    }


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
        raise PermissionDenied(exc.message)
    if request.htmx:
        return TemplateResponse(request, "enterprises/_phone_revealed.html", {"phone": phone})
    contact = selectors.contact_get_for_user(user=request.user, contact_id=contact_id)
    enterprise = selectors.enterprise_get_for_user(user=request.user, enterprise_id=contact.enterprise_id)
    return TemplateResponse(
        request, "enterprises/detail.html", _detail_context(request, enterprise, revealed={contact_id: phone})
    )


# ------------------------------------------------------------------------------ import


def _can_import(user) -> bool:
    return can_import_data(user)


@login_required
def import_page(request):
    """Upload → all-or-nothing import; with bad rows, the report and an explicit
    "仅导入无误的行" button that imports the same file's good rows."""
    if not _can_import(request.user):
        raise PermissionDenied("只有系统管理员和统筹协调专员可以批量导入")
    ctx = {
        "kinds": [(k, v[0]) for k, v in IMPORT_KINDS.items()],
        "kind": request.GET.get("kind") if request.GET.get("kind") in IMPORT_KINDS else "enterprises",
    }
    if request.method != "POST":
        return TemplateResponse(request, "enterprises/import.html", ctx)

    kind = request.POST.get("kind")
    if kind not in IMPORT_KINDS:
        ctx["error"] = "请选择导入的数据类型"
        return TemplateResponse(request, "enterprises/import.html", ctx, status=400)
    ctx["kind"] = kind
    result, status = import_submission(request, kind=kind, run=IMPORT_KINDS[kind][2])
    ctx.update(result)
    return TemplateResponse(request, "enterprises/import.html", ctx, status=status)


@login_required
def import_template(request, kind: str):
    if not _can_import(request.user):
        raise PermissionDenied("只有系统管理员和统筹协调专员可以批量导入")
    if kind not in IMPORT_KINDS:
        raise Http404()
    label, columns, _run = IMPORT_KINDS[kind]
    body = template_xlsx(columns, title=f"{label}导入")
    return download(body, name=f"{label}导入模板.xlsx", fallback=f"{kind}-template.xlsx", content_type=XLSX)
