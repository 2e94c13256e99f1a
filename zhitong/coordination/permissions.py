"""Who may do what in coordination. Services call the `require_*` functions (raising
Forbidden with the reason); views and templates call the `can_*` ones to show buttons.
Seeing an object is decided by selectors' access functions, not here."""

from zhitong.common.errors import Forbidden
from zhitong.organizations.choices import Role
from zhitong.organizations.selectors import scope_root


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_hub(user) -> bool:
    return _active(user) and user.role == Role.HUB


def is_leader(user) -> bool:
    return _active(user) and user.role == Role.LEADER


def is_supervisor(user) -> bool:
    return _active(user) and user.role == Role.SUPERVISOR


def is_unit_member(user, unit) -> bool:
    """Staff (handler or head) of `unit` or of a department whose subtree holds it. Section
    staff act for their department (organizations.selectors.scope_root)."""
    if (
        not _active(user)
        or user.role not in (Role.HANDLER, Role.UNIT_HEAD)
        or not user.unit_id
        or unit is None
    ):
        return False
    root = scope_root(user.unit)
    return unit.path.startswith(root.path)


# -- the monthly escalation batch (seeds/000 二: 由市发改委审核上报) --------------------------


def can_review_batch(user) -> bool:
    return is_hub(user)


def require_batch_reviewer(user) -> None:
    if not can_review_batch(user):
        raise Forbidden("只有统筹协调专员可以审核提请市领导协调的申报")


# -- coordination meetings ---------------------------------------------------------------


def can_create_meeting(user) -> bool:
    return is_hub(user) or is_leader(user)


def can_manage_meeting(user, meeting) -> bool:
    """The hub (which prepares meetings for the leaders) or the convening leader."""
    return is_hub(user) or (is_leader(user) and meeting.convener_id == user.pk)


def require_meeting_manager(user, meeting) -> None:
    if not can_manage_meeting(user, meeting):
        raise Forbidden("只有统筹协调专员或召开协调会的领导可以编辑该协调会")


# -- tasks -----------------------------------------------------------------------------------


def can_report_task(user, task) -> bool:
    return is_unit_member(user, task.unit)


def require_task_reporter(user, task) -> None:
    if not can_report_task(user, task):
        raise Forbidden("只有责任单位的工作人员可以填报该任务的办理情况")


def can_confirm_task(user) -> bool:
    return is_hub(user) or is_supervisor(user)


def require_task_confirmer(user) -> None:
    if not can_confirm_task(user):
        raise Forbidden("只有统筹协调专员或督查室可以确认任务办结")


# -- face-to-face events (seeds/001 四) ------------------------------------------------------


def can_create_event(user) -> bool:
    return is_hub(user)


def is_event_office(user, event) -> bool:
    """The task-force office runs the event (seeds/001 一: 专班办公室设在市工业和信息化局);
    a county event is run by the county's own office. Other hubs see but do not act."""
    return is_hub(user) and bool(user.unit_id) and scope_root(user.unit).pk == event.office_unit_id


def require_event_office(user, event) -> None:
    if not is_event_office(user, event):
        raise Forbidden(f"只有专班办公室（{event.office_unit}）的统筹协调专员可以办理该活动")


def can_verify_item(user, item) -> bool:
    return is_event_office(user, item.event) or is_unit_member(user, item.unit)


def require_item_verifier(user, item) -> None:
    if not can_verify_item(user, item):
        raise Forbidden("只有该问题的核实单位或专班办公室可以填写核实情况")


def is_event_deputy(user, event) -> bool:
    return is_leader(user) and event.deputy_id == user.pk


def is_event_chair(user, event) -> bool:
    return is_leader(user) and event.chair_id == user.pk


def require_event_deputy(user, event) -> None:
    # seeds/001 四(三): 由工作专班副组长召集相关职能部门…提出处理意见建议
    if not is_event_deputy(user, event):
        raise Forbidden(f"只有本次活动的专班副组长（{event.deputy}）可以审核")


def require_event_chair(user, event) -> None:
    # seeds/001 四(三)(六): 报市政府领导审定
    if not is_event_chair(user, event):
        raise Forbidden(f"只有出席本次活动的市政府领导（{event.chair}）可以审定")
