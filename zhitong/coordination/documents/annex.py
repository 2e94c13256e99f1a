"""Annex 2 and Annex 3 of seeds/000 as .xlsx, with exactly the columns of the seed tables and
the month (and the unit) in the title; printable through zhitong.core.spreadsheets."""

from datetime import date

from zhitong.core.spreadsheets import Book, Column, ledger_xlsx

# seeds/000 附件2 《企业或重大项目需市政府协调解决问题申报表》（  月）.
ANNEX2_TITLE = "企业或重大项目需市政府协调解决问题申报表"
ANNEX2_COLUMNS = [
    Column("序号", 5, center=True),
    Column("项目名称", 18),
    Column("基本情况", 30),
    Column("需要提请市里协调解决的问题", 30),
    Column("需协调的县(市)区或市直单位", 18),
    Column("分管市领导", 10, center=True),
    Column("申报单位", 16),
    Column("联系人及手机号码", 16),
]
# seeds/000 附件3 《市领导召开“一企一议”协调会问题解决落实情况表》（  月） 单位名称：.
ANNEX3_TITLE = "市领导召开“一企一议”协调会问题解决落实情况表"
# seeds/000 五(二)1 主要领导(两位主官、常务): the county's (or park's) own meetings.
ANNEX3_COUNTY_TITLE = "主要领导召开“一企一议”协调会问题解决落实情况表"
ANNEX3_COLUMNS = [
    Column("序号", 5, center=True),
    Column("项目名称", 16),
    Column("基本情况", 24),
    Column("需协调解决的问题", 24),
    Column("召开协调会的时间", 12, center=True),
    Column("召开协调会的领导", 14, center=True),
    Column("协调意见", 26),
    Column("协调意见落实情况", 26),
    Column("是否已解决", 8, center=True),
]


def month_label(month: date) -> str:
    return f"{month.year}年{month.month}月"


def annex2_xlsx(*, month: date, rows: list[list], unit_name: str = "") -> bytes:
    """Annex 2 《企业或重大项目需市政府协调解决问题申报表》 for one month's batch, collected
    by `unit_name` (the hub's unit)."""
    return ledger_xlsx(
        sheet="附件2",
        title=f"{ANNEX2_TITLE}（{month_label(month)}）",
        subtitle=f"汇总单位：{unit_name}" if unit_name else "汇总单位：全部申报单位",
        columns=ANNEX2_COLUMNS,
        rows=rows,
    )


def annex3_county_title(unit_name: str) -> str:
    """The county's own table of what its principal leaders coordinated: the columns of
    Annex 3, titled for the county (not under the city leaders' title)."""
    return f"{unit_name}{ANNEX3_COUNTY_TITLE}"


def annex3_xlsx(
    *, month: date, unit_name: str, rows: list[list], county_rows: list[list] | None = None
) -> bytes:
    """Annex 3 《市领导召开“一企一议”协调会问题解决落实情况表》 for one unit and month; with
    `county_rows`, a second sheet: the county's table of its principal leaders' meetings."""
    book = Book()
    book.sheet(
        "附件3",
        ANNEX3_COLUMNS,
        title=f"{ANNEX3_TITLE}（{month_label(month)}）",
        subtitle=f"单位名称：{unit_name}",
    ).rows(rows)
    if county_rows is not None:
        book.sheet(
            _sheet_name(f"{unit_name}主要领导协调会"),
            ANNEX3_COLUMNS,
            title=f"{annex3_county_title(unit_name)}（{month_label(month)}）",
            subtitle=f"单位名称：{unit_name}",
        ).rows(county_rows)
    return book.close()


def _sheet_name(name: str) -> str:
    # A sheet's name: at most 31 characters, none of []:*?/\ (Excel's rules).
    return "".join(c for c in name if c not in "[]:*?/\\")[:31]
