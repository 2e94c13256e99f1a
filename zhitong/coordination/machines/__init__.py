"""The transition tables of the coordination app (one module per object type)."""

from .batches import BATCH, ESCALATION
from .meetings import MEETING
from .tasks import TASK

__all__ = ["BATCH", "ESCALATION", "MEETING", "TASK"]
