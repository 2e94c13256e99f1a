"""The admission-and-landing consultation before signing (准入落地会商, seeds/002: 建立招商
引资重点项目准入落地会商…机制，及时研判…是否符合城市发展规划、园区产业定位和产业政策，为项目
落地实施提供保障): the stage table's `sign` move is refused until the project's latest
consultation concluded 同意. A later 暂缓 or 不同意 withdraws an earlier 同意."""

from __future__ import annotations

from ..machines import EXTRA_GUARDS
from .models import AdmissionConsultation, ConsultationConclusion

NOT_CONSULTED = "签约前须进行准入落地会商，且会商结论为“同意”（seeds/002）"


def latest_consultation(project) -> AdmissionConsultation | None:
    return AdmissionConsultation.objects.filter(project=project).order_by("-held_on", "-id").first()


def admission_guard(project, today) -> str | None:
    latest = latest_consultation(project)
    if latest is None:
        return NOT_CONSULTED
    if latest.conclusion != ConsultationConclusion.AGREE:
        return f"最近一次准入落地会商（{latest.held_on:%Y-%m-%d}）结论为“{latest.get_conclusion_display()}”，不能签约"
    return None


def register() -> None:
    """Called in ProjectsConfig.ready; idempotent."""
    guards = EXTRA_GUARDS.setdefault("sign", [])
    if admission_guard not in guards:
        guards.append(admission_guard)
