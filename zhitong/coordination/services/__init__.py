"""Writes of the coordination app, one module per aggregate. Every write is a service:
a move of one of the declared tables (coordination/machines/) performed through the
transition kernel, or an edit of an object's items through `_common.editing`; the appeal's
timeline is written through the appeals app's own service. Each module's `__all__` is its
public face; this package re-exports them all."""

from . import batches, events, facts, meetings, tasks
from .batches import *  # noqa: F403
from .events import *  # noqa: F403
from .facts import *  # noqa: F403
from .meetings import *  # noqa: F403
from .tasks import *  # noqa: F403

__all__ = [*batches.__all__, *events.__all__, *facts.__all__, *meetings.__all__, *tasks.__all__]
