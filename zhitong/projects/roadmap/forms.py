"""The planning page's form: the direction and its date, and one row per node — each
standard milestone (checked by default, with its default limit) and a few custom ones.
The form parses and bounds the input; the rules are the services' (services.clean_items)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zhitong.common import forms as zt

from ..models import MilestoneKind, PlanRule
from . import rules

CUSTOM_ROWS = 3
ORDER_STEP = 10


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        # <input type=date> takes only ISO dates, whatever the language's input format.
        super().__init__(attrs, format="%Y-%m-%d")


def _row_fields(prefix: str, agents, units, *, days_required: bool = False) -> dict[str, forms.Field]:
    return {
        f"days_{prefix}": forms.IntegerField(
            label=_("标准办理时限(工作日)"),
            min_value=1,
            max_value=rules.MAX_WORKDAYS,
            required=days_required,
            widget=forms.NumberInput(attrs={"class": "zt-num-input"}),
        ),
        f"order_{prefix}": forms.IntegerField(
            label=_("顺序"),
            min_value=1,
            max_value=999,
            required=False,
            widget=forms.NumberInput(attrs={"class": "zt-num-input"}),
        ),
        f"agent_{prefix}": forms.ChoiceField(label=_("代办员"), choices=agents, required=False),
        f"unit_{prefix}": forms.ChoiceField(label=_("责任单位"), choices=units, required=False),
    }


class PlanForm(zt.Form):
    direction = forms.ChoiceField(
        label=_("排期方式"),
        choices=[
            (PlanRule.REVERSE, _("倒排：自目标完成日期倒推")),
            (PlanRule.FORWARD, _("顺排：自开始日期顺推")),
        ],
        initial=PlanRule.REVERSE,
        widget=forms.RadioSelect,
    )
    anchor = zt.DateField(
        label=_("目标完成日期／开始日期"),
        widget=DateInput(),
        help_text=_("倒排时为最后一个节点的完成日期；顺排时为第一个节点的开始日期"),
    )
    replace = forms.BooleanField(label=_("替换现有推进路径图"), required=False)

    def __init__(self, *args, agents=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        agents = [("", "—"), *agents]
        units = [("", "—"), *units]
        for i, kind in enumerate(rules.STANDARD_KINDS, 1):
            self.fields[f"use_{kind}"] = forms.BooleanField(
                label=MilestoneKind(kind).label, required=False, initial=True
            )
            self.fields.update(_row_fields(kind, agents, units))
            self.fields[f"days_{kind}"].initial = rules.DEFAULT_WORKDAYS[kind]
            self.fields[f"order_{kind}"].initial = i * ORDER_STEP
        for i in range(1, CUSTOM_ROWS + 1):
            self.fields[f"name_c{i}"] = forms.CharField(
                label=_("自定义节点名称"), max_length=100, required=False
            )
            self.fields.update(_row_fields(f"c{i}", agents, units))
        for field in self.fields.values():
            zt.harden(field)

    def rows(self) -> list[dict]:
        """The node rows for the template: bound fields by column."""
        out = []
        for kind in rules.STANDARD_KINDS:
            out.append(
                {
                    "kind": kind,
                    "label": MilestoneKind(kind).label,
                    "use": self[f"use_{kind}"],
                    "days": self[f"days_{kind}"],
                    "order": self[f"order_{kind}"],
                    "agent": self[f"agent_{kind}"],
                    "unit": self[f"unit_{kind}"],
                }
            )
        for i in range(1, CUSTOM_ROWS + 1):
            out.append(
                {
                    "kind": MilestoneKind.CUSTOM,
                    "name": self[f"name_c{i}"],
                    "days": self[f"days_c{i}"],
                    "order": self[f"order_c{i}"],
                    "agent": self[f"agent_c{i}"],
                    "unit": self[f"unit_c{i}"],
                }
            )
        return out

    def clean(self):
        data = super().clean()
        for i in range(1, CUSTOM_ROWS + 1):
            if (data.get(f"name_c{i}") or "").strip() and not data.get(f"days_c{i}"):
                self.add_error(f"days_c{i}", _("请填写自定义节点的办理时限"))
        return data

    def items(self) -> list[dict]:
        """The chosen nodes in the planner's order (by 顺序: a standard node left blank keeps
        its usual place, a custom one without it goes last; ties in the page's order), as
        services.clean_items takes them."""
        data = self.cleaned_data
        chosen = []
        position = 0
        for kind in rules.STANDARD_KINDS:
            position += 1
            if data.get(f"use_{kind}"):
                order = data.get(f"order_{kind}") or position * ORDER_STEP
                chosen.append((order, position, kind, "", f"{kind}"))
        for i in range(1, CUSTOM_ROWS + 1):
            position += 1
            name = (data.get(f"name_c{i}") or "").strip()
            if name:
                chosen.append((data.get(f"order_c{i}"), position, MilestoneKind.CUSTOM, name, f"c{i}"))
        chosen.sort(key=lambda row: (row[0] is None, row[0] or 0, row[1]))
        return [
            {
                "kind": kind,
                "name": name,
                "workdays": data.get(f"days_{key}"),
                "agent_id": data.get(f"agent_{key}") or None,
                "responsible_unit_id": data.get(f"unit_{key}") or None,
            }
            for _order, _pos, kind, name, key in chosen
        ]
