"""The briefing's ranking section: the month's scorecards (assessment), closed or live.

The briefing is written after the month ends; when the month is closed its frozen
snapshot is what the city published (assessment.scorecards.read_month), so the document and
the public scorecard page say the same numbers."""

from __future__ import annotations

from django.utils import translation

from zhitong.assessment.choices import Audience
from zhitong.assessment.choices import Warning as W
from zhitong.assessment.scorecards import closed_snapshots, read_month

from .briefing import BriefingData, Section, Table


def section_ranking(d: BriefingData) -> Section:
    snapshot = read_month(d.month)
    rows = []
    with translation.override("zh-hans"):
        for audience, group in snapshot["groups"].items():
            label = str(Audience(audience).label)
            for r in group["rows"]:
                warning = str(W(r.get("warning") or "").label) if r.get("warning") else ""
                rows.append([label, str(r["rank"]), r["unit"], r["score"], warning])
    closed = d.month in closed_snapshots([d.month])
    note = (
        "以下为本月考核成绩单（seeds/000 五；排名末位且低于目标分连续2、3、4期分别给予黄色预警、"
        "红色预警（约谈）和提出组织处理建议，seeds/004 毕节）。"
    )
    if not closed:
        note += "本月尚未结账，数字为编制简报时的实时计算结果，结账后以公布的成绩单为准。"
    return Section(
        "ranking",
        "六、考核排名",
        [note] if rows else ["本月无考核成绩单。"],
        Table(["类别", "排名", "单位", "得分", "预警"], rows, [3.2, 1.4, 6.4, 1.8, 3.2]) if rows else None,
    )
