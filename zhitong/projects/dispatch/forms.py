"""Page forms of dispatch, consultation and inspection: they type-check input (Chinese
messages, bounded text and dates, common.forms); the rules are the services'."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from zhitong.common import forms as zt
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.models import Unit, User

from ..models import Project
from .models import ConsultationConclusion, DispatchLevel, InspectionResult
from .services import COUNTY_KINDS


class DateInput(forms.DateInput):
    """The browser's date picker, which reads and sends ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def textarea(rows: int = 3):
    return forms.Textarea(attrs={"rows": rows})


class ConvenerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        level = LeaderLevel(obj.leader_level).label if obj.leader_level else ""
        where = obj.unit.display_name if obj.unit_id else ""
        return f"{obj.display_name}（{obj.position or level or where}）"


def convener_choices():
    """City leaders and counties' principal leaders, and the heads of counties' and parks'
    governments (a county's monthly dispatch may be chaired by them)."""
    return (
        User.objects.filter(is_active=True)
        .filter(Q(role=Role.LEADER) | Q(role=Role.UNIT_HEAD, unit__kind__in=COUNTY_KINDS))
        .select_related("unit")
        .order_by("role", "leader_level", "pk")
    )


def county_choices(ids=None):
    qs = Unit.objects.filter(is_active=True, kind__in=COUNTY_KINDS).order_by("sort_order", "code")
    return qs if ids is None else qs.filter(pk__in=ids)


class SessionForm(zt.Form):
    level = forms.ChoiceField(label="调度层级", choices=DispatchLevel.choices)
    held_on = zt.DateField(label="调度日期", widget=DateInput())
    convener = ConvenerField(label="主持领导", queryset=User.objects.none())
    county = forms.ModelChoiceField(
        label="县(市)区/园区", queryset=Unit.objects.none(), required=False, help_text="县级月调度必选"
    )
    title = forms.CharField(
        label="会议名称", max_length=200, required=False, help_text="不填则按层级和期间生成"
    )
    place = forms.CharField(label="地点", max_length=200, required=False)
    summary = forms.CharField(label="总体情况", widget=textarea(), required=False)

    def __init__(self, *args, county_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convener"].queryset = convener_choices()
        self.fields["county"].queryset = county_choices(county_ids)


class EntryForm(zt.Form):
    project = forms.ModelChoiceField(label="调度项目", queryset=Project.objects.none())
    progress = forms.CharField(label="项目进展", widget=textarea(2), required=False)
    problems = forms.CharField(label="存在问题", widget=textarea(2), required=False)
    decisions = forms.CharField(label="调度意见", widget=textarea(3))
    responsible_unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none(), required=False)
    due_on = zt.DateField(label="完成时限", widget=DateInput(), required=False)

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = (
            projects if projects is not None else Project.objects.none()
        ).order_by("code")
        self.fields["project"].label_from_instance = lambda p: f"{p.code} {p.name}"
        self.fields["responsible_unit"].queryset = (
            Unit.objects.filter(is_active=True).exclude(kind="section").order_by("path")
        )


class ConsultationForm(zt.Form):
    held_on = zt.DateField(label="会商日期", widget=DateInput())
    participants = forms.CharField(label="参加会商单位", widget=textarea(2))
    fits_city_plan = forms.BooleanField(label="符合城市发展规划", required=False)
    fits_park_positioning = forms.BooleanField(label="符合园区产业定位", required=False)
    fits_industry_policy = forms.BooleanField(label="符合产业政策", required=False)
    conclusion = forms.ChoiceField(label="会商结论", choices=ConsultationConclusion.choices)
    opinion = forms.CharField(label="会商意见", widget=textarea(3))


class DrawForm(zt.Form):
    quarter = forms.ChoiceField(label="抽查季度", choices=())
    seed = forms.CharField(
        label="随机种子", max_length=100, help_text="抽取前公布的数值，例如当日福利彩票开奖号码"
    )
    seed_source = forms.CharField(label="种子来源", max_length=200, help_text="说明种子在哪里公布、何时公布")

    def __init__(self, *args, quarters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [(q.param, q.label) for q in quarters]
        self.quarters = {q.param: q for q in quarters}

    def clean_quarter(self):
        return self.quarters[self.cleaned_data["quarter"]].start


class InspectionForm(zt.Form):
    inspected_on = zt.DateField(label="检查日期", widget=DateInput())
    site_checked = forms.BooleanField(label="已查看施工经营现场", required=False)
    permits_checked = forms.BooleanField(label="已查验各项手续的办理批文", required=False)
    result = forms.ChoiceField(label="检查结论", choices=InspectionResult.choices)
    finding = forms.CharField(label="检查情况", widget=textarea(2))
    rectification = forms.CharField(label="整改要求", widget=textarea(2), required=False)
