from django import forms
from django.utils.translation import gettext_lazy as _

from zhitong.common import forms as zt
from zhitong.enterprises.choices import Industry

from .choices import EnterpriseSize, PolicyTag


class CommitmentForm(zt.Form):
    """A catalog item. seeds/003 六.1: committed ≤ legal, checked here as in the service."""

    unit = forms.TypedChoiceField(label=_("单位"), coerce=int)
    title = forms.CharField(label=_("事项名称"), max_length=200)
    category = forms.TypedChoiceField(label=_("对应诉求类别"), coerce=int, required=False, empty_value=None)
    legal_days = forms.IntegerField(label=_("法定时限(工作日)"), min_value=1, max_value=1000)
    committed_days = forms.IntegerField(label=_("承诺时限(工作日)"), min_value=1, max_value=1000)
    materials = forms.CharField(label=_("所需材料"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    fees = forms.CharField(label=_("收费标准"), max_length=200, required=False)
    procedure = forms.CharField(label=_("办理程序"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    basis = forms.CharField(label=_("设定依据"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=zt.INT_MAX)

    def __init__(self, *args, units=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        self.fields["category"].choices = [("", "—")] + [(c.pk, c.name) for c in categories]

    def clean(self):
        data = super().clean()
        legal, committed = data.get("legal_days"), data.get("committed_days")
        if legal and committed and committed > legal:
            self.add_error(
                "committed_days",
                _("承诺时限（%(c)s个工作日）不得超过法定时限（%(l)s个工作日）")
                % {"c": committed, "l": legal},
            )
        return data


class CatalogFilter(zt.Form):
    unit = forms.IntegerField(required=False, min_value=1, max_value=zt.INT_MAX)
    q = forms.CharField(required=False, max_length=100)


class ManageFilter(zt.Form):
    unit = forms.IntegerField(required=False, min_value=1, max_value=zt.INT_MAX)
    status = forms.ChoiceField(required=False, choices=[("", "")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import CommitmentStatus

        self.fields["status"].choices = [("", "")] + list(CommitmentStatus.choices)


class ImportForm(zt.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))


class LookupForm(zt.Form):
    """The status lookup: both values are typed, so they travel in the body (POST)."""

    code = forms.CharField(label=_("诉求编号"), max_length=20, strip=True)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=18, strip=True)


class PolicyFilter(zt.Form):
    industry = forms.ChoiceField(required=False, choices=[("", _("全部行业")), *Industry.choices])
    size = forms.ChoiceField(required=False, choices=[("", _("全部规模")), *EnterpriseSize.choices])
    tag = forms.ChoiceField(required=False, choices=[("", _("全部标签")), *PolicyTag.choices])
    q = forms.CharField(required=False, max_length=100)


class PolicyForm(zt.Form):
    title = forms.CharField(label=_("政策名称"), max_length=200)
    issuer = forms.CharField(label=_("发布单位"), max_length=100)
    issued_on = zt.DateField(label=_("发布日期"))
    valid_until = zt.DateField(label=_("有效期至"), required=False)
    industries = zt.MultipleChoiceField(
        label=_("适用行业（不选即全部）"),
        choices=Industry.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sizes = zt.MultipleChoiceField(
        label=_("适用企业规模（不选即全部）"),
        choices=EnterpriseSize.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = zt.MultipleChoiceField(
        label=_("适用企业标签（不选即全部）"),
        choices=PolicyTag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(label=_("政策要点"), widget=forms.Textarea(attrs={"rows": 5}))
    link = forms.URLField(label=_("原文链接"), max_length=500, required=False, assume_scheme="https")
    is_published = forms.BooleanField(label=_("公开"), required=False, initial=True)
