"""The project page's section of this part (projects.sections): the admission consultation
before signing, the dispatch sessions that took the project up, its quarterly inspections."""

from __future__ import annotations

from ..models import ProjectStage
from . import selectors, services
from .forms import ConsultationForm
from .guards import admission_guard


def dispatch_context(request, project, today) -> dict:
    consultations = selectors.project_consultations(project)
    consulting = project.stage in services.CONSULTING_STAGES
    can_consult = consulting and services.may_record_consultation(request.user, project)
    return {
        "consultations": consultations,
        # Why 签约 is not offered yet (the stage table hides a move its guard refuses).
        "sign_blocked": admission_guard(project, today)
        if project.stage == ProjectStage.NEGOTIATION
        else None,
        "consulting": consulting,
        "form": ConsultationForm(initial={"held_on": today}) if can_consult else None,
        "entries": selectors.project_dispatch_entries(project),
        "inspections": selectors.project_inspections(project),
    }
