"""Builds the docxtpl template of 《市领导联系重点项目月报》 (seeds/004 江山) with python-docx,
in the house way of coordination/documents/build_template.py (which projects may not import:
it sits on a higher floor).

The committed file zhitong/projects/dispatch/data/leader_digest_template.docx is this
script's output; after changing the layout here, run

    .venv/bin/python -m zhitong.projects.dispatch.build_template

and commit the new .docx. If the file is missing, the renderer builds it in memory.

Layout: A4 portrait with the 版心 of GB/T 9704 (156 mm); the title in 宋体, the month in
楷体, the leader, then 一、总体情况 (the year's investment, the progress classes), 二、项目
推进情况 (one row per project, the header repeated on every page), 三、突破进展, 四、困难和
问题, 五、进度滞后项目; 黑体 headings, 仿宋 text, "— N —" page numbers.
"""

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TEMPLATE_PATH = Path(__file__).resolve().parent / "data" / "leader_digest_template.docx"
# Widths in cm, adding up to the 156 mm 版心.
# The money columns hold six-digit 万元 amounts with two decimals ("156,379.00") and the
# ratio "115.4%" on one line.
COLUMNS = [
    ("序号", 1.2, "r.no"),
    ("项目名称", 3.0, "r.name"),
    ("阶段", 1.2, "r.stage"),
    ("年度计划投资(万元)", 2.4, "r.plan"),
    ("年度完成投资(万元)", 2.4, "r.ytd"),
    ("完成比例", 1.6, "r.ratio"),
    ("进度", 1.5, "r.progress"),
    ("形象进度", 2.3, "r.image"),
]


def _font(run, *, east_asia: str, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "Times New Roman"
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)


def _para(
    doc, text: str, *, align=WD_ALIGN_PARAGRAPH.LEFT, east_asia="仿宋", size=16.0, bold=False, indent=False
):
    p = doc.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.line_spacing = Pt(size * 1.6) if size >= 14 else None
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), east_asia=east_asia, size=size, bold=bold)
    return p


def _cell(cell, text: str, *, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT, east_asia="仿宋") -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    _font(p.add_run(text), east_asia=east_asia, size=10.5, bold=bold)


def _shade(cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _page_numbers(section) -> None:
    """ "— N —" at the foot of every page (GB/T 9704 7.5)."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), east_asia="宋体", size=14)
    run = p.add_run()
    _font(run, east_asia="宋体", size=14)
    for tag, text in (("w:fldChar", "begin"), ("w:instrText", " PAGE "), ("w:fldChar", "end")):
        el = OxmlElement(tag)
        if tag == "w:fldChar":
            el.set(qn("w:fldCharType"), text)
        else:
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    _font(p.add_run(" —"), east_asia="宋体", size=14)


def _heading(doc, text: str):
    p = _para(doc, text, east_asia="黑体", size=16, indent=True)
    p.paragraph_format.keep_with_next = True
    return p


def _loop(doc, items: str, var: str, text: str) -> None:
    """One paragraph per item of `items`, or 无 when there is none."""
    _para(doc, f"{{%p for {var} in {items} %}}", size=12)
    _para(doc, text, size=16, indent=True)
    _para(doc, "{%p endfor %}", size=12)
    _para(doc, f"{{%p if not {items} %}}", size=12)
    _para(doc, "无。", size=16, indent=True)
    _para(doc, "{%p endif %}", size=12)


def build_digest_template() -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.2)
    _page_numbers(section)

    _para(
        doc, "市领导联系重点项目月报", align=WD_ALIGN_PARAGRAPH.CENTER, east_asia="宋体", size=22, bold=True
    )
    _para(doc, "（{{ month_label }}）", align=WD_ALIGN_PARAGRAPH.CENTER, east_asia="楷体", size=16)
    _para(doc, "联系领导：{{ leader }}", align=WD_ALIGN_PARAGRAPH.CENTER, east_asia="楷体", size=16)
    _para(doc, "", size=12)

    _heading(doc, "一、总体情况")
    _para(doc, "{{ overview }}", size=16, indent=True)
    _para(doc, "{{ classes }}", size=16, indent=True)

    _heading(doc, "二、项目推进情况")
    table = doc.add_table(rows=4, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header, loop_open, data, loop_close = table.rows
    for i, (label, width, expr) in enumerate(COLUMNS):
        table.columns[i].width = Cm(width)
        for row in table.rows:
            row.cells[i].width = Cm(width)
        _cell(header.cells[i], label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, east_asia="黑体")
        _shade(header.cells[i], "DCE6F2")
        numeric = label in ("序号", "完成比例") or "万元" in label
        _cell(
            data.cells[i],
            "{{ " + expr + " }}",
            align=WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT,
        )
    loop_open.cells[0].paragraphs[0].add_run("{%tr for r in rows %}")
    loop_close.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    no_split = OxmlElement("w:cantSplit")
    no_split.set(qn("w:val"), "true")
    data._tr.get_or_add_trPr().append(no_split)
    _para(doc, "", size=12)

    _heading(doc, "三、突破进展")
    _loop(doc, "breakthroughs", "b", "{{ b }}")
    _heading(doc, "四、困难和问题")
    _loop(doc, "problems", "q", "{{ q }}")
    _heading(doc, "五、进度滞后项目")
    _loop(doc, "lagging", "g", "{{ g }}")
    _para(doc, "", size=16)
    _para(doc, "{{ footer }}", align=WD_ALIGN_PARAGRAPH.RIGHT, size=12)

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def template_bytes() -> bytes:
    """The committed template, or a freshly built one when the file is absent."""
    if TEMPLATE_PATH.exists():
        return TEMPLATE_PATH.read_bytes()
    return build_digest_template()


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_PATH
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build_digest_template())
    print(f"wrote {out}")
