"""Forms parse and type-check input; the rules are the services'. Every form is a
`common.forms.Form` (Chinese messages, bounded text, numbers, dates and lists)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhitong.appeals.models import Category
from zhitong.common import forms as zt
from zhitong.common.forms import version_field
from zhitong.enterprises.models import Enterprise
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.models import Unit, User
from zhitong.projects.models import Project

from .choices import EventKind, EventLevel, TaskStatus, Verification


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else value


class DateInput(forms.DateInput):
    input_type = "date"


def leader_choices():
    return User.objects.filter(role=Role.LEADER, is_active=True).order_by("leader_level", "pk")


def unit_choices():
    return Unit.objects.filter(is_active=True).exclude(kind=UnitKind.SECTION).order_by("path")


class LeaderField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        level = LeaderLevel(obj.leader_level).label if obj.leader_level else ""
        return _("%(name)s（%(position)s）") % {"name": obj.display_name, "position": obj.position or level}


class MeetingForm(zt.Form):
    title = forms.CharField(label=gettext_lazy("会议名称"), max_length=200)
    convener = LeaderField(label=gettext_lazy("召开协调会的领导"), queryset=User.objects.none())
    held_at = zt.DateTimeField(label=gettext_lazy("召开时间"), widget=LocalDateTimeInput())
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200, required=False)
    units = zt.ModelMultipleChoiceField(
        label=gettext_lazy("参会单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convener"].queryset = leader_choices()
        self.fields["units"].queryset = unit_choices()


class OpinionForm(zt.Form):
    """One opinion: the lead unit, other responsible units, and the time limit in working days
    or as a date (one of the two)."""

    opinion = forms.CharField(
        label=gettext_lazy("意见"), max_length=zt.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_unit = forms.ModelChoiceField(label=gettext_lazy("牵头责任单位"), queryset=Unit.objects.none())
    other_units = zt.ModelMultipleChoiceField(
        label=gettext_lazy("配合单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    due_workdays = forms.IntegerField(
        label=gettext_lazy("办理时限(工作日)"), required=False, min_value=1, max_value=365
    )
    due_date = zt.DateField(label=gettext_lazy("或截止日期"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = unit_choices()
        self.fields["other_units"].queryset = unit_choices()

    def unit_ids(self) -> list[int]:
        lead = self.cleaned_data["lead_unit"]
        return [lead.pk, *[u.pk for u in self.cleaned_data["other_units"] if u.pk != lead.pk]]


class EventForm(zt.Form):
    title = forms.CharField(label=gettext_lazy("活动名称"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("活动方式"), choices=EventKind.choices)
    level = forms.ChoiceField(label=gettext_lazy("层级"), choices=EventLevel.choices)
    scheduled_at = zt.DateTimeField(label=gettext_lazy("活动时间"), widget=LocalDateTimeInput())
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200, required=False)
    chair = LeaderField(label=gettext_lazy("出席并审定的市政府领导"), queryset=User.objects.none())
    deputy = LeaderField(label=gettext_lazy("专班副组长(审核)"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = leader_choices()
        self.fields["deputy"].queryset = leader_choices()


class RegisterProblemForm(zt.Form):
    enterprise = forms.ModelChoiceField(label=gettext_lazy("企业"), queryset=Enterprise.objects.none())
    project = forms.ModelChoiceField(
        label=gettext_lazy("项目(可选)"), queryset=Project.objects.none(), required=False
    )
    title = forms.CharField(label=gettext_lazy("问题"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("具体情况"), max_length=zt.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ModelChoiceField(label=gettext_lazy("类别"), queryset=Category.objects.none())
    unit = forms.ModelChoiceField(label=gettext_lazy("核实单位"), queryset=Unit.objects.none())
    contact_name = forms.CharField(label=gettext_lazy("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=gettext_lazy("联系电话"), max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(is_active=True).order_by("name")
        self.fields["project"].queryset = Project.objects.select_related("owner").order_by("code")
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["unit"].queryset = unit_choices()


class VerifyForm(zt.Form):
    result = forms.ChoiceField(
        label=gettext_lazy("核实结果"),
        choices=[
            (Verification.CONFIRMED, gettext_lazy("情况属实")),
            (Verification.NOT_CONFIRMED, gettext_lazy("情况不符/已解决")),
        ],
    )
    note = forms.CharField(
        label=gettext_lazy("核实情况"), max_length=zt.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class EventMoveForm(zt.Form):
    """The form of one move of an event, built from the move's declared fields
    (machines/events.py) by `event_move_form`."""

    version = version_field()  # required: a move without the version it was based on is refused

    def service_data(self) -> dict:
        """The move's fields as its service takes them."""
        d, out = self.cleaned_data, {}
        for name in self.move.fields:
            if name == "proposals":
                out[name] = {int(k[9:]): v for k, v in d.items() if k.startswith("proposal_")}
            elif name == "item_ids":
                out[name] = [int(i) for i in d.get(name) or []]
            else:
                out[name] = d.get(name)
        return out


