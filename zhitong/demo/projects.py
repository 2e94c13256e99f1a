"""The demo city's major projects: 64 projects in every stage (储备 → 洽谈 → 签约 → 审批 →
在建 → 竣工 → 投产运营), each driven through the project services with `now=` set to its
historical moments, as the appeals and the coordination demos are:

- entered into the library (`project_create`), its lead unit decided by the rules of
  seeds/003 二 with their explanation (the library's and the stage table's hooks);
- its team (`member_assign`): the responsible leader (seeds/003 一), the chief service
  person and the secretary (seeds/004 枣阳), the butler, the enterprise's contact and the
  N units (seeds/002 1+1+N);
- the admission consultation before signing (seeds/002 准入落地会商) and every stage move
  on its day (`machines.STAGE`), so the stage history is dated;
- from approval on, a roadmap planned by reverse scheduling (`roadmap_plan`, seeds/004 聊城)
  with the milestones completed on realistic days, a few of them left overdue;
- monthly progress reports, problems that become appeals, daily secretary reports and the
  agreement's commitments (project_progress.py); dispatch sessions, the quarterly
  inspection draw and the leaders' digests (project_dispatch.py).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from zhitong.enterprises.models import Enterprise
from zhitong.organizations.choices import LeaderLevel, Role
from zhitong.organizations.models import Unit, User
from zhitong.projects.dispatch import services as dispatch_services
from zhitong.projects.dispatch.models import ConsultationConclusion
from zhitong.projects.models import (
    ApprovalAuthority,
    MemberRole,
    Milestone,
    PlanRule,
    Project,
    ProjectCategory,
    ProjectLevel,
    ProjectStage,
)
from zhitong.projects.roadmap import rules as roadmap_rules
from zhitong.projects.roadmap import services as roadmap_services
from zhitong.projects.services import member_assign, project_advance, project_create
from zhitong.workdays.services import add_workdays, subtract_workdays

from . import project_data as data
from .context import DemoContext, at, weighted, workday_before
from .enterprises import BRANDS
from .project_dispatch import DispatchDemo
from .project_progress import ProgressDemo

S = ProjectStage
R = MemberRole
# The stage moves, in order, and the stage each one reaches.
MOVES = [
    ("start_negotiation", S.NEGOTIATION),
    ("sign", S.SIGNED),
    ("start_approval", S.APPROVAL),
    ("start_construction", S.CONSTRUCTION),
    ("complete", S.COMPLETED),
    ("start_operation", S.OPERATING),
]
ORDER = {s: i for i, s in enumerate(S.values)}
LEVELS = [(ProjectLevel.CITY_MAJOR, 10), (ProjectLevel.KEY, 28), (ProjectLevel.COUNTY, 22)]
# 万元 ranges of total investment per level.
INVESTMENT = {
    ProjectLevel.CITY_MAJOR: (100_000, 600_000),
    ProjectLevel.KEY: (20_000, 120_000),
    ProjectLevel.COUNTY: (3_000, 30_000),
}
GREEN_CHANNEL_NOTE = "市政府确定的重大项目绿色通道（特事特办、急事急办）"


@dataclass
class Plan:
    """One project's story: the day each stage was reached, its people and its pace."""

    index: int
    final: str
    level: str
    category: str
    owner: Enterprise
    location: Unit
    name: str
    dates: dict[str, date] = field(default_factory=dict)
    pace: str = "normal"  # ahead / normal / lagging / stalled (construction)
    green: bool = False
    stuck: bool = False  # an approval project with a milestone left overdue
    ytd: float = 0.0  # this year's investment reported so far (万元)
    project: Project | None = None
    secretary: User | None = None
    milestones: list = field(default_factory=list)  # (kind, planned_due) of the plan

    def stage_on(self, day: date) -> str | None:
        """The stage the project was in on `day` (None before it was entered)."""
        current = None
        for stage in S.values:
            d = self.dates.get(stage)
            if d is not None and d <= day:
                current = stage
        return current


