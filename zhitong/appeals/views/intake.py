"""The intake form (登记诉求): whoever receives an enterprise's matter registers it and
becomes its first-inquiry owner (首问负责, seeds/003 四)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from zhitong.common.forms import id_or_none, search_text
from zhitong.core.errors import AccessDenied, ServiceError
from zhitong.organizations.capabilities import can_register_appeals

from .. import selectors, services
from ..choices import Channel
from ..forms import IntakeForm
from ..models import Category
from . import helpers


def _require_intake_role(user):
    # The service decides who may register (capabilities.can_register_appeals); the page
    # only avoids showing a form that would be refused.
    if not can_register_appeals(user):
        raise PermissionDenied("您无权登记诉求")


def _duplicates(user, enterprise_id, title, description="") -> list:
    """Possible twins among the appeals `user` may see (never another unit's). What was
    typed, as far as the form would take it (the panel is shown before the form is checked;
    100,000 characters are not compared with every open appeal)."""
    title, description = search_text(title, 200), search_text(description, 5000)
    if not enterprise_id or not title:
        return []
    return selectors.appeal_possible_duplicates(
        user=user, enterprise_id=enterprise_id, title=title, description=description
    )


def _category(category_id):
    pk = id_or_none(category_id)
    return Category.objects.filter(pk=pk, is_active=True).first() if pk is not None else None


def _default_channel(user) -> str:
    # Convenience only: the 12345 office registers hotline calls all day.
    unit = user.unit if user.unit_id else None
    return Channel.HOTLINE if unit is not None and unit.code == "HOTLINE" else ""


@login_required
def intake(request):
    user = request.user
    _require_intake_role(user)
    categories = helpers.category_list()
    data = request.POST if request.method == "POST" else None
    searching = data is not None and "_search" in data

    enterprise_id = (data or request.GET).get("enterprise_id")
    enterprise = helpers.enterprise_by_id(enterprise_id) if enterprise_id else None
    q = search_text((data or request.GET).get("enterprise_q", ""))
    found = helpers.enterprise_search(q) if q else []
    enterprises = ([enterprise] if enterprise else []) + [
        e for e in found if not enterprise or e.pk != enterprise.pk
    ]
    category = _category((data or {}).get("category_id"))
    duplicates = _duplicates(
        user,
        enterprise.pk if enterprise else None,
        (data or {}).get("title"),
        (data or {}).get("description"),
    )

    kwargs = {
        "categories": categories,
        "enterprises": enterprises,
        "projects": helpers.projects_of(enterprise.pk) if enterprise else [],
        "required_materials": category.required_materials if category else [],
        "duplicates": duplicates,
    }
    if data is None:
        initial = {"channel": _default_channel(user)}
        if enterprise is not None:
            initial["enterprise_id"] = enterprise.pk
            contact = helpers.primary_contact(enterprise.pk)
            if contact is not None:
                # The name only: the number stays masked for those who need not see it.
                initial["contact_name"] = contact.name
        form = IntakeForm(None, initial=initial, **kwargs)
    else:
        form = IntakeForm(data, **kwargs)
    status = 200
    if searching:
        # The no-JavaScript enterprise search: show the matches, keep what was typed, and
        # do not complain about fields the user has not reached yet.
        form.errors.clear()
    elif data is not None and form.is_valid():
        cd = form.cleaned_data
        unseen = {a.pk for a in duplicates} - form.seen_duplicate_ids()
        answered = "duplicate_of_id" in data
        if duplicates and (not answered or (unseen and not cd.get("duplicate_of_id"))):
            # A possible duplicate is shown before a twin is registered (issue 3): the user
            # links it or says it is new; ids shown are remembered, so a duplicate that
            # appears only after the title changed is asked about again.
            messages.warning(request, "该企业有相似的在办诉求，请在下方确认是否重复后再提交。")
        else:
            try:
                appeal, created = services.appeal_intake(
                    actor=user,
                    enterprise_id=cd["enterprise_id"],
                    title=cd["title"],
                    description=cd["description"],
                    category_id=cd["category_id"],
                    channel=cd["channel"],
                    project_id=cd.get("project_id"),
                    contact_name=cd.get("contact_name") or "",
                    contact_phone=cd.get("contact_phone") or "",
                    materials_missing=cd["materials_missing"],
                    received_at=cd.get("received_at"),
                    duplicate_of_id=cd.get("duplicate_of_id"),
                )
            except AccessDenied as exc:
                # The appeal named as the one this repeats is out of the user's sight (or
                # gone): nothing was registered; answered as for a missing appeal.
                form.add_error("duplicate_of_id", exc.message)
                status = 404
            except ServiceError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
            else:
                if cd.get("duplicate_of_id"):
                    target = appeal.merged_into
                    messages.success(
                        request,
                        f"已登记为 {appeal.code}，并确认为重复诉求，关联到 {target.code if target else ''}。",
                    )
                elif cd["materials_missing"]:
                    messages.success(
                        request,
                        f"已登记为 {appeal.code}。材料不齐，已向企业一次性告知需补齐的 "
                        f"{len(cd['materials_missing'])} 项材料；材料齐全后开始计时。",
                    )
                else:
                    messages.success(
                        request, f"已登记为 {appeal.code}，等待统筹协调专员分办。您是该诉求的首问责任人。"
                    )
                return redirect("appeals:detail", appeal_id=appeal.pk)

    context = {
        "form": form,
        "enterprise": enterprise,
        "duplicates": duplicates,
        "category": category,
        "searching": searching,
        "enterprise_q": q,
        "found": found,
        "enterprises": enterprises,
        "selected_id": str(form["enterprise_id"].value() or ""),
        "selected_dup": str(form["duplicate_of_id"].value() or ""),
        "dup_answered": data is not None and "duplicate_of_id" in data,
        "contact": helpers.primary_contact(enterprise.pk) if enterprise else None,
    }
    return TemplateResponse(request, "appeals/intake.html", context, status=status)


@login_required
def intake_enterprises(request):
    """htmx autocomplete: enterprises matching the typed name or credit code."""
    _require_intake_role(request.user)
    q = search_text(request.GET.get("enterprise_q", ""))
    selected = helpers.enterprise_by_id(request.GET.get("enterprise_id"))
    found = [e for e in helpers.enterprise_search(q) if selected is None or e.pk != selected.pk]
    return TemplateResponse(
        request,
        "appeals/_intake_enterprises.html",
        {
            "enterprises": ([selected] if selected else []) + found,
            "selected_id": str(selected.pk) if selected else "",
            "enterprise_q": q,
        },
    )


@login_required
def intake_enterprise(request):
    """htmx: after an enterprise is picked, its projects and primary contact."""
    _require_intake_role(request.user)
    enterprise = helpers.enterprise_by_id(request.GET.get("enterprise_id"))
    contact = helpers.primary_contact(enterprise.pk) if enterprise else None
    form = IntakeForm(
        None,
        projects=helpers.projects_of(enterprise.pk) if enterprise else [],
        initial={"contact_name": contact.name} if contact else {},
    )
    return TemplateResponse(
        request,
        "appeals/_intake_enterprise.html",
        {"form": form, "enterprise": enterprise, "contact": contact, "oob": True},
    )


@login_required
def intake_duplicates(request):
    """htmx: open appeals of the same enterprise that look like the one being typed."""
    _require_intake_role(request.user)
    enterprise = helpers.enterprise_by_id(request.GET.get("enterprise_id"))
    duplicates = _duplicates(
        request.user,
        enterprise.pk if enterprise else None,
        request.GET.get("title"),
        request.GET.get("description"),
    )
    form = IntakeForm(None, duplicates=duplicates)
    return TemplateResponse(
        request,
        "appeals/_intake_duplicates.html",
        {"form": form, "duplicates": duplicates, "enterprise": enterprise},
    )


@login_required
def intake_materials(request):
    """htmx: the chosen category's required materials as a "missing" checklist."""
    _require_intake_role(request.user)
    category = _category(request.GET.get("category_id"))
    form = IntakeForm(None, required_materials=category.required_materials if category else [])
    return TemplateResponse(request, "appeals/_intake_materials.html", {"form": form, "category": category})
