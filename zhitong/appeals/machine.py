"""The appeal state machine: ONE table of allowed moves, read by the pages, the API and the
tests (STYLE habit 1).

A move names the states it may start from (`sources`), the state it leads to (`target`;
None = the status does not change, e.g. a progress note), who may make it (`actors`, as
*relations* between the user and this appeal, see `relations_of`), and the fields its form
needs (`fields`, described in FIELDS so a page or the API can render/validate them
generically). The service that performs each move lives in the appeals/services/
package, registered with `@APPEAL.service(name)`; the dispatcher `appeal_move(move=...)`
looks the move up here. The hooks every move runs (timeline row, stored clock, problem
flag) are in recipe.py.

`check_move` is the single gate: the services call it on the locked row, the pages call
`available_moves` to show only the buttons this user may press. Neither makes a query
beyond what the caller prefetched: relations are computed from ids and the user's unit
path (the materialised path "/1/7/23/" contains every ancestor id), and the cooperations
of the appeal (prefetch `cooperations`).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhitong.common.transitions import SYSTEM, Field, Machine, Move, move
from zhitong.organizations import capabilities
from zhitong.organizations.choices import Role

from . import recipe
from .choices import OPEN_STATUSES, ExemptionStatus, Status, WithdrawalCheck
from .models import Appeal

# Relations a user can have to one appeal.
HUB = "hub"  # the coordinating office (role hub): triage, routing, verification, exemptions
SUPERVISOR = "supervisor"  # 督查室 (role supervisor): verifies closures
FIRST_INQUIRY = "first_inquiry"  # 首问责任人 or a colleague in the receiving unit (seeds/003 四)
LEAD_HANDLER = "lead_handler"  # staff (handler/unit head) of the lead unit or one of its sections
LEAD_HEAD = "lead_head"  # the head of the lead unit (approves its extensions)
COOPERATING = "cooperating"  # staff of a cooperating unit whose answer is still due
ENTERPRISE = "enterprise"  # the enterprise's own user

RELATIONS: tuple[str, ...] = (
    HUB,
    SUPERVISOR,
    FIRST_INQUIRY,
    LEAD_HANDLER,
    LEAD_HEAD,
    COOPERATING,
    ENTERPRISE,
    SYSTEM,
)
RELATION_LABELS = {
    HUB: "统筹协调专员",
    SUPERVISOR: "督查室",
    FIRST_INQUIRY: "首问责任人",
    LEAD_HANDLER: "牵头单位承办人",
    LEAD_HEAD: "牵头单位负责人",
    COOPERATING: "配合单位",
    ENTERPRISE: "企业",
    SYSTEM: "系统",
}

STAFF_ROLES = capabilities.FIRST_INQUIRY_ROLES
UNIT_ROLES = capabilities.UNIT_HANDLING_ROLES

ALL_OPEN = frozenset(OPEN_STATUSES)
ACTIVE_HANDLING = frozenset({Status.IN_PROGRESS, Status.ESCALATED})


FIELDS: dict[str, Field] = {
    f.name: f
    for f in [
        Field(
            "missing_items",
            _("需补齐的全部材料"),
            "items",
            help=_("一次性告知：每行一项，列出需补齐的全部内容"),
        ),
        Field("note", _("说明"), "textarea", required=False),
        Field("reason", _("理由"), "textarea"),
        Field("lead_unit_id", _("牵头单位"), "unit", required=False, help=_("留空则按分办规则确定")),
        Field("cooperating_unit_ids", _("配合单位"), "units", required=False),
        Field(
            "handling_days", _("办理时限(工作日)"), "int", required=False, help=_("留空则按类别或默认时限")
        ),
        Field("override_reason", _("不按分办规则的理由"), "textarea", required=False),
        Field("answer", _("配合意见"), "textarea"),
        Field("new_due", _("延期至"), "date"),
        Field("project_name", _("项目名称"), "text"),
        Field("basic_situation", _("基本情况"), "textarea"),
        Field("problem", _("需要提请市里协调解决的问题"), "textarea"),
        Field("unit_ids_to_coordinate", _("需协调的县(市)区或市直单位"), "units"),
        Field("leader_id", _("分管市领导"), "user", required=False),
        Field("contact_name", _("联系人"), "text", max_length=50),
        Field("contact_mobile", _("手机号码"), "text", max_length=20),
        Field("resolution", _("办理结果"), "textarea"),
        Field("evidence_files", _("佐证材料(正式文件、会议纪要等)"), "files", required=False),
        Field("rating", _("满意度"), "rating"),
        Field("comment", _("评价意见"), "textarea", required=False),
        Field("explanation", _("正式行文解释说明"), "textarea"),
        Field("into_id", _("合并至诉求"), "appeal"),
        Field("call_note", _("回访情况"), "textarea", help=_("回访时间、接听人及企业的说法")),
    ]
}


_m = move


S = Status
PRE_SIGN = {S.MATERIALS_PENDING, S.SUBMITTED, S.ASSIGNED, S.TRANSFER_REQUESTED}

_MOVES: list[Move] = [
    _m(
        "request_materials",
        _("一次性告知补正材料"),
        {S.SUBMITTED},
        S.MATERIALS_PENDING,
        {FIRST_INQUIRY, HUB},
        ("missing_items", "note"),
        description=(
            _(
                "seeds/003 六.2：收件后2个工作日内一次性告知需补齐的全部内容；材料齐全后开始计时；"
                "每件诉求只告知一次"
            )
        ),
    ),
    _m(
        "complete_materials",
        _("材料已补齐"),
        {S.MATERIALS_PENDING},
        S.SUBMITTED,
        {FIRST_INQUIRY, HUB, ENTERPRISE},
        ("note", "evidence_files"),
        style="primary",
    ),
    _m(
        "assign",
        _("分办"),
        {S.SUBMITTED},
        S.ASSIGNED,
        {HUB},
        ("lead_unit_id", "cooperating_unit_ids", "handling_days", "override_reason"),
        description=_("确定一个牵头单位和若干配合单位及办理时限；不按分办规则须说明理由"),
        style="primary",
    ),
    _m("sign", _("签收"), {S.ASSIGNED}, S.IN_PROGRESS, {LEAD_HANDLER}, style="primary"),
    _m(
        "object",
        _("退回(非本单位职责)"),
        {S.ASSIGNED},
        S.TRANSFER_REQUESTED,
        {LEAD_HANDLER},
        ("reason",),
        needs_reason=True,
        style="secondary",
    ),
    _m(
        "settle_transfer",
        _("改派"),
        {S.TRANSFER_REQUESTED},
        S.ASSIGNED,
        {HUB},
        ("lead_unit_id", "cooperating_unit_ids", "handling_days", "reason"),
        needs_reason=True,
        description=_("统筹协调专员重新确定牵头单位；首问责任人不变"),
        style="primary",
    ),
    _m(
        "follow_up",
        _("首问跟踪记录"),
        PRE_SIGN,
        None,
        {FIRST_INQUIRY},
        ("note",),
        description=_("seeds/003 四：首问责任人跟踪至牵头单位签收"),
        style="secondary",
    ),
    _m(
        "cooperate_answer",
        _("提交配合意见"),
        {S.ASSIGNED, S.IN_PROGRESS, S.ESCALATED},
        None,
        {COOPERATING},
        ("answer",),
        description=_("配合单位3个工作日内向牵头单位答复"),
        style="primary",
    ),
    _m(
        "add_progress",
        _("填报进展"),
        ACTIVE_HANDLING,
        None,
        {LEAD_HANDLER, HUB},
        ("note",),
        style="secondary",
    ),
    _m(
        "add_evidence",
        _("上传佐证材料"),
        ACTIVE_HANDLING | {S.RESOLVED},
        None,
        {LEAD_HANDLER},
        ("evidence_files", "note"),
        style="secondary",
    ),
    _m(
        "request_extension",
        _("申请延期"),
        {S.IN_PROGRESS},
        None,
        {LEAD_HANDLER},
        ("new_due", "reason"),
        needs_reason=True,
        description=_("seeds/003 六.3：期限届满前申请，单位负责人签署意见，最长不超过法定时限"),
        style="secondary",
    ),
    _m(
        "approve_extension",
        _("批准延期"),
        ACTIVE_HANDLING,
        None,
        {LEAD_HEAD},
        ("new_due", "note"),
        description=_("seeds/003 六.3：须在办理期限届满前批准并告知企业；期限届满后不能再批准"),
        style="primary",
    ),
    _m(
        "reject_extension",
        _("不批准延期"),
        ACTIVE_HANDLING,
        None,
        {LEAD_HEAD},
        ("reason",),
        needs_reason=True,
        style="secondary",
    ),
    _m(
        "lapse_extension",
        _("延期申请失效"),
        ACTIVE_HANDLING,
        None,
        {SYSTEM},
        description=(
            _(
                "seeds/003 六.3：办理期限届满时仍未审批的延期申请自动失效（计时任务），记入办理记录，"
                "原期限不变，诉求按超期计"
            )
        ),
    ),
    _m(
        "escalate",
        pgettext_lazy("move", "提请市领导协调"),  # the button; the state it leads to reads the same
        {S.IN_PROGRESS},
        S.ESCALATED,
        {LEAD_HANDLER},
        (
            "project_name",
            "basic_situation",
            "problem",
            "unit_ids_to_coordinate",
            "leader_id",
            "contact_name",
            "contact_mobile",
        ),
        description=_("seeds/000 二 附件2：每月10日前报送的申报进入当月批次"),
        style="secondary",
    ),
    _m(
        "resume_handling",
        _("恢复办理"),
        {S.ESCALATED},
        S.IN_PROGRESS,
        {HUB},
        ("note",),
        description=_("申报退回或协调会已提出意见后，由牵头单位继续办理"),
        style="secondary",
    ),
    _m(
        "resolve",
        _("办结"),
        ACTIVE_HANDLING,
        S.RESOLVED,
        {LEAD_HANDLER},
        ("resolution", "evidence_files"),
        description=_("须上传正式文件、会议纪要等佐证材料"),
        style="primary",
    ),
    _m("verify", _("核验通过"), {S.RESOLVED}, S.VERIFIED, {HUB, SUPERVISOR}, ("note",), style="primary"),
    _m(
        "reject_verification",
        _("核验不通过"),
        {S.RESOLVED},
        S.IN_PROGRESS,
        {HUB, SUPERVISOR},
        ("reason",),
        needs_reason=True,
        style="secondary",
    ),
    _m(
        "rate",
        _("满意度评价"),
        {S.VERIFIED},
        S.CLOSED,
        {ENTERPRISE, HUB},
        ("rating", "comment"),
        alt_target=S.IN_PROGRESS,
        description=_("“不满意”及以下退回原牵头单位重办，计入该单位重办次数；统筹协调专员可录入电话回访评价"),
        style="primary",
    ),
    _m(
        "close_not_rated",
        _("未评价关闭"),
        {S.VERIFIED},
        S.CLOSED,
        {SYSTEM},
        description=_("核验后10个工作日内未评价，提醒一次后按未评价关闭"),
    ),
    _m(
        "request_exemption",
        _("申请不纳入考核"),
        ACTIVE_HANDLING,
        None,
        {LEAD_HANDLER},
        ("explanation", "evidence_files"),
        needs_reason=True,
        description=_(
            "seeds/000 五(二)3：因国家政策变动等特殊情况当年无法解决，须上传正式行文（加盖公章的解释说明文件）"
        ),
        style="secondary",
    ),
    _m(
        "approve_exemption",
        _("批准不纳入考核"),
        ALL_OPEN,
        None,
        {HUB},
        ("note",),
        description=_("申请须附正式行文；批准后该问题即不计入协调计数（seeds/000 五(二)3）"),
        style="primary",
    ),
    _m(
        "reject_exemption",
        _("不批准不纳入考核"),
        ALL_OPEN,
        None,
        {HUB},
        ("reason",),
        needs_reason=True,
        style="secondary",
    ),
    _m(
        "merge",
        _("合并至重复诉求"),
        {S.MATERIALS_PENDING, S.SUBMITTED, S.ASSIGNED, S.TRANSFER_REQUESTED},
        S.MERGED,
        {HUB, FIRST_INQUIRY},
        ("into_id", "reason"),
        needs_reason=True,
        description=_("同一企业未办结诉求的重复件：关联保留，不丢失"),
        style="secondary",
    ),
]


# The states from which the enterprise may withdraw its appeal (issue 12): before an answer
# exists. Not while escalated (the city's coordination is under way: the hub resumes it
# first), not once resolved or answered (the rating, and its re-handling, is the way then).
WITHDRAWABLE = PRE_SIGN | {S.IN_PROGRESS}

_MOVES += [
    _m(
        "withdraw",
        _("撤回诉求"),
        WITHDRAWABLE,
        S.WITHDRAWN,
        {ENTERPRISE},
        ("reason",),
        needs_reason=True,
        description=_("企业说明理由后撤回；统筹协调专员电话回访核实是否自愿（撤单质检）"),
        style="secondary",
    ),
    _m(
        "confirm_withdrawal",
        _("回访：确认自愿撤回"),
        {S.WITHDRAWN},
        None,
        {HUB},
        ("call_note",),
        description=_("电话回访企业，确认撤回出于自愿"),
        style="primary",
    ),
    _m(
        "reopen_withdrawal",
        _("回访：非自愿撤回，恢复办理"),
        {S.WITHDRAWN},
        S.IN_PROGRESS,
        {HUB},
        ("call_note",),
        alt_target=S.SUBMITTED,
        description=_(
            "企业反映撤回并非自愿：已签收的退回原牵头单位继续办理，未签收的重新分办；计入非自愿撤回次数"
        ),
        style="secondary",
    ),
]


def _unit_path(user) -> str:
    unit = getattr(user, "unit", None) if getattr(user, "unit_id", None) else None
    return getattr(unit, "path", "") or (f"/{user.unit_id}/" if getattr(user, "unit_id", None) else "")


def _within(path: str, unit_id) -> bool:
    """Is the unit with this materialised path `unit_id` itself or one of its sections?"""
    return bool(unit_id) and f"/{unit_id}/" in path


def _relations(user, appeal) -> set[str]:
    """The relations an active, signed-in `user` has to `appeal` (the kernel adds SYSTEM for
    the clock job and nothing for anonymous or inactive users).

    Needs `user.unit` (for its path) and, for COOPERATING, `appeal.cooperations` — prefetch
    them for lists; otherwise each costs a query.
    """
    rel: set[str] = set()
    role = user.role
    if role == Role.HUB:
        rel.add(HUB)
    if role == Role.SUPERVISOR:
        rel.add(SUPERVISOR)
    if role == Role.ENTERPRISE:
        if user.enterprise_id and user.enterprise_id == appeal.enterprise_id:
            rel.add(ENTERPRISE)
        return rel
    if role in STAFF_ROLES and (
        appeal.received_by_id == user.pk or (user.unit_id and appeal.received_unit_id == user.unit_id)
    ):
        rel.add(FIRST_INQUIRY)
    if role in UNIT_ROLES:
        path = _unit_path(user)
        if _within(path, appeal.lead_unit_id):
            rel.add(LEAD_HANDLER)
            if role == Role.UNIT_HEAD:
                rel.add(LEAD_HEAD)
        if any(_within(path, c.unit_id) and c.answered_at is None for c in appeal.cooperations.all()):
            rel.add(COOPERATING)
    return rel


def extension_lapsed(appeal, today: date | None) -> str | None:
    """Why the pending extension request of `appeal` can no longer be decided, or None.

    seeds/003 六.3: 在时限届满前告知服务对象 — an extension approved after the deadline
    would turn an overdue appeal into one on time. The last day is the deadline itself
    (Asia/Shanghai): up to 23:59:59 of `handling_due` the head may decide; from the next
    midnight the request has lapsed (the clock job records it: `lapse_extension`)."""
    if appeal.extension_requested_due is None or appeal.handling_due is None or today is None:
        return None
    if today <= appeal.handling_due:
        return None
    return f"办理期限已于{appeal.handling_due:%Y-%m-%d}届满，延期须在期限届满前审批，该申请已失效"


def _guard(move: Move, appeal, today: date | None) -> str | None:
    """Conditions beyond status and relation, read from stored columns. Returns the
    Chinese reason the move is not possible now, or None."""
    name = move.name
    if name == "request_extension":
        if appeal.extension_requested_due is not None:
            return "已有待审批的延期申请"
        if today is not None and appeal.handling_due is not None and today > appeal.handling_due:
            # seeds/003 六.3: the extension must be asked before the time limit expires.
            return "办理期限已届满，不能再申请延期"
        if (
            appeal.legal_due is not None
            and appeal.handling_due is not None
            and appeal.handling_due >= appeal.legal_due
        ):
            return "办理期限已达法定时限，不能再延期"
    if name in ("approve_extension", "reject_extension", "lapse_extension"):
        if appeal.extension_requested_due is None:
            return "没有待审批的延期申请"
        lapsed = extension_lapsed(appeal, today)
        if name != "lapse_extension" and lapsed:
            return lapsed
        if name == "lapse_extension" and not lapsed:
            return "办理期限尚未届满，延期申请仍待审批"
    if name in ("confirm_withdrawal", "reopen_withdrawal") and (
        appeal.withdrawal_check != WithdrawalCheck.PENDING
    ):
        return "该撤回已完成回访"
    if name == "request_materials" and appeal.materials_notice_at is not None:
        # seeds/003 六.2: 一次性告知申请人需要补齐的全部内容 — one notice, never a second.
        return "已一次性告知需补齐的全部材料，不能再次告知补正"
    if name == "request_exemption" and appeal.exemption_status in (
        ExemptionStatus.REQUESTED,
        ExemptionStatus.APPROVED,
    ):
        return "已申请或已批准不纳入考核"
    if (
        name in ("approve_exemption", "reject_exemption")
        and appeal.exemption_status != ExemptionStatus.REQUESTED
    ):
        return "没有待审批的不纳入考核申请"
    return None


_GUARDED = {"request_extension", "approve_extension", "reject_extension", "lapse_extension"}
_GUARDED |= {"request_exemption", "approve_exemption", "reject_exemption", "request_materials"}
_GUARDED |= {"confirm_withdrawal", "reopen_withdrawal"}


def _with_guard(m: Move) -> Move:
    if m.name not in _GUARDED:
        return m
    return dataclasses.replace(m, guard=lambda appeal, today, m=m: _guard(m, appeal, today))


APPEAL = Machine(
    kind="appeal",
    model=Appeal,
    noun="诉求",
    states=Status,
    fields=FIELDS.values(),
    moves=[_with_guard(m) for m in _MOVES],
    relations=_relations,
    relation_labels=RELATION_LABELS,
    audited=(
        "status",
        "lead_unit_id",
        "handler_id",
        "tier",
        "handling_days",
        "sign_due",
        "handling_due",
        "legal_due",
        "clock_due",
        "materials_complete",
        "materials_notice_at",
        "units_passed",
        "reopen_count",
        "is_problem",
        "exemption_status",
        "extension_requested_due",
        "rating",
        "close_reason",
        "merged_into_id",
        "withdrawal_check",
        "pressured_withdrawals",
    ),
    history=recipe.record_transition,
    recompute=recipe.recompute,
    since_field="state_since",
    stale_message="该诉求已被他人处理，请刷新后重试",
    initial=(Status.SUBMITTED, Status.MATERIALS_PENDING),
    pk_arg="appeal_id",
)
MOVES: dict[str, Move] = APPEAL.moves
relations_of = APPEAL.relations_of


def check_move(user, appeal, move_name: str, *, today: date | None = None) -> Move:
    """Raise unless `user` may make `move_name` on `appeal` as it is now; return the Move.
    ConflictError (409) for the state, Forbidden (403) for the user (the kernel's gate)."""
    return APPEAL.check(user, appeal, move_name, today=today)


def available_moves(user, appeal, *, today: date | None = None) -> list[Move]:
    """The moves `user` may make now, in table order (for buttons and the API)."""
    return APPEAL.available(user, appeal, today=today)


def can(user, appeal, move_name: str, *, today: date | None = None) -> bool:
    return APPEAL.can(user, appeal, move_name, today=today)


__all__ = [
    "APPEAL",
    "FIELDS",
    "MOVES",
    "RELATIONS",
    "Field",
    "Move",
    "available_moves",
    "can",
    "check_move",
    "extension_lapsed",
    "relations_of",
]
