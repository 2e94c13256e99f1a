"""Writes of the project domain. Stage moves go through `machines.STAGE`."""

from .library import project_create, project_import_stage, project_update
from .stages import project_advance, project_step_back

__all__ = [
    "project_advance",
    "project_create",
    "project_import_stage",
    "project_step_back",
    "project_update",
]
