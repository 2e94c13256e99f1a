"""The leaders' monthly digest (市领导联系重点项目月报, seeds/004 江山: 每月初将…重点项目推进
情况，以短信的形式分别发送到挂联市领导手机…内容包括年度完成投资额、形象进度、重点难点项目的
突破进展情况和项目推进过程中存在的困难和问题、进度滞后项目情况等).

Per city leader, over the projects they are responsible for (Project.leader) from
negotiation to completion (seeds/003 一: one leader from 洽谈 to 开工建设; once operating, the
industry department follows the enterprise): the year's investment completed against the
annual plan, each project's progress class, the month's breakthroughs (stages reached and
roadmap milestones completed), the open problems (appeals linked to the project) and the
lagging projects (滞后 and 无进展). The figures come from `projects.progress`; the problems
through `hooks.open_problems`.

The message goes out once per leader per month (the outbox key
`notification:project-leader-digest:<leader>:<month>:<leader>` is unique), at the start of
the following month (Celery beat on the 1st–5th, so a day the workers were down is made up;
or by hand: `zhitong leader_digest`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from zhitong.core.errors import AccessDenied, Forbidden
from zhitong.notifications.services import notify
from zhitong.organizations.capabilities import can_read_leader_digests, is_city_leader
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.models import User

from .. import progress
from ..machines import STAGE
from ..models import Milestone, Project, ProjectStage, ProjectStageChange
from .hooks import ProjectProblem, open_problems
from .periods import add_months

NOTICE_KIND = "project_leader_digest"
FOLLOWED_STAGES = (
    ProjectStage.NEGOTIATION,
    ProjectStage.SIGNED,
    ProjectStage.APPROVAL,
    ProjectStage.CONSTRUCTION,
    ProjectStage.COMPLETED,
)
BEHIND = (progress.ProgressClass.LAGGING, progress.ProgressClass.STALLED)
CLASS_ORDER = list(progress.ProgressClass)
MESSAGE_NAMES = 5  # projects named per line of the message; the page lists them all


def last_month(today: date) -> date:
    """The month a digest sent on `today` reports: the one before."""
    return add_months(today.replace(day=1), -1)


def money(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def percent(part: Decimal | None, whole: Decimal | None) -> str:
    if part is None or not whole:
        return "—"
    return f"{(Decimal(part) * 100 / Decimal(whole)).quantize(Decimal('0.1'))}%"


@dataclass
class DigestRow:
    project: Project
    month_investment: Decimal | None
    ytd_investment: Decimal | None
    annual_plan: Decimal
    progress_class: str
    image_progress: str
    breakthroughs: list[str] = field(default_factory=list)
    problems: list[ProjectProblem] = field(default_factory=list)

    @property
    def class_label(self) -> str:
        return progress.ProgressClass(self.progress_class).label if self.progress_class else "—"

    @property
    def ratio(self) -> str:
        return percent(self.ytd_investment, self.annual_plan)

    @property
    def ratio_phrase(self) -> str:
        ratio = self.ratio
        return f"年度完成投资{ratio}" if ratio != "—" else "本年尚无投资完成数据"

    # The figures as the page, the message and the document print them (万元, 2 decimals).
    @property
    def plan_text(self) -> str:
        return money(self.annual_plan)

    @property
    def month_text(self) -> str:
        return money(self.month_investment)

    @property
    def ytd_text(self) -> str:
        return money(self.ytd_investment)

    @property
    def behind(self) -> bool:
        return self.progress_class in BEHIND


@dataclass
class LeaderDigest:
    leader: User
    month: date
    rows: list[DigestRow]

    @property
    def month_label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"

    @property
    def total_plan(self) -> Decimal:
        return sum((r.annual_plan for r in self.rows), Decimal(0))

    @property
    def total_ytd(self) -> Decimal:
        return sum((r.ytd_investment or Decimal(0) for r in self.rows), Decimal(0))

    @property
    def ratio(self) -> str:
        return percent(self.total_ytd, self.total_plan)

    @property
    def total_plan_text(self) -> str:
        return money(self.total_plan)

    @property
    def total_ytd_text(self) -> str:
        return money(self.total_ytd)

    @property
    def class_counts(self) -> list[tuple[str, str, int]]:
        """(value, label, count) for each progress class, in the class order."""
        return [(c.value, c.label, sum(1 for r in self.rows if r.progress_class == c)) for c in CLASS_ORDER]

    @property
    def breakthroughs(self) -> list[DigestRow]:
        return [r for r in self.rows if r.breakthroughs]

    @property
    def with_problems(self) -> list[DigestRow]:
        return [r for r in self.rows if r.problems]

    @property
    def problem_count(self) -> int:
        return sum(len(r.problems) for r in self.rows)

    @property
    def lagging(self) -> list[DigestRow]:
        return [r for r in self.rows if r.behind]


# -- who gets a digest, who reads one -------------------------------------------------------------


def is_digest_leader(user) -> bool:
    """A city leader: seeds/004 江山 市领导联系重点项目月报 (a county's principal, also a
    leader account, gets none: the county follows its own projects)."""
    return is_city_leader(user) and getattr(user, "leader_level", "") != LeaderLevel.COUNTY_PRINCIPAL


def leader_projects(leader: User) -> QuerySet[Project]:
    return (
        Project.objects.filter(leader=leader, stage__in=FOLLOWED_STAGES)
        .select_related("location", "lead_unit")
        .order_by("code")
    )


def digest_leaders() -> QuerySet[User]:
    """The city leaders responsible for at least one followed project."""
    return (
        User.objects.filter(role=Role.LEADER, is_active=True, led_projects__stage__in=FOLLOWED_STAGES)
        .exclude(leader_level=LeaderLevel.COUNTY_PRINCIPAL)
        .distinct()
        .order_by("pk")
    )


def digest_leader_for_user(*, user, leader_id: int | None) -> User:
    """The leader whose digest `user` may read: a city leader their own (another's is
    answered like one that does not exist); the city-wide roles any city leader's. Forbidden
    for anyone else."""
    if can_read_leader_digests(user):
        leader = (
            User.objects.filter(pk=leader_id, role=Role.LEADER)
            .exclude(leader_level=LeaderLevel.COUNTY_PRINCIPAL)
            .first()
            if leader_id
            else None
        )
        if leader is None:
            raise AccessDenied()
        return leader
    if is_digest_leader(user):
        if leader_id not in (None, user.pk):
            raise AccessDenied()
        return user
    raise Forbidden("只有市领导本人及统筹协调、督查人员可以查看领导月报")


# -- the digest --------------------------------------------------------------------------------


def month_breakthroughs(project_ids: list[int], month: date) -> dict[int, list[str]]:
    """seeds/004 江山 突破进展: the stages reached and the roadmap milestones completed in
    `month`, by project, in date order (two queries)."""
    end = add_months(month, 1)
    found: dict[int, list[tuple[date, str]]] = {}
    for pid, on, action in (
        ProjectStageChange.objects.filter(project_id__in=project_ids, on__gte=month, on__lt=end)
        .exclude(action="step_back")
        .values_list("project_id", "on", "action")
    ):
        move = STAGE.moves.get(action)
        found.setdefault(pid, []).append((on, f"{on.month}月{on.day}日{move.label if move else action}"))
    for pid, on, name in Milestone.objects.filter(
        project_id__in=project_ids, actual_on__gte=month, actual_on__lt=end
    ).values_list("project_id", "actual_on", "name"):
        found.setdefault(pid, []).append((on, f"{on.month}月{on.day}日完成“{name}”"))
    return {pid: [text for _on, text in sorted(items)] for pid, items in found.items()}


def _image_progress(report) -> str:
    """The latest monthly report's 形象进度 (the progress part's report), when it has one."""
    return str(getattr(report, "image_progress", "") or "") if report is not None else ""


def leader_digest(*, leader: User, month: date, user=None) -> LeaderDigest:
    """The digest of `leader` for `month`; `user` is who reads it (links to the problems
    they may open; the leader when None)."""
    projects = list(leader_projects(leader))
    ids = [p.pk for p in projects]
    summaries = progress.progress_summaries(projects, month) if projects else {}
    moves = month_breakthroughs(ids, month) if ids else {}
    problems = open_problems(ids, user=user or leader)
    rows = []
    for p in projects:
        s = summaries.get(p.pk)
        rows.append(
            DigestRow(
                project=p,
                month_investment=s.month_investment if s else None,
                ytd_investment=s.ytd_investment if s else None,
                annual_plan=(s.annual_plan if s and s.annual_plan is not None else p.annual_investment),
                progress_class=str(s.progress_class) if s and s.progress_class else "",
                image_progress=_image_progress(s.latest_report if s else None),
                breakthroughs=moves.get(p.pk, []),
                problems=problems.get(p.pk, []),
            )
        )
    return LeaderDigest(leader=leader, month=month, rows=rows)


def _names(rows: list[DigestRow]) -> str:
    names = [r.project.name for r in rows[:MESSAGE_NAMES]]
    more = f"等{len(rows)}个" if len(rows) > MESSAGE_NAMES else ""
    return "、".join(names) + more


def digest_url(leader_id: int, month: date) -> str:
    return f"{reverse('projects:dispatch:digest')}?leader={leader_id}&month={month:%Y-%m}"


def digest_message(d: LeaderDigest) -> tuple[str, str]:
    """The message's title and text: what seeds/004 江山 lists, in the order it lists it."""
    counts = "，".join(f"{label}{n}个" for _v, label, n in d.class_counts)
    lines = [
        f"联系重点项目{len(d.rows)}个。",
        f"年度完成投资：{money(d.total_ytd)}万元，占年度计划投资{money(d.total_plan)}万元的{d.ratio}。",
        f"形象进度：{counts}。",
        "突破进展："
        + (
            "；".join(
                f"{r.project.name}{'、'.join(r.breakthroughs)}" for r in d.breakthroughs[:MESSAGE_NAMES]
            )
            or "无"
        )
        + "。",
        f"困难问题：{d.problem_count}个未解决"
        + (f"（{_names(d.with_problems)}）" if d.with_problems else "")
        + "。",
        "进度滞后项目：" + (_names(d.lagging) or "无") + "。",
    ]
    title = (
        f"市领导联系重点项目月报（{d.month_label}）：联系项目{len(d.rows)}个，滞后或无进展{len(d.lagging)}个"
    )
    return title, "\n".join(lines)


def leader_digest_send(*, leader: User, month: date, now: datetime | None = None) -> int:
    """Queue `leader`'s digest for `month` (1 if new, 0 if it was already queued)."""
    d = leader_digest(leader=leader, month=month)
    title, body = digest_message(d)
    with transaction.atomic():
        return notify(
            recipients=[leader],
            kind=NOTICE_KIND,
            title=title,
            body=body,
            url=digest_url(leader.pk, month),
            subject=f"project-leader-digest:{month:%Y-%m}",
            dedupe_key=f"project-leader-digest:{leader.pk}:{month:%Y-%m}",
            now=now,
        )


def leader_digests_send(*, month: date | None = None, now: datetime | None = None) -> int:
    """Queue last month's digest (or `month`'s) for every city leader with followed
    projects; returns how many were new. Safe to run again: each leader gets one per month."""
    now = now or timezone.now()
    month = (month or last_month(timezone.localdate(now))).replace(day=1)
    return sum(leader_digest_send(leader=leader, month=month, now=now) for leader in digest_leaders())
