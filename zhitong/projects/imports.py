"""The project library in Excel (SPEC "Interfaces": staff keep projects in Excel; seeds/003
八 在谈项目信息库): import from .xlsx in the columns staff keep, on the machinery of
zhitong/organizations/imports.py (same report, same all-or-nothing rule, same "仅导入无误的行"),
and the columns the export writes (`exports.py`), so an exported file imports back as it is
downloaded (the header under its title is found).

- A project code already registered updates that project (blank optional cells keep the
  stored value); a code twice in the file is an error on its second row.
- 业主企业(统一社会信用代码): the owner must already be in the enterprise library; the cell
  holds its credit code, alone or after its name ("华信电子（91350100MA2XN0KX7F）", as the
  export writes it), or its exact registered name.
- Units (落地县区/园区, 首谈单位, 引进单位, 牵头单位) by name, short name or unit code;
  包挂领导 by the leader's name.
- 所处阶段: a new project is entered in 储备 and, when the sheet gives a later stage, that
  stage is recorded through the stage table's history (`services.project_import_stage`: a
  dated ProjectStageChange naming the import, never a bare field write), on the day of the
  optional column 进入本阶段日期 or on the day of the import. A registered project's stage
  moves only on its page (the stage table): a different stage in the sheet is a row error.
- 牵头单位: names a new project's first lead unit (blank: the first-contact unit, else the
  landing county/park). A registered project's lead unit follows the rules of seeds/003 二
  (or an override with a reason) and is not changed by an import: a different one is a row
  error.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from zhitong.common.forms import INT_MAX
from zhitong.core.errors import ServiceError
from zhitong.core.fields import DATE_CEILING, DATE_FLOOR
from zhitong.enterprises.models import Enterprise
from zhitong.organizations.choices import Role
from zhitong.organizations.imports import (
    BOOL_REASON,
    NUMBER_CELL_REASON,
    Column,
    ImportReport,
    PlannedRow,
    check_length,
    looks_like_lost_number,
    parse_bool,
    parse_choice,
    run_import,
)
from zhitong.organizations.models import Unit, User

from .models import ApprovalAuthority, Project, ProjectCategory, ProjectLevel, ProjectStage
from .services.library import CODE_RE, project_check, project_create, project_import_stage, project_update

# The columns staff keep, in their order (the export writes the same).
PROJECT_COLUMNS = [
    Column(
        "项目编码",
        "code",
        required=True,
        note="唯一，字母、数字、连字符；已登记的编码将更新该项目",
        example="XM2026-001",
    ),
    Column("项目名称", "name", required=True, example="年产5万吨新型材料生产线项目"),
    Column(
        "业主企业(统一社会信用代码)",
        "owner",
        required=True,
        note="企业须已在企业库登记：填写统一社会信用代码，或“企业名称（统一社会信用代码）”",
        example="榕城华信电子科技有限公司（91350100MA2XN0KX7F）",
    ),
    Column(
        "项目类别",
        "category",
        required=True,
        note="、".join(str(lbl) for _, lbl in ProjectCategory.choices),
        example="工业",
    ),
    Column("所属行业", "industry", header_required=False, example="新材料"),
    Column(
        "项目层级",
        "level",
        required=True,
        note="、".join(str(lbl) for _, lbl in ProjectLevel.choices),
        example="市重点项目",
    ),
    Column(
        "所处阶段",
        "stage",
        header_required=False,
        note="、".join(str(lbl) for _, lbl in ProjectStage.choices)
        + "；新项目留空为储备；已登记项目的阶段在项目页按阶段登记变更，导入不改",
        example="在建",
    ),
    Column(
        "落地县区/园区",
        "location",
        required=True,
        note="县（市）区或园区的名称、简称或单位编码",
        example="鼓楼区",
    ),
    Column(
        "首谈单位",
        "first_contact_unit",
        header_required=False,
        note="单位名称、简称或编码",
        example="市招商局",
    ),
    Column(
        "引进单位", "introducing_unit", header_required=False, note="单位名称、简称或编码", example="鼓楼区"
    ),
    Column(
        "审批权限",
        "approval_authority",
        header_required=False,
        note="、".join(str(lbl) for _, lbl in ApprovalAuthority.choices) + "（seeds/003 二(二)4）",
        example="市级",
    ),
    Column(
        "牵头单位",
        "lead_unit",
        header_required=False,
        note="新项目的牵头单位（留空为首谈单位，再空为落地县区/园区）；已登记项目的牵头单位按规则确定，导入不改",
        example="鼓楼区",
    ),
    Column("包挂领导", "leader", header_required=False, note="市、县领导的姓名", example="王建国"),
    Column(
        "总投资(万元)", "total_investment", header_required=False, note="数字，最多两位小数", example="50000"
    ),
    Column(
        "年度计划投资(万元)", "annual_investment", header_required=False, note="不大于总投资", example="12000"
    ),
    Column(
        "计划开工",
        "planned_start",
        header_required=False,
        note="日期，如 2026-03-01 或 2026年3月",
        example="2026-03-01",
    ),
    Column(
        "计划竣工", "planned_completion", header_required=False, note="不早于计划开工", example="2027-12-31"
    ),
    Column("建设内容及规模", "summary", header_required=False, example="新建厂房3万平方米，购置生产线4条"),
    Column("绿色通道", "green_channel", header_required=False, note=BOOL_REASON, example="否"),
    Column(
        "进入本阶段日期",
        "stage_since",
        header_required=False,
        note="选填：新项目所处阶段的开始日期（不晚于今天）；留空为导入当天",
        example="2026-02-10",
    ),
]
HEADER = {c.key: c.header for c in PROJECT_COLUMNS}
# The services' field names → the sheet's columns (a cross-field rule names its column).
FIELD_COLUMN = {
    "code": HEADER["code"],
    "name": HEADER["name"],
    "owner": HEADER["owner"],
    "category": HEADER["category"],
    "level": HEADER["level"],
    "location": HEADER["location"],
    "leader": HEADER["leader"],
    "approval_authority": HEADER["approval_authority"],
    "total_investment": HEADER["total_investment"],
    "annual_investment": HEADER["annual_investment"],
    "planned_start": HEADER["planned_start"],
    "planned_completion": HEADER["planned_completion"],
    "lead_unit": HEADER["lead_unit"],
}
UNIT_KEYS = ("location", "first_contact_unit", "introducing_unit", "lead_unit")
# What staff write for the approval authority besides its labels.
AUTHORITY_ALIASES = {
    "县级": ApprovalAuthority.COUNTY,
    "县区": ApprovalAuthority.COUNTY,
    "县(市)区": ApprovalAuthority.COUNTY,
    "县（市）区": ApprovalAuthority.COUNTY,
    "园区": ApprovalAuthority.COUNTY,
    "市": ApprovalAuthority.CITY,
    "省级": ApprovalAuthority.ABOVE_CITY,
    "国家级": ApprovalAuthority.ABOVE_CITY,
    "省级及以上": ApprovalAuthority.ABOVE_CITY,
}
CREDIT_CODE_IN = re.compile(r"[0-9A-HJ-NPQRTUWXY]{18}")
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?|\s*月?)$")
DECIMAL_RE = re.compile(r"^\d{1,12}(\.\d{1,2})?$")


def parse_date(text: str) -> date | str:
    """A date from a cell: 2026-03-01, 2026/3/1, 2026.3.1, 2026年3月1日, or a month alone
    (2026-03, 2026年3月: its first day). The reason (str) when it is not one."""
    m = _DATE_RE.match(text.strip())
    if not m:
        return "应为日期，如 2026-03-01 或 2026年3月"
    try:
        day = date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        return f"日期不存在：{text}"
    if not DATE_FLOOR <= day <= DATE_CEILING:
        return f"日期须在{DATE_FLOOR.isoformat()}至{DATE_CEILING.isoformat()}之间"
    return day


def parse_amount(text: str) -> Decimal | str:
    t = text.replace(",", "").replace("，", "").strip()
    if not DECIMAL_RE.match(t):
        return "应为不小于0的数字（万元），最多两位小数"
    try:
        value = Decimal(t)
    except InvalidOperation:
        return "应为数字"
    if value > INT_MAX:
        return "数值过大"
    return value


def _unit_index() -> dict[str, list[Unit]]:
    index: dict[str, list[Unit]] = {}
    for u in Unit.objects.filter(is_active=True):
        for key in {u.code, u.name, u.short_name}:
            if key:
                index.setdefault(key, []).append(u)
    return index


def _leader_index() -> dict[str, list[User]]:
    index: dict[str, list[User]] = {}
    for u in User.objects.filter(is_active=True, role=Role.LEADER):
        for key in {u.full_name, u.username}:
            if key:
                index.setdefault(key, []).append(u)
    return index


class _Row:
    """One row's checks, each reporting on its own column."""

    def __init__(self, report: ImportReport, rownum: int, values: dict):
        self.report, self.row, self.v = report, rownum, values

    def error(self, key: str, reason: str) -> None:
        self.report.add(self.row, HEADER.get(key, key), reason)

    def text(self, key: str, max_length: int, *, required: bool = False) -> str:
        value = self.v.get(key, "")
        if not value:
            if required:
                self.error(key, "不能为空")
            return ""
        check_length(self.report, self.row, HEADER[key], value, max_length)
        return value

    def choice(self, key: str, choices, aliases=None, *, required: bool = False) -> str | None:
        text = self.v.get(key, "")
        if not text:
            if required:
                self.error(key, "不能为空")
            return None
        value = parse_choice(text, choices) or (aliases or {}).get(text)
        if value is None:
            self.error(key, f"“{text}”无效，应为：" + "、".join(str(lbl) for _, lbl in choices.choices))
        return value

    def unit(self, key: str, index, *, required: bool = False) -> Unit | None:
        text = self.v.get(key, "")
        if not text:
            if required:
                self.error(key, "不能为空")
            return None
        found = index.get(text, [])
        if not found:
            self.error(key, f"单位“{text}”不存在")
        elif len(found) > 1:
            self.error(key, f"“{text}”对应多个单位，请填写单位编码")
        else:
            return found[0]
        return None

    def amount(self, key: str) -> Decimal | None:
        text = self.v.get(key, "")
        if not text:
            return None
        value = parse_amount(text)
        if isinstance(value, str):
            self.error(key, value)
            return None
        return value

    def day(self, key: str) -> date | None:
        text = self.v.get(key, "")
        if not text:
            return None
        value = parse_date(text)
        if isinstance(value, str):
            self.error(key, value)
            return None
        return value

    def owner(
        self, by_code: dict[str, Enterprise], by_name: dict[str, list[Enterprise]]
    ) -> Enterprise | None:
        text = self.v.get("owner", "")
        if not text:
            self.error("owner", "不能为空")
            return None
        if looks_like_lost_number(text):
            self.error("owner", NUMBER_CELL_REASON)
            return None
        m = CREDIT_CODE_IN.search(text.upper())
        if m:
            found = by_code.get(m[0])
            if found is None:
                self.error("owner", f"统一社会信用代码为“{m[0]}”的企业未在企业库登记，请先登记该企业")
            return found
        named = by_name.get(text, [])
        if len(named) == 1:
            return named[0]
        self.error("owner", "请填写业主企业的统一社会信用代码（18位），或企业库中登记的企业全称")
        return None


