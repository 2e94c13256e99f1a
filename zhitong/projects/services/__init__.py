"""Writes of the project domain. Stage moves go through `machines.STAGE`."""

from zhitong.projects.progress import commitments as _commitments  # noqa: F401  (registers its moves)

from .stages import project_advance, project_step_back

__all__ = ["project_advance", "project_step_back"]
