"""Enterprise import from .xlsx, on the machinery of zhitong/organizations/imports.py
(same report, same all-or-nothing rule).

A credit code already registered updates that enterprise (blank optional cells keep the
stored value); a code that appears twice in the file is an error on its second row.
The contact columns, when filled, add the contact — or, if the enterprise already has a
contact of that name, update its position and phone.
"""

from datetime import datetime

from django.utils import timezone

from zhitong.core.errors import ServiceError
from zhitong.organizations.imports import (
    BOOL_REASON,
    NUMBER_CELL_REASON,
    Column,
    ImportReport,
    PlannedRow,
    check_length,
    in_chinese,
    looks_like_lost_number,
    parse_bool,
    parse_choice,
    run_import,
)
from zhitong.organizations.models import Unit

from .choices import Industry
from .models import SIZE_FLAGS, TAG_FLAGS, Contact, Enterprise, flag_labels
from .services import (
    contact_create,
    contact_update,
    enterprise_check,
    enterprise_create,
    enterprise_update,
    location_error,
)
from .validators import credit_code_error, phone_error

# The flags' columns are headed by the fields' Chinese names.
BOOL_COLUMNS = [(key, in_chinese(label)) for key, label in flag_labels(SIZE_FLAGS + TAG_FLAGS).items()]

ENTERPRISE_COLUMNS = [
    Column(
        "统一社会信用代码",
        "credit_code",
        required=True,
        note="18位，大写字母和数字（不含 I、O、S、V、Z），第18位为校验码；已登记的代码将更新该企业",
        example="91350100MA2XN0KX7F",
    ),
    Column("企业名称", "name", required=True, example="榕城华信电子科技有限公司"),
    Column(
        "行业",
        "industry",
        required=True,
        note="、".join(in_chinese(lbl) for _value, lbl in Industry.choices),
        example="制造业",
    ),
    Column(
        "所在县区/园区",
        "location",
        required=True,
        note="县（市）区或园区的名称、简称或单位编码",
        example="鼓楼区",
    ),
    Column("地址", "address", header_required=False, example="榕城市鼓楼区五四路100号"),
    Column("法定代表人", "legal_representative", header_required=False, example="陈志明"),
    *[
        Column(label, key, header_required=False, note=BOOL_REASON, example="否")
        for key, label in BOOL_COLUMNS
    ],
    Column("联系人", "contact_name", header_required=False, note="与联系人手机同时填写", example="林晓燕"),
    Column("联系人职务", "contact_position", header_required=False, example="办公室主任"),
    Column(
        "联系人手机",
        "contact_phone",
        header_required=False,
        note="11位手机号或带区号的固定电话（0591-87654321）",
        example="13805912345",
    ),
]
_HEADER = {c.key: c.header for c in ENTERPRISE_COLUMNS}
_FIELD_COLUMN = {
    "credit_code": "统一社会信用代码",
    "name": "企业名称",
    "industry": "行业",
    "location": "所在县区/园区",
}
_FIELD_COLUMN.update({k: lbl for k, lbl in BOOL_COLUMNS})


def _location_index() -> dict[str, list[Unit]]:
    index: dict[str, list[Unit]] = {}
    for u in Unit.objects.filter(is_active=True):
        for key in {u.code, u.name, u.short_name}:
            if key:
                index.setdefault(key, []).append(u)
    return index


