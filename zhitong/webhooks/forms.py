"""The subscription page forms (common.forms.Form: Chinese messages, bounded text)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhitong.common.forms import Form, MultipleChoiceField

from .events import events


class SubscriptionForm(Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    url = forms.URLField(label=_("接收地址"), max_length=500, assume_scheme="https")
    events = MultipleChoiceField(
        label=_("订阅事件（不选即全部）"), required=False, widget=forms.CheckboxSelectMultiple, max_items=60
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = list(events().items())


class SubscriptionEditForm(SubscriptionForm):
    active = forms.BooleanField(label=_("启用"), required=False)
    rotate_secret = forms.BooleanField(label=_("更换签名密钥（旧密钥立即失效）"), required=False)
