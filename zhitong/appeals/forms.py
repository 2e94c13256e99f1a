"""Forms of the appeals pages. They only shape and check input; every rule about what may
happen to an appeal lives in machine.py and the services/ package.

A move's form is built from its declaration in machine.MOVES (`Move.fields`, described in
machine.FIELDS), so a new move or field appears on the page without a template change.
"""

from __future__ import annotations

import re
from functools import cached_property

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhitong.common import forms as zt
from zhitong.common.forms import MultipleFileField, MultipleFileInput, version_field

from .choices import Channel, Light, Rating, Status
from .machine import Move

PER_PAGE_CHOICES = (20, 50, 100)

# ---------------------------------------------------------------------------------------
# Widgets
# ---------------------------------------------------------------------------------------


__all__ = ["MultipleFileField", "MultipleFileInput"]  # evidence uploads (common.forms)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def split_items(text: str) -> list[str]:
    """One item per line (also split on Chinese/ASCII semicolons), blanks dropped."""
    return [p.strip(" \t-•·、") for p in re.split(r"[\r\n;；]+", text or "") if p.strip(" \t-•·、")]


# ---------------------------------------------------------------------------------------
# Workbench filters
# ---------------------------------------------------------------------------------------

STATUS_OPEN = "open"
STATUS_ALL = "all"
STATUS_DONE = "done"


class WorkbenchFilterForm(zt.Form):
    """The workbench's GET filters. Unknown or bad values are ignored, never an error page:
    a bookmarked link keeps working after a choice list changes."""

    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=100)
    status = forms.ChoiceField(label=gettext_lazy("状态"), required=False)
    light = forms.ChoiceField(
        label=gettext_lazy("灯"),
        required=False,
        choices=[
            ("", gettext_lazy("全部")),
            (Light.RED, gettext_lazy("红灯 超期")),
            (Light.YELLOW, gettext_lazy("黄灯 临期")),
            (Light.GREEN, gettext_lazy("绿灯 正常")),
            (Light.NONE, gettext_lazy("不计时")),
        ],
    )
    category = forms.TypedChoiceField(
        label=gettext_lazy("类别"), required=False, coerce=int, empty_value=None
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("来源渠道"), required=False, choices=[("", gettext_lazy("全部")), *Channel.choices]
    )
    lead_unit = forms.TypedChoiceField(
        label=gettext_lazy("牵头单位"), required=False, coerce=int, empty_value=None
    )
    received_unit = forms.TypedChoiceField(
        label=gettext_lazy("首问单位"), required=False, coerce=int, empty_value=None
    )
    stage = forms.ChoiceField(
        label=gettext_lazy("阶段"),
        required=False,
        choices=[
            ("", gettext_lazy("全部")),
            ("intake", gettext_lazy("未签收(分办、签收前)")),
            ("handling", gettext_lazy("已签收办理")),
        ],
    )
    led = forms.BooleanField(label=gettext_lazy("仅本单位牵头"), required=False)
    date_from = zt.DateField(label=gettext_lazy("受理日期 自"), required=False, widget=DateInput())
    date_to = zt.DateField(label=gettext_lazy("至"), required=False, widget=DateInput())
    problem = forms.BooleanField(label=gettext_lazy("仅问题诉求(提级督办)"), required=False)
    exempt = forms.BooleanField(label=gettext_lazy("仅不纳入考核"), required=False)
    # The dashboards' overdue figures link here (reports/dashboard.py).
    late = forms.BooleanField(label=gettext_lazy("仅超期(含超期办结)"), required=False)
    pending = forms.ChoiceField(
        label=gettext_lazy("待办"),
        required=False,
        choices=[
            ("", gettext_lazy("全部")),
            ("extension", gettext_lazy("待审批延期")),
            ("exemption", gettext_lazy("待审批不纳入考核")),
            ("cooperation", gettext_lazy("待我单位配合答复")),
            ("follow", gettext_lazy("我首问跟踪中")),
            ("escalation", gettext_lazy("提请协调待审核")),
        ],
    )
    order = forms.ChoiceField(
        label=gettext_lazy("排序"),
        required=False,
        choices=[
            ("due", gettext_lazy("按期限(最急在前)")),
            ("received", gettext_lazy("按受理时间(最新在前)")),
            ("updated", gettext_lazy("按最近更新")),
        ],
    )
    per_page = forms.TypedChoiceField(
        label=gettext_lazy("每页"),
        required=False,
        coerce=int,
        empty_value=PER_PAGE_CHOICES[0],
        choices=[(n, format_lazy(gettext_lazy("{n} 条"), n=n)) for n in PER_PAGE_CHOICES],
    )

    def __init__(self, data=None, *, categories=(), units=(), receiving_units=(), show_lead_unit=False):
        """`show_lead_unit`: the user sees across units (lead and first-inquiry unit
        pickers); otherwise "仅本单位牵头" narrows the unit's scope to what it leads."""
        super().__init__(data)
        self.fields["status"].choices = [
            (STATUS_OPEN, _("全部在办")),
            (STATUS_ALL, _("全部(含已关闭)")),
            *[(s.value, s.label) for s in Status],
        ]
        self.fields["category"].choices = [("", _("全部")), *[(c.pk, c.name) for c in categories]]
        self.fields["lead_unit"].choices = [("", _("全部")), *units]
        self.fields["received_unit"].choices = [("", _("全部")), *receiving_units]
        if show_lead_unit:
            del self.fields["led"]
        else:
            del self.fields["lead_unit"]
            del self.fields["received_unit"]

    def filters(self) -> dict:
        """The cleaned values, dropping any field that did not validate."""
        out = zt.clean_filters(self)
        out["status"] = out.get("status") or STATUS_OPEN
        out["order"] = out.get("order") or "due"
        out["per_page"] = out.get("per_page") or PER_PAGE_CHOICES[0]
        return out


