"""Builds the docxtpl template of 《企业诉求事项处理意见》 with python-docx.

The committed file zhitong/coordination/data/opinions_template.docx is this script's output;
after changing the layout here, run

    .venv/bin/python -m zhitong.coordination.documents.build_template

and commit the new .docx. If the file is missing, the renderer builds the template in memory.

Layout (GB/T 9704-2012 《党政机关公文格式》 as far as a machine without 方正 fonts allows): on a
draft, 送审稿 at the top right; the issuing office in red (发文机关标志), the document number
(文号) over a red rule, the title and the event, the addressees, the opening paragraph, the
heading and the table 序号 / 企业名称 / 诉求事项 / 处理意见 / 责任单位 / 办理时限 (its header
row repeated on every page), the requirements, the issuer and the date, the copy-to line
between rules, and "— N —" page numbers. 宋体 for the title, 黑体 for the headings, 楷体 for
the second-level headings, 仿宋 for the text (LibreOffice substitutes what it has).
"""

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

TEMPLATE_PATH = Path(__file__).resolve().parent.parent / "data" / "opinions_template.docx"
# Widths in cm, adding up to the 156 mm 版心 of GB/T 9704.
COLUMNS = [
    ("序号", 1.2, "r.no"),
    ("企业名称", 2.3, "r.enterprise"),
    ("诉求事项", 2.9, "r.matter"),
    ("处理意见", 4.2, "r.opinion"),
    ("责任单位", 2.3, "r.units"),
    ("办理时限", 2.7, "r.deadline"),
]


def _font(run, *, east_asia: str, size: float, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "Times New Roman"
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asia)
    if color is not None:
        run.font.color.rgb = color


def _para(
    doc_or_cell,
    text: str,
    *,
    align=WD_ALIGN_PARAGRAPH.LEFT,
    east_asia="仿宋",
    size=16.0,
    bold=False,
    color=None,
    indent=False,
    space_after=0.0,
):
    p = doc_or_cell.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.line_spacing = Pt(size * 1.75) if size >= 14 else None
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    run = p.add_run(text)
    _font(run, east_asia=east_asia, size=size, bold=bold, color=color)
    return p


# Children of w:pPr that must come after w:pBdr (ECMA-376 order); Word and LibreOffice
# ignore a border placed after them.
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr")


def _borders(paragraph, sides: dict[str, tuple[str, str]]) -> None:
    """Paragraph borders: {side: (size in eighths of a point, colour)}."""
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    for side in ("top", "bottom"):
        if side not in sides:
            continue
        size, color = sides[side]
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "single")
        el.set(qn("w:sz"), size)
        el.set(qn("w:space"), "1")
        el.set(qn("w:color"), color)
        border.append(el)
    successor = next((c for c in ppr if any(c.tag == qn(t) for t in _AFTER_PBDR)), None)
    if successor is not None:
        successor.addprevious(border)
    else:
        ppr.append(border)


def _red_rule(paragraph) -> None:
    _borders(paragraph, {"bottom": ("18", "C00000")})


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _cell_text(
    cell, text: str, *, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT, size=10.5, east_asia="仿宋"
) -> None:
    p = cell.paragraphs[0]
    p.alignment = align
    run = p.add_run(text)
    _font(run, east_asia=east_asia, size=size, bold=bold)


