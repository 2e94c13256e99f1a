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
from zhitong.common.demo import DemoContext
from zhitong.enterprises.models import Enterprise
from zhitong.organizations.choices import Role
from zhitong.organizations.models import Unit, User
from zhitong.projects.models import Project, ProjectStage
from zhitong.workdays.services import add_workdays, is_workday

from . import selectors, services
from .choices import EventKind, TaskStatus, Verification
from .models import EscalationRequest, Event, EventItem, Meeting, MeetingItem, Task
from .services._common import month_start, next_month, prev_month

MONTHS = 12

# Project problems (title, description, category, units asked to help, opinion).
PROJECT_PROBLEMS = [
    (
        "二期用地报批进度滞后",
        "项目二期用地组卷报批已近三个月未获批复，影响二期厂房按计划开工。",
        "YDGH",
        ["ZRJ"],
        "市自然资源和规划局加快用地组卷报批，{county}做好征迁扫尾，按节点倒排推进",
    ),
    (
        "施工许可办理卡在消防设计审查环节",
        "主体工程施工图已审查通过，消防设计审查意见反复修改，施工许可迟迟未能核发。",
        "QQSP",
        ["ZJJ", "XZFW"],
        "市住建局组织消防设计审查专班会审，行政服务中心提供并联代办，限期核发施工许可",
    ),
    (
        "110千伏专线接入工程滞后",
        "项目计划试生产，110千伏供电专线路径未确定，电力接入工程滞后约两个月。",
        "SDQ",
        ["FGW"],
        "市发改委协调供电公司优化线路路径，{county}负责沿线政策处理，确保按期送电",
    ),
    (
        "项目红线内征迁扫尾未完成",
        "项目红线内尚有3户房屋和部分青苗未完成征迁，影响场地平整。",
        "ZDXM",
        ["ZRJ"],
        "{county}成立征迁攻坚组，一户一策推进，市自然资源和规划局做好政策指导",
    ),
    (
        "市政配套道路和雨污管网未同步建设",
        "项目周边规划道路及雨污管网尚未开工，项目建成后将无法接驳。",
        "ZDXM",
        ["ZJJ"],
        "市住建局将配套道路和管网纳入年度计划，{county}同步做好前期，倒排工期与项目同步建成",
    ),
    (
        "项目融资授信审批进度慢",
        "项目贷款已报银行审批两个月，授信额度尚未落实，影响设备采购付款。",
        "RZ",
        ["FGW"],
        "市发改委牵头召开银政企对接会，推动合作银行加快授信审批",
    ),
    (
        "一线技术工人缺口较大",
        "项目投产在即，一线技术工人缺口约200人，本地招聘困难。",
        "YG",
        ["RSJ"],
        "市人社局组织专场招聘会并落实以工代训补贴，{county}做好用工服务专员对接",
    ),
    (
        "环评批复前置条件需协调",
        "项目环评报告需区域污染物排放总量指标，指标来源尚未落实。",
        "QQSP",
        ["HBJ"],
        "市生态环境局统筹调剂排放总量指标，指导企业完善环评报告",
    ),
]

