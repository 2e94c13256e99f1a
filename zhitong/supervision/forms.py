"""Page forms of the supervision app (common.forms.Form: Chinese messages, bounded input);
the rules are the services'."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from zhitong.common import forms as zt
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.models import Unit

from .scope import supervised_unit_ids

IDS_MAX = 500


def units_for(user):
    """The units (not sections) `user` supervises: the choices of the forms."""
    qs = Unit.objects.filter(is_active=True).exclude(kind=UnitKind.SECTION)
    ids = supervised_unit_ids(user)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("path")


def split_ids(value: str) -> list[int]:
    """ "3, 5，8" → [3, 5, 8]; a token that is no id is dropped."""
    return zt.ids_from(re.split(r"[\s,，、]+", value or ""))


def split_codes(value: str) -> list[str]:
    return [c for c in re.split(r"[\s,，、]+", (value or "").strip()) if c][:50]


class OrderForm(zt.Form):
    unit = forms.ModelChoiceField(label=_("整改单位"), queryset=Unit.objects.none())
    title = forms.CharField(label=_("事由"), max_length=200)
    requirement = forms.CharField(
        label=_("整改要求"), max_length=zt.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    workdays = forms.IntegerField(label=_("整改时限(工作日)"), min_value=1, max_value=60, initial=5)
    appeals = forms.CharField(
        label=_("涉及诉求编号"), max_length=IDS_MAX, required=False, help_text=_("多个编号以逗号分隔")
    )
    tasks = forms.CharField(label=_("涉及交办任务编号"), max_length=IDS_MAX, required=False)
    meetings = forms.CharField(label=_("涉及协调会编号"), max_length=IDS_MAX, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user)


class FindingForm(zt.Form):
    unit = forms.ModelChoiceField(label=_("被督查单位"), queryset=Unit.objects.none())
    month = zt.DateField(
        label=_("考核月份"), help_text=_("所属月份内任一日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    points = forms.DecimalField(
        label=_("扣分"), max_digits=6, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("100")
    )
    clause = forms.CharField(label=_("依据条款"), max_length=200)
    basis = forms.CharField(
        label=_("发现的问题"), max_length=zt.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
    appeal = forms.CharField(label=_("涉及诉求编号"), max_length=20, required=False)
    task = forms.IntegerField(label=_("涉及交办任务编号"), min_value=1, max_value=zt.INT_MAX, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user)
