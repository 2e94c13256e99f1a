"""Rendering 《企业诉求事项处理意见》 (seeds/001 四(六)) with docxtpl."""

import io
from datetime import datetime

from django.utils import timezone

from zhitong.organizations.choices import UnitKind
from zhitong.organizations.models import Unit

from ..choices import EventLevel
from .build_template import template_bytes


def date_cn(value) -> str:
    d = timezone.localdate(value) if isinstance(value, datetime) else value
    return f"{d.year}年{d.month}月{d.day}日"


def city_name() -> str:
    root = Unit.objects.filter(parent__isnull=True, kind=UnitKind.CITY_GOVERNMENT).order_by("pk").first()
    return root.name.replace("人民政府", "") if root else ""


def issuer_for(event) -> str:
    if event.level == EventLevel.CITY:
        return f"{city_name()}“面对面”政企交流活动工作专班办公室"
    return f"{event.office_unit.name}“面对面”政企交流活动工作专班办公室"


def deadline_text(item) -> str:
    if item.due_date is not None:
        return f"{date_cn(item.due_date)}前"
    if item.due_workdays:
        return f"{item.due_workdays}个工作日"
    return ""


def opinion_rows(event) -> list[dict]:
    items = (
        event.items.filter(in_final_list=True)
        .select_related("appeal__enterprise")
        .prefetch_related("responsible_units")
        .order_by("sort_order", "id")
    )
    rows = []
    for no, item in enumerate(items, start=1):
        units = item.ordered_units()
        unit_names = "、".join(
            u.display_name + ("（牵头）" if i == 0 and len(units) > 1 else "") for i, u in enumerate(units)
        )
        rows.append(
            {
                "no": no,
                "enterprise": item.appeal.enterprise.name,
                "matter": item.appeal.title,
                "opinion": item.opinion,
                "units": unit_names,
                "deadline": deadline_text(item),
            }
        )
    return rows


def opinions_context(*, event, now) -> dict:
    chair = event.chair
    chair_title = (
        f"{chair.position}{chair.display_name}" if chair.position else f"市政府领导{chair.display_name}"
    )
    place = f"在{event.place}" if event.place else ""
    office = event.office_unit.name
    return {
        "issuer": issuer_for(event),
        "document_number": event.document_number,
        "event_title": event.title,
        "addressees": "各县(市)区人民政府、园区管委会，市直有关单位",
        "intro": (
            f"{date_cn(event.held_at or event.scheduled_at)}，{chair_title}{place}主持召开“面对面”政企交流活动，"
            "与企业代表面对面交流，现场研究企业提出的困难问题。经市政府领导审定，现将企业诉求事项处理意见印发给你们，"
            "请认真抓好落实。"
        ),
        "rows": opinion_rows(event),
        "closing": (
            "请各责任单位主动加强与企业沟通协商，按照处理意见和办理时限解决企业困难问题，及时回复企业，"
            f"并将办理情况和回复企业情况报专班办公室（{office}）汇总。市政府督查室负责跟踪督办。"
        ),
        "date_cn": date_cn(now),
        "copy_to": "市政府办公室，市政府督查室",
    }


def render_opinions_docx(*, event, now) -> bytes:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(template_bytes()))
    tpl.render(opinions_context(event=event, now=now), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()
