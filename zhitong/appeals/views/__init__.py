"""The appeals pages: the handler's workbench, appeal detail with its moves, the intake
form and the hub's triage queue. Plain function views returning TemplateResponse; htmx
swaps partial templates of the same views; every page works without JavaScript."""

from .detail import appeal_detail, appeal_move_view, appeal_reveal_contact_phone, evidence_download
from .intake import (
    intake,
    intake_duplicates,
    intake_enterprise,
    intake_enterprise_add,
    intake_enterprises,
    intake_materials,
)
from .triage import triage
from .workbench import workbench

__all__ = [
    "appeal_detail",
    "appeal_move_view",
    "appeal_reveal_contact_phone",
    "evidence_download",
    "intake",
    "intake_duplicates",
    "intake_enterprise",
    "intake_enterprise_add",
    "intake_enterprises",
    "intake_materials",
    "triage",
    "workbench",
]
