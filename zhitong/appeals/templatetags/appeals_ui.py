"""Small presentation helpers for the appeals pages: the light dot, query-string edits
for filter links and pagination, masked phone numbers. No business rules here — the light
itself comes from the selector (stored deadline columns)."""

import re

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhitong.appeals.choices import Light

register = template.Library()

LIGHT_LABELS = dict(Light.choices)


@register.simple_tag
def light_dot(light: str | None, *, with_label: bool = False):
    """A coloured dot for a light value ("green" | "yellow" | "red" | "none")."""
    light = light or Light.NONE
    label = LIGHT_LABELS.get(light, "")
    if with_label:
        return format_html(
            '<span class="light light-{}" aria-hidden="true"></span> <span class="zt-light-label">{}</span>',
            light,
            label,
        )
    return format_html(
        '<span class="light light-{}" title="{}" role="img" aria-label="{}"></span>', light, label, label
    )


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (None or "" removes them).
    Changing any filter also drops `page`, so the user never lands on an empty page 7."""
    request = context["request"]
    params = request.GET.copy()
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    # Empty filters add nothing but noise to a link someone may bookmark or send.
    for key in [k for k, values in params.lists() if not any(values)]:
        params.pop(key)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def masked_phone(phone: str | None) -> str:
    from zhitong.core.phones import mask_phone

    return mask_phone(phone)


@register.filter
def masked_id_number(value: str | None) -> str:
    from zhitong.core.phones import mask_id_number

    return mask_id_number(value)


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def status_label(value: str) -> str:
    from zhitong.appeals.choices import Status

    return Status(value).label if value in Status.values else (value or "")


def _date_text(value) -> str:
    from datetime import date

    from django.utils.dateparse import parse_date

    d = value if isinstance(value, date) else parse_date(str(value or ""))
    return f"{d:%Y-%m-%d}" if d else str(value or "")


def _month_text(value) -> str:
    from django.utils.dateparse import parse_date
    from django.utils.formats import date_format

    d = parse_date(str(value or ""))
    return date_format(d, _("Y年n月")) if d else str(value or "")


def _on_time(value) -> str:
    return _("按时") if value else _("超时")


def _join(value) -> str:
    if isinstance(value, list | tuple):
        return _("、").join(str(v) for v in value)
    return str(value)


def _numbered(value) -> str:
    if isinstance(value, list | tuple):
        return _("；").join(f"{i}. {v}" for i, v in enumerate(value, 1))
    return str(value)


def _channel(value) -> str:
    from zhitong.appeals.choices import Channel

    return Channel(value).label if value in Channel.values else str(value)


def _workdays(value) -> str:
    return _("%(n)s个工作日") % {"n": value}


def _stored_label(value) -> str:
    # A label the move stored in its source language (a rating's label): the Chinese text
    # is the catalog's msgid, so it reads in the page's language.
    return _(str(value)) if value else ""


# The timeline's `data` keys worth showing, in display order, with their label and
# formatter. Keys not listed (ids, internal flags) are not shown.
TIMELINE_FACTS = [
    ("channel", gettext_lazy("来源渠道"), _channel),
    ("missing_items", gettext_lazy("需补齐材料"), _numbered),
    ("notice_due", gettext_lazy("告知期限"), _date_text),
    ("lead_unit", gettext_lazy("牵头单位"), str),
    ("cooperating_units", gettext_lazy("配合单位"), _join),
    ("handling_days", gettext_lazy("办理时限"), _workdays),
    ("handling_due", gettext_lazy("办理期限"), _date_text),
    ("limit_basis", gettext_lazy("时限依据"), str),
    ("mailbox_leader", gettext_lazy("市长信箱处理人"), str),
    ("mailbox_contact", gettext_lazy("处理人联系电话"), str),
    ("rule", gettext_lazy("分办规则建议"), str),
    ("unit", gettext_lazy("配合单位"), str),
    ("old_due", gettext_lazy("原期限"), _date_text),
    ("requested_due", gettext_lazy("申请延期至"), _date_text),
    ("new_due", gettext_lazy("批准延期至"), _date_text),
    ("batch_month", gettext_lazy("所属批次"), _month_text),
    ("rating_label", gettext_lazy("满意度"), _stored_label),
    ("into_code", gettext_lazy("合并至"), str),
    ("duplicate_code", gettext_lazy("并入的重复诉求"), str),
    ("files", gettext_lazy("上传文件"), _join),
    ("on_time", gettext_lazy("是否按时"), _on_time),
]


def limit_basis_text(data) -> str:
    """Why the handling limit is what it is (deadlines.LIMIT_BASES), in the page's language."""
    from ..deadlines import LIMIT_BASES

    wording = LIMIT_BASES.get(data.get("limit_basis"))
    if wording is None:
        return str(data.get("limit_basis"))
    return (
        str(wording) % {"detail": data.get("limit_basis_detail") or ""}
        if "%(detail)s" in str(wording)
        else str(wording)
    )


@register.simple_tag
def timeline_facts(entry) -> list[tuple[str, str]]:
    """Readable (label, value) pairs from a timeline entry's data."""
    data = getattr(entry, "data", None) or {}
    out = []
    for key, label, fmt in TIMELINE_FACTS:
        value = data.get(key)
        if value in (None, "", [], {}):
            continue
        if key == "rule" and not data.get("overridden"):
            continue
        if key == "files" and getattr(entry, "evidence", None):
            continue  # the files are listed with download links instead
        text = limit_basis_text(data) if key == "limit_basis" else fmt(value)
        if key == "rule":
            text = _("%(rule)s（未采纳）") % {"rule": text}
        out.append((label, text))
    if data.get("green_channel"):
        out.append((_("绿色通道"), _("所属项目为绿色通道项目，按压缩后的时限办理")))
    if data.get("reopened"):
        out.append((_("结果"), _("企业不满意，退回原牵头单位重办")))
    if data.get("recorded_by_hub"):
        out.append((_("录入方式"), _("统筹协调专员电话回访录入")))
    if data.get("summary"):
        out.append((_("摘要"), str(data["summary"])))
    return out


_SEED_CITATION = re.compile(r"^\s*seeds/\d+\s*[^：:]*[：:]\s*")


@register.filter
def plain_help(text: str) -> str:
    """A move's description without its leading source citation ("seeds/003 六.2："), which
    is for developers; the rule itself is what the user needs to read."""
    return _SEED_CITATION.sub("", str(text or ""))
