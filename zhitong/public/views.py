"""Pages of the public side. The public ones need no sign-in and are rate-limited per
client address (throttle.py; a clear 429 page in Chinese); the catalog's keeping pages are
for the units' staff and the hub, the policy pages' keeping for the hub."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhitong.common.forms import clean_filters, id_or_none, page_message
from zhitong.common.pages import get_or_404, history_rows, move_forms, move_view
from zhitong.common.transitions import state_changes
from zhitong.core.downloads import download, file_name
from zhitong.core.errors import ServiceError
from zhitong.organizations.capabilities import is_enterprise_user, keeps_policy_library

from . import selectors, services, throttle
from .forms import (
    CatalogFilter,
    CommitmentForm,
    ImportForm,
    LookupForm,
    ManageFilter,
    PolicyFilter,
    PolicyForm,
)
from .machine import COMMITMENT_ITEM
from .models import Policy
from .spreadsheets import catalog_import, catalog_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def too_many(request, bucket: throttle.Bucket):
    response = TemplateResponse(
        request, "public/429.html", {"retry_after": throttle.retry_after(bucket)}, status=429
    )
    response["Retry-After"] = str(throttle.retry_after(bucket))
    return response


def public_page(view=None, *, bucket: throttle.Bucket = throttle.PAGES):
    """No sign-in; counted per client address, 429 over the limit."""

    def wrap(func):
        @functools.wraps(func)
        def inner(request, *args, **kwargs):
            if not throttle.hit(request, bucket):
                return too_many(request, bucket)
            return func(request, *args, **kwargs)

        return inner

    return wrap(view) if view else wrap


@public_page
def index(request):
    return TemplateResponse(request, "public/index.html", {})


@public_page
def windows(request):
    q = CatalogFilter(request.GET)
    filters = clean_filters(q)
    groups = selectors.public_directory(q=filters.get("q") or None)
    count = sum(len(es) for _k, _l, es in groups)
    return TemplateResponse(
        request, "public/windows.html", {"groups": groups, "q": filters.get("q") or "", "count": count}
    )


@public_page
def catalog(request):
    filters = clean_filters(CatalogFilter(request.GET))
    items = list(selectors.published_catalog(unit_id=filters.get("unit"), q=filters.get("q") or None))
    return TemplateResponse(
        request,
        "public/catalog.html",
        {
            "items": items,
            "units": list(selectors.catalog_units()),
            "unit_id": filters.get("unit"),
            "q": filters.get("q") or "",
        },
    )


@public_page
def catalog_export(request):
    filters = clean_filters(CatalogFilter(request.GET))
    items = selectors.published_catalog(unit_id=filters.get("unit"), q=filters.get("q") or None)
    content = catalog_xlsx(items, title="服务承诺事项目录")
    return download(
        content,
        name=file_name("服务承诺事项目录", ext="xlsx"),
        content_type=XLSX,
        fallback="commitments.xlsx",
    )


@public_page(bucket=throttle.LOOKUP)
def lookup(request):
    """Appeal status by code and credit code; a wrong pair and a missing appeal get the
    same answer. GET shows the form without counting a lookup… but every request counts
    towards the lookup bucket, so a walk is slowed either way."""
    form = LookupForm(request.POST or None)
    answer, searched = None, False
    if request.method == "POST" and form.is_valid():
        searched = True
        answer = selectors.appeal_status_lookup(
            code=form.cleaned_data["code"], credit_code=form.cleaned_data["credit_code"]
        )
    return TemplateResponse(
        request, "public/lookup.html", {"form": form, "answer": answer, "searched": searched}
    )


@public_page
def policies(request):
    form = PolicyFilter(request.GET)
    f = clean_filters(form)
    rows = list(
        selectors.policies_public(
            industry=f.get("industry") or "",
            size=f.get("size") or "",
            tag=f.get("tag") or "",
            q=f.get("q") or "",
            today=timezone.localdate(),
        )
    )
    return TemplateResponse(request, "public/policies.html", {"form": form, "rows": rows, "filters": f})


@public_page
def policy_detail(request, pk: int):
    policy = Policy.objects.filter(pk=pk, is_published=True).first()
    if policy is None:
        raise Http404
    return TemplateResponse(request, "public/policy_detail.html", {"policy": policy})


# -- keeping the catalog (units' staff and the hub) -------------------------------------------


def _keeper(request):
    if not selectors.keeps_any_catalog(request.user):
        raise Http404
    return request.user


@login_required
def manage(request):
    user = _keeper(request)
    f = clean_filters(ManageFilter(request.GET))
    items = list(selectors.catalog_for_user(user=user, status=f.get("status") or "", unit_id=f.get("unit")))
    return TemplateResponse(
        request,
        "public/manage.html",
        {"items": items, "status": f.get("status") or "", "import_form": ImportForm()},
    )


def _categories():
    from zhitong.appeals.models import Category

    return Category.objects.filter(is_active=True).order_by("sort_order", "code")


def _form_page(request, *, item=None):
    user = _keeper(request)
    units = list(selectors.catalog_units_for_user(user=user))
    initial = {}
    if item is not None:
        initial = {
            "unit": item.unit_id,
            "title": item.title,
            "category": item.category_id,
            "legal_days": item.legal_days,
            "committed_days": item.committed_days,
            "materials": item.materials,
            "fees": item.fees,
            "procedure": item.procedure,
            "basis": item.basis,
            "version": item.version,
        }
    elif user.unit_id:
        initial = {"unit": user.unit_id}
    form = CommitmentForm(request.POST or None, initial=initial, units=units, categories=list(_categories()))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        values = {
            k: d[k]
            for k in ("title", "legal_days", "committed_days", "materials", "fees", "procedure", "basis")
        }
        values["category_id"] = d.get("category")
        try:
            if item is None:
                saved = services.commitment_create(actor=user, unit_id=d["unit"], **values)
            else:
                saved = services.commitment_update(
                    actor=user, item_id=item.pk, expected_version=d.get("version"), **values
                )
        except ServiceError as exc:
            message = page_message(exc.message)
            if exc.field and exc.field in form.fields:
                form.add_error(exc.field, message)
            else:
                form.add_error(None, message)
        else:
            messages.success(request, _("已保存"))
            return redirect("public:manage_detail", saved.pk)
    return TemplateResponse(request, "public/manage_form.html", {"form": form, "item": item})


@login_required
def manage_new(request):
    return _form_page(request)


@login_required
def manage_edit(request, pk: int):
    item = get_or_404(selectors.commitment_get_for_user, user=_keeper(request), item_id=pk)
    return _form_page(request, item=item)


@login_required
def manage_detail(request, pk: int):
    item = get_or_404(selectors.commitment_get_for_user, user=_keeper(request), item_id=pk)
    return TemplateResponse(
        request,
        "public/manage_detail.html",
        {
            "item": item,
            "moves": move_forms(COMMITMENT_ITEM, request.user, item, url="public:manage_move", arg=item.pk),
            "history": history_rows(COMMITMENT_ITEM, state_changes(item)),
        },
    )


@login_required
@require_POST
def manage_move(request, pk: int, name: str):
    item = get_or_404(selectors.commitment_get_for_user, user=_keeper(request), item_id=pk)
    return move_view(
        request, COMMITMENT_ITEM, pk=item.pk, name=name, back=reverse("public:manage_detail", args=[item.pk])
    )


@login_required
def manage_export(request):
    user = _keeper(request)
    items = selectors.catalog_for_user(user=user)
    content = catalog_xlsx(items, title="服务承诺事项（本单位维护）")
    return download(
        content, name=file_name("服务承诺事项", ext="xlsx"), content_type=XLSX, fallback="commitments.xlsx"
    )


@login_required
def manage_import(request):
    user = _keeper(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = catalog_import(actor=user, fileobj=form.cleaned_data["file"])
        if report.ok:
            messages.success(
                request, _("已导入：新增%(c)s项，修改%(u)s项") % {"c": report.created, "u": report.updated}
            )
            return redirect("public:manage")
    return TemplateResponse(request, "public/manage_import.html", {"form": form, "report": report})


# -- keeping the policy library (the hub) -----------------------------------------------------


def _hub(request):
    if not keeps_policy_library(request.user):
        raise Http404
    return request.user


@login_required
def policy_manage(request):
    _hub(request)
    rows = list(Policy.objects.order_by("-issued_on", "-id"))
    return TemplateResponse(request, "public/policy_manage.html", {"rows": rows})


@login_required
def policy_edit(request, pk: int | None = None):
    user = _hub(request)
    policy = None
    if pk is not None:
        policy = Policy.objects.filter(pk=id_or_none(pk)).first()
        if policy is None:
            raise Http404
    initial = {}
    if policy is not None:
        initial = {f: getattr(policy, f) for f in PolicyForm.base_fields if hasattr(policy, f)}
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_save(actor=user, policy_id=policy.pk if policy else None, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, page_message(exc.message))
        else:
            messages.success(request, _("已保存"))
            return redirect("public:policy_manage")
    return TemplateResponse(request, "public/policy_form.html", {"form": form, "policy": policy})


@login_required
def my_policies(request):
    """The policies that match the signed-in enterprise's industry, size and tags."""
    if not is_enterprise_user(request.user) or not request.user.enterprise_id:
        raise Http404
    rows = selectors.policies_for_enterprise(enterprise=request.user.enterprise, today=timezone.localdate())
    return TemplateResponse(request, "public/my_policies.html", {"rows": rows})
