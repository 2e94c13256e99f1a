"""What the codes in the audit log mean, in words: the actions and the keys of
`before`/`after`, for the log's page and its export (readable.py); the object types are in
kinds.py.

The log stores codes (`appeal.approve_extension`, `lead_unit_id`) because the chain signs
exactly what was written; the words are looked up when it is read:

- an action of a transition table (`<machine kind>.<move>`) reads as the move's own label
  (common/transitions.py: the table every page and the API read), a coordination note on an
  appeal's timeline as its timeline label, an admin edit as "后台修改<model>", and the other
  actions by ACTIONS below;
- a key of `before`/`after` reads as the verbose name of the model field it records (the
  object's model, or the part an action changed, PART_MODELS), or KEY_LABELS for the keys
  that are not fields (`note`, `unit_ids`).

A new audited action without an entry still shows, as "其他操作" with its code;
tests/test_catalog.py lists the actions written in the code and fails on one not named here.
"""

from __future__ import annotations

import functools
from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from .kinds import model

# -- actions ---------------------------------------------------------------------------------

# The groups of the action filter: the code's first part, in the order the filter lists them.
GROUPS: dict[str, Any] = {
    "appeal": _("诉求"),
    "escalation": _("提请市领导协调申报"),
    "escalation_batch": _("提请市领导协调批次"),
    "meeting": _("协调会"),
    "event": _("面对面活动"),
    "coordination_task": _("交办任务"),
    "rectification_order": _("督促整改通知"),
    "finding": _("督查监督发现"),
    "enterprise": _("企业"),
    "contact_access": _("企业联系人开通"),
    "project": _("项目"),
    "milestone": _("推进路径节点"),
    "project_commitment": _("项目履约承诺"),
    "commitment_item": _("服务承诺事项"),
    "policy": _("惠企政策"),
    "government_promise": _("政府承诺"),
    "unit": _("单位"),
    "servicewindow": _("服务窗口"),
    "user": _("用户"),
    "auth": _("登录与会话"),
    "api_token": _("接口令牌"),
    "workdays": _("工作日历"),
    "demo": _("演示数据"),
    "audit": _("审计链"),
    "notification": _("消息"),
    "assessment": _("考核方案"),
    "assessment_month": _("考核月份"),
    "delivery": _("消息渠道"),
    "webhook": _("事件推送"),
}

