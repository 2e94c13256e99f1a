"""The intake form (登记诉求): whoever receives an enterprise's matter registers it and
becomes its first-inquiry owner (首问负责, seeds/003 四). An enterprise missing from the
library is added on the same page (issue 9), without losing what was typed: by htmx into
the enterprise section, or without JavaScript by posting the whole form back.

Nothing here sends what was typed in a URL: the duplicate panel posts the title and the
description (up to 5,000 characters; a GET of them failed with 414 behind gunicorn), and
the fragments fetched by GET carry only ids and the search box's at most 100 characters."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhitong.common.forms import id_or_none, search_text
from zhitong.core.errors import AccessDenied, ServiceError
from zhitong.enterprises import services as enterprise_services
from zhitong.enterprises.forms import EnterpriseAddForm
from zhitong.organizations.capabilities import can_add_enterprises_at_intake, can_register_appeals

from .. import selectors, services
from ..choices import Channel
from ..forms import IntakeForm
from ..models import Category
from . import helpers


def _require_intake_role(user):
    # The service decides who may register (capabilities.can_register_appeals); the page
    # only avoids showing a form that would be refused.
    if not can_register_appeals(user):
        raise PermissionDenied(_("您无权登记诉求"))


ADD_PREFIX = "new"  # the add-enterprise fields among the intake form's own
CONTACT_LIMITS = {"contact_name": 50, "contact_phone": 20}  # IntakeForm's


@dataclass
class Added:
    """What adding an enterprise at intake came to: the form (with its errors), the new
    enterprise, or the ones offered instead — the same credit code, similar names."""

    form: EnterpriseAddForm
    enterprise: object | None = None
    existing: object | None = None
    similar: list = field(default_factory=list)

    @property
    def offered(self) -> list:
        return [e for e in [self.existing, *self.similar] if e is not None and e.is_active]


def _add_enterprise(user, data) -> Added:
    """The add-enterprise part of a posted intake form, through the service (issue 9)."""
    form = EnterpriseAddForm(data, prefix=ADD_PREFIX)
    out = Added(form)
    if not can_add_enterprises_at_intake(user):
        raise PermissionDenied(_("您无权新增企业"))
    if not form.is_valid():
        return out
    try:
        out.enterprise = enterprise_services.enterprise_add_at_intake(actor=user, **form.service_data())
    except enterprise_services.EnterpriseExists as exc:
        out.existing = exc.enterprise
        form.add_error("credit_code", exc.message)
    except enterprise_services.SimilarEnterprises as exc:
        out.similar = exc.enterprises
        form.add_error("name", exc.message)
    except ServiceError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return out


def _add_form_for_search(q: str, found) -> tuple[EnterpriseAddForm, bool]:
    """The add panel after a search without JavaScript: what was searched and not found,
    as the name or the credit code of the enterprise to add, panel open."""
    if not q or found:
        return EnterpriseAddForm(prefix=ADD_PREFIX), False
    looks_like_code = re.fullmatch(r"[0-9A-Za-z ]{15,24}", q) is not None
    initial = {"credit_code": q} if looks_like_code else {"name": q}
    return EnterpriseAddForm(prefix=ADD_PREFIX, initial=initial), True


def _typed_in_add_panel(data) -> bool:
    return any((data.get(f"{ADD_PREFIX}-{n}") or "").strip() for n in ("credit_code", "name"))


def _unique(enterprises) -> list:
    seen, out = set(), []
    for e in enterprises:
        if e is not None and e.pk not in seen:
            seen.add(e.pk)
            out.append(e)
    return out


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
    adding = data is not None and "_add_enterprise" in data
    searching = data is not None and "_search" in data and not adding

    added = _add_enterprise(user, data) if adding else None
    if added is not None and added.enterprise is not None:
        # The new enterprise is the one chosen; everything else typed stays as it was.
        data = data.copy()
        data["enterprise_id"] = str(added.enterprise.pk)
        messages.success(
            request,
            _("已新增企业“%(name)s”并选为本诉求的企业；该企业待统筹协调专员核实。")
            % {"name": added.enterprise.name},
        )
    enterprise_id = (data or request.GET).get("enterprise_id")
    enterprise = helpers.enterprise_by_id(enterprise_id) if enterprise_id else None
    q = search_text((data or request.GET).get("enterprise_q", ""))
    found = helpers.enterprise_search(q) if q else []
    enterprises = _unique([enterprise, *(added.offered if added else []), *found])
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
    if added is not None and added.enterprise is None:
        add_form, add_open = added.form, True
    elif data is not None and not adding and _typed_in_add_panel(data):
        # Typed in the add panel, then searched or submitted: kept, not judged.
        add_form, add_open = EnterpriseAddForm(data, prefix=ADD_PREFIX), True
        add_form.errors.clear()
    else:
        add_form, add_open = _add_form_for_search(q if searching else "", found)
    if searching or adding:
        # The no-JavaScript enterprise search, or an enterprise added: show the matches,
        # keep what was typed, and do not complain about fields the user has not reached.
        form.errors.clear()
    elif data is not None and form.is_valid():
        cd = form.cleaned_data
        unseen = {a.pk for a in duplicates} - form.seen_duplicate_ids()
        answered = "duplicate_of_id" in data
        if duplicates and (not answered or (unseen and not cd.get("duplicate_of_id"))):
            # A possible duplicate is shown before a twin is registered (issue 3): the user
            # links it or says it is new; ids shown are remembered, so a duplicate that
            # appears only after the title changed is asked about again.
            messages.warning(request, _("该企业有相似的在办诉求，请在下方确认是否重复后再提交。"))
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
                        _("已登记为 %(code)s，并确认为重复诉求，关联到 %(target)s。")
                        % {"code": appeal.code, "target": target.code if target else ""},
                    )
                elif cd["materials_missing"]:
                    messages.success(
                        request,
                        _(
                            "已登记为 %(code)s。材料不齐，已向企业一次性告知需补齐的 %(n)s 项材料；"
                            "材料齐全后开始计时。"
                        )
                        % {"code": appeal.code, "n": len(cd["materials_missing"])},
                    )
                else:
                    messages.success(
                        request,
                        _("已登记为 %(code)s，等待统筹协调专员分办。您是该诉求的首问责任人。")
                        % {"code": appeal.code},
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
        "add_form": add_form,
        "add_open": add_open,
        "similar": added.similar if added else [],
    }
    return TemplateResponse(request, "appeals/intake.html", context, status=status)


@login_required
@require_POST
def intake_enterprise_add(request):
    """htmx: add an enterprise missing from the library (issue 9). Answers the enterprise
    section — the new enterprise listed and chosen, or the form with its errors and the
    enterprises offered instead (the same credit code, similar names) — and, once added,
    the projects/contact row and the duplicate panel out of band; the appeal's own fields
    are not touched."""
    _require_intake_role(request.user)
    added = _add_enterprise(request.user, request.POST)
    new = added.enterprise
    selected = new or helpers.enterprise_by_id(request.POST.get("enterprise_id"))
    context = {
        "enterprises": _unique([selected, *added.offered]),
        "selected_id": str(selected.pk) if selected else "",
        "enterprise_q": "",
        "add_form": EnterpriseAddForm(prefix=ADD_PREFIX) if new else added.form,
        "add_open": new is None,
        "added": new,
        "similar": added.similar,
    }
    if new is not None:
        # The chosen enterprise changed without a change event: its dependants come along.
        context |= {
            "swap_oob": True,
            "enterprise": new,
            "contact": None,
            "duplicates": [],
            # A new enterprise has no projects; the contact typed so far stays.
            "form": IntakeForm(
                None,
                projects=[],
                initial={k: search_text(request.POST.get(k), n) for k, n in CONTACT_LIMITS.items()},
            ),
        }
    return TemplateResponse(request, "appeals/_intake_enterprise_block.html", context)


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
@require_POST
def intake_duplicates(request):
    """htmx: open appeals of the same enterprise that look like the one being typed. POST:
    the description may be 5,000 characters, which no URL carries (gunicorn answers 414
    past 4 KB of request line)."""
    _require_intake_role(request.user)
    enterprise = helpers.enterprise_by_id(request.POST.get("enterprise_id"))
    duplicates = _duplicates(
        request.user,
        enterprise.pk if enterprise else None,
        request.POST.get("title"),
        request.POST.get("description"),
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
