"""The demo projects' dispatch, through the dispatch services: the city's quarterly and the
counties' monthly dispatch sessions (seeds/002 季调度/月调度) covering most — not all — of the
projects signed and not yet completed; the quarterly random inspection of 10 % of the signed
projects with its recorded seed and findings (seeds/003 九(四)); and last month's digest
message to each city leader (seeds/004 江山)."""

from __future__ import annotations

from datetime import timedelta

from zhitong.projects.dispatch import services as dispatch_services
from zhitong.projects.dispatch.digest import last_month, leader_digests_send
from zhitong.projects.dispatch.models import DispatchLevel, InspectionItem, InspectionResult
from zhitong.projects.dispatch.periods import add_months, quarter_of
from zhitong.projects.models import ProjectLevel, ProjectStage
from zhitong.workdays.services import add_workdays

from . import project_data as data
from .context import at, workday_before

S = ProjectStage
DISPATCHED = (S.SIGNED, S.APPROVAL, S.CONSTRUCTION)
COUNTY_MONTHS = 6
CITY_QUARTERS = 4


class DispatchDemo:
    def __init__(self, demo):
        self.demo, self.rng = demo, demo.rng
        self.today, self.hub = demo.today, demo.hub
        self.sessions = self.entries = 0

    def at(self, day, hour, minute=0):
        return at(day, hour, minute)

    def run(self, plans) -> None:
        self.city_sessions(plans)
        self.county_sessions(plans)
        draws = self.inspections()
        digests = self.digests()
        self.demo.ctx.log(
            f"  调度会 {self.sessions} 次（调度项目 {self.entries} 个次），季度抽查 {draws} 次，市领导月报 {digests} 份"
        )

    # -- dispatch sessions -------------------------------------------------------------------------

    def session(self, *, level, held, convener, county, plans) -> None:
        rng = self.rng
        held = workday_before(held)
        if held >= self.today or convener is None:
            return
        due = [p for p in plans if p.stage_on(held) in DISPATCHED]
        if not due:
            return
        session = dispatch_services.dispatch_session_create(
            actor=self.hub,
            level=level,
            held_on=held,
            convener=convener,
            county=county,
            place="市政府第一会议室" if county is None else f"{county.display_name}第三会议室",
            summary="听取各项目推进情况汇报，逐个研究解决项目建设中的困难和问题。",
            now=self.at(held, 17, 0),
        )
        self.sessions += 1
        # Most of the projects due are on the agenda; one in seven waits for the next session.
        chosen = [p for p in due if rng.random() > 0.15] or due[:1]
        for p in chosen:
            stage = p.stage_on(held)
            problem = rng.choice(data.DISPATCH_PROBLEMS)
            dispatch_services.dispatch_entry_save(
                actor=self.hub,
                session_id=session.pk,
                project_id=p.project.pk,
                progress=f"项目处于{S(stage).label}阶段，"
                + ("本月完成投资符合序时进度" if stage == S.CONSTRUCTION else "前期手续按路径图推进"),
                problems=problem,
                decisions=rng.choice(data.DISPATCH_DECISIONS),
                responsible_unit=p.project.lead_unit if problem else None,
                due_on=held + timedelta(days=rng.choice([14, 30])) if problem else None,
                now=self.at(held, 17, 30),
            )
            self.entries += 1

    def city_sessions(self, plans) -> None:
        """One per quarter, in its second month, convened by the mayor or the executive vice
        mayor, for the city's major and key projects."""
        city = [p for p in plans if p.level != ProjectLevel.COUNTY]
        leaders = [self.demo.users.get("mayor"), self.demo.users.get("exec_leader")]
        quarter = quarter_of(self.today)
        for k in range(CITY_QUARTERS):
            held = quarter.start + timedelta(days=self.rng.randint(38, 50))
            self.session(
                level=DispatchLevel.CITY, held=held, convener=leaders[k % 2], county=None, plans=city
            )
            quarter = quarter.previous()

    def county_sessions(self, plans) -> None:
        """Each county's and park's monthly session, convened by its principal leader."""
        by_county: dict[int, list] = {}
        for p in plans:
            by_county.setdefault(p.location.pk, []).append(p)
        first = self.today.replace(day=1)
        for k in range(COUNTY_MONTHS - 1, -1, -1):
            month = add_months(first, -k)
            for here in by_county.values():
                county = here[0].location
                code = county.code.split("-")[0].lower()
                held = month + timedelta(days=self.rng.randint(12, 20))
                self.session(
                    level=DispatchLevel.COUNTY,
                    held=held,
                    convener=self.demo.users.get(f"leader_{code}"),
                    county=county,
                    plans=here,
                )

    # -- the quarterly inspection -------------------------------------------------------------------

    def inspections(self) -> int:
        rng, draws = self.rng, 0
        current = quarter_of(self.today)
        for quarter in (current.previous(), current):
            drawn_on = add_workdays(quarter.start, rng.randint(5, 8)).date
            if drawn_on >= self.today:
                continue
            n = (quarter.start.month - 1) // 3 + 1
            draw = dispatch_services.inspection_draw(
                actor=self.hub,
                quarter=quarter.start,
                seed=f"{quarter.start.year}Q{n}-{rng.randint(100000, 999999)}",
                seed_source="季度抽查会上由督查室现场摇号产生的六位随机数",
                now=self.at(drawn_on, 10, 0),
            )
            draws += 1
            for item in InspectionItem.objects.filter(draw=draw).order_by("position"):
                inspected = drawn_on + timedelta(days=rng.randint(7, 35))
                if inspected >= self.today or rng.random() < 0.2:
                    continue
                issues = rng.random() < 0.25
                finding, rectification = (
                    rng.choice(data.INSPECTION_ISSUES) if issues else (rng.choice(data.INSPECTION_NORMAL), "")
                )
                dispatch_services.inspection_record(
                    actor=self.hub,
                    item_id=item.pk,
                    inspected_on=inspected,
                    site_checked=True,
                    permits_checked=True,
                    result=InspectionResult.ISSUES if issues else InspectionResult.NORMAL,
                    finding=finding,
                    rectification=rectification,
                    now=self.at(inspected, 17, 0),
                )
        return draws

    def digests(self) -> int:
        """Last month's digest, sent at the start of this month (as the beat job does)."""
        sent_on = add_workdays(self.today.replace(day=1) - timedelta(days=1), 1).date
        when = self.at(sent_on, 8, 30)
        if not self.demo.past(when):
            return 0
        return leader_digests_send(month=last_month(self.today), now=when)
