"""Annex 2 and Annex 3 of seeds/000 as .xlsx, with exactly the columns of the seed tables and
the month (and, for Annex 3, the unit) in the title."""

import io
from datetime import date

ANNEX2_TITLE = "企业或重大项目需市政府协调解决问题申报表"
ANNEX2_COLUMNS = [
    ("序号", 6),
    ("项目名称", 22),
    ("基本情况", 36),
    ("需要提请市里协调解决的问题", 40),
    ("需协调的县(市)区或市直单位", 24),
    ("分管市领导", 12),
    ("申报单位", 20),
    ("联系人及手机号码", 20),
]
ANNEX3_TITLE = "市领导召开“一企一议”协调会问题解决落实情况表"
ANNEX3_COLUMNS = [
    ("序号", 6),
    ("项目名称", 22),
    ("基本情况", 32),
    ("需协调解决的问题", 34),
    ("召开协调会的时间", 14),
    ("召开协调会的领导", 14),
    ("协调意见", 36),
    ("协调意见落实情况", 36),
    ("是否已解决", 10),
]


def month_label(month: date) -> str:
    return f"{month.year}年{month.month}月"


def _write(*, title: str, subtitle: str, columns, rows, sheet: str) -> bytes:
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(sheet)
    f_title = wb.add_format(
        {"bold": True, "font_size": 16, "align": "center", "valign": "vcenter", "font_name": "宋体"}
    )
    f_sub = wb.add_format({"font_size": 11, "align": "left", "valign": "vcenter", "font_name": "宋体"})
    f_head = wb.add_format(
        {
            "bold": True,
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "bg_color": "#F2F2F2",
            "font_name": "宋体",
        }
    )
    f_cell = wb.add_format({"border": 1, "valign": "top", "text_wrap": True, "font_name": "宋体"})
    f_no = wb.add_format({"border": 1, "align": "center", "valign": "top", "font_name": "宋体"})
    last = len(columns) - 1
    ws.merge_range(0, 0, 0, last, title, f_title)
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, last, subtitle, f_sub)
    for c, (label, width) in enumerate(columns):
        ws.write(2, c, label, f_head)
        ws.set_column(c, c, width)
    ws.set_row(2, 32)
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            ws.write(r, c, value, f_no if c == 0 else f_cell)
    ws.repeat_rows(2)
    ws.freeze_panes(3, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    wb.close()
    return buf.getvalue()


def annex2_xlsx(*, month: date, rows: list[list], unit_name: str = "") -> bytes:
    """Annex 2 《企业或重大项目需市政府协调解决问题申报表》 for one month's batch."""
    subtitle = f"申报单位：{unit_name}" if unit_name else "汇总单位：全部申报单位"
    return _write(
        title=f"{ANNEX2_TITLE}（{month_label(month)}）",
        subtitle=subtitle,
        columns=ANNEX2_COLUMNS,
        rows=rows,
        sheet="附件2",
    )


def annex3_xlsx(*, month: date, unit_name: str, rows: list[list]) -> bytes:
    """Annex 3 《市领导召开“一企一议”协调会问题解决落实情况表》 for one unit and month."""
    return _write(
        title=f"{ANNEX3_TITLE}（{month_label(month)}）",
        subtitle=f"单位名称：{unit_name}",
        columns=ANNEX3_COLUMNS,
        rows=rows,
        sheet="附件3",
    )
