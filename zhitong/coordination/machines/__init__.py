"""The declared state tables of the coordination app (zhitong.common.transitions), one
module per aggregate. Importing this package registers every table (diagrams, tests)."""

from .events import EVENT

__all__ = ["EVENT"]
