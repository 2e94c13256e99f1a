"""Pages of the assessment: the monthly scorecards with ranking and charts, a unit's
scorecard, the drill-down of every number, the scoring schemes (the hub saves a new
version), the months and their close, and the public scorecard (晾晒成绩单)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zhitong.common import forms as zt
from zhitong.common.pages import get_or_404, month_param, parse_month, perform, today
from zhitong.organizations.capabilities import is_hub, reads_all_scorecards
from zhitong.public import throttle
from zhitong.public.views import public_page

from . import counting, rates, scoring, selectors, services
from .choices import Audience, MonthStatus
from .choices import Warning as W
from .machines import MONTH
from .models import AssessmentMonth, Scheme
from .scorecards import size

# The indicators' names on the pages (translated; the snapshot stores keys, not names).
LABELS = {
    "reported": _("上报问题数"),
    "coordinated": _("协调问题数"),
    "resolved": _("解决问题数"),
    "resolved_on_time": _("按期办结数"),
    "rehandled": _("重办数"),
    "on_time_rate": _("按期办结率"),
    "response_rate": _("响应率"),
    "resolution_rate": _("解决率"),
    "satisfaction_rate": _("满意率"),
    "deductions": _("督查及人大监督扣分"),
}
RATE_KEYS = ("on_time_rate", "response_rate", "resolution_rate", "satisfaction_rate")
SHOWN = ("reported", "coordinated", "resolved", *RATE_KEYS, "rehandled", "deductions")


def _default_month():
    return counting.prev_month(today().replace(day=1))


def _percent(value):
    return "—" if value is None else f"{Decimal(value) * 100:.1f}%"


def _cells(row: dict) -> list[dict]:
    """The row's figures as the table shows them, each with its drill-down key."""
    out = []
    for key in SHOWN:
        value = row["values"].get(key)
        if key in RATE_KEYS:
            r = row["rates"][key]
            text = f"{_percent(value)}（{size(r['numerator'])}/{size(r['denominator'])}）"
        else:
            text = value
        out.append({"key": key, "text": text, "points": row["points"].get(key, "")})
    return out


def _require_reader(user):
    if not selectors.may_read_scorecards(user):
        raise PermissionDenied


@login_required
def scorecards(request):
    """The month's scorecards of both groups with their ranking and the charts."""
    _require_reader(request.user)
    month = month_param(request.GET.get("month"), _default_month())
    card = selectors.scorecard_for(user=request.user, month=month)
    m = AssessmentMonth.objects.filter(month=month).defer("snapshot").first()
    groups = []
    for key, g in card["groups"].items():
        rows = [
            {**r, "cells": _cells(r), "warning_label": W(r["warning"]).label if r.get("warning") else ""}
            for r in g["rows"]
        ]
        groups.append({"key": key, "label": Audience(key).label, "scheme": g["scheme"], "rows": rows})
    ranking = {
        g["key"]: {"labels": [r["unit"] for r in g["rows"]], "scores": [float(r["score"]) for r in g["rows"]]}
        for g in groups
    }
    trend = selectors.rates_trend(user=request.user, month=month, current=card)
    return TemplateResponse(
        request,
        "assessment/scorecards.html",
        {
            "month": month,
            "closed": m is not None and m.status == MonthStatus.CLOSED,
            "closed_month": m,
            "groups": groups,
            "headers": [LABELS[k] for k in SHOWN],
            "charts": {
                "ranking": ranking,
                "trend": trend,
                "labels": {
                    k: str(LABELS[k]) for k in ("response_rate", "resolution_rate", "satisfaction_rate")
                },
            },
            "certifications": [
                c for c in card["certifications"] if c["uncounted"] or c["status"] != "certified"
            ],
            "all": reads_all_scorecards(request.user),
        },
    )


@login_required
def unit_scorecard(request, month, unit_id):
    """One unit's scorecard: every indicator, its value, points and list; adjustments;
    deductions."""
    _require_reader(request.user)
    month = parse_month(month)
    group, row = get_or_404(selectors.unit_row, user=request.user, month=month, unit_id=unit_id)
    ind = [
        {
            "key": i.key,
            "label": LABELS[i.key],
            "rule": i.rule,
            "weight": (group["scheme"] or {}).get("weights", {}).get(i.key, ""),
            "cell": next(c for c in _cells(row) if c["key"] == i.key),
        }
        for i in scoring.INDICATORS
    ]
    return TemplateResponse(
        request,
        "assessment/unit.html",
        {
            "month": month,
            "group": group,
            "row": row,
            "indicators": ind,
            "warning_label": W(row["warning"]).label if row.get("warning") else "",
        },
    )


@login_required
def drill(request, month, unit_id, key):
    """The list behind one number, and the clause that counted it."""
    _require_reader(request.user)
    if key not in LABELS:
        raise Http404
    month = parse_month(month)
    if key == "deductions":
        _, row = get_or_404(selectors.unit_row, user=request.user, month=month, unit_id=unit_id)
        lists = {}
    else:
        row, lists = get_or_404(
            selectors.unit_lists, user=request.user, month=month, unit_id=unit_id, key=key
        )
    ctx = {"month": month, "row": row, "key": key, "label": LABELS[key], "value": row["values"].get(key)}
    if key in RATE_KEYS:
        hits = {e["id"] for e in lists["numerator"]}
        ctx.update(
            rate=lists,
            clause=rates.CLAUSES[key],
            percent=_percent(row["rates"][key]["value"]),
            missed=[e for e in lists["denominator"] if e["id"] not in hits],
        )
    elif key == "deductions":
        ctx.update(
            deductions=row["deductions"],
            clause="；".join(sorted({d["clause"] for d in row["deductions"]})) or "seeds/000 三、四、五(一)",
        )
    else:
        ctx.update(items=lists["items"], clause=counting.CLAUSES[key], adjustments=lists["adjustments"])
    return TemplateResponse(request, "assessment/drill.html", ctx)