def _event_move_fields(spec, event, confirmed, items) -> dict:
    kw = {"label": spec.label, "required": spec.required, "help_text": spec.help}
    if spec.kind == "proposals":
        return {
            f"proposal_{item.pk}": forms.CharField(
                label=_("%(n)s. %(enterprise)s：%(title)s")
                % {"n": n, "enterprise": item.appeal.enterprise.name, "title": item.appeal.title},
                max_length=zt.TEXT_MAX,
                initial=item.proposed_handling,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            for n, item in enumerate(confirmed, 1)
        }
    if spec.kind == "event_items":
        choices = [
            (
                item.pk,
                _("%(enterprise)s：%(title)s（建议：%(proposal)s）")
                % {
                    "enterprise": item.appeal.enterprise.name,
                    "title": item.appeal.title,
                    "proposal": item.proposed_handling,
                },
            )
            for item in confirmed
        ]
        field = zt.TypedMultipleChoiceField(
            coerce=int,
            choices=choices,
            widget=forms.CheckboxSelectMultiple,
            initial=[c[0] for c in choices],
            **kw,
        )
    elif spec.kind == "item":
        # carry_on: the problems on the list whose appeal is not 办结 and not carried on yet
        from zhitong.appeals.selectors import appeal_concluded

        choices = [
            (item.pk, f"{item.appeal.code} {item.appeal.enterprise.name}：{item.appeal.title}")
            for item in items
            if item.in_final_list and item.carried_on_at is None and not appeal_concluded(item.appeal)
        ]
        field = forms.TypedChoiceField(coerce=int, choices=[("", _("请选择")), *choices], **kw)
    elif spec.kind == "datetime":
        field = zt.DateTimeField(widget=LocalDateTimeInput(), initial=getattr(event, spec.name, None), **kw)
    elif spec.kind == "textarea":
        field = forms.CharField(max_length=zt.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}), **kw)
    else:
        field = forms.CharField(max_length=200, initial=getattr(event, spec.name, None), **kw)
    return {spec.name: field}


def event_move_form(move, *, event, items, data=None) -> EventMoveForm:
    """The bound or unbound form of one move (prefix = the move's name, so several forms
    live on one page); `items` are the event's catalog (for the list-making moves)."""
    confirmed = [i for i in items if i.verification == Verification.CONFIRMED]
    fields: dict = {}
    for spec in move.form_fields():
        fields.update(_event_move_fields(spec, event, confirmed, items))
    cls = type(f"Event{move.name.title().replace('_', '')}Form", (EventMoveForm,), {**fields, "move": move})
    return cls(data=data, initial={"version": event.version}, prefix=move.name)


class TaskFilterForm(zt.Form):
    """The task list's GET filters; a value it does not know is ignored (zt.clean_filters)."""

    status = forms.ChoiceField(
        required=False, choices=[("", ""), ("open", gettext_lazy("未办结")), *TaskStatus.choices]
    )
    light = forms.ChoiceField(
        required=False, choices=[("", ""), ("red", gettext_lazy("超期")), ("yellow", gettext_lazy("临期"))]
    )
    source = forms.ChoiceField(
        required=False,
        choices=[("", ""), ("meeting", gettext_lazy("协调会")), ("event", gettext_lazy("面对面活动"))],
    )
    order = forms.ChoiceField(required=False, choices=[("", ""), ("due", gettext_lazy("按期限"))])


class EventPickForm(zt.Form):
    """The candidate appeals' GET filters."""

    q = forms.CharField(required=False, max_length=100)
    channel = forms.ChoiceField(required=False, choices=[])

    def __init__(self, *args, **kwargs):
        from zhitong.appeals.choices import Channel

        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [("", ""), *Channel.choices]


class MeetingItemsForm(zt.Form):
    """Agenda items for a meeting: escalation requests ticked, or appeal codes typed."""

    escalation_ids = forms.CharField(required=False)  # read with zt.ids_from (many values)
    codes = forms.CharField(label=gettext_lazy("诉求编号"), required=False, max_length=2000)

    @staticmethod
    def _split(text: str) -> list[str]:
        return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]

    def clean_codes(self):
        text = self.cleaned_data.get("codes") or ""
        count = len(self._split(text))
        if count > zt.MAX_ITEMS:  # said, not cut: the codes past the limit are not dropped
            raise ValidationError(
                zt.MESSAGES["too_many"], code="too_many", params={"limit": zt.MAX_ITEMS, "count": count}
            )
        return text

    def codes_list(self) -> list[str]:
        return self._split(self.cleaned_data.get("codes") or "")