# Actions that are not a move of a transition table. The moves' labels are the tables' own.
ACTIONS: dict[str, Any] = {
    "appeal.intake": _("登记受理"),
    "contact_access.signup": _("企业联系人注册"),
    "notification.preferences": _("修改消息设置"),
    "delivery.preferences": _("修改消息接收渠道与免打扰"),
    "webhook.create": _("新建事件推送订阅"),
    "webhook.update": _("修改事件推送订阅"),
    "webhook.delete": _("删除事件推送订阅"),
    "webhook.replay": _("重放事件推送"),
    "enterprise.add_at_intake": _("登记时新增企业"),
    "appeal.remind_rating": _("提醒企业评价"),
    "escalation.refile": _("调整申报所属批次"),
    "meeting.create": _("新建协调会"),
    "meeting.update": _("修改协调会"),
    "meeting.add_item": _("列入协调会议题"),
    "meeting.remove_item": _("移出协调会议题"),
    "event.create": _("新建面对面活动"),
    "event.add_item": _("收集企业问题"),
    "event.remove_item": _("移出企业问题"),
    "event.item_unit": _("调整问题核实单位"),
    "event.item_verify": _("核实企业问题"),
    "event.opinion": _("录入现场处理意见"),
    "coordination_task.assign": _("交办任务"),
    "rectification_order.issue": _("下发督促整改通知"),
    "finding.record": _("记录督查监督发现"),
    "project.roadmap_plan": _("编制推进路径图"),
    "project.create": _("登记项目"),
    "project.update": _("修改项目信息"),
    "project.import": _("导入项目库"),
    "project.import_stage": _("导入项目所处阶段"),
    "enterprise.create": _("新建企业"),
    "enterprise.update": _("修改企业信息"),
    "enterprise.import": _("批量导入企业"),
    "enterprise.butler_set": _("设置项目管家"),
    "enterprise.team_add": _("增加服务团队成员"),
    "enterprise.team_remove": _("移出服务团队成员"),
    "enterprise.contact_create": _("新增企业联系人"),
    "enterprise.contact_update": _("修改企业联系人"),
    "enterprise.contact_delete": _("删除企业联系人"),
    "enterprise.contact_phone_revealed": _("查看联系人完整手机号"),
    "appeal.contact_phone_revealed": _("查看诉求联系人完整号码"),
    "project.lead_apply": _("按规则确定牵头单位"),
    "project.lead_override": _("人工指定牵头单位"),
    "project.lead_override_clear": _("取消人工指定牵头单位"),
    "project.escalate": _("呈报市政府分管领导督办"),
    "project.escalation_end": _("结束市领导督办"),
    "project.member_assign": _("指定服务团队成员"),
    "project.member_replace": _("更换服务团队成员"),
    "project.member_end": _("结束服务团队成员任职"),
    "project.progress_report_submit": _("报送项目月报"),
    "project.progress_report_update": _("修改项目月报"),
    "project.daily_report_submit": _("填报项目秘书日报"),
    "project.daily_report_update": _("修改项目秘书日报"),
    "project.commitment_create": _("登记履约承诺"),
    "project.commitment_update": _("修改履约承诺"),
    "project.dispatch_create": _("登记项目调度会"),
    "project.dispatch_entry": _("登记调度项目及调度意见"),
    "project.dispatch_entry_remove": _("移出调度项目"),
    "project.consultation_record": _("登记准入落地会商"),
    "project.inspection_draw": _("抽取季度抽查项目"),
    "project.inspection_record": _("登记抽查情况"),
    "unit.create": _("新建单位"),
    "unit.update": _("修改单位"),
    "unit.import": _("批量导入单位"),
    "unit.window_create": _("新建服务窗口"),
    "unit.window_save": _("修改服务窗口"),
    "user.portfolio_set": _("设置分管单位"),
    "auth.login": _("登录"),
    "auth.login_failed": _("登录失败"),
    "auth.token_failed": _("API令牌验证失败"),
    "api_token.create": _("创建接口令牌"),
    "api_token.revoke": _("吊销接口令牌"),
    "auth.login_refused_inactive": _("停用账号尝试登录"),
    "auth.login_throttled": _("连续登录失败，暂停登录"),
    "auth.account_under_attack": _("账号被多次尝试登录"),
    "auth.signin_flood": _("同一地址尝试登录过多"),
    "auth.idle_logout": _("闲置超时自动退出"),
    "auth.session_expired": _("登录满12小时自动退出"),
    "auth.session_ended_concurrent": _("超过同时登录会话数，结束最早的会话"),
    "auth.totp_enrolled": _("启用双因素认证"),
    "auth.totp_reset": _("重置双因素认证"),
    "auth.totp_recovery_used": _("使用恢复码登录"),
    "auth.lockout_released": _("解除登录限制"),
    "user.password_change": _("修改密码"),
    "user.password_set_by_admin": _("管理员设置密码"),
    "workdays.import": _("导入工作日历"),
    "workdays.seed": _("载入官方节假日安排"),
    "workdays.day_set": _("设置例外日"),
    "workdays.day_clear": _("清除例外日"),
    "workdays.deadlines_retimed": _("日历变更后重算期限"),
    "demo.build": _("生成演示数据"),
    "audit.chain_keyed": _("审计链启用密钥签名"),
    "audit.archived": _("归档审计记录"),
    "assessment.scheme_create": _("保存考核方案新版本"),
    "commitment_item.create": _("新增服务承诺事项"),
    "commitment_item.update": _("修改服务承诺事项"),
    "policy.create": _("新增惠企政策"),
    "policy.update": _("修改惠企政策"),
    "government_promise.create": _("登记政府承诺"),
}

NOTE_PREFIX = "appeal.note."  # appeals.services.appeal_timeline_note: a note on the timeline
ADMIN_VERBS = {
    "create": _("后台新建%(what)s"),
    "update": _("后台修改%(what)s"),
    "delete": _("后台删除%(what)s"),
}
# The models edited in the Django admin with AuditedAdminMixin (organizations/admin.py), whose
# edits the action filter offers by name. Any other `<model>.admin_<verb>` still reads in words.
ADMIN_MODELS = (
    "organizations.unit",
    "organizations.servicewindow",
    "organizations.windowstaff",
    "organizations.user",
    "enterprises.enterprise",
    "enterprises.contact",
    "enterprises.teammember",
    "projects.project",
)
OTHER_ACTION = _("其他操作")


def _machines() -> dict:
    from zhitong.common.transitions import MACHINES

    return MACHINES


def _timeline_labels() -> dict[str, str]:
    from zhitong.coordination.services._common import TIMELINE_LABELS

    return TIMELINE_LABELS


def _model_by_name(model_name: str):
    return next((m for m in apps.get_models() if m._meta.model_name == model_name), None)


