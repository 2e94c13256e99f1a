"""API schemas of coordination, and the functions that fill them (one place, so lists and
details agree), by aggregate."""

from ._common import (
    ErrorOut,
    OpinionIn,
    Ref,
    ref,
)
from .batches import (
    BatchDetailOut,
    BatchOut,
    EscalationOut,
    batch_out,
    escalation_out,
)
from .events import (
    EventIn,
    EventItemOut,
    EventOut,
    ProblemIn,
    VerifyIn,
    event_out,
)
from .facts import (
    CertificationOut,
    FactOut,
    certification_out,
    fact_out,
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
    "BatchDetailOut",
    "BatchOut",
    "CertificationOut",
    "ErrorOut",
    "EscalationOut",
    "EventIn",
    "EventItemOut",
    "EventOut",
    "FactOut",
    "ItemsIn",
    "MeetingIn",
    "MeetingItemOut",
    "MeetingOut",
    "OpinionIn",
    "ProblemIn",
    "Ref",
    "TaskOut",
    "VerifyIn",
    "batch_out",
    "certification_out",
    "escalation_out",
    "event_out",
    "fact_out",
    "meeting_out",
    "ref",
    "task_out",
]
