"""Everything a workbook shows, read back with openpyxl, as plain JSON-able data: to compare two
workbooks cell by cell (values, fonts, alignment, borders, fills, number formats), row heights,
column widths, merged ranges and the page setup."""

from __future__ import annotations

import io

import openpyxl


def _side(s) -> str | None:
    return s.style if s is not None else None


def _color(color) -> str | None:
    if color is None:
        return None
    if color.type == "rgb":
        return color.rgb
    return f"{color.type}:{getattr(color, color.type)}"


def _cell(c) -> dict:
    f, a, b = c.font, c.alignment, c.border
    return {
        "value": c.value,
        "font": [f.name, f.sz, bool(f.b), _color(f.color)],
        "align": [a.horizontal, a.vertical, bool(a.wrap_text)],
        "border": [_side(b.left), _side(b.right), _side(b.top), _side(b.bottom)],
        "fill": [c.fill.fill_type, _color(c.fill.fgColor) if c.fill.fill_type else None],
        "num_format": c.number_format,
    }


def signature(content: bytes) -> dict:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    out = {"sheets": wb.sheetnames}
    ws = wb.active
    ps, pm = ws.page_setup, ws.page_margins
    out["page"] = {
        "orientation": ps.orientation,
        "paper": ps.paperSize,
        "fit": [ws.sheet_properties.pageSetUpPr.fitToPage, ps.fitToWidth, ps.fitToHeight],
        "margins": [pm.left, pm.right, pm.top, pm.bottom, pm.footer],
        "centered": ws.print_options.horizontalCentered,
        "footer": ws.oddFooter.center.text,
        "titles": ws.print_title_rows,
        "freeze": ws.freeze_panes,
    }
    out["widths"] = {k: d.width for k, d in sorted(ws.column_dimensions.items())}
    out["heights"] = {str(k): d.height for k, d in sorted(ws.row_dimensions.items())}
    out["merged"] = sorted(str(m) for m in ws.merged_cells.ranges)
    out["cells"] = {c.coordinate: _cell(c) for row in ws.iter_rows() for c in row}
    return out