def _validate(report: ImportReport, rows) -> list[PlannedRow]:
    codes = [v.get("code", "") for _, v in rows]
    existing = {p.code: p for p in Project.objects.filter(code__in=codes)}
    wanted = {m[0] for _, v in rows if (m := CREDIT_CODE_IN.search(v.get("owner", "").upper()))}
    by_code = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=wanted)}
    names = {v.get("owner", "") for _, v in rows} - {""}
    by_name: dict[str, list[Enterprise]] = {}
    for e in Enterprise.objects.filter(name__in=names, is_active=True):
        by_name.setdefault(e.name, []).append(e)
    units, leaders = _unit_index(), _leader_index()
    today = timezone.localdate()
    seen: dict[str, int] = {}
    plan = []
    for rownum, v in rows:
        r = _Row(report, rownum, v)
        errs_before = len(report.errors)
        code = r.text("code", 32, required=True)
        if code and not CODE_RE.match(code):
            r.error("code", "只能包含字母、数字、下划线和连字符")
        elif code in seen:
            r.error("code", f"与第{seen[code]}行重复")
        elif code:
            seen[code] = rownum
        current = existing.get(code)
        name = r.text("name", 200, required=True)
        owner = r.owner(by_code, by_name)
        category = r.choice("category", ProjectCategory, required=True)
        industry = r.text("industry", 60)
        level = r.choice("level", ProjectLevel, required=True)
        stage = r.choice("stage", ProjectStage)
        found = {k: r.unit(k, units, required=(k == "location")) for k in UNIT_KEYS}
        authority = r.choice("approval_authority", ApprovalAuthority, AUTHORITY_ALIASES)
        leader = None
        if v.get("leader"):
            people = leaders.get(v["leader"], [])
            if not people:
                r.error("leader", f"“{v['leader']}”不是系统中在职的市、县领导")
            elif len(people) > 1:
                r.error("leader", f"“{v['leader']}”对应多位领导，请填写其登录名")
            else:
                leader = people[0]
        total, annual = r.amount("total_investment"), r.amount("annual_investment")
        start, completion = r.day("planned_start"), r.day("planned_completion")
        summary = r.text("summary", 5000)
        green = None
        if v.get("green_channel"):
            green = parse_bool(v["green_channel"])
            if green is None:
                r.error("green_channel", f"“{v['green_channel']}”{BOOL_REASON}")
        since = r.day("stage_since")
        if since and since > today:
            r.error("stage_since", f"不能晚于今天（{today:%Y-%m-%d}）")
        if current is not None:
            # seeds/003 二: the stage and the lead unit of a registered project change on its
            # page (the stage table; the lead-unit rules or an override with a reason).
            if stage and stage != current.stage:
                r.error(
                    "stage",
                    f"已登记项目的阶段须在项目页按阶段登记变更（系统中为“{current.get_stage_display()}”）",
                )
            lead = found["lead_unit"]
            if lead is not None and lead.pk != current.lead_unit_id:
                r.error(
                    "lead_unit", f"已登记项目的牵头单位不能通过导入修改（系统中为“{current.lead_unit.name}”）"
                )
        if len(report.errors) > errs_before:
            continue
        facts = {
            "code": code,
            "name": name,
            "owner_id": owner.pk,
            "category": category,
            "level": level,
            "location_id": found["location"].pk,
        }
        optional = {
            "industry": industry or None,
            "first_contact_unit_id": found["first_contact_unit"].pk if found["first_contact_unit"] else None,
            "introducing_unit_id": found["introducing_unit"].pk if found["introducing_unit"] else None,
            "approval_authority": authority,
            "leader_id": leader.pk if leader else None,
            "total_investment": total,
            "annual_investment": annual,
            "planned_start": start,
            "planned_completion": completion,
            "summary": summary or None,
            "green_channel": green,
        }
        # A blank optional cell keeps the stored value (a partial sheet never wipes data).
        facts.update({k: val for k, val in optional.items() if val is not None})
        lead_unit = found["lead_unit"] or found["first_contact_unit"] or found["location"]
        # Cross-field rules (annual ≤ total, completion ≥ start, the location's kind, the
        # leader's role) are the service's: asked here, they are reported per row.
        candidate = Project(pk=current.pk) if current else Project()
        if current is not None:
            for f in Project._meta.concrete_fields:
                setattr(candidate, f.attname, getattr(current, f.attname))
        for k, val in facts.items():
            setattr(candidate, k, val)
        try:
            project_check(candidate)
        except ServiceError as exc:
            r.error(FIELD_COLUMN.get(exc.field or "", "name"), exc.message)
            continue
        plan.append(
            PlannedRow(
                rownum,
                current,
                {"facts": facts, "lead_unit": lead_unit, "stage": stage, "since": since},
            )
        )
    return plan


