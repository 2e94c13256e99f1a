"""Page forms of the progress records (common.forms: Chinese messages, bounded inputs)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from zhitong.common import forms as zt
from zhitong.common.forms import version_field
from zhitong.organizations.models import Unit

from ..models import CommitmentParty
from .photos import MAX_PHOTOS
from .reports import MAX_AMOUNT, MAX_PROBLEMS

_MONTH = re.compile(r"\s*(\d{4})-(\d{1,2})\s*")


class MonthField(forms.CharField):
    """A month typed or picked as "YYYY-MM" (<input type="month">), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-06"})

    def __init__(self, **kw):
        kw.setdefault("max_length", 10)
        super().__init__(**kw)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        m = _MONTH.fullmatch(value)
        if m is None or not 1 <= int(m[2]) <= 12:
            raise ValidationError("月份格式不正确，请按“年-月”填写，例如 2026-06", code="invalid")
        month = date(int(m[1]), int(m[2]), 1)
        if month < zt.DATE_FLOOR:
            raise ValidationError(f"月份不能早于{zt.DATE_FLOOR:%Y-%m}", code="date_too_early")
        return month

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value):
        # The length and visibility checks apply to the text, not the date it became.
        return None


class AmountField(forms.CharField):
    """An amount in 万元 with at most two decimals, 0 or more (Django's DecimalField would
    answer in its own words)."""

    def __init__(self, **kw):
        kw.setdefault("max_length", 20)
        kw.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kw)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = Decimal(value.replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise ValidationError("请输入数字（万元），例如 125.50", code="invalid")
        if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
            raise ValidationError(f"应在 0 至 {MAX_AMOUNT} 万元之间", code="invalid")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError("最多保留两位小数", code="invalid")
        return amount

    def run_validators(self, value):
        return None


class ReportForm(zt.Form):
    """A month's progress report (the month is chosen when filing, fixed when correcting)."""

    month = MonthField(label="月份")
    month_investment = AmountField(label="本月完成投资(万元)", required=False, initial="0")
    image_progress = forms.CharField(label="形象进度", widget=forms.Textarea(attrs={"rows": 4}))
    workers = forms.IntegerField(label="用工人数", min_value=0, required=False, initial=0)
    machinery = forms.IntegerField(label="机械台套", min_value=0, required=False, initial=0)
    problems = forms.CharField(
        label="存在问题",
        required=False,
        max_length=zt.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"每行一个问题，最多{MAX_PROBLEMS}个；每个问题登记为一条诉求，由统筹协调专员分办",
    )
    photos = zt.MultipleFileField(
        label="形象进度照片",
        required=False,
        max_files=MAX_PHOTOS,
        help_text=f"JPEG 或 PNG，每份月报最多 {MAX_PHOTOS} 张",
    )

    def __init__(self, *args, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing is not None:
            del self.fields["month"]
            self.fields["version"] = version_field()
            self.fields["remove_photos"] = zt.TypedMultipleChoiceField(
                label="删除照片",
                required=False,
                coerce=int,
                choices=[(p.pk, p.original_name) for p in editing.photos.all()],
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields["problems"].label = "新增问题"
        self.fields["photos"].widget.attrs["accept"] = "image/jpeg,image/png"

    def service_data(self) -> dict:
        d = self.cleaned_data
        out = {
            "month_investment": d.get("month_investment"),
            "image_progress": d["image_progress"],
            "workers": d.get("workers"),
            "machinery": d.get("machinery"),
            "problems": (d.get("problems") or "").splitlines(),
            "photos": d.get("photos") or [],
        }
        if self.editing is not None:
            out["expected_version"] = d["version"]
            out["remove_photo_ids"] = d.get("remove_photos") or []
        else:
            out["month"] = d["month"]
        return out


class DailyForm(zt.Form):
    """The secretary's daily report: 服务情况、工地工人数、出动机械数 (seeds/004 枣阳)."""

    day = zt.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    service = forms.CharField(label="服务情况", widget=forms.Textarea(attrs={"rows": 3}))
    workers = forms.IntegerField(label="工地工人数", min_value=0, required=False, initial=0)
    machinery = forms.IntegerField(label="出动机械数", min_value=0, required=False, initial=0)

    def __init__(self, *args, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing is not None:
            del self.fields["day"]
            self.fields["version"] = version_field()

    def service_data(self) -> dict:
        d = self.cleaned_data
        out = {"service": d["service"], "workers": d.get("workers"), "machinery": d.get("machinery")}
        if self.editing is not None:
            out["expected_version"] = d["version"]
        else:
            out["day"] = d["day"]
        return out


class CommitmentForm(zt.Form):
    party = forms.ChoiceField(label="承诺方", choices=CommitmentParty.choices)
    content = forms.CharField(label="承诺内容", widget=forms.Textarea(attrs={"rows": 3}))
    basis = forms.CharField(label="依据(协议条款)", required=False, max_length=200)
    due_on = zt.DateField(label="承诺期限", widget=forms.DateInput(attrs={"type": "date"}))
    responsible_unit = forms.ModelChoiceField(
        label="责任单位", required=False, queryset=Unit.objects.none(), empty_label="（不指定）"
    )

    def __init__(self, *args, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["responsible_unit"].queryset = Unit.objects.filter(is_active=True).order_by(
            "sort_order", "code"
        )
        if editing is not None:
            self.fields["version"] = version_field()

    def service_data(self) -> dict:
        d = self.cleaned_data
        unit = d.get("responsible_unit")
        out = {
            "party": d["party"],
            "content": d["content"],
            "basis": d.get("basis") or "",
            "due_on": d["due_on"],
            "responsible_unit_id": unit.pk if unit else None,
        }
        if self.editing is not None:
            out["expected_version"] = d["version"]
        return out


class MonthFilter(zt.Form):
    """?month=YYYY-MM on the list pages (a garbage value lists the default month)."""

    month = MonthField(label="月份", required=False)
    unit = forms.IntegerField(label="牵头单位", required=False, min_value=1)
