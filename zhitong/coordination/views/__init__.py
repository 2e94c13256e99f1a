"""Coordination pages (Chinese). Plain function views; every write goes through a service."""

from .batches import (
    batch_annex2,
    batch_detail,
    batch_list,
    batch_move,
    my_batch,
    request_move,
)
from .events import (
    event_action,
    event_create,
    event_detail,
    event_document,
    event_item_action,
    event_list,
    event_move,
    event_notices,
    event_pick,
)
from .facts import certification_move, facts
from .meetings import (
    annex3,
    meeting_add_items,
    meeting_create,
    meeting_detail,
    meeting_list,
    meeting_minutes_file,
    meeting_move,
    meeting_remove_item,
)
from .tasks import task_detail, task_list, task_move

__all__ = [
    "annex3",
    "batch_annex2",
    "batch_detail",
    "batch_list",
    "batch_move",
    "certification_move",
    "event_action",
    "event_create",
    "event_detail",
    "event_document",
    "event_item_action",
    "event_list",
    "event_move",
    "event_notices",
    "event_pick",
    "facts",
    "meeting_add_items",
    "meeting_create",
    "meeting_detail",
    "meeting_list",
    "meeting_minutes_file",
    "meeting_move",
    "meeting_remove_item",
    "my_batch",
    "request_move",
    "task_detail",
    "task_list",
    "task_move",
]
