"""The printable ledger helper: wrapped cells with rows tall enough to show them, the page
set up for printing, text kept as text."""

import io

from openpyxl import load_workbook

from zhitong.core.spreadsheets import (
    FONT_SIZE,
    MAX_ROW_PT,
    Book,
    Column,
    display_width,
    ledger_xlsx,
    line_count,
    row_height,
)

from .rendering import needs_soffice, printed_text

COLUMNS = [Column("序号", 5, center=True), Column("基本情况", 24), Column("备注", 12)]
LONG = (
    "企业新建厂房已完工两个月，消防验收备案迟迟未办结，影响设备进场。项目总投资2.3亿元，"
    "计划2026年底投产。\n目前主要困难：一是消防验收备案；二是用电增容（需新增2台1250kVA变压器）；"
    "三是园区道路尚未移交，请求协调解决。结尾标记"
)


def sheet(content: bytes, index: int = 0):
    return load_workbook(io.BytesIO(content)).worksheets[index]


def test_a_cjk_character_counts_double():
    assert display_width("ab") == 2
    assert display_width("企业") == 4
    assert display_width("（牵头）") == 8


def test_each_paragraph_takes_the_lines_its_words_fill():
    # 24 units hold 11 CJK characters on a line (a character is about 2.1 units at 11 pt).
    assert line_count("企" * 11, 24) == 1
    assert line_count("企" * 12, 24) == 2
    assert line_count("企" * 11 + "\n" + "业" * 11, 24) == 2
    assert line_count("", 24) == 1
    # Half-width text is about half as wide.
    assert line_count("a" * 20, 24) == 1
    # A word does not break: a phone number moves to the next line whole.
    assert line_count("联系人林经理13800000011", 16) == 2
    assert line_count("联系人林经理 1380000001113800000011", 16) == 3


def test_the_row_height_shows_every_line_of_the_tallest_cell():
    one = row_height([("短", 24)])
    five = row_height([("企" * 55, 24), ("短", 12)])
    assert one < five
    assert five >= 5 * FONT_SIZE * 1.2


def test_a_long_cell_wraps_and_its_row_shows_it_whole():
    ws = sheet(
        ledger_xlsx(sheet="表", columns=COLUMNS, rows=[[1, LONG, "短"], [2, "短", "短"]], title="标题")
    )
    # Row 1 the title, row 2 the header, rows 3 and 4 the records.
    assert ws["B2"].value == "基本情况"
    assert ws["B3"].value == LONG
    assert ws["B3"].alignment.wrap_text and ws["B3"].alignment.vertical == "top"
    assert ws["A3"].alignment.horizontal == "center"
    lines = line_count(LONG, 24)
    assert lines >= 8
    assert ws.row_dimensions[3].height >= lines * FONT_SIZE * 1.2
    assert ws.row_dimensions[4].height < ws.row_dimensions[3].height


def test_the_page_is_set_up_for_printing():
    ws = sheet(ledger_xlsx(sheet="表", columns=COLUMNS, rows=[[1, "短", ""]], title="标题", subtitle="单位"))
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # 1 is the default
    assert ws.print_title_rows == "$3:$3"  # the header row on every page
    assert ws.freeze_panes == "A4"
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert ws.print_options.horizontalCentered


def test_text_that_looks_like_a_formula_stays_text():
    ws = sheet(ledger_xlsx(sheet="表", columns=COLUMNS, rows=[[1, '=HYPERLINK("x")', "http://a.b"]]))
    assert ws["B2"].value == '=HYPERLINK("x")'
    assert ws["B2"].data_type == "s"
    assert ws["A2"].value == 1


def test_an_empty_ledger_says_so():
    ws = sheet(ledger_xlsx(sheet="表", columns=COLUMNS, rows=[], title="标题"))
    assert ws["A3"].value == "（无）"


def test_a_record_taller_than_a_row_may_be_spans_rows():
    very_long = "中间文字" * 200 + "结尾标记"
    ws = sheet(ledger_xlsx(sheet="表", columns=COLUMNS, rows=[[1, very_long, "短"], [2, "短", "短"]]))
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "B2:B4" in merged or "B2:B5" in merged
    span = int(next(r for r in merged if r.startswith("B2:")).split(":B")[1]) - 1
    heights = [ws.row_dimensions[2 + k].height for k in range(span)]
    assert all(h <= MAX_ROW_PT for h in heights)
    assert sum(heights) >= line_count(very_long, 24) * FONT_SIZE * 1.2
    assert ws.cell(row=2 + span, column=1).value == 2


def test_import_style_columns_mark_required_headers_and_keep_text():
    book = Book()
    book.sheet("导入", [Column("编码", 12, text=True, required=True), Column("名称", 20)], empty_text=None)
    ws = sheet(book.close())
    assert ws["A1"].value == "编码*" and ws["A1"].font.color.rgb.endswith("C00000")
    assert ws.column_dimensions["A"].width >= 12
    assert ws["A2"].value is None


@needs_soffice
def test_libreoffice_prints_a_long_cell_whole(tmp_path):
    content = ledger_xlsx(
        sheet="表",
        columns=COLUMNS,
        rows=[[1, LONG, "短"], [2, "中间文字" * 150 + "超长记录结尾", "短"]],
        title="标题",
    )
    text = printed_text(content, suffix=".xlsx", tmp_path=tmp_path)
    assert "请求协调解决。结尾标记" in text
    assert "超长记录结尾" in text
