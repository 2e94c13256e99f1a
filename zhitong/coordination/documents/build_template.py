"""Builds the docxtpl template of 《企业诉求事项处理意见》 with python-docx.

The committed file zhitong/coordination/data/opinions_template.docx is this script's output;
after changing the layout here, run

    .venv/bin/python -m zhitong.coordination.documents.build_template

and commit the new .docx. If the file is missing, the renderer builds the template in memory.

Layout: a red-headed government document (红头文件): the issuing office in red, the document
number (文号), a red rule, the title, the opening paragraph, the table 序号 / 企业名称 /
诉求事项 / 处理意见 / 责任单位 / 办理时限, the closing request, the issuer and the date, and the
copy-to line. Fonts follow GB/T 9704 as far as a machine without 方正 fonts allows: 宋体 for
the headings, 仿宋 for the text (LibreOffice substitutes Noto CJK when they are absent).
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
RED = RGBColor(0xC0, 0x00, 0x00)
COLUMNS = [
    ("序号", 1.3, "r.no"),
    ("企业名称", 2.8, "r.enterprise"),
    ("诉求事项", 3.4, "r.matter"),
    ("处理意见", 4.4, "r.opinion"),
    ("责任单位", 2.5, "r.units"),
    ("办理时限", 2.4, "r.deadline"),
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


def build_opinions_template() -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.8)
    section.left_margin, section.right_margin = Cm(2.2), Cm(2.0)

    # 红头: the issuing office in red, then the document number and the red rule.
    _para(
        doc,
        "{{ issuer }}",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        east_asia="宋体",
        size=20,
        bold=True,
        color=RED,
        space_after=12,
    )
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
    _para(doc, "{{ intro }}", size=16, indent=True, space_after=8)

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
        align = WD_ALIGN_PARAGRAPH.CENTER if label in ("序号", "办理时限") else WD_ALIGN_PARAGRAPH.LEFT
        _cell_text(data.cells[i], "{{ " + expr + " }}", align=align)
    # docxtpl row loop: the rows holding {%tr %} disappear when rendered.
    loop_open.cells[0].paragraphs[0].add_run("{%tr for r in rows %}")
    loop_close.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    # Repeat the header row on every page of a long table.
    trpr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)

    _para(doc, "", size=12)
    _para(doc, "{{ closing }}", size=16, indent=True, space_after=10)
    _para(doc, "{{ issuer }}", align=WD_ALIGN_PARAGRAPH.RIGHT, size=16)
    _para(doc, "{{ date_cn }}", align=WD_ALIGN_PARAGRAPH.RIGHT, size=16, space_after=14)
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
