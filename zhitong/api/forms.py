"""The token page's form (common.forms.Form: Chinese messages, bounded input)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhitong.common.forms import DateField, Form, MultipleChoiceField

from .scopes import scope_choices
from .services import NAME_MAX, RATE_LIMIT_MAX


class TokenCreateForm(Form):
    name = forms.CharField(label=_("用途"), max_length=NAME_MAX, help_text=_("如：12345热线系统接入"))
    owner = forms.TypedChoiceField(label=_("所属账号"), coerce=int, choices=())
    scopes = MultipleChoiceField(label=_("权限范围"), choices=(), widget=forms.CheckboxSelectMultiple)
    expires_on = DateField(
        label=_("有效期至"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("当日结束时失效；不填则长期有效"),
    )
    rate_limit = forms.IntegerField(
        label=_("每分钟请求上限"),
        required=False,
        min_value=1,
        max_value=RATE_LIMIT_MAX,
        help_text=_("不填则使用系统默认值"),
    )

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "—")] + list(owners)
        self.fields["scopes"].choices = scope_choices()
