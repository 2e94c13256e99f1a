"""The project library's forms: the one filter form the list page, its .xlsx export and the
API all read (`ProjectFilterForm`), and the form that enters or edits a project's facts
(`ProjectForm`; the stage is not in it — it moves only through `machines.STAGE`)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.http import urlencode

from zhitong.common import forms as zt
from zhitong.enterprises.models import Enterprise
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.models import Unit, User

from .models import ApprovalAuthority, Project, ProjectCategory, ProjectLevel, ProjectStage

ALL = ("", "全部")
GREEN_CHOICES = [ALL, ("yes", "是"), ("no", "否")]


def location_units():
    """Where a project lands: the counties (县市区) and parks (园区)."""
    return Unit.objects.filter(is_active=True, kind__in=[UnitKind.COUNTY, UnitKind.PARK])


def serving_units():
    """The units a project's facts may name (lead, first contact, introducing …): every
    active unit but the sections, whose department acts for them."""
    return Unit.objects.filter(is_active=True).exclude(kind=UnitKind.SECTION)


def leaders():
    """Responsible leaders (包挂领导, seeds/003 一): the city's and counties' leaders."""
    return User.objects.filter(is_active=True, role=Role.LEADER).order_by("full_name", "username")


def _unit_label(u: Unit) -> str:
    return u.display_name


class ProjectFilterForm(zt.Form):
    """The library's filters. A value that does not validate (a hand-edited link, an old
    bookmark, garbage sent to the API) is dropped — the list shows as if it were not set —
    never an error (`filters()`)."""

    q = forms.CharField(label="项目名称、编码或业主企业", required=False, max_length=100)
    stage = forms.ChoiceField(label="所处阶段", required=False, choices=[ALL, *ProjectStage.choices])
    level = forms.ChoiceField(label="项目层级", required=False, choices=[ALL, *ProjectLevel.choices])
    category = forms.ChoiceField(label="项目类别", required=False, choices=[ALL, *ProjectCategory.choices])
    location = forms.TypedChoiceField(label="落地县区/园区", required=False, coerce=int, empty_value=None)
    lead_unit = forms.TypedChoiceField(label="牵头单位", required=False, coerce=int, empty_value=None)
    leader = forms.TypedChoiceField(label="包挂领导", required=False, coerce=int, empty_value=None)
    green = forms.ChoiceField(label="绿色通道", required=False, choices=GREEN_CHOICES)
    # An id from a link (the enterprise page's count): read with id_or_none, so "１２" or
    # "1e3" is no id at all rather than some other enterprise's.
    owner = forms.CharField(label="业主企业", required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["location"].choices = [ALL, *((u.pk, _unit_label(u)) for u in location_units())]
        self.fields["lead_unit"].choices = [ALL, *((u.pk, _unit_label(u)) for u in serving_units())]
        self.fields["leader"].choices = [ALL, *((u.pk, u.display_name) for u in leaders())]

    def cleaned(self) -> dict:
        """The values that validated, by field name (the others dropped)."""
        if not hasattr(self, "_kept"):
            kept = {k: v for k, v in zt.clean_filters(self).items() if v not in (None, "")}
            if "owner" in kept and not zt.id_or_none(kept["owner"]):
                del kept["owner"]
            self._kept = kept
        return self._kept

    def filters(self, *, stage: bool = True) -> dict:
        """The selector's keyword arguments (`selectors.project_list_for_user`); without the
        stage for the counts per stage."""
        f = self.cleaned()
        green = f.get("green")
        out = {
            "q": f.get("q") or None,
            "stage": f.get("stage") if stage else None,
            "level": f.get("level"),
            "category": f.get("category"),
            "location_id": f.get("location"),
            "lead_unit_id": f.get("lead_unit"),
            "leader_id": f.get("leader"),
            "green_channel": {"yes": True, "no": False}.get(green),
            "owner_id": zt.id_or_none(f.get("owner") or "") or None,
        }
        return {k: v for k, v in out.items() if v is not None}

    def query(self, **overrides) -> str:
        """The query string of these filters as they validated (garbage left out), with
        `overrides` (None removes a key): the links of the counts, the pages, the export."""
        values = {k: v for k, v in self.cleaned().items()}
        for k, v in overrides.items():
            if v is None:
                values.pop(k, None)
            else:
                values[k] = v
        return urlencode(values)

    @property
    def owner_name(self) -> str:
        owner = zt.id_or_none(self.cleaned().get("owner", ""))
        if not owner:
            return ""
        return Enterprise.objects.filter(pk=owner).values_list("name", flat=True).first() or ""


# -- entering and editing a project -------------------------------------------------------------

DECIMAL_MESSAGES = {
    "invalid": "请输入数字（万元），最多两位小数",
    "max_digits": "数字过长：最多 14 位（含两位小数）",
    "max_decimal_places": "最多两位小数",
    "max_whole_digits": "整数部分最多 12 位",
}


def _investment(label: str) -> forms.DecimalField:
    # max_value INT_MAX 万元 (二万亿元余) is more than any project; it also keeps the field
    # within what every page form is bounded by (common.forms).
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        max_value=Decimal(zt.INT_MAX),
        initial=Decimal(0),
        error_messages=DECIMAL_MESSAGES,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class UnitChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", "（未填写）")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return obj.display_name


class UserChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", "（未确定）")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return obj.display_name + (f"（{obj.position}）" if obj.position else "")


class ProjectForm(zt.Form):
    """A project's facts (seeds/003 八: the library's row). Entering a project also names its
    first lead unit; afterwards the lead unit follows the rules of seeds/003 二 and the stage
    the stage table — neither is edited here. Editing carries the version the form was
    rendered at (a stale form is refused, 409)."""

    code = forms.CharField(label="项目编码", max_length=32, help_text="字母、数字、连字符，如 XM2026-001")
    name = forms.CharField(label="项目名称", max_length=200)
    owner = forms.ModelChoiceField(label="业主企业", queryset=Enterprise.objects.none())
    category = forms.ChoiceField(label="项目类别", choices=ProjectCategory.choices)
    industry = forms.CharField(label="所属行业", max_length=60, required=False)
    level = forms.ChoiceField(label="项目层级", choices=ProjectLevel.choices, initial=ProjectLevel.KEY)
    location = UnitChoiceField(label="落地县区/园区", queryset=Unit.objects.none())
    address = forms.CharField(label="建设地点", max_length=200, required=False)
    first_contact_unit = UnitChoiceField(label="首谈单位", queryset=Unit.objects.none(), required=False)
    introducing_unit = UnitChoiceField(label="引进单位", queryset=Unit.objects.none(), required=False)
    designated_unit = UnitChoiceField(
        label="市政府指定牵头部门",
        queryset=Unit.objects.none(),
        required=False,
        help_text="市招商局引进的项目签约后，由市政府按行业对口指定（seeds/003 二(二)3）",
    )
    industry_unit = UnitChoiceField(label="行业主管部门", queryset=Unit.objects.none(), required=False)
    approval_authority = forms.ChoiceField(
        label="审批权限", choices=ApprovalAuthority.choices, initial=ApprovalAuthority.CITY
    )
    lead_unit = UnitChoiceField(label="牵头单位", queryset=Unit.objects.none())
    leader = UserChoiceField(label="包挂领导", queryset=User.objects.none(), required=False)
    total_investment = _investment("总投资(万元)")
    annual_investment = _investment("年度计划投资(万元)")
    planned_start = zt.DateField(label="计划开工日期", required=False, widget=DateInput())
    planned_completion = zt.DateField(label="计划竣工日期", required=False, widget=DateInput())
    summary = forms.CharField(
        label="建设内容及规模", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    green_channel = forms.BooleanField(label="绿色通道", required=False)
    green_channel_note = forms.CharField(label="绿色通道依据", max_length=200, required=False)
    public = forms.BooleanField(label="可公开展示（挂牌展示）", required=False)
    version = zt.version_field()

    # The fields of each group on the page.
    GROUPS = [
        ("基本信息", ["code", "name", "owner", "category", "industry", "level", "location", "address"]),
        (
            "牵头单位相关（seeds/003 二）",
            [
                "first_contact_unit",
                "introducing_unit",
                "designated_unit",
                "industry_unit",
                "approval_authority",
                "lead_unit",
                "leader",
            ],
        ),
        (
            "规模与计划",
            ["total_investment", "annual_investment", "planned_start", "planned_completion", "summary"],
        ),
        ("绿色通道与公开", ["green_channel", "green_channel_note", "public"]),
    ]

    def __init__(self, data=None, *, user=None, project: Project | None = None, lead_unit_ids=None):
        """`user` picks the enterprises and lead units offered; `project` (editing) fills the
        form and drops the lead unit (not edited here); `lead_unit_ids` narrows the lead
        units a new project may name (None: any)."""
        initial = {}
        if project is not None:
            initial = {f: getattr(project, f) for f in self.base_fields if hasattr(project, f)}
            initial.update(
                {
                    f: getattr(project, f"{f}_id")
                    for f in (
                        "owner",
                        "location",
                        "first_contact_unit",
                        "introducing_unit",
                        "designated_unit",
                        "industry_unit",
                        "leader",
                    )  # fmt: skip
                }
            )
        super().__init__(data, initial=initial)
        self.project = project
        owners = Enterprise.objects.none()
        if user is not None:
            from zhitong.enterprises.selectors import enterprise_list_for_user

            visible = enterprise_list_for_user(user=user).values("pk")
            keep = Q(pk=project.owner_id) if project is not None else Q(pk__in=[])
            owners = Enterprise.objects.filter(Q(pk__in=visible) | keep).order_by("name", "id")
        self.fields["owner"].queryset = owners
        self.fields["location"].queryset = location_units()
        for f in ("first_contact_unit", "introducing_unit", "designated_unit", "industry_unit"):
            self.fields[f].queryset = serving_units()
        self.fields["leader"].queryset = leaders()
        if project is not None:
            del self.fields["lead_unit"]
        else:
            del self.fields["version"]
            units = serving_units()
            if lead_unit_ids is not None:
                units = units.filter(pk__in=lead_unit_ids)
            self.fields["lead_unit"].queryset = units

    def groups(self):
        """[(title, [bound fields])] for the page, the fields this form has."""
        return [(title, [self[f] for f in names if f in self.fields]) for title, names in self.GROUPS]

    def facts(self) -> dict:
        """The cleaned facts as the services take them (no version, no lead unit)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "lead_unit")}
