"""Bulk import from .xlsx (staff keep units and enterprises in Excel — SPEC "Interfaces").

The shared machinery (reading a sheet, the per-row report) lives here with the units
import; zhitong/enterprises/imports.py builds the enterprise import on it.

Rules common to every import:
- the first sheet's first row holds the headers (or, for a ledger exported with a title
  over its header, the first of its first five rows that names every required column); a
  trailing "*" (required mark in our templates), spaces and full-width brackets are
  ignored; a missing required column is a fatal error that names the column, and nothing
  is read;
- every bad cell is reported as (row, column, reason in Chinese), with the row number as
  Excel shows it;
- all or nothing by default: a file with any bad row imports nothing and says so; with
  `good_rows_only=True` (the user's explicit choice) the good rows are imported and the
  bad ones listed as skipped — in one transaction either way;
- a code that already exists updates that record (the sheet is the master copy), and a
  blank optional cell leaves the existing value unchanged, so a partial sheet never wipes
  data.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zhitong.audit.services import audit_record
from zhitong.core.errors import ServiceError
from zhitong.core.spreadsheets import display_width

from .choices import UnitKind
from .models import Unit

MAX_ROWS = 10_000


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = False  # a value is required in every row
    header_required: bool = True  # the column must be present in the sheet
    note: str = ""  # shown in the template's instructions sheet
    example: str = ""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str


@dataclass
class ImportReport:
    """What an import found and did; rendered by the page and printed by the CLI."""

    kind: str  # "unit" | "enterprise" (the audit action is "<kind>.import")
    kind_label: str
    good_rows_only: bool = False
    total_rows: int = 0
    fatal: str | None = None
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    imported: bool = False

    @property
    def bad_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    @property
    def good_row_count(self) -> int:
        return self.total_rows - len(self.bad_rows)

    @property
    def ok(self) -> bool:
        return self.fatal is None and not self.errors

    def add(self, row: int, column: str, reason: str) -> None:
        self.errors.append(RowError(row, column, reason))

    @property
    def summary(self) -> str:
        """In the language of the page that shows it (the CLI's is Chinese)."""
        if self.fatal:
            return _("导入失败：%(reason)s。未导入任何数据。") % {"reason": self.fatal}
        if self.total_rows == 0:
            return _("文件中没有数据行，未导入任何数据。")
        n = {"rows": self.total_rows, "bad": len(self.bad_rows), "good": self.good_row_count}
        n["counts"] = _("新增%(created)s条，更新%(updated)s条") % {
            "created": self.created,
            "updated": self.updated,
        }
        if not self.errors:
            return (
                ngettext(
                    "共%(rows)s行，全部导入成功：%(counts)s。",
                    "共%(rows)s行，全部导入成功：%(counts)s。",
                    self.total_rows,
                )
                % n
            )
        if self.imported:
            return (
                ngettext(
                    "共%(rows)s行，其中%(bad)s行有误已跳过；按您的选择仅导入无误的%(good)s行：%(counts)s。",
                    "共%(rows)s行，其中%(bad)s行有误已跳过；按您的选择仅导入无误的%(good)s行：%(counts)s。",
                    self.total_rows,
                )
                % n
            )
        if self.good_rows_only:
            return (
                ngettext(
                    "共%(rows)s行，全部有误，未导入任何数据。",
                    "共%(rows)s行，全部有误，未导入任何数据。",
                    self.total_rows,
                )
                % n
            )
        return (
            ngettext(
                "共%(rows)s行，其中%(bad)s行有误，未导入任何数据。请修正后重新上传，或选择“仅导入无误的行”导入其余%(good)s行。",
                "共%(rows)s行，其中%(bad)s行有误，未导入任何数据。请修正后重新上传，或选择“仅导入无误的行”导入其余%(good)s行。",
                self.total_rows,
            )
            % n
        )

    def as_text(self) -> str:
        lines = [f"【{self.kind_label}导入】{self.summary}"]
        if self.errors:
            lines.append("行\t列\t原因")
            lines.extend(f"{e.row}\t{e.column}\t{e.reason}" for e in sorted(self.errors, key=_err_key))
        return "\n".join(lines)


def _err_key(e: RowError):
    return (e.row, e.column)


class FatalImportError(Exception):
    pass


def cell_text(value) -> str:
    """A cell as text: numbers typed into Excel come back as int/float (a phone number
    becomes 13812341234.0), so whole floats lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and abs(value) >= 1e15:
        # Excel keeps 15 significant digits: an 18-digit code typed into a number cell
        # has already lost its last digits. Keep the tell-tale form so the row says so.
        return f"{value:.15E}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


def normalise_header(value) -> str:
    # Full-width brackets are typed as often as half-width ones: 总投资（万元） is 总投资(万元).
    text = re.sub(r"\s+", "", cell_text(value)).rstrip("*＊")
    return text.replace("（", "(").replace("）", ")")


# A ledger exported with a title and a subtitle over its header (core/spreadsheets) imports
# back as it is: the header may be any of the first rows, the first that names every
# required column.
HEADER_SEARCH_ROWS = 5


def _positions(header_row, columns: list[Column]) -> tuple[dict[str, int], list[str]]:
    """({key: column index}, [missing required headers]) of one candidate header row."""
    by_header = {c.header: c for c in columns}
    positions: dict[str, int] = {}
    for idx, h in enumerate(normalise_header(v) for v in header_row):
        if h in by_header:
            if by_header[h].key in positions:
                raise FatalImportError(f"列“{h}”出现了不止一次")
            positions[by_header[h].key] = idx
    return positions, [c.header for c in columns if c.header_required and c.key not in positions]


def read_sheet(fileobj, columns: list[Column]) -> list[tuple[int, dict[str, str]]]:
    """[(excel row number, {key: text})] for the non-blank rows of the first sheet under its
    header row (row 1, or the first of the first HEADER_SEARCH_ROWS rows that has every
    required column). Raises FatalImportError for an unreadable file or a missing required
    column (named as row 1 lacks it)."""
    from openpyxl import load_workbook

    data = fileobj.read() if hasattr(fileobj, "read") else Path(fileobj).read_bytes()
    try:
        wb = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise FatalImportError("无法读取文件，请上传 Excel 工作簿（.xlsx）")
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        seen: list = []
        positions, missing, header_at = None, [], 0
        for number, row in enumerate(rows, start=1):
            seen.append(row)
            found, lacking = _positions(row, columns)
            if number == 1:
                positions, missing = found, lacking
            if not lacking:
                positions, missing, header_at = found, [], number
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        if not seen:
            raise FatalImportError("工作表为空，第1行应为列标题")
        if missing:
            raise FatalImportError("缺少必填列：" + "、".join(f"“{m}”" for m in missing))
        out = []
        for rownum, row in enumerate(rows, start=header_at + 1):
            values = {key: cell_text(row[idx]) if idx < len(row) else "" for key, idx in positions.items()}
            if not any(values.values()):
                continue
            if len(out) >= MAX_ROWS:
                raise FatalImportError(f"一次最多导入{MAX_ROWS}行，请分批导入")
            out.append((rownum, values))
        return out
    finally:
        wb.close()


TRUE_WORDS = {"是", "y", "yes", "1", "true", "√", "✓", "t"}
FALSE_WORDS = {"否", "n", "no", "0", "false", "×", "f"}


def parse_bool(text: str) -> bool | None:
    """是/否, Y/N, 1/0 (and yes/no, true/false, √/×); None if not one of them."""
    t = text.strip().lower()
    if t in TRUE_WORDS:
        return True
    if t in FALSE_WORDS:
        return False
    return None


BOOL_REASON = "应填“是”或“否”（也可填 Y/N、1/0）"
NUMBER_CELL_REASON = "单元格被 Excel 存成了数字，末几位已丢失：请把该列设为“文本”格式后重新填写"


def looks_like_lost_number(text: str) -> bool:
    return bool(re.fullmatch(r"\d\.\d+E\+\d+", text))


def in_chinese(text) -> str:
    """The Chinese of a label that pages show translated (a choice, a field's name): the
    spreadsheets are Chinese — their headers, notes and cells — whatever the language of
    the page that hands them out or reads them."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def parse_choice(text: str, choices) -> str | None:
    """A TextChoices value from its Chinese label (制造业) or its value (manufacturing)."""
    t = text.strip()
    for value, label in choices.choices:
        if t == in_chinese(label) or t.lower() == value:
            return value
    return None


def check_length(report: ImportReport, row: int, column: str, text: str, max_length: int) -> bool:
    if len(text) > max_length:
        report.add(row, column, f"不能超过{max_length}个字（现为{len(text)}个字）")
        return False
    return True


@dataclass
class PlannedRow:
    row: int
    existing: object | None
    data: dict


def run_import(
    *,
    report: ImportReport,
    fileobj,
    columns: list[Column],
    validate: Callable[[ImportReport, list[tuple[int, dict]]], list[PlannedRow]],
    apply: Callable[[PlannedRow], None],
    actor,
    good_rows_only: bool,
    now: datetime,
) -> ImportReport:
    """Read, validate every row, then (all good, or explicitly good rows only) apply the
    good rows in one transaction with one summary audit event."""
    report.good_rows_only = good_rows_only
    try:
        rows = read_sheet(fileobj, columns)
    except FatalImportError as exc:
        report.fatal = str(exc)
        return report
    report.total_rows = len(rows)
    plan = validate(report, rows)
    bad = set(report.bad_rows)
    good = [p for p in plan if p.row not in bad]
    if not good or (bad and not good_rows_only):
        return report
    p = None
    try:
        with transaction.atomic():
            for p in good:
                apply(p)
                if p.existing is None:
                    report.created += 1
                else:
                    report.updated += 1
            _audit_import(report, bad=bad, good_rows_only=good_rows_only, actor=actor, now=now)
    except (ServiceError, IntegrityError) as exc:
        # The rows were checked against the database, then written: another user can
        # register one of their codes in between (a clerk adding an enterprise at intake).
        # The unique index refuses the write; the whole import is rolled back (all or
        # nothing, as a file with bad rows), and the report says which row — never a 500.
        report.created = report.updated = 0
        reason = exc.message if isinstance(exc, ServiceError) else "与他人同时登记的数据重复"
        report.fatal = f"第{p.row}行写入时：{reason}（其他用户刚刚登记），请核对后重新上传"
        return report
    report.imported = True
    return report


def _audit_import(report: ImportReport, *, bad: set, good_rows_only: bool, actor, now: datetime) -> None:
    audit_record(
        action=f"{report.kind}.import",
        object_type=report.kind,
        object_id="",
        actor=actor,
        after={
            "rows": report.total_rows,
            "created": report.created,
            "updated": report.updated,
            "skipped_rows": sorted(bad),
            "good_rows_only": good_rows_only,
        },
        now=now,
    )


# ---------------------------------------------------------------------------- units

UNIT_COLUMNS = [
    Column(
        "单位编码", "code", required=True, note="唯一，字母、数字、连字符，如 GXJ、GXJ-QYFW", example="GXJ"
    ),
    Column("单位名称", "name", required=True, note="全称", example="榕城市工业和信息化局"),
    Column(
        "单位类型",
        "kind",
        required=True,
        note="、".join(in_chinese(label) for _value, label in UnitKind.choices),
        example="市直部门",
    ),
    Column(
        "上级单位编码",
        "parent",
        note="已有单位的编码，或本文件中写在前面的单位的编码；留空为顶级单位",
        example="SZF",
    ),
    Column("简称", "short_name", header_required=False, example="市工信局"),
    Column(
        "主要职责", "duties", header_required=False, example="负责工业和信息化企业生产经营、技改项目有关问题"
    ),
    Column("排序", "sort_order", header_required=False, note="非负整数，越小越靠前", example="10"),
]
_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _validate_units(report: ImportReport, rows) -> list[PlannedRow]:
    existing = {u.code: u for u in Unit.objects.all()}
    seen: dict[str, int] = {}  # code → first row in the file
    plan: list[PlannedRow] = []
    planned_by_code: dict[str, PlannedRow] = {}
    for rownum, v in rows:
        errs_before = len(report.errors)
        code = v.get("code", "")
        if not code:
            report.add(rownum, "单位编码", "不能为空")
        elif not _CODE_RE.match(code):
            report.add(rownum, "单位编码", "只能包含字母、数字、下划线和连字符")
        elif check_length(report, rownum, "单位编码", code, 32) and code in seen:
            report.add(rownum, "单位编码", f"与第{seen[code]}行重复")
        if code and code not in seen:
            seen[code] = rownum
        unit = existing.get(code)
        name = v.get("name", "")
        if not name:
            report.add(rownum, "单位名称", "不能为空")
        else:
            check_length(report, rownum, "单位名称", name, 100)
        kind = parse_choice(v.get("kind", ""), UnitKind)
        if not v.get("kind"):
            report.add(rownum, "单位类型", "不能为空")
        elif kind is None:
            report.add(rownum, "单位类型", f"“{v['kind']}”不是有效的单位类型")
        parent_code = v.get("parent", "")
        parent_ref = None
        if parent_code:
            if parent_code == code:
                report.add(rownum, "上级单位编码", "不能是单位自己")
            elif parent_code in planned_by_code:
                parent_ref = ("row", planned_by_code[parent_code])
            elif parent_code in seen:
                report.add(rownum, "上级单位编码", f"上级单位所在的第{seen[parent_code]}行有误")
            elif parent_code in existing:
                parent_ref = ("unit", existing[parent_code])
                if unit is not None and existing[parent_code].path.startswith(unit.path):
                    report.add(rownum, "上级单位编码", "不能把单位移到它自己的下级单位之下")
            else:
                report.add(
                    rownum, "上级单位编码", f"单位“{parent_code}”不存在（如在本文件中，须写在其下级单位之前）"
                )
        short_name = v.get("short_name", "")
        if short_name:
            check_length(report, rownum, "简称", short_name, 30)
        sort_order = None
        if v.get("sort_order"):
            if re.fullmatch(r"\d+", v["sort_order"]):
                sort_order = int(v["sort_order"])
            else:
                report.add(rownum, "排序", "应为非负整数")
        if len(report.errors) > errs_before:
            continue
        p = PlannedRow(
            rownum,
            unit,
            {
                "code": code,
                "name": name,
                "kind": kind,
                "parent_ref": parent_ref,
                "short_name": short_name,
                "duties": v.get("duties", ""),
                "sort_order": sort_order,
            },
        )
        plan.append(p)
        planned_by_code[code] = p
    return plan


def units_import(
    fileobj, *, actor=None, good_rows_only: bool = False, now: datetime | None = None
) -> ImportReport:
    """Import units from an .xlsx (columns: UNIT_COLUMNS). See the module docstring."""
    from .services import unit_create, unit_update

    now = now or timezone.now()
    report = ImportReport(kind="unit", kind_label="单位")
    saved: dict[int, Unit] = {}  # row → unit, so a child row finds a parent made from the file

    def parent_of(p: PlannedRow) -> Unit | None:
        ref = p.data["parent_ref"]
        if ref is None:
            return None
        return ref[1] if ref[0] == "unit" else saved[ref[1].row]

    def apply(p: PlannedRow) -> None:
        d = p.data
        parent = parent_of(p)
        if p.existing is None:
            saved[p.row] = unit_create(
                actor=actor,
                code=d["code"],
                name=d["name"],
                kind=d["kind"],
                parent=parent,
                short_name=d["short_name"],
                duties=d["duties"],
                sort_order=d["sort_order"] or 0,
                now=now,
            )
            return
        changes = {"name": d["name"], "kind": d["kind"]}
        if d["parent_ref"] is not None:
            changes["parent"] = parent
        for f in ("short_name", "duties", "sort_order"):
            if d[f] not in ("", None):  # blank optional cells leave the value unchanged
                changes[f] = d[f]
        saved[p.row] = unit_update(actor=actor, unit=p.existing, now=now, **changes)

    return run_import(
        report=report,
        fileobj=fileobj,
        columns=UNIT_COLUMNS,
        validate=_validate_units,
        apply=apply,
        actor=actor,
        good_rows_only=good_rows_only,
        now=now,
    )


def template_xlsx(columns: list[Column], *, title: str) -> bytes:
    """An empty import template: the header row (required columns marked * in red), every
    column kept as text (codes keep their leading zeros), and a sheet of instructions with
    an example for each column."""
    from zhitong.core.spreadsheets import Book
    from zhitong.core.spreadsheets import Column as SheetColumn

    book = Book()
    book.sheet(
        title,
        [
            SheetColumn(c.header, max(12, display_width(c.header) + 6), text=True, required=c.required)
            for c in columns
        ],
        empty_text=None,
    )
    help_sheet = book.sheet(
        "填写说明",
        [
            SheetColumn("列名", 20),
            SheetColumn("是否必填", 10, center=True),
            SheetColumn("说明", 50),
            SheetColumn("示例", 30),
        ],
        landscape=False,
        empty_text=None,
    )
    help_sheet.rows([c.header, "必填" if c.required else "选填", c.note, c.example] for c in columns)
    note = book.format(valign="top", text_wrap=True)
    help_sheet.line("", note)
    help_sheet.line("说明：第1行为列标题，从第2行起每行一条；带*的列必须填写。", note)
    help_sheet.line(
        "编码已存在的记录将被更新（留空的选填项保持原值）；任何一行有误时整个文件不导入，除非选择“仅导入无误的行”。",
        note,
    )
    return book.close()
