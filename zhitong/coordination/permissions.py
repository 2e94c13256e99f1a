"""Who may do what in coordination. Services call the `require_*` functions (raising
Forbidden with the reason); views and templates call the `can_*` ones to show buttons.
Seeing an object is decided by selectors' access functions, not here."""

from zhitong.core.errors import Forbidden
from zhitong.organizations import capabilities
from zhitong.organizations.capabilities import is_hub, is_supervisor
from zhitong.organizations.models import Unit
from zhitong.organizations.selectors import county_supervision_root, scope_root

__all__ = ["is_hub", "is_supervisor"]  # and the functions below

# The coordination name of capabilities.is_city_leader.
is_leader = capabilities.is_city_leader


def is_unit_member(user, unit) -> bool:
    """Staff (handler or head) of `unit` or of a department whose subtree holds it. Section
    staff act for their department (organizations.selectors.scope_root)."""
    if not capabilities.handles_unit_matters(user) or not user.unit_id or unit is None:
        return False
    root = scope_root(user.unit)
    return unit.path.startswith(root.path)


# -- the monthly escalation batch (seeds/000 二: 由市发改委审核上报) --------------------------


def can_review_batch(user) -> bool:
    return is_hub(user)


def require_batch_reviewer(user) -> None:
    if not can_review_batch(user):
        raise Forbidden("只有统筹协调专员可以审核提请市领导协调的申报")


def can_read_leader_batch(user) -> bool:
    """The requests reported to a leader for coordination (报我协调): city leaders only.
    The page and GET /coordination/my-batch both ask this."""
    return is_leader(user)


# -- reports (pages and API ask the same function) ----------------------------------------------


def can_read_facts(user) -> bool:
    """The month's counting facts (seeds/000 五(二)2): read city-wide, for the hub's
    certification — hub, supervisor, overseer, admin."""
    return capabilities.sees_whole_city(user)


def annex3_units(user) -> list[Unit]:
    """The units whose Annex 3 (落实情况表) `user` may read: any unit (not a section) for the
    city-wide roles; unit staff their own department; nobody else (empty list)."""
    if capabilities.sees_whole_city(user):
        from .forms import unit_choices

        county = county_supervision_root(user)
        if county is None:
            return list(unit_choices())
        # A county's supervision office: its county's units (seeds/000 三; issue 15 F1).
        return [u for u in unit_choices() if u.path.startswith(county.path)]
    if capabilities.is_unit_staff(user) and user.unit_id:
        return [scope_root(user.unit)]
    return []


def can_read_annex3(user) -> bool:
    """Whether `user` may read some unit's Annex 3 (see `annex3_units`)."""
    return capabilities.sees_whole_city(user) or (capabilities.is_unit_staff(user) and bool(user.unit_id))


def annex3_unit(user, unit_id, *, units: list[Unit] | None = None) -> Unit | None:
    """The unit whose Annex 3 `user` asked for (`unit_id`, None or "" = the first of
    `annex3_units`: a unit's own department), or None when it is not one they may read.
    Pass `units` when already read."""
    units = annex3_units(user) if units is None else units
    if unit_id in (None, ""):
        return units[0] if units else None
    return next((u for u in units if str(u.pk) == str(unit_id)), None)


# -- coordination meetings ---------------------------------------------------------------


def can_create_meeting(user) -> bool:
    return is_hub(user) or is_leader(user)


# -- tasks (the TASK table's relations; meetings': machines/meetings.py) ----------------------


def can_report_task(user, task) -> bool:
    return is_unit_member(user, task.unit)


def can_confirm_task(user) -> bool:
    return is_hub(user) or is_supervisor(user)


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