# ---------------------------------------------------------------------------------------
# Move forms, built from the table of moves
# ---------------------------------------------------------------------------------------


class MoveChoices:
    """Choice lists for move forms, each fetched at most once per page however many forms
    use it (the detail page and the triage queue render several)."""

    def __init__(self, *, appeal=None, user=None):
        self.appeal = appeal
        self.user = user

    @cached_property
    def units(self) -> list[tuple[int, str]]:
        from .views.helpers import unit_choices

        return unit_choices()

    @cached_property
    def leaders(self) -> list[tuple[int, str]]:
        from .views.helpers import leader_choices

        return leader_choices()

    @cached_property
    def merge_targets(self) -> list[tuple[int, str]]:
        from .selectors import appeal_merge_targets

        if self.appeal is None:
            return []
        return appeal_merge_targets(user=self.user, appeal=self.appeal)


class MoveForm(zt.Form):
    """Base of every move form: carries the appeal version the user saw, so a form left
    open while someone else moved the appeal is refused as stale (409), not applied."""

    expected_version = version_field()  # required: a move without it is refused

    move: Move

    def service_data(self) -> dict:
        data = {}
        for name in self.move.fields:
            value = self.cleaned_data.get(name)
            kind = self.fields[name].zt_kind
            if kind == "items":
                value = split_items(value or "")
            elif kind == "units":
                value = [int(v) for v in value or []]
            elif value in ("", None) and kind in ("unit", "user", "appeal", "int", "date"):
                value = None
            data[name] = value
        return data


# A one-line text field's column, where it is narrower than 200 (the escalation request's
# contact columns, coordination.models.EscalationRequest).
TEXT_LIMITS = {"contact_name": 50, "contact_mobile": 20}


def _field_for(spec, choices: MoveChoices) -> forms.Field:
    kw = {"label": spec.label, "required": spec.required, "help_text": spec.help}
    kind = spec.kind
    if kind == "text":
        field = forms.CharField(max_length=TEXT_LIMITS.get(spec.name, 200), **kw)
    elif kind == "textarea":
        field = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), **kw)
    elif kind == "items":
        field = forms.CharField(
            max_length=5000,
            widget=forms.Textarea(
                attrs={"rows": 4, "placeholder": _("每行一项，例如：\n营业执照复印件\n项目立项批复")}
            ),
            **kw,
        )
    elif kind == "date":
        field = zt.DateField(widget=DateInput(), **kw)
    elif kind == "int":
        field = forms.IntegerField(min_value=1, max_value=365, **kw)
    elif kind == "unit":
        field = forms.TypedChoiceField(
            coerce=int, empty_value=None, choices=[("", _("—— 请选择 ——")), *choices.units], **kw
        )
    elif kind == "units":
        field = zt.TypedMultipleChoiceField(
            coerce=int, choices=choices.units, widget=forms.CheckboxSelectMultiple, **kw
        )
    elif kind == "user":
        field = forms.TypedChoiceField(
            coerce=int,
            empty_value=None,
            choices=[("", _("—— 按牵头单位分管领导 ——")), *choices.leaders],
            **kw,
        )
    elif kind == "appeal":
        field = forms.TypedChoiceField(
            coerce=int, empty_value=None, choices=[("", _("—— 请选择 ——")), *choices.merge_targets], **kw
        )
    elif kind == "rating":
        field = forms.TypedChoiceField(coerce=int, choices=Rating.choices, widget=forms.RadioSelect, **kw)
    elif kind == "files":
        field = MultipleFileField(**kw)
        field.widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.doc,.docx,.xlsx"
        # The native "Choose Files / No file chosen" text follows the browser's language;
        # the page shows its own Chinese button and the chosen names (see _field.html).
        # static/zhitong/site.js writes the chosen names (or this text) into .zt-file-names.
        field.widget.attrs["data-zt-file-names"] = _("未选择文件")
    else:  # an unknown kind from a newer table: a plain text box is still usable
        field = forms.CharField(max_length=zt.TEXT_MAX, **kw)
    field.zt_kind = kind
    return field


