"""Forms of the enterprise pages: adding an enterprise at intake (on the appeals' intake
page, issue 9) and the keepers' correction of one. They shape and check input; the rules
(check character, twins, who may) are the services'."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhitong.common import forms as zt
from zhitong.organizations.choices import UnitKind
from zhitong.organizations.models import Unit

from .choices import Industry
from .validators import credit_code_error

CHOOSE = ("", _("—— 请选择 ——"))


def location_choices() -> list[tuple[int, str]]:
    """The counties/districts and parks an enterprise is located in (the list filter's)."""
    rows = Unit.objects.filter(kind__in=[UnitKind.COUNTY, UnitKind.PARK], is_active=True).order_by(
        "sort_order", "code"
    )
    return [(u.pk, u.display_name) for u in rows]


class CreditCodeField(forms.CharField):
    """A unified social credit code as typed or read out over the phone: spaces dropped and
    letters upper-cased, then checked (18 characters, the GB 32100-2015 alphabet and check
    character), with the reason in Chinese."""

    def __init__(self, **kw):
        kw.setdefault("max_length", 50)  # room for the spaces of "9135 0100 …"
        super().__init__(**kw)
        self.widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "placeholder": _("18位，如 91350100M000012345")}
        )

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        code = "".join(value.split()).upper()
        err = credit_code_error(code)
        if err:
            raise ValidationError(err, code="credit_code")
        return code


class EnterpriseFields(zt.Form):
    """The facts of an enterprise entered at intake (the registry's: code, name, industry,
    location; address and legal representative when known)."""

    credit_code = CreditCodeField(label=_("统一社会信用代码"))
    name = forms.CharField(label=_("企业名称"), max_length=200)
    industry = forms.ChoiceField(label=_("行业"), choices=[CHOOSE, *Industry.choices])
    location_id = forms.TypedChoiceField(label=_("所在县区/园区"), coerce=int, empty_value=None)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    legal_representative = forms.CharField(label=_("法定代表人"), max_length=50, required=False)

    def __init__(self, data=None, *, locations=None, **kw):
        super().__init__(data, **kw)
        self.fields["location_id"].choices = [
            CHOOSE,
            *(location_choices() if locations is None else locations),
        ]


class EnterpriseAddForm(EnterpriseFields):
    """Adding an enterprise at intake (prefix "new" on the intake page, whose own fields it
    sits among). `similar_seen`: the similar enterprises the page showed; `confirm_distinct`
    says the new one is none of them."""

    similar_seen = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    confirm_distinct = forms.BooleanField(label=_("以上均不是该企业，确认新增"), required=False)

    def seen_ids(self) -> list[int]:
        """The similar enterprises acknowledged: those shown, when the box was ticked."""
        if not self.is_valid() or not self.cleaned_data.get("confirm_distinct"):
            return []
        return zt.ids_from((self.cleaned_data.get("similar_seen") or "").split(","))

    def service_data(self) -> dict:
        cd = self.cleaned_data
        return {
            "credit_code": cd["credit_code"],
            "name": cd["name"],
            "industry": cd["industry"],
            "location_id": cd["location_id"],
            "address": cd.get("address") or "",
            "legal_representative": cd.get("legal_representative") or "",
            "similar_seen": self.seen_ids(),
        }


class EnterpriseCorrectForm(EnterpriseFields):
    """The keeper's correction (the `correct` move of machine.ENTERPRISE): the fields
    pre-filled with what was entered, a note, and the version the page was read at."""

    note = forms.CharField(
        label=_("核实说明"), required=False, max_length=zt.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_version = zt.version_field()

    def __init__(self, data=None, *, enterprise=None, locations=None, **kw):
        if enterprise is not None and data is None:
            kw["initial"] = {
                "credit_code": enterprise.credit_code,
                "name": enterprise.name,
                "industry": enterprise.industry,
                "location_id": enterprise.location_id,
                "address": enterprise.address,
                "legal_representative": enterprise.legal_representative,
                "expected_version": enterprise.version,
            }
        super().__init__(data, locations=locations, **kw)
        if enterprise is not None and enterprise.location_id not in dict(self.fields["location_id"].choices):
            # Entered under a town or street office: keep it choosable.
            self.fields["location_id"].choices.append((enterprise.location_id, enterprise.location.name))

    def move_data(self) -> dict:
        cd = self.cleaned_data
        return {k: cd.get(k) for k in ("name", "credit_code", "industry", "location_id", "address")} | {
            "legal_representative": cd.get("legal_representative") or "",
            "note": cd.get("note") or "",
        }
