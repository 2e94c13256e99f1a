"""Forms parse and type-check input; the rules are the services'."""

from django import forms
from django.utils import timezone

from zhitong.appeals.models import Category
from zhitong.common.forms import version_field
from zhitong.enterprises.models import Enterprise
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.models import Unit, User
from zhitong.projects.models import Project

from .choices import EventKind, EventLevel, Verification


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
        return f"{obj.display_name}（{obj.position or level}）"


class MeetingForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=200)
    convener = LeaderField(label="召开协调会的领导", queryset=User.objects.none())
    held_at = forms.DateTimeField(label="召开时间", widget=LocalDateTimeInput())
    place = forms.CharField(label="地点", max_length=200, required=False)
    units = forms.ModelMultipleChoiceField(
        label="参会单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convener"].queryset = leader_choices()
        self.fields["units"].queryset = unit_choices()


class OpinionForm(forms.Form):
    """One opinion: the lead unit, other responsible units, and the time limit in working days
    or as a date (one of the two)."""

    opinion = forms.CharField(label="意见", widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = forms.ModelChoiceField(label="牵头责任单位", queryset=Unit.objects.none())
    other_units = forms.ModelMultipleChoiceField(
        label="配合单位",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    due_workdays = forms.IntegerField(label="办理时限(工作日)", required=False, min_value=1)
    due_date = forms.DateField(label="或截止日期", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = unit_choices()
        self.fields["other_units"].queryset = unit_choices()

    def unit_ids(self) -> list[int]:
        lead = self.cleaned_data["lead_unit"]
        return [lead.pk, *[u.pk for u in self.cleaned_data["other_units"] if u.pk != lead.pk]]


class EventForm(forms.Form):
    title = forms.CharField(label="活动名称", max_length=200)
    kind = forms.ChoiceField(label="活动方式", choices=EventKind.choices)
    level = forms.ChoiceField(label="层级", choices=EventLevel.choices)
    scheduled_at = forms.DateTimeField(label="活动时间", widget=LocalDateTimeInput())
    place = forms.CharField(label="地点", max_length=200, required=False)
    chair = LeaderField(label="出席并审定的市政府领导", queryset=User.objects.none())
    deputy = LeaderField(label="专班副组长(审核)", queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = leader_choices()
        self.fields["deputy"].queryset = leader_choices()


class RegisterProblemForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=Enterprise.objects.none())
    project = forms.ModelChoiceField(label="项目(可选)", queryset=Project.objects.none(), required=False)
    title = forms.CharField(label="问题", max_length=200)
    description = forms.CharField(label="具体情况", widget=forms.Textarea(attrs={"rows": 3}))
    category = forms.ModelChoiceField(label="类别", queryset=Category.objects.none())
    unit = forms.ModelChoiceField(label="核实单位", queryset=Unit.objects.none())
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.filter(is_active=True).order_by("name")
        self.fields["project"].queryset = Project.objects.select_related("owner").order_by("code")
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        self.fields["unit"].queryset = unit_choices()


class VerifyForm(forms.Form):
    result = forms.ChoiceField(
        label="核实结果",
        choices=[(Verification.CONFIRMED, "情况属实"), (Verification.NOT_CONFIRMED, "情况不符/已解决")],
    )
    note = forms.CharField(label="核实情况", widget=forms.Textarea(attrs={"rows": 2}))


class EventMoveForm(forms.Form):
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


def _event_move_fields(spec, event, confirmed) -> dict:
    kw = {"label": spec.label, "required": spec.required, "help_text": spec.help}
    if spec.kind == "proposals":
        return {
            f"proposal_{item.pk}": forms.CharField(
                label=f"{n}. {item.appeal.enterprise.name}：{item.appeal.title}",
                initial=item.proposed_handling,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            for n, item in enumerate(confirmed, 1)
        }
    if spec.kind == "event_items":
        choices = [
            (item.pk, f"{item.appeal.enterprise.name}：{item.appeal.title}（建议：{item.proposed_handling}）")
            for item in confirmed
        ]
        field = forms.TypedMultipleChoiceField(
            coerce=int,
            choices=choices,
            widget=forms.CheckboxSelectMultiple,
            initial=[c[0] for c in choices],
            **kw,
        )
    elif spec.kind == "datetime":
        field = forms.DateTimeField(
            widget=LocalDateTimeInput(), initial=getattr(event, spec.name, None), **kw
        )
    elif spec.kind == "textarea":
        field = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), **kw)
    else:
        field = forms.CharField(max_length=200, initial=getattr(event, spec.name, None), **kw)
    return {spec.name: field}


def event_move_form(move, *, event, items, data=None) -> EventMoveForm:
    """The bound or unbound form of one move (prefix = the move's name, so several forms
    live on one page); `items` are the event's catalog (for the list-making moves)."""
    confirmed = [i for i in items if i.verification == Verification.CONFIRMED]
    fields: dict = {}
    for spec in move.form_fields():
        fields.update(_event_move_fields(spec, event, confirmed))
    cls = type(f"Event{move.name.title().replace('_', '')}Form", (EventMoveForm,), {**fields, "move": move})
    return cls(data=data, initial={"version": event.version}, prefix=move.name)


def first_error(form: forms.Form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}：{errors[0]}" if label else errors[0]
    return "输入有误"


def move_input(move, data, files=None) -> dict:
    """The declared fields of a transition-table move, typed from a POSTed form (QueryDict +
    FILES) or a JSON body (dict): text stays text, `int`/`unit`/`user`/`item` become ints,
    `units` a list of ids in the order given (the first leads), `date` a date, `file` the
    upload. Blank optional values become None; the services check what is required."""
    from datetime import date

    from zhitong.core.errors import ServiceError

    def many(name):
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        return value if isinstance(value, list) else ([] if value in (None, "") else [value])

    out: dict = {}
    for f in move.form:
        raw = data.get(f.name)
        try:
            if f.kind == "file":
                out[f.name] = (files or {}).get(f.name)
            elif f.kind == "units":
                out[f.name] = [int(v) for v in many(f.name) if str(v).strip()]
            elif f.kind in ("int", "unit", "user", "item"):
                out[f.name] = None if raw in (None, "") else int(raw)
            elif f.kind == "date":
                out[f.name] = None if raw in (None, "") else date.fromisoformat(str(raw))
            else:
                out[f.name] = "" if raw is None else str(raw)
        except (TypeError, ValueError):
            raise ServiceError(f"“{f.label}”格式不正确", field=f.name)
    return out
