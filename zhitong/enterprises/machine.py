"""The table of an enterprise's review (issue 9): an enterprise added at intake by whoever
registered its appeal (a 12345 clerk on the phone cannot wait for the library) is usable at
once and waits, marked 待核实, for the library's keepers — the hub and the administrator
(capabilities.keeps_enterprise_library) — who confirm it as entered or correct it. Imported
and keeper-entered enterprises start confirmed."""

from __future__ import annotations

# The labels stay Chinese here (the API's and the audit log's); pages translate them.
from django.utils.translation import gettext_noop as N_

from zhitong.common.transitions import Field, Machine, move, record_state_change
from zhitong.organizations.capabilities import keeps_enterprise_library

from .choices import ReviewStatus
from .models import Enterprise

LIBRARY = "library"  # the enterprise library's keepers


def _relations(user, enterprise) -> set[str]:
    return {LIBRARY} if keeps_enterprise_library(user) else set()


# The facts a keeper may correct: what the person at intake typed. Flags, tags, the butler
# and contacts are the library's ordinary editing (admin, import).
CORRECTABLE = ("name", "credit_code", "industry", "location_id", "address", "legal_representative")

R = ReviewStatus
ENTERPRISE = Machine(
    kind="enterprise",
    model=Enterprise,
    noun="企业",
    states=ReviewStatus,
    fields=[
        Field("name", "企业名称", "text", required=False, max_length=200),
        Field("credit_code", "统一社会信用代码", "text", required=False, max_length=50),
        Field("industry", "行业", "text", required=False, max_length=20),
        Field("location_id", "所在县区/园区", "unit", required=False),
        Field("address", "地址", "text", required=False, max_length=200),
        Field("legal_representative", "法定代表人", "text", required=False, max_length=50),
        Field("note", "核实说明", "textarea", required=False),
    ],
    moves=[
        move(
            "approve",
            N_("核实无误"),
            {R.PENDING},
            R.CONFIRMED,
            {LIBRARY},
            ("note",),
            description="登记时填写的企业信息与登记机关公示的一致",
            style="primary",
        ),
        move(
            "correct",
            N_("更正并核实"),
            {R.PENDING},
            R.CONFIRMED,
            {LIBRARY},
            (*CORRECTABLE, "note"),
            description="按登记机关公示的信息更正后核实；留空的项不变",
            style="secondary",
        ),
    ],
    relations=_relations,
    relation_labels={LIBRARY: "统筹协调专员/系统管理员"},
    audited=(*CORRECTABLE, "reviewed_by_id", "reviewed_at"),
    history=record_state_change,
    status_field="review_status",
    stale_message=N_("该企业已被他人核实或修改，请刷新后重试"),
    initial=(R.CONFIRMED, R.PENDING),
    pk_arg="enterprise_id",
)