# Problems enterprises raise at face-to-face events (title, description, category, unit).
EVENT_PROBLEMS = [
    (
        "新建厂房不动产权证办理缓慢",
        "厂房已竣工验收半年，不动产权证仍未办出，影响企业抵押融资。",
        "YDGH",
        "ZRJ",
    ),
    ("技改设备补助资金未兑现", "去年申报的技术改造设备补助已公示，资金迟迟未拨付到位。", "ZCDX", "GXJ"),
    ("企业员工子女入学需协调", "引进的技术骨干子女入学学位紧张，希望给予协调。", "YG", "RSJ"),
    ("园区道路货车限行影响物流", "园区道路实行货车限行后，原材料运输只能夜间进出，影响生产。", "SCJY", "GXQ"),
    ("出口退税办理周期长", "出口退税审核周期较长，企业资金周转压力大。", "ZCDX", "SWUJ"),
    ("商贸企业限上入统政策咨询", "企业营业额即将达到限上标准，希望了解入统流程和扶持政策。", "FWY", "SWJ"),
    ("工业用地容积率调整申请", "企业拟在原址增资扩产，需调整工业用地容积率。", "YDGH", "ZRJ"),
    ("天然气供应价格和稳定性问题", "冬季用气高峰期间曾出现限气，希望保障稳定供应。", "SDQ", "FGW"),
    ("高新技术企业认定辅导", "企业拟申报高新技术企业，希望获得申报辅导。", "ZCDX", "GXJ"),
    ("中小企业贷款担保难", "企业轻资产运营，申请银行贷款缺乏抵押担保。", "RZ", "FGW"),
    ("招商项目落地协议条款兑现", "签约时约定的代建厂房交付时间已过，尚未交付。", "ZSXM", "TCJ"),
    ("市场监管检查频次较多", "同一季度内多个部门分别检查，希望推行联合检查。", "SCJY", "SJJ"),
]

OPINION_TEXTS = [
    "由{lead}牵头，{others}配合，{days}内提出解决方案并书面答复企业",
    "请{lead}牵头会同{others}现场办公，{days}内解决到位",
    "{lead}牵头研究，{others}配合，能解决的立即解决，不能解决的向企业说明情况",
]
RETURN_REASONS = [
    "属于部门职责范围内可解决的事项，请牵头单位继续协调，必要时由分管部门领导协调。",
    "申报材料中基本情况不清楚，请补充项目进度和已开展的协调工作后下月重新申报。",
    "该问题已在县（区）主要领导协调会上明确解决路径，暂不提请市领导协调。",
]
PROGRESS_NOTES = [
    "已召开专题会研究，形成初步方案。",
    "已与企业现场对接，正在办理相关手续。",
    "已会同有关部门联合踏勘，按节点推进。",
]
DONE_NOTES = [
    "已按协调意见办结，并书面答复企业。",
    "问题已解决，企业表示认可。",
    "相关手续已办结，已电话回复企业。",
]


def _pdf(name: str, salt: str) -> SimpleUploadedFile:
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        f"% {salt}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, body.encode("latin-1", "replace"), content_type="application/pdf")


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