def move_initial(move: Move, *, appeal, user) -> dict:
    """Sensible pre-filled values, so the common case is one click."""
    initial: dict = {"expected_version": appeal.version}
    if "new_due" in move.fields and appeal.extension_requested_due and move.name == "approve_extension":
        initial["new_due"] = appeal.extension_requested_due
    if move.name == "escalate":
        initial.update(
            project_name=appeal.project.name if appeal.project_id else appeal.title,
            basic_situation=appeal.description,
            problem=appeal.title,
            contact_name=user.display_name,
            contact_mobile=user.phone,
        )
    if move.name in ("assign", "settle_transfer"):
        initial["cooperating_unit_ids"] = [
            c.unit_id for c in appeal.cooperations.all() if c.answered_at is None
        ]
    if move.name == "settle_transfer" and appeal.handling_days:
        initial["handling_days"] = appeal.handling_days
    return initial


def move_form(
    move: Move, *, appeal, user, choices: MoveChoices, data=None, files=None, initial=None, auto_id="id_%s"
) -> MoveForm:
    """The bound or unbound form of one move for one appeal (prefix = the move's name, so
    several forms live on one page without clashing ids)."""
    fields = {
        name: _field_for(spec, choices) for name, spec in zip(move.fields, move.form_fields(), strict=True)
    }
    cls = type(f"{move.name.title().replace('_', '')}Form", (MoveForm,), {**fields, "move": move})
    if data is None:
        initial = {**move_initial(move, appeal=appeal, user=user), **(initial or {})}
    form = cls(data=data, files=files, initial=initial, prefix=move.name, auto_id=auto_id)
    form.has_files = any(getattr(f, "zt_kind", "") == "files" for f in form.fields.values())
    return form


# ---------------------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------------------


class IntakeForm(zt.Form):
    enterprise_q = forms.CharField(
        label=gettext_lazy("查找企业"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("输入企业名称或统一社会信用代码"), "autocomplete": "off"}
        ),
    )
    enterprise_id = forms.TypedChoiceField(
        label=gettext_lazy("企业"),
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("请选择企业")},
    )
    category_id = forms.TypedChoiceField(label=gettext_lazy("诉求类别"), coerce=int, empty_value=None)
    channel = forms.ChoiceField(
        label=gettext_lazy("来源渠道"), choices=[("", gettext_lazy("—— 请选择 ——")), *Channel.choices]
    )
    title = forms.CharField(
        label=gettext_lazy("诉求标题"),
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("一句话概括企业的困难，例如：新厂房施工许可办理受阻")}
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("诉求内容"),
        max_length=5000,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": gettext_lazy("企业反映的具体情况、诉求和已做的工作")}
        ),
    )
    project_id = forms.TypedChoiceField(
        label=gettext_lazy("所属项目"), required=False, coerce=int, empty_value=None
    )
    contact_name = forms.CharField(label=gettext_lazy("联系人"), required=False, max_length=50)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), required=False, max_length=20)
    received_at = zt.DateTimeField(
        label=gettext_lazy("受理时间"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        help_text=gettext_lazy("留空为当前时间；补录电话、来信时填写实际收到的时间"),
    )
    materials_incomplete = forms.BooleanField(
        label=gettext_lazy("材料不齐，需一次性告知补正"), required=False
    )
    missing_checklist = zt.MultipleChoiceField(
        label=gettext_lazy("缺少的材料"), required=False, widget=forms.CheckboxSelectMultiple
    )
    missing_other = forms.CharField(
        label=gettext_lazy("其他缺少的材料"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": gettext_lazy("每行一项")}),
    )
    duplicate_of_id = forms.TypedChoiceField(
        label=gettext_lazy("重复诉求"), required=False, coerce=int, empty_value=None, widget=forms.RadioSelect
    )
    duplicates_seen = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(
        self,
        data=None,
        *,
        categories=(),
        enterprises=(),
        projects=(),
        required_materials=(),
        duplicates=(),
        initial=None,
    ):
        super().__init__(data, initial=initial)
        self.fields["category_id"].choices = [("", _("—— 请选择 ——")), *[(c.pk, c.name) for c in categories]]
        self.fields["enterprise_id"].choices = [(e.pk, e.name) for e in enterprises]
        self.fields["project_id"].choices = [
            ("", _("（不涉及具体项目）")),
            *[(p.pk, p.name) for p in projects],
        ]
        self.fields["missing_checklist"].choices = [(m, m) for m in required_materials]
        self.fields["duplicate_of_id"].choices = [
            ("", _("不是重复，作为新诉求登记")),
            *[(a.pk, a.code) for a in duplicates],
        ]
        self.enterprises = list(enterprises)

    def clean(self):
        data = super().clean()
        missing = [*data.get("missing_checklist", []), *split_items(data.get("missing_other", ""))]
        if data.get("materials_incomplete") and not missing:
            self.add_error("missing_other", _("勾选“材料不齐”时，请列出需补齐的全部材料（一次性告知）"))
        data["materials_missing"] = missing if data.get("materials_incomplete") else []
        return data

    def seen_duplicate_ids(self) -> set[int]:
        raw = (self.data.get("duplicates_seen") or "") if self.is_bound else ""
        return set(zt.ids_from(raw[:2000].split(",")))
