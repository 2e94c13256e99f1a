"""The hub's filters, its read-marking form and the preferences form (common.forms.Form:
Chinese messages, bounded text)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhitong.common.forms import Form, MultipleChoiceField, harden
from zhitong.delivery.choices import Channel

from .kinds import DIGEST, WINDOW_CHOICES, Delivery
from .selectors import State

KIND_MAX = 40  # Notification.kind
SUBJECT_MAX = 200  # Notification.subject


class HubFilterForm(Form):
    """?state=unread|read|all&kind=…&subject=… (a garbage value lists as if unset)."""

    state = forms.ChoiceField(choices=State.CHOICES, required=False)
    kind = forms.CharField(max_length=KIND_MAX, required=False)
    subject = forms.CharField(max_length=SUBJECT_MAX, required=False, strip=False)
    unread = forms.CharField(max_length=1, required=False)  # ?unread=1: the old link


class MarkReadForm(Form):
    """Which unread messages to mark read: all (neither given), one kind, or one kind about
    one object (the hub's row)."""

    kind = forms.CharField(max_length=KIND_MAX, required=False)
    subject = forms.CharField(max_length=SUBJECT_MAX, required=False, strip=False)
    group = forms.BooleanField(required=False)  # `subject` given, even if empty


def mode_field_name(code: str) -> str:
    return f"mode-{code}"


def channels_field_name(code: str) -> str:
    return f"channels-{code}"


class PreferencesForm(Form):
    """One choice per kind the user may set (mandatory kinds have no field: there is
    nothing to choose), and the digest window."""

    digest_window_hours = forms.TypedChoiceField(
        label=_("重复提醒并入汇总的时段"), choices=WINDOW_CHOICES, coerce=int
    )
    # Quiet hours (docs/delivery.md): the outside channels hold what is not mandatory.
    quiet_start = forms.TimeField(
        label=_("免打扰开始"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_end = forms.TimeField(
        label=_("免打扰结束"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices
        # The channels beside the inbox, for every kind listed and the daily digest.
        for code in [DIGEST, *(row.kind.code for _section, rows in choices for row in rows)]:
            self.fields[channels_field_name(code)] = harden(
                MultipleChoiceField(
                    label=_("其他渠道"),
                    choices=Channel.choices,
                    widget=forms.CheckboxSelectMultiple,
                    required=False,
                    max_items=len(Channel.choices),
                )
            )
        for _section, rows in choices:
            for row in rows:
                if not row.mandatory:
                    self.fields[mode_field_name(row.kind.code)] = forms.ChoiceField(
                        label=row.kind.label,
                        choices=Delivery.choices,
                        widget=forms.RadioSelect,
                        initial=row.mode,
                        required=False,  # left out of a post: as it was
                    )

    def modes(self) -> dict[str, str]:
        """Every choice on the page: as posted, or as it was where the post left it out."""
        return {
            row.kind.code: self.cleaned_data.get(mode_field_name(row.kind.code)) or row.mode
            for _section, rows in self.choices
            for row in rows
            if not row.mandatory
        }

    def channels(self) -> dict[str, list[str]]:
        """The channels chosen per kind (an unticked kind: none)."""
        codes = [DIGEST, *(row.kind.code for _section, rows in self.choices for row in rows)]
        return {code: list(self.cleaned_data.get(channels_field_name(code)) or []) for code in codes}
