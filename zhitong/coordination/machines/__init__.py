"""The declared state tables of the coordination app (zhitong.common.transitions), one
module per aggregate. Importing this package registers every table (diagrams, tests)."""

from .batches import BATCH, ESCALATION
from .events import EVENT
from .meetings import MEETING
from .tasks import TASK

__all__ = ["BATCH", "ESCALATION", "EVENT", "MEETING", "TASK"]
