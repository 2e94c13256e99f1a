"""The briefing's Word document: a docxtpl template built in memory with python-docx (A4, the
156 mm 版心 of GB/T 9704, 宋体 title, 楷体 month line, 黑体 headings, 仿宋 text, "— N —" page
numbers) filled by docxtpl, then the sections written after it with python-docx (a docxtpl
sub-document would need docxcompose, which the project does not install)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
TITLE_FONT = "宋体"
MONTH_FONT = "楷体"
TEXT_PT = 14.0
TABLE_PT = 10.5
CHART_WIDTH_CM = 15.0


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
    doc,
    text: str,
    *,
    align=WD_ALIGN_PARAGRAPH.LEFT,
    east_asia=BODY_FONT,
    size=TEXT_PT,
    bold=False,
    indent=False,
):
    p = doc.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_after = Pt(0)
    fmt.space_before = Pt(0)
    fmt.line_spacing = Pt(size * 1.6)
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), east_asia=east_asia, size=size, bold=bold)
    return p


def _page_number_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), east_asia=TITLE_FONT, size=12)
    run = p.add_run()
    _font(run, east_asia=TITLE_FONT, size=12)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    _font(p.add_run(" —"), east_asia=TITLE_FONT, size=12)


def template_bytes() -> bytes:
    """The docxtpl template: {{ title }}, {{ month }}, {{ issuer }}, {{ issued }} and a red rule;
    the sections follow it."""
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.7)  # 210 − 2 × 27 = 156 mm
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    _para(doc, "{{ title }}", align=WD_ALIGN_PARAGRAPH.CENTER, east_asia=TITLE_FONT, size=22, bold=True)
    _para(doc, "（{{ month }}）", align=WD_ALIGN_PARAGRAPH.CENTER, east_asia=MONTH_FONT, size=16)
    _para(doc, "{{ issuer }}　　{{ issued }}", align=WD_ALIGN_PARAGRAPH.CENTER, east_asia=BODY_FONT, size=12)
    rule = _para(doc, "", size=6)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("val", "single"), ("sz", "12"), ("space", "1"), ("color", "C00000")):
        bottom.set(qn(f"w:{k}"), v)
    border.append(bottom)
    rule._p.get_or_add_pPr().append(border)
    _page_number_footer(sec)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _table(sd, table) -> None:
    t = sd.add_table(rows=1, cols=len(table.headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for col, w in zip(t.columns, table.widths_cm, strict=False):
        col.width = Cm(w)  # the grid LibreOffice and WPS read
    for cell, text, w in zip(t.rows[0].cells, table.headers, table.widths_cm, strict=False):
        cell.width = Cm(w)
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(text), east_asia=HEADING_FONT, size=TABLE_PT)
    # The header row repeats on every page.
    trpr = t.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)
    for values in table.rows:
        cells = t.add_row().cells
        for cell, text, w in zip(cells, values, table.widths_cm, strict=False):
            cell.width = Cm(w)
            _font(cell.paragraphs[0].add_run(str(text)), east_asia=BODY_FONT, size=TABLE_PT)


def render(data, sections, *, title: str, issuer: str) -> bytes:
    from django.utils import timezone
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(template_bytes()))
    tpl.render(
        {
            "title": title,
            "month": data.label,
            "issuer": issuer,
            "issued": f"{timezone.localdate():%Y年%m月%d日}".replace("年0", "年").replace("月0", "月"),
        }
    )
    sd = tpl.docx
    for s in sections:
        _para(sd, s.title, east_asia=HEADING_FONT, size=16)
        for text in s.paragraphs:
            _para(sd, text, indent=True)
        if s.chart:
            p = sd.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run().add_picture(io.BytesIO(s.chart), width=Cm(CHART_WIDTH_CM))
        elif s.chart_missing:
            _para(sd, "（图表未生成：服务器缺少中文字体或绘图组件，见下表。）", size=10.5)
        if s.table:
            _table(sd, s.table)
            _para(sd, "", size=8)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()