class CoordinationDemo:
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
        return _pdf(name, f"coord-{self.seq}")

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
        handling_days = cat.legal_limit_days or 60
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

    def close_appeal(self, appeal: Appeal, when: datetime, rating: int | None = None) -> None:
        """Resolve with evidence, verify, rate — as far as `now` allows."""
        appeal.refresh_from_db()
        if appeal.status not in (Status.IN_PROGRESS, Status.ESCALATED) or not self.past(when):
            return
        lead = appeal.lead_unit
        appeal_services.appeal_move(
            appeal_id=appeal.pk,
            move="resolve",
            actor=self.handler(lead),
            resolution=self.rng.choice(DONE_NOTES),
            evidence_files=[self.pdf("办结报告.pdf")],
            now=when,
        )
        verify_at = self.at(add_workdays(when.date(), 1).date, 10, 15)
        if not self.past(verify_at):
            return
        appeal_services.appeal_move(
            appeal_id=appeal.pk, move="verify", actor=self.hub, note="核验通过。", now=verify_at
        )
        rate_at = self.at(add_workdays(verify_at.date(), 2).date, 15, 20)
        if not self.past(rate_at):
            return
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
                        actor=reporter, task_id=task.pk, note=rng.choice(PROGRESS_NOTES), now=t
                    )
            if outcome in ("done", "reported"):
                t = self.at(self.workday(start + timedelta(days=max(2, span - rng.randint(1, 4)))), 17, 0)
            elif outcome == "late":
                t = self.at(add_workdays(task.due, rng.randint(1, 4)).date, 11, 0)
            else:
                continue
            if not self.past(t):
                continue
            services.task_report_done(actor=reporter, task_id=task.pk, note=rng.choice(DONE_NOTES), now=t)
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
        for month in months:
            self.raise_problems(month, problems)
            self.review_batch(month, partial=month == latest_closed)
            self.city_meetings(month)
            self.county_meetings(month, problems)
            self.solve_problems(month, problems)
        self.events(months)
        for month in months:
            services.facts_evaluate_month(month=month, now=self.now)
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

    def solve_problems(self, month: date, problems: list[Problem]) -> None:
        for p in problems:
            if p.last != month or not p.solved or p.appeal is None:
                continue
            when = self.at(self.workday(next_month(month) - timedelta(days=3)), 16, 0)
            self.close_appeal(p.appeal, when)

    # -- face-to-face events ------------------------------------------------------------------------

    def events(self, months: list[date]) -> None:
        rng = self.rng
        today = self.today
        q_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        quarters = [q_start]
        for _ in range(3):
            m = quarters[0]
            for _ in range(3):
                m = prev_month(m)
            quarters.insert(0, m)
        problems = rng.sample(EVENT_PROBLEMS, k=len(EVENT_PROBLEMS))
        pool = list(Enterprise.objects.filter(is_active=True).filter(above_scale=True).order_by("pk"))
        special = list(Enterprise.objects.filter(is_active=True).exclude(above_scale=True).order_by("pk"))
        own = (
            self.enterprise_user.enterprise
            if self.enterprise_user and self.enterprise_user.enterprise_id
            else None
        )
        for n, q in enumerate(quarters):
            year, quarter = q.year, (q.month - 1) // 3 + 1
            current = n == len(quarters) - 1
            if current:
                day = self.workday(max(today + timedelta(days=18), q + timedelta(days=40)))
            else:
                day = self.workday(q + timedelta(days=44 + rng.randint(0, 10)))
            items = [problems[(n * 3 + k) % len(problems)] for k in range(4 if not current else 3)]
            enterprises = rng.sample(pool, k=2) + rng.sample(special, k=1)
            if own is not None and n == len(quarters) - 2:
                enterprises[0] = own  # the demo enterprise's matter is being handled now
            self.event(
                title=f"{year}年第{quarter}季度“面对面”政企交流活动",
                kind=EventKind.QUARTERLY,
                day=day,
                chair=self.users["mayor"],
                deputy=self.users["leader"],
                place="市民服务中心三楼会议室",
                problems=list(zip(items, enterprises * 2, strict=False)),
                late=n == 1,
                returned=n == 0,
                current=current,
            )
        regular = [
            (EventKind.BREAKFAST, "民营企业家早餐会", 10),
            (EventKind.VISIT, "规上工业企业走访调研", 8),
            (EventKind.PLATFORM, "政企服务平台企业诉求专场", 5),
            (EventKind.DINNER, "乡贤企业家晚餐会", 3),
            (EventKind.PHONE, "重点企业电话回访", 1),
        ]
        for k, (kind, title, months_ago) in enumerate(regular):
            m = months[max(0, len(months) - 1 - months_ago)]
            day = self.workday(m + timedelta(days=rng.randint(8, 20)))
            if day >= today:
                day = self.workday(today - timedelta(days=12))
            picks = [problems[(k * 2 + 5 + j) % len(problems)] for j in range(2)]
            self.event(
                title=f"{day.year}年{day.month}月{title}",
                kind=kind,
                day=day,
                chair=self.users["exec_leader"] if k % 2 == 0 else self.users["leader"],
                deputy=self.users["leader"] if k % 2 == 0 else self.users["leader2"],
                place="企业现场" if kind == EventKind.VISIT else "市政府第一会议室",
                problems=list(zip(picks, rng.sample(pool + special, k=2), strict=True)),
                late=False,
                returned=False,
                current=False,
            )
        # A visit next week whose catalog waits for the deputy leader's review (首页 "待我审定").
        day = add_workdays(today, 6).date
        self.event(
            title=f"{day.year}年{day.month}月外资企业走访座谈",
            kind=EventKind.VISIT,
            day=day,
            chair=self.users["exec_leader"],
            deputy=self.users["leader"],
            place="榕城高新区企业服务中心",
            problems=list(zip(problems[:2], rng.sample(pool, k=2), strict=True)),
            late=False,
            returned=False,
            current=False,
            pending_review=True,
        )

    def event(
        self,
        *,
        title,
        kind,
        day,
        chair,
        deputy,
        place,
        problems,
        late,
        returned,
        current,
        pending_review=False,
    ) -> None:
        rng = self.rng
        created = self.at(day - timedelta(days=30), 10, 0)
        event = services.event_create(
            actor=self.office,
            title=title,
            kind=kind,
            scheduled_at=self.at(day, 15, 0),
            chair=chair,
            deputy=deputy,
            place=place,
            now=created,
        )
        self.stats.events += 1
        for k, ((ptitle, desc, cat, unit_code), enterprise) in enumerate(problems):
            t = created + timedelta(days=2 + k, hours=1)
            unit = self.units.get(unit_code) or self.units["GXJ"]
            category = self.cats.get(cat, self.cats["QT"])
            item = services.event_register_problem(
                actor=self.office,
                event_id=event.pk,
                enterprise=enterprise,
                title=ptitle,
                description=desc,
                category=category,
                unit=unit,
                contact_name=(enterprise.legal_representative or "企业负责人")[:50],
                now=t,
            )
            self.stats.appeals += 1
            appeal_services.appeal_move(
                appeal_id=item.appeal_id,
                move="assign",
                actor=self.hub,
                lead_unit_id=unit.pk,
                handling_days=category.handling_days or 15,
                override_reason="面对面活动问题由核实单位牵头办理。",
                now=t + timedelta(hours=1),
            )
            appeal_services.appeal_move(
                appeal_id=item.appeal_id, move="sign", actor=self.handler(unit), now=t + timedelta(hours=3)
            )
        if current:
            # The current quarter's event also picks open appeals raised through the channels.
            picks = list(
                Appeal.objects.filter(
                    status=Status.IN_PROGRESS,
                    channel__in=[Channel.FACE_TO_FACE, Channel.CHAMBER, Channel.VISIT],
                )
                .exclude(project__isnull=False)
                .order_by("-received_at")[:2]
            )
            if picks:
                services.event_add_appeals(
                    actor=self.office,
                    event_id=event.pk,
                    appeal_ids=[a.pk for a in picks],
                    now=created + timedelta(days=6),
                )
        verify_at = created + timedelta(days=8)
        services.event_start_verification(actor=self.office, event_id=event.pk, now=verify_at)
        items = list(event.items.select_related("unit", "appeal").order_by("sort_order"))
        for k, item in enumerate(items):
            t = verify_at + timedelta(days=1 + k % 3, hours=2)
            if current and k >= len(items) - 2:
                break  # still with the departments
            if not self.past(t):
                break
            confirmed = rng.random() > 0.1 or k == 0
            services.event_item_verify(
                actor=self.handler(item.unit),
                item_id=item.pk,
                result=Verification.CONFIRMED if confirmed else Verification.NOT_CONFIRMED,
                note="经核实，企业反映情况属实，需协调解决。"
                if confirmed
                else "经核实，该问题已于近期解决，不再列入目录。",
                now=t,
            )
        if current:
            return
        event.refresh_from_db()
        due = event.catalog_due or add_workdays(day, 0).date
        submit_day = add_workdays(due, 1).date if late else due
        submit = self.at(submit_day if kind == EventKind.QUARTERLY else day - timedelta(days=6), 11, 0)
        if pending_review:
            services.event_submit_catalog(
                actor=self.office, event_id=event.pk, now=self.now - timedelta(hours=5)
            )
            return
        if not self.past(submit + timedelta(days=2, hours=4)):
            return
        services.event_submit_catalog(actor=self.office, event_id=event.pk, now=submit)
        confirmed = list(event.items.filter(verification=Verification.CONFIRMED).select_related("appeal"))
        services.event_review(
            actor=deputy,
            event_id=event.pk,
            proposals={i.pk: "建议列入现场研究，由核实单位提出具体解决方案。" for i in confirmed},
            note="已召集相关职能部门研究。",
            now=submit + timedelta(days=1),
        )
        services.event_approve(
            actor=chair, event_id=event.pk, item_ids=[i.pk for i in confirmed], now=submit + timedelta(days=2)
        )
        services.event_notify(actor=self.office, event_id=event.pk, now=submit + timedelta(days=2, hours=4))
        held = self.at(day, 17, 30)
        if not self.past(held):
            return
        services.event_hold(actor=self.office, event_id=event.pk, now=held)
        for item in event.items.filter(in_final_list=True).select_related("unit"):
            others = [
                self.units[c]
                for c in rng.sample(["FGW", "ZRJ", "SWJ", "RSJ", "XZFW"], k=1)
                if self.units[c].pk != item.unit_id
            ]
            days = rng.choice([10, 15, 20])
            services.event_record_opinion(
                actor=self.office,
                item_id=item.pk,
                opinion=self.opinion_for(item.unit, others, days),
                unit_ids=[item.unit_id, *[u.pk for u in others]],
                due_workdays=days,
                now=held + timedelta(minutes=30),
            )
        gen = self.at(add_workdays(day, 1).date, 10, 0)
        if not self.past(gen):
            return
        services.event_generate_document(actor=self.office, event_id=event.pk, now=gen)
        review = gen + timedelta(hours=5)
        if returned:
            services.event_review_document(
                actor=deputy,
                event_id=event.pk,
                approve=False,
                note="第2项处理意见请明确办理时限和牵头单位。",
                now=review,
            )
            services.event_generate_document(
                actor=self.office, event_id=event.pk, now=review + timedelta(hours=1)
            )
            review += timedelta(hours=2)
        services.event_review_document(actor=deputy, event_id=event.pk, approve=True, note="", now=review)
        approve = self.at(add_workdays(day, 2).date, 11, 0)
        if not self.past(approve):
            return
        services.event_approve_document(actor=chair, event_id=event.pk, now=approve)
        assign = approve + timedelta(hours=4)
        if not self.past(assign):
            return
        services.event_assign(actor=self.office, event_id=event.pk, now=assign)
        tasks = list(Task.objects.filter(event_item__event=event).select_related("unit"))
        self.follow_tasks(tasks, force_done_before=self.today - timedelta(days=20))
        # The appeals close when their tasks are done; the event closes after the last.
        last_done = None
        all_done = True
        for item in event.items.filter(in_final_list=True).select_related("appeal"):
            item_tasks = list(Task.objects.filter(event_item=item))
            if item_tasks and all(t.status == TaskStatus.DONE for t in item_tasks):
                done_at = max(t.done_at for t in item_tasks) + timedelta(hours=2)
                self.close_appeal(
                    item.appeal, done_at, rating=rng.choices([5, 4, 3, 2], weights=[50, 35, 10, 5])[0]
                )
                last_done = max(last_done or done_at, done_at)
            else:
                all_done = False
        if all_done and last_done is not None:
            close = self.at(add_workdays(last_done.date(), 1).date, 10, 0)
            if self.past(close):
                services.event_close(actor=self.office, event_id=event.pk, now=close)
        # Problems not confirmed are answered by the unit directly.
        for item in event.items.filter(in_final_list=False).select_related("appeal"):
            self.close_appeal(item.appeal, held + timedelta(days=3))


def build(ctx: DemoContext) -> None:
    CoordinationDemo(ctx).run()
