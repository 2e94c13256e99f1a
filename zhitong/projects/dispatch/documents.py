"""Rendering 《市领导联系重点项目月报》 (seeds/004 江山) as .docx with docxtpl, from the same
digest the page shows (digest.leader_digest)."""

from __future__ import annotations

import io

from django.utils import timezone

from zhitong.core.downloads import file_name, month_cn
from zhitong.organizations.choices import LeaderLevel

from .build_template import template_bytes
from .digest import LeaderDigest, money


def leader_title(leader) -> str:
    level = LeaderLevel(leader.leader_level).label if leader.leader_level else ""
    role = leader.position or level
    return f"{leader.display_name}（{role}）" if role else leader.display_name


def digest_context(d: LeaderDigest, *, now=None) -> dict:
    now = now or timezone.now()
    counts = "，".join(f"{label}{n}个" for _v, label, n in d.class_counts)
    return {
        "month_label": d.month_label,
        "leader": leader_title(d.leader),
        "overview": (
            f"联系重点项目{len(d.rows)}个，年度计划投资{money(d.total_plan)}万元，截至{d.month.month}月底"
            f"累计完成投资{money(d.total_ytd)}万元，占年度计划的{d.ratio}。"
        ),
        "classes": f"按形象进度分：{counts}。",
        "rows": [
            {
                "no": i,
                "name": r.project.name,
                "stage": r.project.get_stage_display(),
                "plan": r.plan_text,
                "ytd": r.ytd_text,
                "ratio": r.ratio,
                "progress": r.class_label,
                "image": r.image_progress or "—",
            }
            for i, r in enumerate(d.rows, start=1)
        ],
        "breakthroughs": [f"{r.project.name}：{'；'.join(r.breakthroughs)}。" for r in d.breakthroughs],
        "problems": [
            f"{r.project.name}：" + "；".join(f"{p.title}（{p.code}，{p.status}）" for p in r.problems) + "。"
            for r in d.with_problems
        ],
        "lagging": [
            f"{r.project.name}（{r.class_label}，牵头单位{r.project.lead_unit.display_name}，{r.ratio_phrase}）。"
            for r in d.lagging
        ],
        "footer": f"生成日期：{timezone.localdate(now):%Y年%m月%d日}",
    }


def digest_docx(d: LeaderDigest, *, now=None) -> bytes:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(template_bytes()))
    tpl.render(digest_context(d, now=now), autoescape=True)
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def digest_file_name(d: LeaderDigest) -> tuple[str, str]:
    """市领导联系重点项目月报_陈副市长_2026年10月.docx, and its ASCII fallback."""
    name = file_name("市领导联系重点项目月报", d.leader.display_name, month_cn(d.month), ext="docx")
    return name, f"leader-digest-{d.leader.pk}-{d.month:%Y-%m}.docx"