class SchemeForm(zt.Form):
    audience = forms.ChoiceField(label=_("考核对象"), choices=Audience.choices)
    effective_month = forms.CharField(
        label=_("起始月份"), max_length=7, widget=forms.TextInput(attrs={"type": "month"})
    )
    target_score = forms.DecimalField(
        label=_("当期目标分"), min_value=0, max_value=1000, decimal_places=2, max_digits=7
    )
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in scoring.INDICATORS:
            self.fields[f"w_{i.key}"] = forms.DecimalField(
                label=LABELS[i.key], min_value=0, max_value=1000, decimal_places=2, max_digits=7
            )
        for f in self.fields.values():
            zt.harden(f)

    def clean_effective_month(self):
        month = month_param(self.cleaned_data["effective_month"], None)
        if month is None:
            raise forms.ValidationError(_("请选择月份"))
        return month


@login_required
def schemes(request):
    """The versions of both schemes; the hub saves a new version below."""
    if not (reads_all_scorecards(request.user) or is_hub(request.user)):
        raise PermissionDenied
    rows = list(Scheme.objects.select_related("created_by").order_by("audience", "-version"))
    for s in rows:
        s.cells = [(LABELS[i.key], s.weights.get(i.key, "0")) for i in scoring.INDICATORS]
    form = None
    if is_hub(request.user):
        if request.method == "POST":
            form = SchemeForm(request.POST)
            if form.is_valid():
                d = form.cleaned_data
                return perform(
                    request,
                    reverse("assessment:schemes"),
                    lambda: services.scheme_create(
                        actor=request.user,
                        audience=d["audience"],
                        effective_month=d["effective_month"],
                        target_score=d["target_score"],
                        note=d["note"],
                        weights={i.key: d[f"w_{i.key}"] for i in scoring.INDICATORS},
                    ),
                    _("已保存新版本"),
                )
        else:
            current = scoring.scheme_for(
                audience=Audience.COUNTIES, month=today().replace(day=1), schemes=rows
            )
            initial = {
                "audience": Audience.COUNTIES,
                "effective_month": today().replace(day=1).strftime("%Y-%m"),
            }
            if current:
                initial |= {
                    "target_score": current.target_score,
                    **{f"w_{k}": v for k, v in current.weights.items()},
                }
            form = SchemeForm(initial=initial)
    elif request.method == "POST":
        raise PermissionDenied
    return TemplateResponse(
        request, "assessment/schemes.html", {"schemes": rows, "form": form, "indicators": scoring.INDICATORS}
    )


@login_required
def months(request):
    """The assessment months: closed ones with their digest; the hub closes the last month."""
    if not (reads_all_scorecards(request.user) or is_hub(request.user)):
        raise PermissionDenied
    rows = list(AssessmentMonth.objects.select_related("closed_by").defer("snapshot").order_by("-month")[:24])
    candidate = _default_month()
    pending = None
    if is_hub(request.user) and not any(
        r.month == candidate and r.status == MonthStatus.CLOSED for r in rows
    ):
        pending = candidate
    return TemplateResponse(request, "assessment/months.html", {"months": rows, "pending": pending})


class CloseForm(zt.Form):
    note = forms.CharField(label=_("结账说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


@login_required
@require_POST
def month_close(request, month):
    """The hub's button: close the month (assessment.services.month_close)."""
    if not is_hub(request.user):
        raise PermissionDenied
    month = parse_month(month)
    form = CloseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    back = reverse("assessment:months")
    return perform(
        request,
        back,
        lambda: services.month_close_by_label(actor=request.user, month=month, note=note),
        str(MONTH.moves["close"].label),
    )


# -- the public scorecard (晾晒成绩单, seeds/000 五(一)) ------------------------------------------

# The published ranking's own counter per client address (public/throttle.py, the public
# pages' one counting function): 60 requests a minute, apart from the other public pages'.
SCORECARDS = throttle.Bucket("scorecards", "ZHITONG_PUBLIC_SCORECARD_LIMIT", 60, 60)


@public_page(bucket=SCORECARDS)
def public_scorecards(request, month=None):
    """The published (closed) months' ranking: numbers only, no list, no person. Over the
    limit, the public pages' 429 page with Retry-After."""
    closed = selectors.closed_months()
    if month is None:
        if not closed:
            return TemplateResponse(request, "assessment/public.html", {"card": None, "closed": closed})
        return redirect("public_scorecards_month", month=closed[0].month.strftime("%Y-%m"))
    chosen = month_param(month, None)
    card = selectors.public_scorecard(chosen) if chosen else None
    if card is None:
        raise Http404("该月成绩单尚未公布")
    for g in card["groups"]:
        for r in g["rows"]:
            # (label, value): on a phone each row is a card whose cells name their column.
            r["cells"] = [
                (LABELS[k], _percent(r["values"][k]) if k in RATE_KEYS else r["values"][k]) for k in SHOWN
            ]
            r["warning_label"] = W(r["warning"]).label if r.get("warning") else ""
    return TemplateResponse(
        request,
        "assessment/public.html",
        {"card": card, "closed": closed, "month": chosen, "headers": [LABELS[k] for k in SHOWN]},
    )
