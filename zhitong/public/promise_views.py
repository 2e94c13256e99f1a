"""Pages of the government-commitment ledger (政府承诺, seeds/002): the list in scope with its
lights, recording, the page of one promise with its moves."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhitong.common import forms as zt
from zhitong.common.forms import clean_filters, page_message
from zhitong.common.pages import get_or_404, history_rows, move_forms, move_view
from zhitong.common.transitions import state_changes
from zhitong.core.errors import ServiceError
from zhitong.organizations.capabilities import is_enterprise_user

from . import promises
from .choices import PromiseKind, PromiseStatus
from .machine import PROMISE


class PromiseFilter(zt.Form):
    status = forms.ChoiceField(required=False, choices=[("", ""), *PromiseStatus.choices])
    light = forms.ChoiceField(required=False, choices=[("", ""), *[(x, x) for x in promises.LIGHTS]])


class PromiseForm(zt.Form):
    credit_code = forms.CharField(label=gettext_lazy("企业统一社会信用代码"), max_length=18, min_length=18)
    kind = forms.ChoiceField(label=gettext_lazy("承诺类型"), choices=PromiseKind.choices)
    content = forms.CharField(label=gettext_lazy("承诺内容"), widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(
        label=gettext_lazy("承诺依据（书面文书、会议纪要等）"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    responsible_unit = forms.TypedChoiceField(label=gettext_lazy("责任单位"), coerce=int)
    due_workdays = forms.IntegerField(
        label=gettext_lazy("办理时限（工作日，自今日起算）"), min_value=1, max_value=1000, required=False
    )
    due_on = zt.DateField(label=gettext_lazy("或：办理期限（日期）"), required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].choices = [(u.pk, u.name) for u in units]


def _reader(request):
    user = request.user
    if not (promises.keeps_promises(user) or (is_enterprise_user(user) and user.enterprise_id)):
        raise Http404
    return user


@login_required
def promise_list(request):
    user = _reader(request)
    f = clean_filters(PromiseFilter(request.GET))
    today = timezone.localdate()
    rows = list(
        promises.promises_for_user(
            user=user, status=f.get("status") or "", light=f.get("light") or "", today=today
        )
    )
    for p in rows:
        p.light = promises.light_of(p, today)
    return TemplateResponse(
        request,
        "public/promises.html",
        {
            "rows": rows,
            "status": f.get("status") or "",
            "light": f.get("light") or "",
            "keeps": promises.keeps_promises(user),
            "statuses": PromiseStatus.choices,
        },
    )


@login_required
def promise_new(request):
    user = request.user
    if not promises.keeps_promises(user):
        raise Http404
    units = list(promises.promise_units_for_user(user))
    form = PromiseForm(request.POST or None, units=units, initial={"responsible_unit": user.unit_id})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            p = promises.promise_create(
                actor=user,
                credit_code=d["credit_code"],
                kind=d["kind"],
                content=d["content"],
                basis=d.get("basis") or "",
                responsible_unit_id=d["responsible_unit"],
                due_workdays=d.get("due_workdays"),
                due_on=d.get("due_on"),
            )
        except ServiceError as exc:
            field = {"responsible_unit_id": "responsible_unit"}.get(exc.field, exc.field)
            form.add_error(field if field in form.fields else None, page_message(exc.message))
        else:
            messages.success(request, _("已登记"))
            return redirect("public:promise_detail", p.pk)
    return TemplateResponse(request, "public/promise_form.html", {"form": form})


@login_required
def promise_detail(request, pk: int):
    user = _reader(request)
    p = get_or_404(promises.promise_get_for_user, user=user, promise_id=pk)
    today = timezone.localdate()
    p.light = promises.light_of(p, today)
    return TemplateResponse(
        request,
        "public/promise_detail.html",
        {
            "p": p,
            "moves": move_forms(PROMISE, user, p, url="public:promise_move", arg=p.pk),
            "history": history_rows(PROMISE, state_changes(p)) if promises.keeps_promises(user) else [],
        },
    )


@login_required
@require_POST
def promise_move(request, pk: int, name: str):
    p = get_or_404(promises.promise_get_for_user, user=_reader(request), promise_id=pk)
    return move_view(request, PROMISE, pk=p.pk, name=name, back=reverse("public:promise_detail", args=[p.pk]))
