"""Rendering 《企业诉求事项处理意见》 (seeds/001 四(六)) with docxtpl.

The office generates the document from the on-site opinions; the deputy leader reviews it
and the leader approves it (seeds/001 四(六): 报市府办公室审核修改…呈市政府领导审定). The
draft is marked 送审稿 and leaves the date open; on approval the document is rendered again
with the approval date, from which the working-day deadlines count. The wording follows the
event's kind (an on-site quarterly event, a breakfast or dinner meeting, a visit, a phone
call, a platform), and a county's event names the county's offices (seeds/001 二(三)).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from zhitong.organizations.choices import UnitKind
from zhitong.organizations.models import Unit

from ..choices import EventKind, EventLevel
from .build_template import template_bytes

FULL_SPACE = "\u3000"


def date_cn(value) -> str:
    d = timezone.localdate(value) if isinstance(value, datetime) else value
    return f"{d.year}年{d.month}月{d.day}日"


def city_name() -> str:
    root = Unit.objects.filter(parent__isnull=True, kind=UnitKind.CITY_GOVERNMENT).order_by("pk").first()
    return root.name.replace("人民政府", "") if root else ""


@dataclass(frozen=True)
class Jurisdiction:
    """Whose document it is: the city's, or a county's (or a park's) own event."""

    place: str  # 榕城市 / 鼓楼区
    gov: str  # 市政府 / 区政府 / 县政府 / 管委会
    short: str  # 市 / 区 / 县 (市直 / 区直 / 县直单位)
    is_city: bool

    @property
    def addressees(self) -> str:
        if self.is_city:
            # seeds/000 (榕政办〔2019〕75号) addresses 各县(市)区人民政府、市直各委办局; the
            # document goes to the units concerned (seeds/001 四(六) 转有关县(区)和市有关部门).
            return "各有关县（市）区人民政府、园区管委会，市直有关单位"
        if self.gov == "管委会":
            return "管委会各有关部门，园区有关单位"
        return f"各有关乡镇人民政府、街道办事处，{self.short}直有关单位"

    @property
    def supervision_office(self) -> str:
        # seeds/001 四(六)(七): 转市政府督查室进行跟踪督办 — the county's own office for its event.
        return "管委会督查室" if self.gov == "管委会" else f"{self.gov}督查室"

    @property
    def general_office(self) -> str:
        # seeds/001 四(六): 报市府办公室审核修改.
        return "管委会办公室" if self.gov == "管委会" else f"{self.gov}办公室"


def _county_of(unit: Unit) -> Unit:
    """The county (or park) a county event's office belongs to: the office itself, or the
    nearest county or park above it."""
    node = unit
    while node is not None:
        if node.kind in (UnitKind.COUNTY, UnitKind.PARK):
            return node
        node = node.parent
    return unit


def jurisdiction(event) -> Jurisdiction:
    if event.level == EventLevel.CITY:
        return Jurisdiction(place=city_name(), gov="市政府", short="市", is_city=True)
    county = _county_of(event.office_unit)
    place = county.short_name or county.name.replace("人民政府", "")
    if county.kind == UnitKind.PARK:
        return Jurisdiction(place=place, gov="管委会", short="园区", is_city=False)
    short = place[-1] if place[-1:] in ("县", "区", "市") else "县"
    return Jurisdiction(place=place, gov=f"{short}政府", short=short, is_city=False)


# GB/T 9704 5.2.1: the 版心 is 156 mm wide (442 pt); the issuing office's name is set as
# large as 22 pt (二号) allows on one line.
TEXT_WIDTH_PT = 442


def issuer_head(issuer: str):
    """发文机关标志: the issuer in red 宋体, bold, on one line (GB/T 9704 7.2.3)."""
    from docxtpl import RichText

    size = min(22, int(TEXT_WIDTH_PT / max(1, len(issuer))))
    return RichText(issuer, font="eastAsia:宋体", size=size * 2, bold=True, color="C00000")


def issuer_for(event) -> str:
    """发文机关: the event's task-force office (seeds/001 一: 成立“面对面”政企交流活动工作专班,
    专班办公室 承担专班日常工作; 二(三): the counties set up their own)."""
    return f"{jurisdiction(event).place}“面对面”政企交流活动工作专班办公室"


# -- wording by kind --------------------------------------------------------------------------
#
# seeds/001 二(一): the quarterly event — 由市政府主要领导约见企业代表，进行现场办公，面对面研究
# 处理企业提出的意见建议，提出办理意见. 二(二): the regular kinds — 不定期采取电话、“早餐会”
# “晚餐会”、走访调研等各种方式方法，以及借助“粤商通”等平台，认真听取和收集企业家…的意见建议，
# 积极协调和解决企业生产经营中遇到的困难问题. A phone call is no meeting and a platform no
# event: each kind says what happened and heads its table with it.

TABLE_HEADINGS = {
    EventKind.QUARTERLY: "现场研究的企业诉求事项及处理意见",
    EventKind.BREAKFAST: "早餐会企业反映的诉求事项及处理意见",
    EventKind.DINNER: "晚餐会企业反映的诉求事项及处理意见",
    EventKind.VISIT: "走访调研中企业反映的诉求事项及处理意见",
    EventKind.PHONE: "电话沟通中企业反映的诉求事项及处理意见",
    EventKind.PLATFORM: "平台收集的企业诉求事项及处理意见",
}


def _enterprises(rows: list[dict]) -> str:
    names = list(dict.fromkeys(r["enterprise"] for r in rows))
    if len(names) > 3:
        return f"{'、'.join(names[:3])}等{len(names)}家企业"
    return "、".join(names) or "有关企业"


def opening(event, *, rows: list[dict], where: Jurisdiction) -> str:
    """The opening sentence: when, who, and what kind of exchange it was."""
    chair = event.chair
    who = (
        f"{chair.position}{chair.display_name}" if chair.position else f"{where.gov}领导{chair.display_name}"
    )
    when = date_cn(event.held_at or event.scheduled_at)
    at = f"在{event.place}" if event.place else ""
    kind = event.kind
    if kind == EventKind.QUARTERLY:
        return (
            f"{when}，{who}{at}主持召开“面对面”政企交流活动，约见企业代表，进行现场办公，"
            "面对面研究处理企业提出的意见建议，提出办理意见。"
        )
    if kind in (EventKind.BREAKFAST, EventKind.DINNER):
        meal = "早餐会" if kind == EventKind.BREAKFAST else "晚餐会"
        return (
            f"{when}，{who}{at}召开“面对面”政企交流{meal}，与企业家代表座谈交流，"
            f"听取企业对{where.place}经济社会发展的意见建议，研究企业反映的困难问题，提出办理意见。"
        )
    if kind == EventKind.VISIT:
        return (
            f"{when}，{who}带队走访调研{_enterprises(rows)}，实地了解企业生产经营情况，"
            "听取企业意见建议，研究企业反映的困难问题，提出办理意见。"
        )
    if kind == EventKind.PHONE:
        return (
            f"{when}，{who}通过电话与{_enterprises(rows)}负责人沟通交流，"
            "听取企业意见建议，了解企业生产经营中遇到的困难问题，提出办理意见。"
        )
    # EventKind.PLATFORM: collected on the platform, studied by the leader; no meeting held.
    return (
        f"专班办公室通过政企服务平台收集了{_enterprises(rows)}反映的困难问题。{when}，"
        f"{who}对有关问题进行研究，提出办理意见。"
    )


# -- deadlines --------------------------------------------------------------------------------


def deadline_text(item, *, start: date | None) -> str:
    """办理时限 as the units read it: a date; or N working days with the day they count from
    and the day they end, once the document is approved (the draft says 自印发之日起). The
    start day itself is not counted (《民法典》第二百零一条; workdays.add_workdays), so the
    end date is the one the assigned tasks get (services.events.lifecycle.event_assign)."""
    if item.due_date is not None and not item.due_workdays:
        return f"{date_cn(item.due_date)}前"
    if item.due_workdays:
        n = item.due_workdays
        if start is None:
            return f"自印发之日起{n}个工作日内"
        from zhitong.workdays.services import add_workdays

        end = add_workdays(start, n).date
        return f"自{date_cn(start)}起{n}个工作日内（{date_cn(end)}前）"
    return ""


def opinion_rows(event, *, start: date | None = None) -> list[dict]:
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
                "deadline": deadline_text(item, start=start),
            }
        )
    return rows