def projects_import(
    fileobj, *, actor=None, good_rows_only: bool = False, now: datetime | None = None
) -> ImportReport:
    """Import projects from an .xlsx with PROJECT_COLUMNS (see the module docstring). The
    caller has checked that `actor` may import (`permissions.require_import`)."""
    now = now or timezone.now()
    report = ImportReport(kind="project", kind_label="项目")
    today = timezone.localdate(now)

    def apply(p: PlannedRow) -> None:
        d = p.data
        if p.existing is None:
            project = project_create(actor=actor, lead_unit=d["lead_unit"], now=now, **d["facts"])
            if d["stage"] and d["stage"] != project.stage:
                label = ProjectStage(d["stage"]).label
                project_import_stage(
                    actor=actor,
                    project=project,
                    stage=d["stage"],
                    on=d["since"] or today,
                    note=f"批量导入项目库时按导入文件登记为“{label}”阶段",
                    now=now,
                )
        else:
            changes = {k: v for k, v in d["facts"].items() if getattr(p.existing, k) != v}
            if changes:
                project_update(
                    actor=actor, project_id=p.existing.pk, expected_version=None, now=now, **changes
                )

    return run_import(
        report=report,
        fileobj=fileobj,
        columns=PROJECT_COLUMNS,
        validate=_validate,
        apply=apply,
        actor=actor,
        good_rows_only=good_rows_only,
        now=now,
    )
