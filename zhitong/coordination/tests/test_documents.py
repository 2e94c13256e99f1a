"""The documents handed in: the Annex 2 / Annex 3 workbooks (exactly the seed's columns, the month
and unit in the title, printable whole) and 《企业诉求事项处理意见》 (worded by the event's kind
and level, dated the approval day)."""

import io
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import load_workbook

from zhitong.coordination import services
from zhitong.coordination.choices import EventKind, EventLevel
from zhitong.coordination.documents.annex import annex2_xlsx, annex3_xlsx
from zhitong.coordination.documents.opinions import TABLE_HEADINGS, jurisdiction, opening, opinions_context
from zhitong.coordination.models import Event
from zhitong.coordination.services.events.documents import _next_document_number
from zhitong.core.errors import ServiceError
from zhitong.core.spreadsheets import line_count
from zhitong.core.tests.rendering import needs_soffice, printed_text
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

from .conftest import PDF, at
from .test_events import new_event

pytestmark = pytest.mark.django_db


def sheet(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_annex2_has_the_seed_columns_and_the_month_in_the_title():
    ws = sheet(
        annex2_xlsx(
            month=date(2026, 1, 1),
            rows=[[1, "项目", "情况", "问题", "鼓楼区", "陈副市长", "市工信局", "林经理 138"]],
        )
    )
    assert ws["A1"].value == "企业或重大项目需市政府协调解决问题申报表（2026年1月）"
    assert [c.value for c in ws[3]] == [
        "序号",
        "项目名称",
        "基本情况",
        "需要提请市里协调解决的问题",
        "需协调的县(市)区或市直单位",
        "分管市领导",
        "申报单位",
        "联系人及手机号码",
    ]
    assert [c.value for c in ws[4]][:2] == [1, "项目"]


def test_annex3_has_the_seed_columns_with_the_unit_and_month():
    ws = sheet(annex3_xlsx(month=date(2025, 9, 1), unit_name="市工业和信息化局", rows=[]))
    assert ws["A1"].value == "市领导召开“一企一议”协调会问题解决落实情况表（2025年9月）"
    assert ws["A2"].value == "单位名称：市工业和信息化局"
    assert [c.value for c in ws[3]] == [
        "序号",
        "项目名称",
        "基本情况",
        "需协调解决的问题",
        "召开协调会的时间",
        "召开协调会的领导",
        "协调意见",
        "协调意见落实情况",
        "是否已解决",
    ]


def test_minutes_over_the_size_limit_are_refused(city, settings):
    settings.ZHITONG_EVIDENCE_MAX_BYTES = 64
    meeting = services.meeting_create(
        actor=city.hub, title="协调会", convener=city.leader, held_at=at(2025, 9, 1, 8), now=at(2025, 9, 1, 8)
    )
    big = SimpleUploadedFile("纪要.pdf", PDF + b"0" * 100, content_type="application/pdf")
    with pytest.raises(ServiceError, match="上限"):
        services.meeting_upload_minutes(
            actor=city.hub, meeting_id=meeting.pk, upload=big, now=at(2025, 9, 1, 10)
        )


# -- the ledgers print whole -------------------------------------------------------------------

LONG = (
    "项目位于鼓楼区工业园，总投资2.3亿元，新建厂房4.2万平方米，已完成主体施工。"
    "目前主要困难：一是消防验收备案迟迟未办结；二是用电增容（需新增2台1250kVA变压器）；"
    "三是园区道路尚未移交，货车通行受限。请求协调解决。尾标"
)


def annex2_long():
    return annex2_xlsx(
        month=date(2026, 11, 1),
        unit_name="市发展和改革委员会",
        rows=[
            [
                1,
                "榕城精密机械厂房扩建项目",
                LONG,
                LONG,
                "鼓楼区、市住建局",
                "陈副市长",
                "市工信局",
                "林经理 13800000011",
            ]
        ],
    )


def annex3_long():
    return annex3_xlsx(
        month=date(2026, 11, 1),
        unit_name="市工业和信息化局",
        rows=[
            [
                1,
                "榕城精密机械厂房扩建项目",
                LONG,
                "消防验收",
                "2026-11-03",
                "陈副市长（副市长）",
                LONG,
                LONG,
                "否",
            ]
        ],
    )


@pytest.mark.parametrize("build", [annex2_long, annex3_long], ids=["annex2", "annex3"])
def test_an_annex_wraps_its_long_cells_and_sizes_their_rows(build):
    ws = sheet(build())
    cell = ws["C4"]  # 基本情况 of the first record
    assert cell.value == LONG and cell.alignment.wrap_text
    width = ws.column_dimensions["C"].width
    assert ws.row_dimensions[4].height >= line_count(LONG, width) * 11 * 1.2
    assert ws.print_title_rows == "$3:$3" and ws.freeze_panes == "A4"
    assert ws.page_setup.orientation == "landscape"


@needs_soffice
@pytest.mark.parametrize("build", [annex2_long, annex3_long], ids=["annex2", "annex3"])
def test_libreoffice_prints_an_annex_whole(build, tmp_path):
    text = printed_text(build(), suffix=".xlsx", tmp_path=tmp_path)
    assert text.count("请求协调解决。尾标") >= 2
    assert "第1页，共1页" in text


@needs_soffice
def test_libreoffice_prints_the_county_table_apart_under_its_own_title(tmp_path):
    # seeds/000 五(二)1: a county's principal leaders' meetings are not under the city
    # leaders' title of 附件3; they print on their own page, titled for the county.
    county_row = [
        1,
        "榕城精密机械厂房扩建项目",
        LONG,
        "施工许可",
        "2026-11-05",
        "张区长（县区主要领导）",
        "区住建局办理",
        "鼓楼区：待办理",
        "否",
    ]
    content = annex3_xlsx(month=date(2026, 11, 1), unit_name="鼓楼区", rows=[], county_rows=[county_row])
    text = printed_text(content, suffix=".xlsx", tmp_path=tmp_path)
    city_title = text.index("市领导召开“一企一议”协调会问题解决落实情况表（2026年11月）")
    county_title = text.index("鼓楼区主要领导召开“一企一议”协调会问题解决落实情况表（2026年11月）")
    assert city_title < county_title < text.index("张区长（县区主要领导）")
    assert "请求协调解决。尾标" in text and "第1页，共2页" in text and "第2页，共2页" in text


# -- 《企业诉求事项处理意见》 -------------------------------------------------------------------


def unsaved_event(city, kind, **kw):
    return Event(
        title="活动",
        kind=kind,
        level=kw.pop("level", EventLevel.CITY),
        office_unit=kw.pop("office_unit", city.units.gxj),
        chair=city.leader,
        deputy=city.leader2,
        scheduled_at=at(2025, 10, 13, 15),
        held_at=at(2025, 10, 13, 15),
        place=kw.pop("place", "市政府第一会议室"),
        **kw,
    )


ROWS = [{"enterprise": "榕城精密机械有限公司"}, {"enterprise": "闽江商贸有限公司"}]

# kind → (words its opening must say, words it must not)
OPENINGS = {
    EventKind.QUARTERLY: (["主持召开“面对面”政企交流活动", "进行现场办公", "在市政府第一会议室"], ["电话"]),
    EventKind.BREAKFAST: (["召开“面对面”政企交流早餐会", "座谈交流"], ["现场办公", "晚餐会"]),
    EventKind.DINNER: (["召开“面对面”政企交流晚餐会"], ["现场办公", "早餐会"]),
    EventKind.VISIT: (["带队走访调研榕城精密机械有限公司、闽江商贸有限公司"], ["召开", "会议室"]),
    EventKind.PHONE: (
        ["通过电话与榕城精密机械有限公司、闽江商贸有限公司负责人沟通交流"],
        ["召开", "现场", "会议室"],
    ),
    EventKind.PLATFORM: (["通过政企服务平台收集", "对有关问题进行研究"], ["召开", "现场", "会议室"]),
}


@pytest.mark.parametrize("kind", list(EventKind))
def test_the_opening_and_the_heading_fit_the_kind_of_event(city, kind):
    event = unsaved_event(city, kind)
    text = opening(event, rows=ROWS, where=jurisdiction(event))
    says, never = OPENINGS[kind]
    assert text.startswith("2025年10月13日，") or kind == EventKind.PLATFORM
    for words in says:
        assert words in text
    for words in never:
        assert words not in text
    assert "陈副市长" in text
    heading = TABLE_HEADINGS[kind]
    assert heading.endswith("诉求事项及处理意见")
    assert ("现场" in heading) == (kind == EventKind.QUARTERLY)


def test_a_county_event_names_the_county_and_its_offices(city):
    county_hub = UserFactory(username="t_hub_glq", role=Role.HUB, unit=city.units.glq)
    event = services.event_create(
        actor=county_hub,
        title="鼓楼区民营企业家早餐会",
        kind=EventKind.BREAKFAST,
        level=EventLevel.COUNTY,
        scheduled_at=at(2025, 10, 13, 8),
        chair=city.leader,
        deputy=city.leader2,
        now=at(2025, 9, 15),
    )
    ctx = opinions_context(event=event, now=at(2025, 10, 14))
    words = " ".join(
        [ctx["issuer"], ctx["addressees"], ctx["intro"], ctx["copy_to"]]
        + [q["head"] + q["text"] for q in ctx["requirements"]]
    )
    assert ctx["issuer"] == "鼓楼区“面对面”政企交流活动工作专班办公室"
    assert ctx["addressees"] == "各有关乡镇人民政府、街道办事处，区直有关单位"
    assert "经区政府领导审定" in ctx["intro"]
    assert ctx["copy_to"] == "区政府办公室，区政府督查室"
    assert "区政府督查室负责对办理工作进行跟踪督办" in words
    assert "市政府" not in words and "市直" not in words and "榕城市" not in words
    # A city event names the city's.
    city_ctx = opinions_context(event=new_event(city, kind=EventKind.BREAKFAST), now=at(2025, 10, 14))
    assert city_ctx["issuer"] == "榕城市“面对面”政企交流活动工作专班办公室"
    assert city_ctx["copy_to"] == "市政府办公室，市政府督查室"


def test_each_office_numbers_its_own_documents(city):
    county_hub = UserFactory(username="t_hub_glq", role=Role.HUB, unit=city.units.glq)
    city_event = new_event(city)
    Event.objects.filter(pk=city_event.pk).update(
        document_number="榕面对面办〔2025〕1号", document_generated_at=at(2025, 10, 14)
    )
    county = services.event_create(
        actor=county_hub,
        title="走访",
        kind=EventKind.VISIT,
        level=EventLevel.COUNTY,
        scheduled_at=at(2025, 10, 13, 8),
        chair=city.leader,
        deputy=city.leader2,
        now=at(2025, 9, 15),
    )
    assert _next_document_number(county, at(2025, 10, 20)) == "鼓楼区面对面办〔2025〕1号"
    assert _next_document_number(new_event(city), at(2025, 10, 20)) == "榕面对面办〔2025〕2号"


def approved_document(city, scene):
    from .test_event_machine import advance

    picked = scene.appeal(project=city.project)
    event = new_event(city)
    services.event_add_appeals(
        actor=city.hub_gxj, event_id=event.pk, appeal_ids=[picked.pk], now=at(2025, 9, 16)
    )
    return advance(city, event, through="approve_document")


def document_text(event) -> tuple[str, list[list[str]]]:
    doc = Document(io.BytesIO(event.document.read()))
    paragraphs = "\n".join(p.text for p in doc.paragraphs)
    rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    return paragraphs, rows


def test_the_approved_document_is_dated_the_approval_day_and_counts_from_it(city, scene):
    event = approved_document(city, scene)
    text, rows = document_text(event)
    assert "送审稿" not in text
    # Approved at 12:00 on 14 October; held on the 13th, drafted at midnight.
    assert "2025年10月14日\n抄送" in text
    assert "2025年10月13日，市长" in text or "2025年10月13日，" in text
    # 10 working days from Tuesday 14 October, that day not counted.
    assert rows[1][5] == "自2025年10月14日起10个工作日内（2025年10月28日前）"
    assert "一、现场研究的企业诉求事项及处理意见" in text and "二、办理要求" in text


def test_chinese_text_in_the_document_uses_full_width_brackets(city, scene):
    event = approved_document(city, scene)
    text, rows = document_text(event)
    everything = text + "\n".join("|".join(r) for r in rows)
    assert "（" in everything
    assert not re.search(r"[\u4e00-\u9fff][()]|[()][\u4e00-\u9fff]", everything)


@needs_soffice
def test_libreoffice_prints_the_opinions_document(city, scene, tmp_path):
    event = approved_document(city, scene)
    text = printed_text(event.document.read(), suffix=".docx", tmp_path=tmp_path)
    # Curly quotes may be drawn apart from their line by the PDF's text order (a font
    # fallback): compare without them.
    assert "榕城市面对面政企交流活动工作专班办公室" in text.replace("“", "").replace("”", "")
    assert "自2025年10月14日起10个工作日内（2025年10月28日前）" in text
    assert "抄送：市政府办公室，市政府督查室。" in text
    assert "—1—" in text  # the page number
