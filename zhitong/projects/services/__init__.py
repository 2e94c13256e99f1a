"""Writes of the project domain. Stage moves go through `machines.STAGE`."""

from .stages import project_advance, project_step_back

__all__ = ["project_advance", "project_step_back"]
