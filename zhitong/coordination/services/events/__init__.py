"""Face-to-face government–enterprise events (面对面政企交流活动, seeds/001), through the
eight steps of seeds/001 四, one state per step (choices.EventStatus / EVENT_STEPS); the
status changes are the moves of machines/events.py:

(一) collect: pick open appeals, or register problems raised by enterprises (new appeals
     with channel face_to_face) — items.py;
(二) verify with the departments, and report the catalog to 市府办 at least 4 working days
     before the event (quarterly events; late catalogs are recorded and warned about);
(三) the task force's deputy leader proposes handling; the city leader approves the list;
(四) notices to department heads and enterprise principals;
(五) the event is held — lifecycle.py;
(六) on-site opinions (items.py) → 《企业诉求事项处理意见》 (.docx) → reviewed → approved
     (documents.py) → assigned;
(七) tasks handled and supervised (督查室 sees every task);
(八) closed once every problem is 办结 or explicitly carried on to regular handling
     (`carry_on`); the enterprises whose appeal waits for it rate the handling (the
     appeals app owns the rating).
"""

from ...machines.events import EVENT
from .catalog import (
    CATALOG_LEAD_WORKDAYS,
    catalog_due_for,
    catalog_is_late,
    catalog_lateness,
    catalog_state,
    catalog_warning,
    event_create,
    event_reschedule,
)
from .documents import (
    event_approve_document,
    event_generate_document,
    event_return_document,
    event_review_document,
    event_withdraw_document,
)
from .items import (
    event_add_appeals,
    event_item_set_unit,
    event_item_verify,
    event_record_opinion,
    event_register_problem,
    event_remove_item,
)
from .lifecycle import (
    event_approve,
    event_assign,
    event_carry_on,
    event_close,
    event_hold,
    event_notify,
    event_review,
    event_start_verification,
    event_submit_catalog,
)


def event_move(*, event_id: int, move: str, actor, expected_version=None, now=None, **data):
    """Perform any move of the event's table by name (the page's and the API's one entry
    point). `data` may hold a whole form; only the move's declared fields are passed on."""
    return EVENT.dispatch(
        pk=event_id, move=move, actor=actor, expected_version=expected_version, now=now, **data
    )


__all__ = [
    "CATALOG_LEAD_WORKDAYS",
    "catalog_due_for",
    "catalog_is_late",
    "catalog_lateness",
    "catalog_state",
    "catalog_warning",
    "event_add_appeals",
    "event_approve",
    "event_approve_document",
    "event_assign",
    "event_carry_on",
    "event_close",
    "event_create",
    "event_generate_document",
    "event_hold",
    "event_item_set_unit",
    "event_item_verify",
    "event_move",
    "event_notify",
    "event_record_opinion",
    "event_register_problem",
    "event_remove_item",
    "event_reschedule",
    "event_return_document",
    "event_review",
    "event_review_document",
    "event_start_verification",
    "event_submit_catalog",
    "event_withdraw_document",
]
