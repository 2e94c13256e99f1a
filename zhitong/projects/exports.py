"""The project library as .xlsx, in the columns staff keep (imports.PROJECT_COLUMNS, the
optional 进入本阶段日期 aside): the list as filtered on the page, printable (core/spreadsheets),
named in Chinese with the unit and the day (core/downloads), and importable back."""

from __future__ import annotations

from datetime import date

from zhitong.core.downloads import file_name
from zhitong.core.spreadsheets import Book, Column
from zhitong.organizations.capabilities import is_city_leader, is_enterprise_user, sees_whole_city
from zhitong.organizations.selectors import scope_root

# Widths in Excel's units (a CJK character takes two); A4 landscape, scaled to the width.
EXPORT_COLUMNS = [
    Column("项目编码", 12, text=True),
    Column("项目名称", 26),
    Column("业主企业(统一社会信用代码)", 28),
    Column("项目类别", 9, center=True),
    Column("所属行业", 10),
    Column("项目层级", 10, center=True),
    Column("所处阶段", 8, center=True),
    Column("落地县区/园区", 14),
    Column("首谈单位", 14),
    Column("引进单位", 14),
    Column("审批权限", 10, center=True),
    Column("牵头单位", 14),
    Column("包挂领导", 8, center=True),
    Column("总投资(万元)", 11),
    Column("年度计划投资(万元)", 11),
    Column("计划开工", 11, center=True),
    Column("计划竣工", 11, center=True),
    Column("建设内容及规模", 30),
    Column("绿色通道", 6, center=True),
]
EXPORT_LIMIT = 10_000


def _unit(u) -> str:
    return u.name if u is not None else ""


def _amount(value):
    # Numbers stay numbers in the sheet (staff add them up); two decimals at most.
    return int(value) if value == int(value) else float(value)


def project_row(p) -> list:
    return [
        p.code,
        p.name,
        f"{p.owner.name}（{p.owner.credit_code}）",
        p.get_category_display(),
        p.industry,
        p.get_level_display(),
        p.get_stage_display(),
        _unit(p.location),
        _unit(p.first_contact_unit),
        _unit(p.introducing_unit),
        p.get_approval_authority_display(),
        _unit(p.lead_unit),
        p.leader.display_name if p.leader_id else "",
        _amount(p.total_investment),
        _amount(p.annual_investment),
        p.planned_start.isoformat() if p.planned_start else "",
        p.planned_completion.isoformat() if p.planned_completion else "",
        p.summary,
        p.green_channel,
    ]


def export_label(user) -> str:
    """Whose list it is, for the file name and the subtitle."""
    if sees_whole_city(user) or is_city_leader(user):
        return "全市"
    if is_enterprise_user(user) and user.enterprise_id:
        return user.enterprise.name
    return scope_root(user.unit).name if user.unit_id else ""


def projects_xlsx(qs, *, user, today: date, filters: str = "") -> tuple[bytes, str]:
    """(the workbook, its file name) of the projects of `qs` (already scoped and filtered);
    `filters` says in words which filters made the list."""
    qs = qs.select_related("first_contact_unit", "introducing_unit")[:EXPORT_LIMIT]
    rows = [project_row(p) for p in qs]
    label = export_label(user)
    day = f"{today.year}年{today.month}月{today.day}日"
    book = Book()
    sheet = book.sheet(
        "重大项目库",
        EXPORT_COLUMNS,
        title="重大项目库",
        subtitle="　".join(
            p
            for p in (
                f"单位：{label}" if label else "",
                f"筛选：{filters}" if filters else "",
                f"导出日期：{day}",
                f"共{len(rows)}个项目",
            )
            if p
        ),
    )
    sheet.rows(rows)
    sheet.autofilter()
    return book.close(), file_name("重大项目库", label, day, ext="xlsx")
