"""The demo projects' progress, through the progress services: a year of monthly reports
(investment this month against the annual plan, image progress, workers, machinery), a few
problems that become appeals of the project (the appeals intake behind
`progress.problems`), then routed, signed and — the older ones — resolved and verified
through the appeals services; the secretaries' daily reports of the last days
(seeds/004 枣阳) and the agreements' commitments, some fulfilled, some overdue."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from zhitong.appeals import services as appeal_services
from zhitong.projects.dispatch.periods import add_months
from zhitong.projects.models import CommitmentParty, Project, ProjectStage, ReportProblem
from zhitong.projects.progress import commitments as commitment_services
from zhitong.projects.progress import reports as report_services
from zhitong.projects.progress.access import may_report
from zhitong.projects.progress.calc import REPORTING_STAGES, month_end, month_start
from zhitong.workdays.services import add_workdays, is_workday

from . import project_data as data
from .context import at, demo_pdf, workday_before

S = ProjectStage
MONTHS = 12
MAX_PROBLEMS = 9
PACE = {"ahead": 1.25, "normal": 1.0, "lagging": 0.68, "stalled": 1.0}


class ProgressDemo:
    def __init__(self, demo):
        self.demo, self.rng = demo, demo.rng
        self.today = demo.today
        self.hub = demo.hub
        first = month_start(self.today)
        self.months = [add_months(first, -k) for k in range(MONTHS, 0, -1)]
        self.problems = 0
        self.reports = 0
        self.daily = 0
        self.commitments = 0

    def at(self, day, hour, minute=0):
        return at(day, hour, minute)

    # -- what happens to one project ---------------------------------------------------------------

    def plan_events(self, plan, add) -> None:
        self.report_events(plan, add)
        self.commitment_events(plan, add)
        if plan.final == S.CONSTRUCTION and plan.pace != "stalled" and plan.index % 4 == 0:
            self.daily_events(plan, add)

    def report_events(self, plan, add) -> None:
        rng = self.rng
        last = self.months[-1]
        for month in self.months:
            if month == last and plan.final != S.CONSTRUCTION and rng.random() < 0.15:
                continue  # not filed yet: owed
            if rng.random() < 0.07:
                filed = add_workdays(month_end(month), rng.randint(4, 6)).date  # late
            else:
                filed = workday_before(month_end(month) - timedelta(days=rng.randint(0, 6)))
            if filed >= self.today:
                continue
            stage = plan.stage_on(filed)
            completed_now = stage == S.COMPLETED and month_start(plan.dates[S.COMPLETED]) == month
            if stage not in REPORTING_STAGES and not completed_now:
                continue
            add(
                self.at(filed, 15, rng.randint(0, 59)),
                lambda month=month, filed=filed, stage=stage: self.report(plan, month, filed, stage),
            )

    def figures(self, plan, month: date, filed: date, stage: str) -> dict:
        rng, project = self.rng, plan.project
        annual = float(project.annual_investment or 0)
        total = float(project.total_investment)
        workers = machinery = 0
        amount = 0.0
        image = ""
        # Against this year's plan, at the project's pace: in the current year each month
        # brings the year's total to its share of the plan (a project signed mid-year pays
        # its land and early works at once); last year's months at the monthly rate.
        # Last year's months (and a year without a plan) at a quarter of the total a year
        # while building, a twentieth before.
        rate = 0.25 if stage in (S.CONSTRUCTION, S.COMPLETED) else 0.05
        pace = total * rate / 12 * PACE[plan.pace] * rng.uniform(0.85, 1.15)
        if month.year == self.today.year and annual > 0:
            target = annual * month.month / 12 * PACE[plan.pace]
            pace = max(0.0, target - plan.ytd) * rng.uniform(0.96, 1.12)
        if stage == S.NEGOTIATION:
            image = self.step(data.NEGOTIATION_PROGRESS, plan.dates[S.NEGOTIATION], filed)
        elif stage == S.SIGNED:
            image = self.step(data.SIGNED_PROGRESS, plan.dates[S.SIGNED], filed)
            amount = pace
        elif stage == S.APPROVAL:
            image = self.step(data.APPROVAL_PROGRESS, plan.dates[S.APPROVAL], filed)
            amount = pace
            workers = rng.randint(0, 12)
        else:
            start = plan.dates[S.CONSTRUCTION]
            end = plan.dates.get(S.COMPLETED) or project.planned_completion or start + timedelta(days=720)
            share = max(0.0, min(1.0, (filed - start).days / max(1, (end - start).days)))
            image = next(text for bound, text in data.CONSTRUCTION_PROGRESS if share < bound)
            image = image.format(p=max(5, int(share * 100)), floor=rng.randint(3, 18))
            amount = pace
            workers = int(max(40, min(900, total / 400)) * rng.uniform(0.8, 1.2))
            machinery = max(2, workers // rng.randint(10, 16))
            if stage == S.COMPLETED:
                image = "项目通过竣工联合验收，进入试生产准备"
                amount, workers, machinery = amount * 0.3, workers // 4, machinery // 4
            if plan.pace == "stalled" and month.year == self.today.year:
                image, amount = data.STALLED_PROGRESS, 0.0
                workers, machinery = rng.randint(0, 5), 0
        if month.year == self.today.year:
            plan.ytd += round(amount, 1)
        return {
            "month_investment": Decimal(f"{amount:.1f}"),
            "image_progress": image,
            "workers": workers,
            "machinery": machinery,
        }

    @staticmethod
    def step(texts: list[str], since: date, filed: date) -> str:
        """The text of the stage's n-th month: the work moves on, it does not go back."""
        months = (filed.year - since.year) * 12 + filed.month - since.month
        return texts[max(0, min(months, len(texts) - 1))]

    def report(self, plan, month: date, filed: date, stage: str) -> None:
        rng = self.rng
        problems = []
        if stage == S.CONSTRUCTION and self.problems < MAX_PROBLEMS and rng.random() < 0.05:
            problems = [data.REPORT_PROBLEMS[self.problems % len(data.REPORT_PROBLEMS)]]
        when = self.at(filed, 15, rng.randint(0, 59))
        # seeds/003 九(二)(三): the lead unit reports (its handler at the time of filing; the
        # lead unit changes with the stages). The secretary's right to report is read on the
        # real clock, which a test may have frozen before the demo's appointments.
        project = Project.objects.select_related("lead_unit").get(pk=plan.project.pk)
        reporter = self.demo.handler_of(project.lead_unit) or plan.secretary
        report = report_services.progress_report_submit(
            actor=reporter,
            project_id=plan.project.pk,
            month=month,
            problems=problems,
            now=when,
            **self.figures(plan, month, filed, stage),
        )
        self.reports += 1
        for problem in ReportProblem.objects.filter(report=report).exclude(appeal_id=None):
            self.problems += 1
            self.handle_problem(plan, problem.appeal_id, filed)

    def handle_problem(self, plan, appeal_id: int, filed: date) -> None:
        """The hub routes the problem to the project's lead unit the next morning, its
        handler signs; a problem older than six weeks was solved, verified by the hub."""
        rng, demo = self.rng, self.demo
        lead = plan.project.lead_unit
        handler = demo.handler_of(lead)
        routed = add_workdays(filed, 1).date
        if handler is None or not demo.past(self.at(routed, 11, 0)):
            return
        appeal_services.appeal_move(
            appeal_id=appeal_id,
            move="assign",
            actor=self.hub,
            lead_unit_id=lead.pk,
            override_reason="项目月报反映的问题由项目牵头单位负责协调解决（seeds/003 二）。",
            now=self.at(routed, 10, 0),
        )
        appeal_services.appeal_move(
            appeal_id=appeal_id, move="sign", actor=handler, now=self.at(routed, 11, 0)
        )
        solved = add_workdays(routed, rng.randint(6, 15)).date
        if solved >= self.today - timedelta(days=14):
            return
        appeal_services.appeal_move(
            appeal_id=appeal_id,
            move="resolve",
            actor=handler,
            resolution="经牵头单位会同相关部门现场协调，问题已解决，企业已确认。",
            evidence_files=[demo_pdf("协调解决情况报告.pdf", f"problem-{appeal_id}")],
            now=self.at(solved, 16, 0),
        )
        appeal_services.appeal_move(
            appeal_id=appeal_id,
            move="verify",
            actor=self.hub,
            note="经电话回访企业，问题已解决，核验通过。",
            now=self.at(add_workdays(solved, 1).date, 10, 15),
        )

    def daily_events(self, plan, add) -> None:
        day, days = self.today, []
        while len(days) < 8:
            day -= timedelta(days=1)
            if is_workday(day):
                days.append(day)
        for day in reversed(days):
            add(self.at(day, 18, 0), lambda day=day: self.daily_report(plan, day))

    def daily_report(self, plan, day: date) -> None:
        rng = self.rng
        if not may_report(plan.secretary, plan.project):
            return  # the real clock is before the secretary's appointment (a frozen test clock)
        report_services.daily_report_submit(
            actor=plan.secretary,
            project_id=plan.project.pk,
            day=day,
            service=rng.choice(data.DAILY_SERVICES),
            workers=rng.randint(60, 400),
            machinery=rng.randint(4, 30),
            now=self.at(day, 18, 0),
        )
        self.daily += 1

    # -- commitments (履约) ------------------------------------------------------------------------

    def commitment_events(self, plan, add) -> None:
        rng = self.rng
        signed = plan.dates.get(S.SIGNED)
        if signed is None or rng.random() < 0.35:
            return
        start = plan.dates.get(S.CONSTRUCTION) or plan.project.planned_start or signed + timedelta(days=180)
        complete = (
            plan.dates.get(S.COMPLETED) or plan.project.planned_completion or start + timedelta(days=720)
        )
        promises = [
            (CommitmentParty.ENTERPRISE, rng.choice(data.COMMITMENTS_ENTERPRISE), start),
            (
                CommitmentParty.GOVERNMENT,
                rng.choice(data.COMMITMENTS_GOVERNMENT),
                signed + timedelta(days=90),
            ),
        ]
        if "竣工" in promises[0][1]:
            promises[0] = (CommitmentParty.ENTERPRISE, promises[0][1], complete)
        for party, text, due in promises:
            add(self.at(signed, 14, 0), lambda p=party, t=text, d=due: self.commitment(plan, p, t, d))

    def commitment(self, plan, party: str, text: str, due: date) -> None:
        rng, project = self.rng, plan.project
        total = float(project.total_investment)
        content = text.format(
            start=f"{due:%Y年%m月%d日}",
            complete=f"{due:%Y年%m月%d日}",
            amount=f"{total * 0.8:.0f}",
            output=f"{total * 1.5 / 10000:.1f}",
            tax=f"{total * 0.04:.0f}",
        )
        signed = plan.dates[S.SIGNED]
        c = commitment_services.commitment_create(
            actor=self.hub,
            project_id=project.pk,
            party=party,
            content=content,
            due_on=due,
            basis="投资协议",
            responsible_unit_id=project.lead_unit_id if party == CommitmentParty.GOVERNMENT else None,
            now=self.at(signed, 14, 0),
        )
        self.commitments += 1
        if due >= self.today:
            return
        if rng.random() < 0.75:
            on = max(signed + timedelta(days=1), due - timedelta(days=rng.randint(0, 20)))
            on = min(on, self.today - timedelta(days=1))
            commitment_services.commitment_fulfil(
                commitment_id=c.pk,
                actor=self.hub,
                on=on,
                note=rng.choice(data.FULFIL_NOTES),
                now=self.at(on, 11, 0),
            )
        else:
            on = min(due + timedelta(days=rng.randint(3, 20)), self.today - timedelta(days=1))
            commitment_services.commitment_record(
                commitment_id=c.pk,
                actor=self.hub,
                on=on,
                note=rng.choice(data.PENDING_NOTES),
                now=self.at(on, 11, 0),
            )

    def finish(self, plans) -> None:
        self.demo.ctx.log(
            f"  月报 {self.reports} 份（问题转诉求 {self.problems} 件），项目秘书日报 {self.daily} 份，"
            f"履约承诺 {self.commitments} 项"
        )