def action_label(action: str, after=None) -> str:
    """The action in words: 批准延期, 登录, 后台修改单位; "" for a code nobody named."""
    if action in ACTIONS:
        return str(ACTIONS[action])
    kind, _dot, rest = action.partition(".")
    if action.startswith(NOTE_PREFIX):
        data = after.get("data") if isinstance(after, dict) else None
        if isinstance(data, dict) and isinstance(data.get("label"), str) and data["label"]:
            return data["label"]
        return _timeline_labels().get(action[len(NOTE_PREFIX) :], "") or str(_("诉求记录"))
    machine = _machines().get(kind)
    if machine is not None and rest in machine.moves:
        return machine.moves[rest].label
    if rest.startswith("admin_") and rest[6:] in ADMIN_VERBS:
        model = _model_by_name(kind)
        if model is not None:
            return str(ADMIN_VERBS[rest[6:]]) % {"what": model._meta.verbose_name}
    return ""


@functools.cache
def _action_codes() -> dict[str, list[str]]:
    """Every named action, by group, in a stable order."""
    codes: dict[str, list[str]] = {g: [] for g in GROUPS}
    for kind, machine in _machines().items():
        codes.setdefault(kind, []).extend(f"{kind}.{m}" for m in machine.moves)
    for code in ACTIONS:
        codes.setdefault(code.partition(".")[0], []).append(code)
    codes["appeal"].extend(NOTE_PREFIX + a for a in _timeline_labels())
    for label in ADMIN_MODELS:
        name = label.partition(".")[2]
        if name in GROUPS and model(label) is not None:
            codes[name].extend(f"{name}.admin_{verb}" for verb in ADMIN_VERBS)
    return {g: list(dict.fromkeys(c)) for g, c in codes.items() if c}


def action_choices() -> list:
    """The action filter's choices: per group, "all of the group" (a prefix ending in ".")
    and each action by name."""
    out: list = [("", _("全部"))]
    for group, codes in _action_codes().items():
        label = GROUPS.get(group, group)
        options = [(f"{group}.", _("全部%(group)s操作") % {"group": label})]
        options += [(code, action_label(code) or code) for code in codes]
        out.append((label, options))
    return out


def is_prefix(action: str) -> bool:
    return action.endswith(".")


# -- the keys of before/after ----------------------------------------------------------------

# Keys that say nothing to a reader: the row version (a concurrency counter), the timeline
# note's own label (it is the action's name), ids of the parts an action names otherwise.
HIDDEN_KEYS = frozenset(
    {"version", "label", "item_id", "member_id", "parent", "intake_hash", "idempotency_key"}
)

# Keys that are not a model field, or fields whose verbose name was left in English.
KEY_LABELS: dict[str, Any] = {
    "note": _("说明"),
    "data": _("内容"),
    "code": _("编号"),
    "status": _("状态"),
    "str": _("对象"),
    "appeal": _("诉求"),
    "appeal_id": _("诉求"),
    "enterprise": _("企业"),
    "enterprise_id": _("企业"),
    "category_id": _("类别"),
    "unit": _("单位"),
    "unit_id": _("单位"),
    "unit_ids": _("单位"),
    "user": _("用户"),
    "user_id": _("用户"),
    "leader_id": _("分管市领导"),
    "meeting": _("协调会"),
    "meeting_id": _("协调会"),
    "meeting_item": _("协调会议题"),
    "event": _("面对面活动"),
    "event_id": _("面对面活动"),
    "event_item": _("面对面活动问题"),
    "escalation": _("提请市领导协调申报"),
    "escalation_id": _("提请市领导协调申报"),
    "task_id": _("交办任务"),
    "task_ids": _("交办任务"),
    "contact": _("联系人"),
    "name": _("名称"),
    "role": _("角色"),
    "due": _("办理期限"),
    "batch_month": _("所属批次"),
    "materials_missing": _("缺少的材料"),
    "failures_before": _("此前连续失败次数"),
    "failures": _("失败次数"),
    "idle_minutes": _("闲置时长（分钟）"),
    "attempts": _("尝试次数"),
    "window_minutes": _("统计时段（分钟）"),
    "minutes": _("暂停时长（分钟）"),
    "account": _("账号"),
    "kind": _("类型"),
    "portfolio": _("分管单位"),
    "staff": _("窗口人员"),
    "years": _("涉及年度"),
    "days": _("天数"),
    "days_per_year": _("原有例外日（按年）"),
    "replace_year": _("整年替换"),
    "rows": _("总行数"),
    "created": _("新增"),
    "updated": _("更新"),
    "skipped_rows": _("跳过的行"),
    "good_rows_only": _("只导入无误的行"),
    "examined": _("检查的期限数"),
    "moved": _("改变的期限数"),
    "confirmed": _("确认的期限数"),
    "objects": _("涉及的对象"),
    "seed": _("随机种子"),
    "population_size": _("抽取范围项目数"),
    "project": _("项目"),
    "project_id": _("项目"),
    "today": _("演示数据的“今天”"),
    "legacy_last_id": _("最后一条旧记录"),
    "legacy_count": _("旧记录条数"),
    # Fields without a Chinese verbose name.
    "created_at": _("创建时间"),
    "updated_at": _("更新时间"),
    "created_by": _("创建人"),
    "resolved_at": _("办结时间"),
    "verified_at": _("核验时间"),
    "closed_at": _("关闭时间"),
    "close_reason": _("关闭原因"),
    "rating_reminded_at": _("评价提醒时间"),
    "resolved_on_time": _("按期办结"),
    "exemption_status": _("不纳入考核申请"),
    "merged_into": _("并入的诉求"),
    "clock_yellow_from": _("黄灯起始日"),
    "review_started_at": _("开始审核时间"),
    "review_started_by": _("审核人"),
    "submitted_at": _("报送时间"),
    "submitted_by": _("报送人"),
    "requested_by": _("申报人"),
    "reviewed_by": _("审核人"),
    "reviewed_at": _("审核时间"),
    "minutes_name": _("会议纪要文件"),
    "minutes_size": _("会议纪要大小（字节）"),
    "minutes_uploaded_at": _("会议纪要上传时间"),
    "opinion_at": _("意见时间"),
    "opinion_by": _("意见录入人"),
    "due_provisional": _("期限按临时日历计算"),
    "catalog_due_provisional": _("截止日按临时日历计算"),
    "catalog_submitted_at": _("目录报送时间"),
    "approved_at": _("审定时间"),
    "notified_at": _("通知时间"),
    "held_at": _("召开时间"),
    "document_generated_at": _("文稿生成时间"),
    "document_review_note": _("文稿审核意见"),
    "document_reviewed_at": _("文稿审核时间"),
    "document_approved_at": _("文稿审定时间"),
    "assigned_at": _("交办时间"),
    "assigned_by": _("交办人"),
    "source": _("问题来源"),
    "verified_by": _("核实人"),
    "reported_at": _("报办结时间"),
    "done_at": _("办结时间"),
    "confirmed_by": _("确认人"),
    "sort_order": _("排序"),
    "failed_logins": _("连续登录失败次数"),
    "locked_until": _("锁定至"),
}