def deadline_start(event) -> date | None:
    """The day the working-day deadlines count from: the document's date, its approval."""
    return timezone.localdate(event.document_approved_at) if event.document_approved_at else None


def opinions_context(*, event, now) -> dict:
    where = jurisdiction(event)
    issued = deadline_start(event)
    rows = opinion_rows(event, start=issued)
    office = event.office_unit
    # Where the reports go (seeds/001 四(七): 及时将解决问题和回复企业情况报市工业和信息化局汇总):
    # the office, named by the unit it sits in unless it is the county government itself.
    if where.is_city or office.kind not in (UnitKind.COUNTY, UnitKind.PARK):
        report_to = f"专班办公室（设在{office.name}）"
    else:
        report_to = "专班办公室"
    year = (timezone.localdate(now) if isinstance(now, datetime) else now).year
    return {
        "draft": issued is None,
        "issuer": issuer_for(event),
        "issuer_head": issuer_head(issuer_for(event)),
        "document_number": event.document_number,
        "event_title": event.title,
        "addressees": where.addressees,
        # seeds/001 四(六): 呈市政府领导审定后…转有关县(区)和市有关部门依职能办理.
        "intro": (
            f"{opening(event, rows=rows, where=where)}经{where.gov}领导审定，现将企业诉求事项处理意见"
            "印发给你们，请认真抓好落实。"
        ),
        "table_heading": f"一、{TABLE_HEADINGS.get(event.kind, '企业诉求事项及处理意见')}",
        "rows": rows,
        "requirements_heading": "二、办理要求",
        "requirements": [
            # seeds/001 四(七): 主动加强沟通协调，积极与企业协商，按照办理意见和期限解决…
            {
                "head": "（一）限期办理。",
                "text": (
                    "各责任单位要主动加强沟通协调，积极与企业协商，按照处理意见和办理时限解决企业的"
                    "困难问题，并及时回复企业。涉及多个单位的，由牵头单位负责组织协调，配合单位积极配合。"
                ),
            },
            # seeds/001 四(七): 及时将解决问题和回复企业情况报…汇总.
            {
                "head": "（二）及时报送。",
                "text": f"各责任单位要在办理时限内将办理情况和回复企业情况报{report_to}汇总。",
            },
            # seeds/001 四(六)(七)(八): 督查室跟踪督办; 办结后提醒企业进行满意度评价.
            {
                "head": "（三）跟踪督办。",
                "text": (
                    f"{where.supervision_office}负责对办理工作进行跟踪督办。事项办结后，"
                    "专班办公室提醒企业对办理单位进行满意度评价。"
                ),
            },
        ],
        # 成文日期: the approval; the draft leaves the month and day open.
        "date_cn": date_cn(issued) if issued else f"{year}年{FULL_SPACE * 2}月{FULL_SPACE * 2}日",
        "copy_to": f"{where.general_office}，{where.supervision_office}",
    }


def render_opinions_docx(*, event, now) -> bytes:
    """The document as it stands: the draft until `event.document_approved_at` is set, then
    the approved document dated that day."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(template_bytes()))
    tpl.render(opinions_context(event=event, now=now), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def opinions_file_name(event) -> tuple[str, str]:
    """The download's name (企业诉求事项处理意见_榕城市_2026年12月_榕面对面办〔2026〕3号.docx)
    and its ASCII fallback."""
    from zhitong.core.downloads import file_name, month_cn

    when = event.document_approved_at or event.document_generated_at or event.scheduled_at
    month = timezone.localdate(when)
    status = "" if event.document_approved_at else "送审稿"
    name = file_name(
        "企业诉求事项处理意见",
        jurisdiction(event).place or event.office_unit.display_name,
        month_cn(month),
        event.document_number,
        status,
        ext="docx",
    )
    return name, f"opinions-{event.pk}-{month:%Y-%m}.docx"