def _validate(report: ImportReport, rows) -> list[PlannedRow]:
    codes_in_file = [v.get("credit_code", "") for _, v in rows]
    existing = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes_in_file)}
    locations = _location_index()
    seen: dict[str, int] = {}
    plan = []
    for rownum, v in rows:
        errs_before = len(report.errors)
        code = v.get("credit_code", "")
        err = NUMBER_CELL_REASON if looks_like_lost_number(code) else credit_code_error(code)
        if err:
            report.add(rownum, _HEADER["credit_code"], err)
        elif code in seen:
            report.add(rownum, _HEADER["credit_code"], f"与第{seen[code]}行重复")
        else:
            seen[code] = rownum
        name = v.get("name", "")
        if not name:
            report.add(rownum, _HEADER["name"], "不能为空")
        else:
            check_length(report, rownum, _HEADER["name"], name, 200)
        industry = None
        if not v.get("industry"):
            report.add(rownum, _HEADER["industry"], "不能为空")
        else:
            industry = parse_choice(v["industry"], Industry)
            if industry is None:
                report.add(rownum, _HEADER["industry"], f"“{v['industry']}”不是有效的行业")
        location = None
        loc_text = v.get("location", "")
        if not loc_text:
            report.add(rownum, _HEADER["location"], "不能为空")
        else:
            found = locations.get(loc_text, [])
            if not found:
                report.add(rownum, _HEADER["location"], f"单位“{loc_text}”不存在")
            elif len(found) > 1:
                report.add(rownum, _HEADER["location"], f"“{loc_text}”对应多个单位，请填写单位编码")
            else:
                location = found[0]
                err = location_error(location)
                if err:
                    report.add(rownum, _HEADER["location"], err)
        for key, max_len in (("address", 200), ("legal_representative", 50)):
            if v.get(key):
                check_length(report, rownum, _HEADER[key], v[key], max_len)
        flags = {}
        for key, label in BOOL_COLUMNS:
            text = v.get(key, "")
            if text == "":
                continue
            b = parse_bool(text)
            if b is None:
                report.add(rownum, label, f"“{text}”{BOOL_REASON}")
            else:
                flags[key] = b
        c_name, c_phone = v.get("contact_name", ""), v.get("contact_phone", "").replace(" ", "")
        if c_name and not c_phone:
            report.add(rownum, _HEADER["contact_phone"], "填写了联系人时，联系人手机不能为空")
        elif c_phone and not c_name:
            report.add(rownum, _HEADER["contact_name"], "填写了联系人手机时，联系人不能为空")
        elif c_phone:
            err = phone_error(c_phone)
            if err:
                report.add(rownum, _HEADER["contact_phone"], err)
            check_length(report, rownum, _HEADER["contact_name"], c_name, 50)
        if len(report.errors) > errs_before:
            continue
        current = existing.get(code)
        data = {
            "credit_code": code,
            "name": name,
            "industry": industry,
            "location": location,
            "address": v.get("address", ""),
            "legal_representative": v.get("legal_representative", ""),
            "flags": flags,
            "contact": (c_name, v.get("contact_position", ""), c_phone) if c_name else None,
        }
        # Cross-field rules (规上 vs 即将上规 …) are the service's; check them here so the
        # report shows them per row instead of failing the whole import half-way.
        probe = current or Enterprise()
        merged = {f: getattr(probe, f) for f, _ in BOOL_COLUMNS} if current else {}
        merged.update(flags)
        candidate = Enterprise(credit_code=code, name=name, industry=industry, location=location, **merged)
        try:
            enterprise_check(candidate)
        except ServiceError as exc:
            report.add(rownum, _FIELD_COLUMN.get(exc.field or "", "企业名称"), exc.message)
            continue
        plan.append(PlannedRow(rownum, current, data))
    return plan


def enterprises_import(
    fileobj, *, actor=None, good_rows_only: bool = False, now: datetime | None = None
) -> ImportReport:
    """Import enterprises (and their contacts) from an .xlsx with ENTERPRISE_COLUMNS."""
    now = now or timezone.now()
    report = ImportReport(kind="enterprise", kind_label="企业")

    def apply(p: PlannedRow) -> None:
        d = p.data
        optional = {k: d[k] for k in ("address", "legal_representative") if d[k]}
        if p.existing is None:
            e = enterprise_create(
                actor=actor,
                credit_code=d["credit_code"],
                name=d["name"],
                industry=d["industry"],
                location=d["location"],
                now=now,
                **optional,
                **d["flags"],
            )
        else:
            e = enterprise_update(
                actor=actor,
                enterprise=p.existing,
                name=d["name"],
                industry=d["industry"],
                location=d["location"],
                now=now,
                **optional,
                **d["flags"],
            )
        if d["contact"]:
            c_name, c_position, c_phone = d["contact"]
            contact = Contact.objects.filter(enterprise=e, name=c_name).first()
            if contact is None:
                has_primary = Contact.objects.filter(enterprise=e, is_primary=True).exists()
                contact_create(
                    actor=actor,
                    enterprise=e,
                    name=c_name,
                    phone=c_phone,
                    position=c_position,
                    is_primary=not has_primary,
                    now=now,
                )
            else:
                changes = {"phone": c_phone}
                if c_position:
                    changes["position"] = c_position
                contact_update(actor=actor, contact=contact, now=now, **changes)

    return run_import(
        report=report,
        fileobj=fileobj,
        columns=ENTERPRISE_COLUMNS,
        validate=_validate,
        apply=apply,
        actor=actor,
        good_rows_only=good_rows_only,
        now=now,
    )
