"""The portal's page forms (common.forms.Form: bounded, Chinese messages)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhitong.common import forms as zt
from zhitong.enterprises.validators import credit_code_error

from .services import MAX_ATTACHMENTS

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


class SignupForm(zt.Form):
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=18,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    name = forms.CharField(label=_("联系人姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=11,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
        help_text=_("用于接收验证码，注册后作为登录用户名"),
    )
    password = forms.CharField(
        label=_("设置密码"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("再次输入密码"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        err = credit_code_error(code)
        if err:
            raise ValidationError(err)
        return code

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not _MOBILE.match(phone):
            raise ValidationError(_("手机号码应为以13–19开头的11位数字"))
        return phone

    def clean(self):
        cd = super().clean()
        p1, p2 = cd.get("password"), cd.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致"))
        elif p1 and (len(p1) < 8 or p1.isdigit() or p1.isalpha()):
            self.add_error("password", _("密码至少8位，且须同时包含字母和数字"))
        return cd


class CodeForm(zt.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise ValidationError(_("验证码为6位数字"))
        return code


class SubmitForm(zt.Form):
    """The enterprise's web submission. `key` is the form's idempotency key (a double click
    posts the same key and gets the same appeal)."""

    category_id = forms.TypedChoiceField(label=_("诉求类别"), coerce=int, empty_value=None)
    title = forms.CharField(
        label=_("诉求标题"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("一句话概括遇到的困难")}),
    )
    description = forms.CharField(
        label=_("诉求内容"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": _("具体情况、希望解决的问题、已做的工作")}),
    )
    contact_name = forms.CharField(label=_("联系人"), required=False, max_length=50)
    contact_phone = forms.CharField(label=_("联系电话"), required=False, max_length=20)
    attachments = zt.MultipleFileField(
        label=_("附件"),
        required=False,
        max_files=MAX_ATTACHMENTS,
        help_text=_("PDF、图片、Word或Excel，最多5个"),
    )
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_id"].choices = [("", _("—— 请选择 ——")), *[(c.pk, c.name) for c in categories]]
