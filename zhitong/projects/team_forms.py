"""Page forms of the lead unit and the team sections and of the butler assignment: they parse
and type-check; the services decide who may hold what (services/lead.py, services/team.py)."""

from django import forms

from zhitong.common import forms as zt
from zhitong.common.forms import version_field
from zhitong.enterprises.models import Contact
from zhitong.organizations.models import Unit, User

REASON_MAX = 1000


def _users():
    return User.objects.filter(is_active=True)


def _units():
    return Unit.objects.filter(is_active=True)


class LeadOverrideForm(zt.Form):
    version = version_field()
    unit = forms.ModelChoiceField(label="牵头单位", queryset=_units())
    reason = forms.CharField(label="理由", max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class VersionForm(zt.Form):
    version = version_field()


class EscalateForm(zt.Form):
    version = version_field()
    leader = forms.ModelChoiceField(label="市政府分管领导", queryset=_users())
    reason = forms.CharField(
        label="呈报事由", max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class EndForm(zt.Form):
    """End an escalation or a member's service (the day is today unless given)."""

    version = version_field()
    on = zt.DateField(label="结束日期", required=False)
    reason = forms.CharField(label="说明", max_length=REASON_MAX, required=False)


class MemberForm(zt.Form):
    """Assign or replace: a person, a unit (with an optional contact person) or a contact of
    the owner enterprise, from a day."""

    version = version_field()
    user = forms.ModelChoiceField(label="人员", queryset=_users(), required=False)
    unit = forms.ModelChoiceField(label="单位", queryset=_units(), required=False)
    contact = forms.ModelChoiceField(label="企业联系人", queryset=Contact.objects.none(), required=False)
    on = zt.DateField(label="起始日期", required=False)
    basis = forms.CharField(label="依据", max_length=REASON_MAX, required=False)

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        if project is not None:
            self.fields["contact"].queryset = Contact.objects.filter(enterprise_id=project.owner_id)


class ButlerForm(zt.Form):
    """An enterprise's butler (项目管家, seeds/002), or none."""

    butler = forms.ModelChoiceField(label="项目管家", queryset=_users(), required=False)
