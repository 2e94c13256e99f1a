"""The declared state tables of the coordination app (zhitong.common.transitions), one
module per aggregate. Importing this package registers every table (diagrams, tests)."""

from .batches import BATCH, ESCALATION
from .events import EVENT
from .facts import CERTIFICATION
from .meetings import MEETING
from .tasks import TASK

__all__ = ["BATCH", "CERTIFICATION", "ESCALATION", "EVENT", "MEETING", "TASK"]
