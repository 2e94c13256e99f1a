"""The table of a coordination task (交办任务): the responsible unit reports progress and
completion, the hub or the supervision office confirms it or sends it back (seeds/001
四(七): 市政府督查室负责对办理工作进行督促检查). Its history is its TaskReport rows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhitong.common.transitions import Field, Machine, move

from .. import permissions
from ..choices import TaskReportKind, TaskStatus
from ..models import Task, TaskReport

UNIT_STAFF = "unit_staff"  # handler / head of the responsible unit (or its department)
CONFIRMER = "confirmer"  # the hub or the supervision office (督查室)

S = TaskStatus
OPEN = {S.ASSIGNED, S.IN_PROGRESS}

# The TaskReport kind each move writes.
REPORT_KINDS = {
    "progress": TaskReportKind.PROGRESS,
    "done": TaskReportKind.DONE,
    "confirm": TaskReportKind.CONFIRM,
    "reject": TaskReportKind.REJECT,
}


def _relations(user, task) -> set[str]:
    rel = set()
    if permissions.can_report_task(user, task):
        rel.add(UNIT_STAFF)
    if permissions.can_confirm_task(user):
        rel.add(CONFIRMER)
    return rel


def _history(task, *, move, from_status, to_status, actor, now, note, data):
    return TaskReport.objects.create(task=task, kind=REPORT_KINDS[move], note=note, actor=actor, at=now)


TASK = Machine(
    kind="coordination_task",
    model=Task,
    noun="任务",
    states=TaskStatus,
    fields=[
        Field(
            "note",
            _("办理情况"),
            "textarea",
            required=False,
            help=_("填报进展、报办结时必填：办理进展，或办理结果及回复企业情况"),
        ),
        Field("reason", _("退回理由"), "textarea"),
    ],
    moves=[
        move(
            "progress",
            _("填报进展"),
            OPEN,
            None,
            {UNIT_STAFF},
            ("note",),
            alt_target=S.IN_PROGRESS,
            description=_("待办理的任务填报首次进展后转为办理中"),
            style="secondary",
        ),
        move("done", _("报办结"), OPEN, S.REPORTED, {UNIT_STAFF}, ("note",), style="primary"),
        move("confirm", _("确认办结"), {S.REPORTED}, S.DONE, {CONFIRMER}, ("note",), style="primary"),
        move(
            "reject",
            _("退回继续办理"),
            {S.REPORTED},
            S.IN_PROGRESS,
            {CONFIRMER},
            ("reason",),
            needs_reason=True,
            style="secondary",
        ),
    ],
    relations=_relations,
    relation_labels={UNIT_STAFF: "责任单位", CONFIRMER: "统筹协调专员/督查室"},
    audited=("status", "due", "last_note", "reported_at", "done_at", "confirmed_by_id"),
    history=_history,
    stale_message="任务已被他人更新，请刷新后重试",
    initial=(S.ASSIGNED,),
    pk_arg="task_id",
)
