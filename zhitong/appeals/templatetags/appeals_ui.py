"""Small presentation helpers for the appeals pages: the light dot, query-string edits
for filter links and pagination, masked phone numbers. No business rules here — the light
itself comes from the selector (stored deadline columns)."""

import re

from django import template
from django.utils.html import format_html

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

    d = parse_date(str(value or ""))
    return f"{d.year}年{d.month}月" if d else str(value or "")


def _on_time(value) -> str:
    return "按时" if value else "超时"


def _join(value) -> str:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def _numbered(value) -> str:
    if isinstance(value, list | tuple):
        return "；".join(f"{i}. {v}" for i, v in enumerate(value, 1))
    return str(value)


def _channel(value) -> str:
    from zhitong.appeals.choices import Channel

    return Channel(value).label if value in Channel.values else str(value)


# The timeline's `data` keys worth showing, in display order, with their Chinese label
# and formatter. Keys not listed (ids, internal flags) are not shown.
TIMELINE_FACTS = [
    ("channel", "来源渠道", _channel),
    ("missing_items", "需补齐材料", _numbered),
    ("notice_due", "告知期限", _date_text),
    ("lead_unit", "牵头单位", str),
    ("cooperating_units", "配合单位", _join),
    ("handling_days", "办理时限", lambda v: f"{v}个工作日"),
    ("handling_due", "办理期限", _date_text),
    ("rule", "分办规则建议", str),
    ("unit", "配合单位", str),
    ("old_due", "原期限", _date_text),
    ("requested_due", "申请延期至", _date_text),
    ("new_due", "批准延期至", _date_text),
    ("batch_month", "所属批次", _month_text),
    ("rating_label", "满意度", str),
    ("into_code", "合并至", str),
    ("duplicate_code", "并入的重复诉求", str),
    ("files", "上传文件", _join),
    ("on_time", "是否按时", _on_time),
]


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
        out.append((label, fmt(value)))
    if data.get("overridden") and data.get("rule"):
        out[:] = [(lbl, v if lbl != "分办规则建议" else f"{v}（未采纳）") for lbl, v in out]
    if data.get("green_channel"):
        out.append(("绿色通道", "所属项目为绿色通道项目，按压缩后的时限办理"))
    if data.get("reopened"):
        out.append(("结果", "企业不满意，退回原牵头单位重办"))
    if data.get("recorded_by_hub"):
        out.append(("录入方式", "统筹协调专员电话回访录入"))
    if data.get("summary"):
        out.append(("摘要", str(data["summary"])))
    return out


_SEED_CITATION = re.compile(r"^\s*seeds/\d+\s*[^：:]*[：:]\s*")


@register.filter
def plain_help(text: str) -> str:
    """A move's description without its leading source citation ("seeds/003 六.2："), which
    is for developers; the rule itself is what the user needs to read."""
    return _SEED_CITATION.sub("", text or "")
