"""The demo city's coordination year: monthly escalation batches, city leaders' coordination
meetings, the counties' monthly dispatch meetings for every project in construction
(seeds/004 绵阳: 每月至少召开1次协调会), four quarterly face-to-face events (the latest in
progress) and regular ones, and the tasks their opinions gave to units, in every state.

Everything is driven through the real services with `now=` set to its historical moment,
month by month, so batches, timelines, audit events, deadlines and counting facts are what
the system would have produced. The appeals demo leaves its escalated appeals waiting
("the coordination demo takes it from here"); they join their batches here. The problems
of the projects in construction, and the problems enterprises raise at the events, are
registered here through the appeals app's intake (so the appeals' own timelines carry the
whole story), because the appeals demo's six months do not reach back a year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from zhitong.appeals import services as appeal_services
from zhitong.appeals.choices import OPEN_STATUSES, Channel, EscalationStatus, Status
from zhitong.appeals.models import Appeal, Category
from zhitong.coordination import selectors, services
from zhitong.coordination.choices import TaskStatus
from zhitong.coordination.models import EscalationRequest, Event, EventItem, Meeting, MeetingItem, Task
from zhitong.coordination.services._common import month_start, next_month, prev_month
from zhitong.organizations.choices import Role
from zhitong.organizations.models import Unit, User
from zhitong.projects.models import Project, ProjectStage
from zhitong.workdays.services import add_workdays, is_workday

from .context import DemoContext, demo_pdf
from .coordination_events import EventsMixin
from .data import (
    OPINION_TEXTS,
    PROJECT_PROBLEMS,
    RETURN_REASONS,
    TASK_DONE_NOTES,
    TASK_PROGRESS_NOTES,
)

MONTHS = 12


@dataclass
class Problem:
    project: Project
    first: date  # month it was raised
    last: date  # month it was solved (or the current month when still open)
    spec: tuple
    appeal: Appeal | None = None
    escalate: bool = False
    solved: bool = True


@dataclass
class Stats:
    meetings: int = 0
    items: int = 0
    tasks: int = 0
    events: int = 0
    batches: int = 0
    appeals: int = 0
    extra: dict = field(default_factory=dict)


class CoordinationDemo(EventsMixin):
    def __init__(self, ctx: DemoContext):
        self.ctx, self.rng = ctx, ctx.rng
        self.now = ctx.now
        self.today = ctx.today
        self.units = {u.code: u for u in Unit.objects.filter(is_active=True)}
        self.users = {u.username: u for u in User.objects.filter(is_active=True).select_related("unit")}
        self.hub, self.office = self.users["hub"], self.users["hub_gxj"]
        self.supervisor = self.users["supervisor"]
        self.cats = {c.code: c for c in Category.objects.all()}
        self.enterprise_user = self.users.get("enterprise")
        self.stats = Stats()
        self.seq = 0

    # -- time and people -----------------------------------------------------------------

    def at(self, d: date, hour: int = 9, minute: int = 30) -> datetime:
        return timezone.make_aware(datetime.combine(d, time(hour, minute)))

    def workday(self, d: date) -> date:
        return d if is_workday(d) else add_workdays(d, 1).date

    def past(self, t: datetime) -> bool:
        return t <= self.now

    def handler(self, unit: Unit) -> User:
        low = unit.code.lower()
        for name in (
            f"handler_{low}",
            "handler" if unit.code == "GXJ" else "",
            f"butler_{low}_1",
            f"head_{low}",
        ):
            if name and name in self.users:
                return self.users[name]
        staff = [u for u in self.users.values() if u.unit_id and u.unit.path.startswith(unit.path)]
        staff = [u for u in staff if u.role in (Role.HANDLER, Role.UNIT_HEAD)]
        return sorted(staff, key=lambda u: (u.role != Role.HANDLER, u.pk))[0]

    def county_leader(self, unit: Unit) -> User | None:
        return self.users.get(f"leader_{unit.code.lower()}")

    def pdf(self, name: str) -> SimpleUploadedFile:
        self.seq += 1
        return demo_pdf(name, f"coord-{self.seq}")

    # -- appeals through the appeals app's services ----------------------------------------

    def open_appeal(
        self,
        *,
        enterprise,
        title,
        description,
        category,
        lead: Unit,
        received: datetime,
        channel,
        project=None,
    ):
        """Intake → assign → sign, at `received` and the next hours. The time limit is the
        category's legal ceiling: these are the hard cases."""
        cat = self.cats.get(category) or self.cats["QT"]
        # A green-channel project's appeal keeps its shortened committed limit (绿色通道).
        handling_days = None if project and project.green_channel else cat.legal_limit_days or 60
        appeal, _ = appeal_services.appeal_intake(
            actor=self.handler(lead),
            enterprise_id=enterprise.pk,
            project_id=project.pk if project else None,
            title=title,
            description=description,
            category_id=cat.pk,
            channel=channel,
            received_at=received,
            now=received,
        )
        appeal_services.appeal_move(
            appeal_id=appeal.pk,
            move="assign",
            actor=self.hub,
            lead_unit_id=lead.pk,
            handling_days=handling_days,
            override_reason="重点项目和面对面活动问题由其牵头单位负责。",
            now=received + timedelta(hours=1),
        )
        appeal = appeal_services.appeal_move(
            appeal_id=appeal.pk, move="sign", actor=self.handler(lead), now=received + timedelta(hours=3)
        )
        self.stats.appeals += 1
        return appeal

    def close_appeal(
        self,
        appeal: Appeal,
        when: datetime,
        rating: int | None = None,
        *,
        rate_before: datetime | None = None,
    ) -> datetime | None:
        """Resolve with evidence, verify, rate — as far as `now` allows. With `rate_before`, a
        rating due at or after it is left to the caller (`rate_appeal`): its time is returned."""
        appeal.refresh_from_db()
        if appeal.status not in (Status.IN_PROGRESS, Status.ESCALATED) or not self.past(when):
            return None
        lead = appeal.lead_unit
        appeal_services.appeal_move(
            appeal_id=appeal.pk,
            move="resolve",
            actor=self.handler(lead),
            resolution=self.rng.choice(TASK_DONE_NOTES),
            evidence_files=[self.pdf("办结报告.pdf")],
            now=when,
        )
        verify_at = self.at(add_workdays(when.date(), 1).date, 10, 15)
        if not self.past(verify_at):
            return None
        appeal_services.appeal_move(
            appeal_id=appeal.pk, move="verify", actor=self.hub, note="核验通过。", now=verify_at
        )
        rate_at = self.at(add_workdays(verify_at.date(), 2).date, 15, 20)
        if not self.past(rate_at):
            return None
        if rate_before is not None and rate_at >= rate_before:
            return rate_at
        self.rate_appeal(appeal, rate_at, rating)
        return None

    def rate_appeal(self, appeal: Appeal, rate_at: datetime, rating: int | None = None) -> None:
        """The enterprise's rating (or the hub's call-back) at `rate_at`."""
        rating = rating or self.rng.choices([5, 4, 3], weights=[55, 35, 10])[0]
        rater = (
            self.enterprise_user
            if self.enterprise_user and self.enterprise_user.enterprise_id == appeal.enterprise_id
            else self.hub
        )
        comment = "感谢政府部门的协调服务。" if rating >= 3 else "办理进度偏慢，问题尚未根本解决。"
        appeal_services.appeal_move(
            appeal_id=appeal.pk, move="rate", actor=rater, rating=rating, comment=comment, now=rate_at
        )

    # -- tasks -------------------------------------------------------------------------------

    def follow_tasks(self, tasks: list[Task], *, force_done_before: date) -> None:
        """Each task's life: most done on time and confirmed, some late, some still open."""
        rng = self.rng
        for task in tasks:
            start = timezone.localdate(task.assigned_at)
            old = task.due < force_done_before
            roll = rng.random()
            if old:
                outcome = "done" if roll < 0.85 else "late"
            else:
                outcome = rng.choices(
                    ["done", "late", "reported", "progress", "none"], weights=[45, 10, 15, 20, 10]
                )[0]
            reporter = self.handler(task.unit)
            span = max((task.due - start).days, 2)
            if outcome in ("progress", "done", "late", "reported"):
                t = self.at(start + timedelta(days=max(1, span // 3)), 16, 10)
                if self.past(t):
                    services.task_report_progress(
                        actor=reporter, task_id=task.pk, note=rng.choice(TASK_PROGRESS_NOTES), now=t
                    )
            if outcome in ("done", "reported"):
                t = self.at(self.workday(start + timedelta(days=max(2, span - rng.randint(1, 4)))), 17, 0)
            elif outcome == "late":
                t = self.at(add_workdays(task.due, rng.randint(1, 4)).date, 11, 0)
            else:
                continue
            if not self.past(t):
                continue
            services.task_report_done(
                actor=reporter, task_id=task.pk, note=rng.choice(TASK_DONE_NOTES), now=t
            )
            if outcome == "reported":
                continue
            c = self.at(add_workdays(t.date(), rng.randint(1, 2)).date, 10, 0)
            if self.past(c):
                confirmer = self.supervisor if rng.random() < 0.4 else self.hub
                services.task_confirm(actor=confirmer, task_id=task.pk, note="已核实，同意办结。", now=c)

    def opinion_for(self, lead: Unit, others: list[Unit], days: int) -> str:
        text = self.rng.choice(OPINION_TEXTS)
        return text.format(
            lead=lead.display_name,
            others="、".join(u.display_name for u in others) or "有关单位",
            days=f"{days}个工作日",
        )

    # -- the year -------------------------------------------------------------------------------

    def run(self) -> None:
        first = month_start(self.today)
        for _ in range(MONTHS - 1):
            first = prev_month(first)
        months = [first]
        while months[-1] < month_start(self.today):
            months.append(next_month(months[-1]))
        problems = self.plan_problems(months)
        latest_closed = max(
            (m for m in months if services.batch_cutoff(m).date < self.today - timedelta(days=1)),
            default=None,
        )
        steps = len(months) + 2  # the months, the events, the counting facts
        for n, month in enumerate(months):
            self.ctx.tick(n, steps)
            self.raise_problems(month, problems)
            self.review_batch(month, partial=month == latest_closed)
            self.city_meetings(month)
            self.county_meetings(month, problems)
            self.solve_problems(month, problems)
        self.ctx.tick(len(months), steps)
        self.events(months)
        self.ctx.tick(len(months) + 1, steps)
        for month in months:
            services.facts_evaluate_month(month=month, now=self.now)
        self.certify(months)
        self.ctx.tick(steps, steps)
        s = self.stats
        open_tasks = Task.objects.exclude(status=TaskStatus.DONE).count()
        red = Task.objects.exclude(status=TaskStatus.DONE).filter(due__lt=self.today).count()
        self.ctx.log(
            f"  批次 {s.batches} 个，协调会 {Meeting.objects.count()} 次（议题 {MeetingItem.objects.count()} 个），"
            f"面对面活动 {Event.objects.count()} 场（问题 {EventItem.objects.count()} 个）"
        )
        self.ctx.log(
            f"  交办任务 {Task.objects.count()} 项（未办结 {open_tasks}，其中超期 {red}），新登记诉求 {s.appeals} 件"
        )

    # -- projects in construction ---------------------------------------------------------------

    def plan_problems(self, months: list[date]) -> list[Problem]:
        rng = self.rng
        projects = list(
            Project.objects.filter(stage=ProjectStage.CONSTRUCTION)
            .select_related("owner", "location", "lead_unit")
            .order_by("code")
        )
        problems = []
        for project in projects:
            i = rng.randint(0, 1)  # some projects start with a problem a month later
            specs = rng.sample(PROJECT_PROBLEMS, k=len(PROJECT_PROBLEMS))
            n = 0
            while i < len(months):
                length = rng.choice([1, 2, 2, 3, 3, 4])
                last = min(i + length - 1, len(months) - 1)
                solved = last < len(months) - 1 or rng.random() < 0.3
                problems.append(
                    Problem(
                        project=project,
                        first=months[i],
                        last=months[last],
                        spec=specs[n % len(specs)],
                        escalate=rng.random() < 0.22,
                        solved=solved,
                    )
                )
                n += 1
                i = last + 1
        return problems

    def raise_problems(self, month: date, problems: list[Problem]) -> None:
        rng = self.rng
        cutoff = services.batch_cutoff(month).date
        for p in problems:
            if p.first != month:
                continue
            title, description, cat, _, _ = p.spec
            received = self.at(
                self.workday(month + timedelta(days=rng.randint(1, 4))),
                rng.randint(9, 11),
                rng.randint(0, 59),
            )
            if not self.past(received):
                p.appeal = None
                continue
            p.appeal = self.open_appeal(
                enterprise=p.project.owner,
                project=p.project,
                title=f"{p.project.name}{title}",
                description=description,
                category=cat,
                lead=p.project.lead_unit,
                received=received,
                channel=Channel.VISIT,
            )
            if p.escalate:
                when = self.at(min(cutoff, received.date() + timedelta(days=rng.randint(2, 6))), 15, 30)
                when = max(when, received + timedelta(hours=5))
                if not self.past(when):
                    continue
                _, _, _, help_codes, _ = p.spec
                units = [self.units[c] for c in help_codes if c in self.units]
                if p.project.location not in units:
                    units.append(p.project.location)
                lead = p.project.lead_unit
                handler = self.handler(lead)
                appeal_services.appeal_move(
                    appeal_id=p.appeal.pk,
                    move="escalate",
                    actor=handler,
                    project_name=p.project.name,
                    basic_situation=p.project.summary or description,
                    problem=f"{title}。{description}经县（区）、部门多次协调仍未解决，提请市领导协调。",
                    unit_ids_to_coordinate=[u.pk for u in units],
                    contact_name=handler.display_name,
                    contact_mobile=handler.phone or "13900000000",
                    now=when,
                )

    def review_batch(self, month: date, *, partial: bool) -> None:
        rng = self.rng
        batch = selectors.batch_for_month(month)
        start = self.at(add_workdays(batch.cutoff, 1).date, 9, 30)
        if not self.past(start):
            return
        if not selectors.batch_requests(month=month).exists():
            return
        services.batch_start_review(actor=self.hub, month=month, now=start)
        self.stats.batches += 1
        reqs = list(selectors.batch_requests(month=month))
        for n, req in enumerate(reqs):
            t = start + timedelta(minutes=20 * (n + 1))
            if partial and n >= len(reqs) // 2:
                break  # the hub is still reviewing the latest batch
            if rng.random() < 0.15:
                services.escalation_return(
                    actor=self.hub, request_id=req.pk, reason=rng.choice(RETURN_REASONS), now=t
                )
            else:
                services.escalation_accept(
                    actor=self.hub, request_id=req.pk, note="同意提请市领导协调。", now=t
                )
        if not partial:
            services.batch_submit(actor=self.hub, month=month, now=start + timedelta(hours=6))

    def city_meetings(self, month: date) -> None:
        """The leaders coordinate the requests of the month's batch (seeds/000 二)."""
        rng = self.rng
        sent = (
            EscalationRequest.objects.filter(batch_month=month, status=EscalationStatus.SENT_TO_LEADER)
            .select_related("leader", "reporting_unit", "appeal")
            .prefetch_related("units_to_coordinate")
            .order_by("leader_id", "pk")
        )
        by_leader: dict[int, list[EscalationRequest]] = {}
        for req in sent:
            by_leader.setdefault(req.leader_id, []).append(req)
        cutoff = services.batch_cutoff(month).date
        for reqs in by_leader.values():
            leader = reqs[0].leader
            held = self.at(add_workdays(cutoff, rng.randint(4, 8)).date, 15, 0)
            created = self.at(add_workdays(cutoff, 2).date, 10, 0)
            if not self.past(created):
                continue
            units = {u.pk for r in reqs for u in [r.reporting_unit, *r.units_to_coordinate.all()]}
            meeting = services.meeting_create(
                actor=self.hub,
                title=f"{month.year}年{month.month}月提请市领导协调问题协调会",
                convener=leader,
                held_at=held,
                place="市政府第三会议室",
                unit_ids=sorted(units),
                now=created,
            )
            services.meeting_add_items(
                actor=self.hub, meeting_id=meeting.pk, escalation_ids=[r.pk for r in reqs], now=created
            )
            self.opinions(meeting, minutes=True)

    def opinions(self, meeting: Meeting, *, minutes: bool) -> None:
        rng = self.rng
        t = meeting.held_at + timedelta(hours=2)
        if not self.past(t):
            return
        tasks = []
        for item in meeting.items.select_related("appeal", "escalation", "appeal__lead_unit").order_by(
            "sort_order"
        ):
            lead = item.appeal.lead_unit or item.unit
            helpers = list(item.escalation.units_to_coordinate.all()) if item.escalation_id else []
            if not helpers:
                codes = next((s[3] for s in PROJECT_PROBLEMS if s[0] in item.appeal.title), [])
                helpers = [self.units[c] for c in codes if c in self.units]
            others = [u for u in helpers if u.pk != lead.pk][:2]
            days = rng.choice([10, 15, 15, 20])
            services.meeting_record_opinion(
                actor=self.hub,
                item_id=item.pk,
                opinion=self.opinion_for(lead, others, days),
                unit_ids=[lead.pk, *[u.pk for u in others]],
                due_workdays=days,
                now=t,
            )
            tasks += list(Task.objects.filter(meeting_item=item))
        if minutes and ((self.today - t.date()).days > 3 or rng.random() < 0.5):
            services.meeting_upload_minutes(
                actor=self.hub,
                meeting_id=meeting.pk,
                upload=self.pdf("会议纪要.pdf"),
                now=t + timedelta(hours=1),
            )
        self.follow_tasks(tasks, force_done_before=self.today - timedelta(days=20))

    def county_meetings(self, month: date, problems: list[Problem]) -> None:
        """seeds/004 绵阳: each project in construction coordinated at least once a month —
        by the principal leaders of the county or park where it is built (三级调度)."""
        rng = self.rng
        by_county: dict[int, list[Problem]] = {}
        for p in problems:
            if p.first <= month <= p.last and p.appeal is not None:
                by_county.setdefault(p.project.location_id, []).append(p)
        for problems_here in by_county.values():
            county = problems_here[0].project.location
            convener = self.county_leader(county)
            if convener is None:
                continue
            held = self.at(self.workday(month + timedelta(days=rng.randint(17, 24))), 9, 30)
            created = held - timedelta(days=5)
            if not self.past(created):
                continue
            live = []
            for p in problems_here:
                p.appeal.refresh_from_db()
                if p.appeal.status in OPEN_STATUSES:
                    live.append(p)
            if not live:
                continue
            meeting = services.meeting_create(
                actor=self.hub,
                title=f"{county.display_name}重点项目{month.month}月调度协调会",
                convener=convener,
                held_at=held,
                place=f"{county.display_name}政府会议室",
                unit_ids=sorted({county.pk, *[p.project.lead_unit_id for p in live]}),
                now=created,
            )
            services.meeting_add_items(
                actor=self.hub, meeting_id=meeting.pk, appeal_ids=[p.appeal.pk for p in live], now=created
            )
            self.opinions(meeting, minutes=True)

    def certify(self, months: list[date]) -> None:
        """seeds/000 五(二)1: the hub certifies each county's county-principal meetings of a
        month in the first days of the next; the last month that ended is left for the hub
        to do (the page shows it waiting)."""
        from zhitong.coordination.choices import CertificationStatus
        from zhitong.coordination.models import FactCertification

        ended = [m for m in months if next_month(m) <= self.today]
        for month in ended[:-1]:
            when = self.at(add_workdays(next_month(month), 2).date, 10, 0)
            if not self.past(when):
                continue
            for cert in FactCertification.objects.filter(month=month, status=CertificationStatus.PENDING):
                services.certification_certify(
                    actor=self.hub, certification_id=cert.pk, note="经审核会议纪要，予以认定。", now=when
                )

    def solve_problems(self, month: date, problems: list[Problem]) -> None:
        for p in problems:
            if p.last != month or not p.solved or p.appeal is None:
                continue
            when = self.at(self.workday(next_month(month) - timedelta(days=3)), 16, 0)
            self.close_appeal(p.appeal, when)


def build(ctx: DemoContext) -> None:
    CoordinationDemo(ctx).run()
