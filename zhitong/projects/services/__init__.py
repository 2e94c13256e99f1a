"""Writes of the project domain. Stage moves go through `machines.STAGE`; the lead unit
and the team through services/lead.py and services/team.py."""

from zhitong.projects.progress import commitments as _commitments  # noqa: F401  (registers its moves)

from .lead import (
    project_apply_lead,
    project_clear_lead_override,
    project_end_escalation,
    project_escalate,
    project_override_lead,
    project_redecide_lead,
)
from .library import project_create, project_import_stage, project_update
from .stages import project_advance, project_step_back
from .team import member_assign, member_end, member_replace

__all__ = [
    "member_assign",
    "member_end",
    "member_replace",
    "project_advance",
    "project_apply_lead",
    "project_clear_lead_override",
    "project_create",
    "project_end_escalation",
    "project_escalate",
    "project_import_stage",
    "project_override_lead",
    "project_redecide_lead",
    "project_step_back",
    "project_update",
]