class ProjectsDemo:
    def __init__(self, ctx: DemoContext):
        self.ctx, self.rng = ctx, ctx.rng
        self.today, self.now = ctx.today, ctx.now
        self.units = {u.code: u for u in Unit.objects.filter(is_active=True)}
        self.users = {u.username: u for u in User.objects.filter(is_active=True).select_related("unit")}
        self.hub = self.users["hub"]
        self.city_leaders = [
            u
            for u in self.users.values()
            if u.role == Role.LEADER and u.leader_level != LeaderLevel.COUNTY_PRINCIPAL
        ]
        self.city_leaders.sort(key=lambda u: u.username)

    # -- helpers ---------------------------------------------------------------------------------

    def past(self, when: datetime) -> bool:
        return when < self.now

    def county_code(self, unit: Unit) -> str:
        return unit.code.split("-")[0].lower()

    def county_short(self, unit: Unit) -> str:
        name = unit.display_name if hasattr(unit, "display_name") else unit.name
        for suffix in ("人民政府", "管理委员会"):
            name = name.replace(suffix, "")
        return name.replace("榕城", "").replace("高新技术产业开发区", "高新区")

    def handler_of(self, unit: Unit) -> User | None:
        code = unit.code.split("-")[0]
        return self.users.get("handler" if code == "GXJ" else f"handler_{code.lower()}")

    # -- the library -----------------------------------------------------------------------------

    def plans(self) -> list[Plan]:
        rng = self.rng
        enterprises = list(
            Enterprise.objects.select_related("location").prefetch_related("contacts", "users").order_by("id")
        )
        own = next((e for e in enterprises if any(u.username == "enterprise" for u in e.users.all())), None)
        finals = [stage for stage, n in data.STAGE_PLAN for _ in range(n)]
        rng.shuffle(finals)
        construction = [i for i, s in enumerate(finals) if s == S.CONSTRUCTION]
        stalled = rng.choice(construction)
        green = {rng.choice(construction), rng.choice([i for i, s in enumerate(finals) if s == S.APPROVAL])}
        used_names: set[str] = set()
        used_owners: dict[int, int] = {}
        plans = []
        for i, final in enumerate(finals, start=1):
            category = weighted(rng, [(c, w) for c, w, _, _ in data.CATEGORIES])
            _, _, industries, templates = next(x for x in data.CATEGORIES if x[0] == category)
            pool = [e for e in enterprises if e.industry in industries and used_owners.get(e.pk, 0) < 2]
            if i <= 2 and own is not None:
                owner = own  # the demo enterprise account sees its own projects
                category = ProjectCategory.INDUSTRY
                templates = data.CATEGORIES[0][3]
            else:
                big = [e for e in pool if e.above_scale or e.above_quota or e.tag_negotiating]
                owner = rng.choice(big if big and rng.random() < 0.7 else pool or enterprises)
            used_owners[owner.pk] = used_owners.get(owner.pk, 0) + 1
            level = weighted(rng, LEVELS)
            name = self.name(templates, owner, used_names)
            plan = Plan(
                index=i,
                final=final,
                level=level,
                category=category,
                owner=owner,
                location=owner.location,
                name=name,
                green=(i - 1) in green,
            )
            plan.pace = weighted(rng, [("ahead", 3), ("normal", 8), ("lagging", 4)])
            if i - 1 == stalled:
                plan.pace = "stalled"
            plan.stuck = final == S.APPROVAL and rng.random() < 0.3
            self.schedule(plan)
            plans.append(plan)
        return plans

    def name(self, templates, owner: Enterprise, used: set[str]) -> str:
        rng = self.rng
        brand = next((b for b in BRANDS if b in owner.name), owner.name[2:4])
        for _ in range(50):
            name = rng.choice(templates).format(
                brand=brand,
                county=self.county_short(owner.location),
                n=rng.choice([5, 10, 20, 30, 50]),
                material=rng.choice(data.MATERIALS),
                mw=rng.choice([20, 50, 100]),
                mu=rng.choice([1000, 3000, 5000]),
            )
            if name not in used:
                used.add(name)
                return name
        name = f"{owner.name[:8]}扩建项目（{len(used) + 1}）"
        used.add(name)
        return name

    def total_workdays(self, green: bool) -> int:
        return sum(
            roadmap_rules.committed_workdays(days, green_channel=green)
            for kind, days in roadmap_rules.DEFAULT_WORKDAYS.items()
            if kind in data.ROADMAP_UNITS
        )

    def schedule(self, plan: Plan) -> None:
        """The day each stage was reached, backwards from the last one (all in the past)."""
        rng, T = self.rng, self.today
        d = plan.dates
        days = timedelta

        def before(day: date, lo: int, hi: int) -> date:
            return workday_before(day - days(rng.randint(lo, hi)))

        final = plan.final
        if ORDER[final] >= ORDER[S.CONSTRUCTION]:
            if final == S.OPERATING:
                d[S.OPERATING] = before(T, 20, 330)
                d[S.COMPLETED] = before(d[S.OPERATING], 30, 90)
                d[S.CONSTRUCTION] = before(d[S.COMPLETED], 300, 560)
            elif final == S.COMPLETED:
                d[S.COMPLETED] = before(T, 8, 150)
                d[S.CONSTRUCTION] = before(d[S.COMPLETED], 300, 560)
            else:
                d[S.CONSTRUCTION] = before(T, 200, 700)  # a year of reports
            anchor = before(d[S.CONSTRUCTION], 1, 8)
            d[S.APPROVAL] = subtract_workdays(
                anchor, self.total_workdays(plan.green) + rng.randint(3, 15)
            ).date
            plan.anchor = anchor
        elif final == S.APPROVAL:
            d[S.APPROVAL] = before(T, 20, 130)
            plan.anchor = add_workdays(
                d[S.APPROVAL], self.total_workdays(plan.green) + rng.randint(5, 20)
            ).date
        if ORDER[final] >= ORDER[S.APPROVAL]:
            d[S.SIGNED] = before(d[S.APPROVAL], 10, 45)
        elif final == S.SIGNED:
            d[S.SIGNED] = before(T, 10, 110)
        if ORDER[final] >= ORDER[S.SIGNED]:
            d[S.NEGOTIATION] = before(d[S.SIGNED], 60, 160)
        elif final == S.NEGOTIATION:
            d[S.NEGOTIATION] = before(T, 20, 300)
        if ORDER[final] >= ORDER[S.NEGOTIATION]:
            d[S.RESERVE] = before(d[S.NEGOTIATION], 25, 90)
        else:
            d[S.RESERVE] = before(T, 12, 240)

    def facts(self, plan: Plan) -> dict:
        """The library facts the lead-unit rules read (seeds/003 二), and the plan."""
        rng, u = self.rng, self.units
        county = plan.location
        roll = rng.random()
        if plan.level == ProjectLevel.COUNTY or roll < 0.5:
            first = county
        elif roll < 0.8:
            first = u["TCJ"]  # the investment-promotion bureau
        else:
            first = u[data.DEPARTMENT_CONTACT[plan.category]]
        industry_unit = u[data.INDUSTRY_UNIT[plan.category]]
        # A project the bureau introduced is led after signing by the department the city
        # designates by industry (二(二)3); one signed project still waits for it.
        designated = None
        if first.code == "TCJ" and not (plan.final == S.SIGNED and rng.random() < 0.4):
            designated = industry_unit
        authority = weighted(
            rng,
            [(ApprovalAuthority.COUNTY, 5), (ApprovalAuthority.CITY, 4), (ApprovalAuthority.ABOVE_CITY, 1)]
            if plan.level != ProjectLevel.CITY_MAJOR
            else [(ApprovalAuthority.CITY, 5), (ApprovalAuthority.ABOVE_CITY, 4)],
        )
        low, high = INVESTMENT[plan.level]
        total = Decimal(rng.randrange(low, high, 100))
        # This year's plan: early works for a project signed or in approval, the bulk of
        # the construction for one being built; nothing once it is completed or operating.
        share = {S.SIGNED: (3, 8), S.APPROVAL: (5, 12), S.CONSTRUCTION: (15, 40), S.COMPLETED: (10, 25)}.get(
            plan.final
        )
        if plan.final == S.OPERATING and plan.dates[S.COMPLETED].year == self.today.year:
            share = (5, 12)  # built this year before it went into operation
        annual = Decimal(0)
        if share:
            annual = (total * Decimal(rng.randrange(*share)) / 100).quantize(Decimal("100"))
        start = plan.dates.get(S.CONSTRUCTION)
        if start is None and ORDER[plan.final] >= ORDER[S.SIGNED]:
            start = getattr(plan, "anchor", None) or self.today + timedelta(days=rng.randint(60, 200))
        completion = plan.dates.get(S.COMPLETED)
        if completion is None and start is not None:
            completion = start + timedelta(days=rng.choice([540, 720, 900]))
        return dict(
            code=f"XM{plan.dates[S.RESERVE].year}-{plan.index:03d}",
            name=plan.name,
            owner=plan.owner,
            category=plan.category,
            industry=plan.owner.get_industry_display(),
            level=plan.level,
            location=county,
            address=f"{self.county_short(county)}{rng.choice(['工业园', '产业园', '新城片区', '滨江片区'])}"
            f"{rng.choice(['一', '二', '三', '五'])}号地块",
            first_contact_unit=first,
            introducing_unit=first,
            designated_unit=designated,
            industry_unit=industry_unit,
            approval_authority=authority,
            total_investment=total,
            annual_investment=annual,
            planned_start=start,
            planned_completion=completion,
            summary=(
                f"项目由{plan.owner.name}投资建设，位于{county.display_name}，总投资{total / 10000:.2f}亿元，"
                f"主要建设{plan.name.removesuffix('项目').removesuffix('工程')}及配套设施。"
            ),
            green_channel=plan.green,
            green_channel_note=GREEN_CHANNEL_NOTE if plan.green else "",
            public=rng.random() < 0.8,
        )

    def create(self, plan: Plan) -> None:
        d0 = plan.dates[S.RESERVE]
        plan.project = project_create(
            actor=self.hub, lead_unit=plan.location, now=at(d0, 9, 0), **self.facts(plan)
        )

    # -- the team (1+1+N) --------------------------------------------------------------------------

    def team(self, plan: Plan) -> None:
        rng, p = self.rng, plan.project
        county = self.county_code(plan.location)
        day = plan.dates[S.RESERVE] + timedelta(days=rng.randint(1, 6))
        day = min(day, self.today - timedelta(days=1))
        when = at(day, 9, 30)
        principal = self.users.get(f"leader_{county}")
        city = self.city_leaders[plan.index % len(self.city_leaders)]
        if plan.level == ProjectLevel.CITY_MAJOR or (plan.level == ProjectLevel.KEY and rng.random() < 0.7):
            leader, chief = city, principal
        elif plan.level == ProjectLevel.KEY:
            leader, chief = principal, city
        else:
            leader, chief = self.users.get(f"head_{county}") or principal, principal

        def assign(role, **kw):
            return member_assign(project_id=p.pk, actor=self.hub, role=role, on=day, now=when, **kw)

        assign(R.LEADER, user=leader, basis="市政府重点项目包挂分工（seeds/003 一）")
        assign(R.CHIEF_SERVICE, user=chief, basis="四大家班子成员联系服务重点项目（seeds/004 枣阳）")
        butler = self.users.get(f"butler_{county}_{1 + plan.index % 2}")
        if butler:
            assign(R.BUTLER, user=butler, basis="属地项目管家（seeds/002）")
        plan.secretary = self.users.get(f"handler_{county}") or butler
        assign(R.SECRETARY, user=plan.secretary, basis="项目秘书每天报“帮你办”情况（seeds/004 枣阳）")
        contacts = list(plan.owner.contacts.all())
        if contacts:
            assign(R.ENTERPRISE_CONTACT, contact=contacts[0])
        for code in rng.sample(data.TEAM_UNITS, rng.randint(2, 3)):
            assign(R.TEAM_UNIT, unit=self.units[code], user=self.handler_of(self.units[code]))

    # -- stages, consultation, roadmap ---------------------------------------------------------------

    def consult(self, plan: Plan, held_on: date, conclusion=ConsultationConclusion.AGREE) -> None:
        agree = conclusion == ConsultationConclusion.AGREE
        dispatch_services.consultation_record(
            actor=self.hub,
            project_id=plan.project.pk,
            held_on=held_on,
            participants=f"市发展改革委、市自然资源和规划局、市生态环境局、{plan.location.display_name}",
            fits_city_plan=True,
            fits_park_positioning=True,
            fits_industry_policy=agree,
            conclusion=conclusion,
            opinion=(
                "项目符合城市发展规划、园区产业定位和产业政策，同意落地，请牵头单位加快推进签约。"
                if agree
                else "项目能耗指标和产业政策符合性有待进一步论证，暂缓签约，请补充论证材料后再议。"
            ),
            now=at(held_on, 15, 0),
        )

    def advance(self, plan: Plan, move: str, on: date) -> None:
        project_advance(
            project_id=plan.project.pk,
            move=move,
            actor=self.hub,
            on=on,
            note=data.STAGE_NOTES[move],
            now=at(on, 10, 0),
        )

    def roadmap(self, plan: Plan) -> list[Milestone]:
        items = [
            {"kind": kind, "agent_id": self.agent(plan).pk, "responsible_unit_id": self.units[code].pk}
            for kind, code in data.ROADMAP_UNITS.items()
        ]
        day = plan.dates[S.APPROVAL]
        return roadmap_services.roadmap_plan(
            project_id=plan.project.pk,
            actor=self.hub,
            direction=PlanRule.REVERSE,
            anchor=plan.anchor,
            items=items,
            now=at(day, 11, 0),
        )

    def agent(self, plan: Plan) -> User:
        return self.users.get("handler_xzfw") or self.hub

    def milestone_days(self, plan: Plan, milestones: list[Milestone]) -> list[tuple[Milestone, date]]:
        """The days the nodes were done: near their planned due day, in order, none after
        yesterday; a stuck approval project leaves a node overdue and the rest after it."""
        rng = self.rng
        done, previous = [], plan.dates[S.APPROVAL]
        limit = plan.dates.get(S.CONSTRUCTION, self.today) - timedelta(days=1)
        for m in milestones:
            if plan.stuck and m.planned_due < self.today and m.planned_due >= self.today - timedelta(days=60):
                break
            late = rng.random() < 0.15
            jitter = rng.randint(4, 12) if late else rng.randint(-4, 2)
            day = max(previous, workday_before(m.planned_due + timedelta(days=jitter)))
            if day > limit:
                if plan.final == S.APPROVAL:
                    break
                day = max(previous, limit)
            done.append((m, day))
            previous = day
        return done

    def story(self, plan: Plan, progress) -> None:
        """Everything after the project's entry, in the order it happened."""
        rng, d = self.rng, plan.dates
        events: list[tuple[datetime, int, object]] = []
        seq = itertools.count()

        def add(when: datetime, fn) -> None:
            if self.past(when):
                events.append((when, next(seq), fn))

        for move, stage in MOVES:
            if stage in d:
                add(at(d[stage], 10, 0), lambda m=move, s=stage: self.advance(plan, m, d[s]))
        if S.SIGNED in d:
            held = workday_before(d[S.SIGNED] - timedelta(days=rng.randint(7, 30)))
            held = max(held, d[S.NEGOTIATION])
            add(at(held, 15, 0), lambda: self.consult(plan, held))
        elif plan.final == S.NEGOTIATION and rng.random() < 0.5:
            held = d[S.NEGOTIATION] + timedelta(days=rng.randint(15, 60))
            if held < self.today:
                conclusion = (
                    ConsultationConclusion.DEFER if plan.index % 5 == 0 else ConsultationConclusion.AGREE
                )
                add(at(held, 15, 0), lambda: self.consult(plan, held, conclusion))
        if S.APPROVAL in d:

            def plan_roadmap() -> None:
                milestones = self.roadmap(plan)
                for m, day in self.milestone_days(plan, milestones):
                    # Completed through the milestone table, each on its own day, in turn.
                    add(at(day, 16, 0), lambda m=m, day=day: self.complete(m, day))

            add(at(d[S.APPROVAL], 11, 0), plan_roadmap)
        progress.plan_events(plan, add)
        while events:
            events.sort(key=lambda e: (e[0], e[1]))
            _, _, fn = events.pop(0)
            fn()

    def complete(self, milestone: Milestone, day: date) -> None:
        roadmap_services.milestone_complete(
            milestone_id=milestone.pk,
            actor=self.hub,
            actual_on=day,
            note="批文已取得，代办员上传办理结果。",
            now=at(day, 16, 0),
        )

    def run(self) -> list[Plan]:
        plans = self.plans()
        progress = ProgressDemo(self)
        for n, plan in enumerate(plans, start=1):
            self.create(plan)
            self.team(plan)
            self.story(plan, progress)
            self.ctx.tick(n, len(plans))
        progress.finish(plans)
        DispatchDemo(self).run(plans)
        return plans


def build(ctx: DemoContext) -> None:
    plans = ProjectsDemo(ctx).run()
    counts = {}
    for p in Project.objects.values_list("stage", flat=True):
        counts[p] = counts.get(p, 0) + 1
    text = "，".join(f"{S(s).label} {counts.get(s, 0)}" for s in S.values)
    ctx.log(f"  项目 {len(plans)} 个：{text}")
