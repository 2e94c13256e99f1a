"""The public progress board (挂牌展示), read without a user.

seeds/004 江山 三 量化排位，公示晒进度: 将……项目按年度完成投资额、形象进度等指标进行量化排位，
分为推进超过、正常、滞后和无进展等四类情况进行通报，通报内容包括项目名称、责任单位和联系领导
等，并在市政府门厅"大干项目、干大项目"进度牌公示; seeds/004 青岛: 对重点项目开工竣工情况
进行挂牌展示.

What is shown is what the seed puts on the board, nothing more: the project's name, its
responsible (lead) unit, its contact leader (the name and post of the city leader in charge,
never a phone or an account name), plus its stage and county. Only projects marked
`public`, in the stages measured against a plan (签约、审批、在建), grouped by class.
The board carries no amounts: investment figures are the enterprise's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..models import Project
from .calc import CLASSED_STAGES, ProgressClass, month_start, progress_summaries


@dataclass(frozen=True)
class BoardCard:
    """One project on the board: public fields only (the template gets nothing else)."""

    name: str
    stage: str
    county: str
    unit: str
    leader: str


def _leader(user) -> str:
    if user is None or not user.full_name:
        return ""
    return f"{user.full_name}（{user.position}）" if user.position else user.full_name


def board(month: date) -> list[tuple[ProgressClass, list[BoardCard]]]:
    """The four classes in order (超前, 正常, 滞后, 无进展), each with its projects by name."""
    month = month_start(month)
    projects = list(
        Project.objects.filter(public=True, stage__in=CLASSED_STAGES)
        .select_related("lead_unit", "location", "leader")
        .order_by("name", "code")
    )
    summaries = progress_summaries(projects, month)
    groups: dict[str, list[BoardCard]] = {c.value: [] for c in ProgressClass}
    for p in projects:
        groups[summaries[p.pk].progress_class].append(
            BoardCard(
                name=p.name,
                stage=p.get_stage_display(),
                county=p.location.display_name,
                unit=p.lead_unit.display_name,
                leader=_leader(p.leader),
            )
        )
    return [(c, groups[c.value]) for c in ProgressClass]