def _page_number_footer(section) -> None:
    """GB/T 9704 7.5: the page number in 4号 (14pt) 宋体 Arabic digits between dashes,
    "— 1 —", at the foot of every page."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), east_asia="宋体", size=14)
    run = p.add_run()
    _font(run, east_asia="宋体", size=14)
    for tag, attr in (
        ("w:fldChar", {"w:fldCharType": "begin"}),
        ("w:instrText", None),
        ("w:fldChar", {"w:fldCharType": "end"}),
    ):
        el = OxmlElement(tag)
        if attr:
            for k, v in attr.items():
                el.set(qn(k), v)
        else:
            el.set(qn("xml:space"), "preserve")
            el.text = " PAGE "
        run._r.append(el)
    _font(p.add_run(" —"), east_asia="宋体", size=14)


def build_opinions_template() -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    # GB/T 9704 5.2.1: 天头 37 mm, 订口 28 mm, 版心 156 mm × 225 mm.
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.2)
    _page_number_footer(section)

    # A draft carries 送审稿 at the top right; the approved document does not.
    _para(doc, "{%p if draft %}", size=12)
    _para(doc, "送审稿", align=WD_ALIGN_PARAGRAPH.RIGHT, east_asia="黑体", size=16)
    _para(doc, "{%p endif %}", size=12)
    # 红头: the issuing office in red (a RichText sized to fit one line: opinions.issuer_head),
    # then the document number and the red rule.
    _para(doc, "{{r issuer_head }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=22, space_after=12)
    number = _para(doc, "{{ document_number }}", align=WD_ALIGN_PARAGRAPH.CENTER, size=16, space_after=6)
    _red_rule(number)
    _para(doc, "", size=12)
    _para(
        doc,
        "企业诉求事项处理意见",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        east_asia="宋体",
        size=22,
        bold=True,
        space_after=4,
    )
    _para(
        doc,
        "（{{ event_title }}）",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        east_asia="楷体",
        size=16,
        space_after=10,
    )
    _para(doc, "{{ addressees }}：", size=16)
    _para(doc, "{{ intro }}", size=16, indent=True)
    heading = _para(doc, "{{ table_heading }}", east_asia="黑体", size=16, indent=True, space_after=6)
    heading.paragraph_format.keep_with_next = True

    table = doc.add_table(rows=4, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header, loop_open, data, loop_close = table.rows
    for i, (label, width, expr) in enumerate(COLUMNS):
        table.columns[i].width = Cm(width)  # w:gridCol, which LibreOffice reads
        for row in table.rows:
            row.cells[i].width = Cm(width)
        _cell_text(header.cells[i], label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, east_asia="黑体")
        _shade(header.cells[i], "F2DCDB")
        align = WD_ALIGN_PARAGRAPH.CENTER if label == "序号" else WD_ALIGN_PARAGRAPH.LEFT
        _cell_text(data.cells[i], "{{ " + expr + " }}", align=align)
    # docxtpl row loop: the rows holding {%tr %} disappear when rendered.
    loop_open.cells[0].paragraphs[0].add_run("{%tr for r in rows %}")
    loop_close.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    # Repeat the header row on every page of a long table, and keep each row on one page.
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    no_split = OxmlElement("w:cantSplit")
    no_split.set(qn("w:val"), "true")
    data._tr.get_or_add_trPr().append(no_split)

    _para(doc, "", size=12)
    heading = _para(doc, "{{ requirements_heading }}", east_asia="黑体", size=16, indent=True)
    heading.paragraph_format.keep_with_next = True
    _para(doc, "{%p for q in requirements %}", size=12)
    req = _para(doc, "{{ q.head }}", east_asia="楷体", size=16, indent=True)
    _font(req.add_run("{{ q.text }}"), east_asia="仿宋", size=16)
    _para(doc, "{%p endfor %}", size=12)
    _para(doc, "", size=16)
    # 发文机关署名 and 成文日期 (GB/T 9704 7.3.5.1: 成文日期右空四字, the issuer centred over it).
    _para(doc, "{{ issuer }}", align=WD_ALIGN_PARAGRAPH.RIGHT, size=16)
    date = _para(doc, "{{ date_cn }}", align=WD_ALIGN_PARAGRAPH.RIGHT, size=16, space_after=24)
    date.paragraph_format.right_indent = Pt(16 * 4)
    # 版记 (GB/T 9704 8): 抄送 between rules.
    cc = _para(doc, "抄送：{{ copy_to }}。", size=14)
    _borders(cc, {"top": ("6", "000000"), "bottom": ("6", "000000")})

    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def template_bytes() -> bytes:
    """The committed template, or a freshly built one when the file is absent."""
    if TEMPLATE_PATH.exists():
        return TEMPLATE_PATH.read_bytes()
    return build_opinions_template()


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE_PATH
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(build_opinions_template())
    print(f"wrote {out}")
