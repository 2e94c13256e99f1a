"""The catalog as staff keep it in Excel: export (published or the user's own items) and
import (new drafts, or edits of drafts of the same unit and title), all or nothing. The
columns are the same both ways, so an exported sheet can be edited and imported again."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from zhitong.core.errors import ServiceError
from zhitong.core.spreadsheets import Column, ledger_xlsx
from zhitong.organizations.imports import Column as In
from zhitong.organizations.imports import FatalImportError, read_sheet
from zhitong.organizations.models import Unit

from .choices import CommitmentStatus
from .machine import keeps_unit_catalog
from .models import CommitmentItem
from .services import check_limits, commitment_create, commitment_update

HEADERS = [
    ("unit_code", "单位编码", 12, True),
    ("unit_name", "单位名称", 20, False),
    ("title", "事项名称", 28, True),
    ("category_code", "对应诉求类别编码", 14, False),
    ("legal_days", "法定时限(工作日)", 10, True),
    ("committed_days", "承诺时限(工作日)", 10, True),
    ("materials", "所需材料", 36, False),
    ("fees", "收费标准", 16, False),
    ("procedure", "办理程序", 30, False),
    ("basis", "设定依据", 30, False),
]
IMPORT_COLUMNS = [In(h, k, required=req, header_required=req or k != "unit_name") for k, h, _, req in HEADERS]
MAX_IMPORT_ROWS = 2000


def catalog_xlsx(items, *, title: str) -> bytes:
    columns = [Column(h, w, center=k.endswith("days"), text=True, required=req) for k, h, w, req in HEADERS]
    rows = [
        [
            i.unit.code,
            i.unit.name,
            i.title,
            i.category.code if i.category_id else "",
            i.legal_days,
            i.committed_days,
            i.materials,
            i.fees,
            i.procedure,
            i.basis,
        ]
        for i in items
    ]
    return ledger_xlsx(sheet="服务承诺事项", columns=columns, rows=rows, title=title)


@dataclass
class CatalogImport:
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    fatal: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors and not self.fatal


def _int(text: str) -> int | None:
    text = (text or "").strip()
    if text.endswith(".0"):
        text = text[:-2]
    return int(text) if text.isdigit() and len(text) <= 4 else None


def catalog_import(*, actor, fileobj) -> CatalogImport:
    """Read the sheet, check every row (the unit is one the user keeps; both limits are
    working days with committed ≤ legal, seeds/003 六.1), and import all rows or none."""
    from zhitong.appeals.models import Category

    report = CatalogImport()
    try:
        rows = read_sheet(fileobj, IMPORT_COLUMNS)
    except FatalImportError as exc:
        report.fatal = str(exc)
        return report
    if len(rows) > MAX_IMPORT_ROWS:
        report.fatal = f"一次最多导入{MAX_IMPORT_ROWS}行，请分批导入"
        return report
    units = {
        u.code: u for u in Unit.objects.filter(code__in={r["unit_code"] for _, r in rows}, is_active=True)
    }
    categories = {c.code: c for c in Category.objects.filter(is_active=True)}
    planned = []
    seen = set()
    for number, r in rows:
        unit = units.get(r["unit_code"].strip())
        if unit is None or not keeps_unit_catalog(actor, unit.pk):
            report.errors.append((number, "单位编码", "单位不存在或不是您维护的单位"))
            continue
        legal, committed = _int(r["legal_days"]), _int(r["committed_days"])
        try:
            check_limits(legal_days=legal, committed_days=committed)
        except ServiceError as exc:
            column = "承诺时限(工作日)" if exc.field == "committed_days" else "法定时限(工作日)"
            report.errors.append((number, column, exc.message))
            continue
        title = r["title"].strip()
        if not title or len(title) > 200:
            report.errors.append((number, "事项名称", "请填写事项名称（最多200个字）"))
            continue
        if (unit.pk, title) in seen:
            report.errors.append((number, "事项名称", "同一单位的事项名称在表中重复"))
            continue
        seen.add((unit.pk, title))
        code = (r.get("category_code") or "").strip()
        category = categories.get(code) if code else None
        if code and category is None:
            report.errors.append((number, "对应诉求类别编码", f"诉求类别“{code}”不存在"))
            continue
        texts = {k: (r.get(k) or "").strip() for k in ("materials", "fees", "procedure", "basis")}
        if len(texts["fees"]) > 200 or any(len(v) > 5000 for v in texts.values()):
            report.errors.append((number, "收费标准", "内容过长"))
            continue
        planned.append((number, unit, title, category, legal, committed, texts))
    if report.errors:
        return report
    existing = {
        (i.unit_id, i.title): i
        for i in CommitmentItem.objects.filter(
            unit_id__in={p[1].pk for p in planned}, title__in={p[2] for p in planned}
        )
    }
    for number, unit, title, *_rest in planned:
        item = existing.get((unit.pk, title))
        if item is not None and item.status != CommitmentStatus.DRAFT:
            report.errors.append((number, "事项名称", "该事项已公布或已撤回，须改回草稿后才能导入修改"))
    if report.errors:
        return report
    with transaction.atomic():
        for _number, unit, title, category, legal, committed, texts in planned:
            values = dict(
                title=title,
                category_id=category.pk if category else None,
                legal_days=legal,
                committed_days=committed,
                **texts,
            )
            item = existing.get((unit.pk, title))
            if item is None:
                commitment_create(actor=actor, unit_id=unit.pk, **values)
                report.created += 1
            else:
                commitment_update(actor=actor, item_id=item.pk, **values)
                report.updated += 1
    return report