# Keys that name other rows without being a field of the object's model: "<stem>_id" or
# "<stem>_ids" → the model the ids are of.
KEY_MODELS: dict[str, str] = {
    "appeal": "appeals.appeal",
    "enterprise": "enterprises.enterprise",
    "category": "appeals.category",
    "unit": "organizations.unit",
    "user": "organizations.user",
    "leader": "organizations.user",
    "meeting": "coordination.meeting",
    "event": "coordination.event",
    "escalation": "coordination.escalationrequest",
    "task": "coordination.task",
    "project": "projects.project",
}
# Keys whose values are another row's code rather than its id, by (action, key).
KEY_CODES: dict[tuple[str, str], tuple[str, str]] = {
    ("user.portfolio_set", "portfolio"): ("organizations.unit", "code"),
}

# The part of the object an action changed, when its keys are that part's fields (an
# event's item, an enterprise's team member); prefixes allowed ("appeal.note.coordination.task_").
PART_MODELS: dict[str, str] = {
    "event.add_item": "coordination.eventitem",
    "event.remove_item": "coordination.eventitem",
    "meeting.add_item": "coordination.meetingitem",
    "meeting.remove_item": "coordination.meetingitem",
    "enterprise.team_add": "enterprises.teammember",
    "enterprise.team_remove": "enterprises.teammember",
    "enterprise.contact_phone_revealed": "enterprises.contact",
    "project.member_": "projects.projectmember",
    "project.escalate": "projects.projectmember",
    "project.escalation_end": "projects.projectmember",
    "project.dispatch_entry": "projects.dispatchentry",
    "project.dispatch_entry_remove": "projects.dispatchentry",
    "project.consultation_record": "projects.admissionconsultation",
    "project.inspection_record": "projects.inspectionitem",
    "appeal.note.coordination.task_": "coordination.task",
    "appeal.note.coordination.escalation_": "coordination.escalationrequest",
}


def part_model(action: str):
    """The model of the part `action` changed, or None."""
    best = ""
    for prefix in PART_MODELS:
        if (
            action.startswith(prefix)
            and len(prefix) > len(best)
            and (prefix == action or prefix.endswith("_"))
        ):
            best = prefix
    return model(PART_MODELS[best]) if best else None


def key_label(key: str) -> str:
    return str(KEY_LABELS[key]) if key in KEY_LABELS else ""


OUTCOMES: dict[str, Any] = {"ok": _("成功"), "denied": _("被拒绝")}
