"""API schemas of coordination, and the functions that fill them (one place, so lists and
details agree), by aggregate."""

from ._common import (
    ErrorOut,
    NoteIn,
    OpinionIn,
    ReasonIn,
    Ref,
    ref,
)
from .batches import (
    AcceptIn,
    BatchDetailOut,
    BatchOut,
    EscalationOut,
    batch_out,
    escalation_out,
)
from .events import (
    EventIn,
    EventItemOut,
    EventMoveIn,
    EventOut,
    ProblemIn,
    VerifyIn,
    event_out,
)
from .facts import (
    FactOut,
)
from .meetings import (
    ItemsIn,
    MeetingIn,
    MeetingItemOut,
    MeetingOut,
    meeting_out,
)
from .tasks import (
    TaskOut,
    task_out,
)

__all__ = [
    "AcceptIn",
    "BatchDetailOut",
    "BatchOut",
    "ErrorOut",
    "EscalationOut",
    "EventMoveIn",
    "EventIn",
    "EventItemOut",
    "EventOut",
    "FactOut",
    "ItemsIn",
    "MeetingIn",
    "MeetingItemOut",
    "MeetingOut",
    "NoteIn",
    "OpinionIn",
    "ProblemIn",
    "ReasonIn",
    "Ref",
    "TaskOut",
    "VerifyIn",
    "batch_out",
    "escalation_out",
    "event_out",
    "meeting_out",
    "ref",
    "task_out",
]
