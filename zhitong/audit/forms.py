"""The audit log's GET filters. A value that does not validate is dropped, never an error
page (common.forms.clean_filters): a bookmarked or hand-edited link keeps working."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from zhitong.appeals.forms import DateInput
from zhitong.common import forms as zt
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.models import Unit

from . import catalog, kinds
from .models import AuditEvent
from .selectors import SIGNIN_REFUSALS

# A code as the log writes them ("appeal.approve_extension", "appeals.appeal"): a link from
# a row of a type or action the catalog does not name still filters by it, if the log has it.
_CODE = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)*")


class AuditFilterForm(zt.Form):
    person = forms.CharField(
        label=_("操作人"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("姓名或登录名")}),
    )
    unit = forms.TypedChoiceField(label=_("操作人单位"), required=False, coerce=int, empty_value=None)
    object_type = forms.ChoiceField(label=_("对象类型"), required=False)
    # The column's length (models.AuditEvent.object_id): an id, or a code such as an appeal's.
    object_id = forms.CharField(
        label=_("对象编号"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("如诉求编号 ZT-2026-000123")}),
    )
    action = forms.ChoiceField(label=_("操作"), required=False)
    date_from = zt.DateField(label=_("日期 自"), required=False, widget=DateInput())
    date_to = zt.DateField(label=_("至"), required=False, widget=DateInput())
    # The admin home's figure "近24小时登录限制" links here with kind=signin_refusals.
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部")), (SIGNIN_REFUSALS, _("近24小时登录限制"))]
    )

    def __init__(self, data=None):
        super().__init__(data)
        # Units but sections: a unit's filter includes its sections (selectors).
        units = Unit.objects.exclude(kind=UnitKind.SECTION).order_by("sort_order", "code")
        self.fields["unit"].choices = [("", _("全部")), *units.values_list("pk", "name")]
        self.fields["object_type"].choices = kinds.object_type_choices()
        self.fields["action"].choices = catalog.action_choices()
        for name in ("object_type", "action"):
            self._accept_code(name)

    def _accept_code(self, name: str) -> None:
        value = self.data.get(name) if self.is_bound else None
        field = self.fields[name]
        if not isinstance(value, str) or len(value) > 64 or not _CODE.fullmatch(value):
            return
        if value in {v for v, _label in flat_choices(field.choices)}:
            return
        # One indexed lookup, only for a code the catalog does not name.
        if AuditEvent.objects.filter(**{name: value}).exists():
            field.choices = [*field.choices, (value, value)]

    def filters(self) -> dict:
        """The valid filters, ready for selectors.audit_events_for_user."""
        if not self.is_bound:
            return {}
        f = {k: v.strip() if isinstance(v, str) else v for k, v in zt.clean_filters(self).items()}
        unit_id = f.pop("unit", None)
        if unit_id:
            f["unit"] = Unit.objects.filter(pk=unit_id).first()
        return {k: v for k, v in f.items() if v not in (None, "")}


def flat_choices(choices):
    """(value, label) of a choice list, its groups opened."""
    for value, label in choices:
        if isinstance(label, list | tuple):
            yield from flat_choices(label)
        else:
            yield value, label
