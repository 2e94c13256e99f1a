"""The demo city's appeals: ~400 over the six months before ctx.today, in every state.

Every appeal is driven through the real services with `now=` set to its historical
moments, so transitions, audit events, deadlines and lights are exactly what the system
would have produced: older appeals have mostly been rated and closed, recent ones wait at
intake, sign-for or handling; some ran late (red), some are near their deadline (yellow),
some were extended, transferred, reopened, exempted, merged or escalated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from zhitong.appeals import deadlines, jobs, services
from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal, Category
from zhitong.enterprises.choices import INDUSTRIAL, Industry
from zhitong.enterprises.models import Enterprise
from zhitong.organizations.choices import Role
from zhitong.organizations.models import Unit, User
from zhitong.projects.models import Project

from .context import DemoContext, demo_pdf, weighted
from .data import (
    CATEGORY_MIX,
    CHANNELS,
    COMMENTS_BAD,
    COMMENTS_GOOD,
    COOP_ANSWERS,
    ITEMS,
    OBJECTIONS,
    PROGRESS_NOTES,
    RESOLUTIONS,
    TEXTS,
)

APPEAL_COUNT = 260  # about 40 a month over the six months: enough for every state, list and light
WINDOW_DAYS = 182


@dataclass
class People:
    hub: User
    hub_gxj: User
    supervisor: User
    clerk: User
    clerk_window: User
    enterprise_user: User
    by_name: dict[str, User]
    staff: dict[int, tuple[list[User], list[User]]]  # unit id → (handlers, heads)

    def handler(self, unit: Unit) -> User:
        handlers, heads = self.staff.get(unit.pk, ([], []))
        return (handlers or heads)[0]

    def head(self, unit: Unit) -> User | None:
        handlers, heads = self.staff.get(unit.pk, ([], []))
        return heads[0] if heads else None


def _people(units: list[Unit]) -> People:
    users = list(User.objects.filter(is_active=True).select_related("unit"))
    by_name = {u.username: u for u in users}
    staff: dict[int, tuple[list[User], list[User]]] = {}
    for unit in units:
        members = [u for u in users if u.unit_id and f"/{unit.pk}/" in u.unit.path]
        # The named demo account first (handler_glq, handler …), then butlers and others.
        preferred = f"handler_{unit.code.lower()}"
        handlers = sorted(
            (u for u in members if u.role == Role.HANDLER),
            key=lambda u: (u.username not in (preferred, "handler"), u.username.startswith("butler"), u.pk),
        )
        heads = sorted(
            (u for u in members if u.role == Role.UNIT_HEAD), key=lambda u: (u.unit_id != unit.pk, u.pk)
        )
        if handlers or heads:
            staff[unit.pk] = (handlers, heads)
    return People(
        hub=by_name["hub"],
        hub_gxj=by_name.get("hub_gxj", by_name["hub"]),
        supervisor=by_name["supervisor"],
        clerk=by_name["clerk"],
        clerk_window=by_name.get("clerk_xzfw", by_name["clerk"]),
        enterprise_user=by_name["enterprise"],
        by_name=by_name,
        staff=staff,
    )


class Sim:
    """One appeal's life, step by step, stopping when the next step would be after now."""

    def __init__(self, ctx: DemoContext, people: People, units: dict[str, Unit], cats: dict[str, Category]):
        self.ctx, self.rng, self.p, self.units, self.cats = ctx, ctx.rng, people, units, cats
        self.seq = 0

    # --- time ------------------------------------------------------------------------

    def office_time(self, d: date) -> datetime:
        minutes = self.rng.randint(8 * 60 + 40, 17 * 60 + 20)
        return timezone.make_aware(datetime.combine(d, time(minutes // 60, minutes % 60)))

    def later(self, t: datetime, lo: float, hi: float) -> datetime:
        """lo..hi working days after t (fractions stay on the same day, a little later)."""
        n = self.rng.uniform(lo, hi)
        whole = int(n)
        if whole == 0:
            return min(t + timedelta(minutes=self.rng.randint(20, 240)), self.day_end(t))
        d = deadlines.add_workdays(timezone.localdate(t), whole).date
        return self.office_time(d)

    @staticmethod
    def day_end(t: datetime) -> datetime:
        return timezone.make_aware(datetime.combine(timezone.localdate(t), time(18, 30)))

    def due_time(self, d: date, slack: float) -> datetime:
        """A moment around deadline `d`: slack < 0 before it, > 0 after, in working days."""
        if slack <= 0:
            back = max(0, round(-slack))
            return self.office_time(deadlines.subtract_workdays(d, back).date if back else d)
        return self.office_time(deadlines.add_workdays(d, max(1, round(slack))).date)

    # --- people -----------------------------------------------------------------------

    def intake_actor(self, channel: str, enterprise: Enterprise) -> User:
        p = self.p
        if channel in (Channel.HOTLINE, Channel.MAYOR_MAILBOX, Channel.WEB, Channel.PLATFORM, Channel.API):
            return p.clerk
        if channel == Channel.WINDOW:
            return p.clerk_window
        if channel in (Channel.FACE_TO_FACE, Channel.BREAKFAST):
            return p.hub_gxj
        if channel == Channel.VISIT:
            if enterprise.butler_id and enterprise.butler_id in {u.pk for u in p.by_name.values()}:
                butler = next(u for u in p.by_name.values() if u.pk == enterprise.butler_id)
                if butler.unit_id:
                    return butler
            return p.handler(enterprise.location)
        if channel == Channel.CHAMBER:
            return p.by_name.get("handler_gsl") or p.hub
        if channel == Channel.PHONE:
            return p.by_name["handler"] if enterprise.industry in INDUSTRIAL else p.by_name["handler_swj"]
        return p.hub  # NPC deputies / CPPCC members hand matters to the hub

    def rater(self, appeal: Appeal) -> User:
        return (
            self.p.enterprise_user
            if appeal.enterprise_id == self.p.enterprise_user.enterprise_id
            else self.p.hub
        )

    # --- text -------------------------------------------------------------------------

    def text(self, code: str) -> tuple[str, str]:
        rng = self.rng
        title, desc = rng.choice(TEXTS[code])
        values = dict(
            n=rng.choice([3, 5, 8, 12, 20, 30, 45, 60, 80, 120]),
            amt=rng.choice([35, 50, 80, 120, 260, 500, 800, 1500, 3000]),
            months=rng.choice(["两", "三", "四", "五"]),
            year=self.ctx.today.year - rng.choice([1, 2, 5, 8]),
            item=rng.choice(ITEMS),
        )
        return title.format(**values), desc.format(**values)

    # --- one appeal ---------------------------------------------------------------------

    def run(
        self, enterprise: Enterprise, received: datetime, projects: list[Project], open_same: list[Appeal]
    ):
        rng, p, now = self.rng, self.p, self.ctx.now
        self.seq += 1
        if projects and rng.random() < 0.6:
            group = "project"
        elif enterprise.industry in INDUSTRIAL:
            group = "industrial"
        elif enterprise.industry in (Industry.CONSTRUCTION, Industry.REAL_ESTATE):
            group = "building"
        else:
            group = "services"
        code = weighted(rng, CATEGORY_MIX[group])
        title, description = self.text(code)
        channel = weighted(rng, CHANNELS)
        actor = self.intake_actor(channel, enterprise)
        contact = enterprise.contacts.all()[0] if enterprise.contacts.all() else None
        kw = dict(
            actor=actor,
            enterprise_id=enterprise.pk,
            title=title,
            description=description,
            category_id=self.cats[code].pk,
            channel=channel,
            project_id=projects[0].pk if group == "project" and projects else None,
            contact_name=contact.name if contact else "",
            contact_phone=contact.phone if contact else "",
            received_at=received,
            now=received,
        )
        if channel == Channel.HOTLINE:
            kw.update(source_system="12345", source_id=f"GD{received:%Y%m%d}{self.seq:04d}")
        elif channel == Channel.API:
            kw.update(idempotency_key=f"platform-{received:%Y%m%d}-{self.seq:04d}")
        missing = rng.random() < 0.08
        if missing:
            required = self.cats[code].required_materials or ["企业情况说明"]
            kw["materials_missing"] = rng.sample(required, min(len(required), rng.randint(1, 2)))
        appeal, _ = services.appeal_intake(**kw)
        t = received
        # Recent appeals are caught mid-way: some still wait for materials, triage, sign-for
        # or the hub's decision on an objection, whatever their simulated speed.
        recent = deadlines.add_workdays(timezone.localdate(received), 8).date >= self.ctx.today
        stop_at = weighted(
            rng,
            [("materials", 3), ("triage", 3), ("sign", 2), ("transfer", 1), ("", 4)] if recent else [("", 1)],
        )

        def step(lo, hi, at=None):
            nonlocal t
            nxt = at or self.later(t, lo, hi)
            if nxt >= now:
                return None
            t = nxt
            return t

        def move(name, actor, **data):
            return services.appeal_move(appeal_id=appeal.pk, move=name, actor=actor, now=t, **data)

        # A confirmed duplicate of an open appeal of the same enterprise: merged, never lost.
        if open_same and rng.random() < 0.04:
            if step(0.1, 1):
                target = open_same[0]
                appeal = move(
                    "merge", p.hub, into_id=target.pk, reason="与企业此前反映的问题重复，合并办理。"
                )
            return appeal

        if missing:
            if stop_at == "materials" or not step(1, 6):
                return appeal
            appeal = move("complete_materials", rng.choice([actor, p.hub]), note="企业已补齐全部材料。")

        # Triage by the hub: usually the routing rule; sometimes another unit, with a reason.
        if stop_at == "triage" or not step(0, 2):
            return appeal
        coop_pool = [
            u for c, u in self.units.items() if c in ("ZRJ", "ZJJ", "RSJ", "SJJ", "HBJ", "SWUJ", "FGW")
        ]
        coops = rng.sample(coop_pool, rng.choice([0, 0, 1, 1, 2]))
        enterprise_loc = enterprise.location
        data = dict(cooperating_unit_ids=[u.pk for u in coops])
        if rng.random() < 0.06 and enterprise_loc.code in self.units:
            data.update(
                lead_unit_id=enterprise_loc.pk,
                override_reason="企业所在区已建立专人服务机制，由属地牵头更便于协调。",
            )
        appeal = move("assign", p.hub, **data)

        # Transfers: the wrong unit objects, the hub reroutes (now and then more than once).
        transfers = 0
        while (stop_at == "transfer" and transfers == 0) or (
            rng.random() < (0.09 if transfers == 0 else 0.3) and transfers < 3
        ):
            lead = appeal.lead_unit
            if not step(0.1, 1):
                return appeal
            appeal = move("object", p.handler(lead), reason=rng.choice(OBJECTIONS))
            if stop_at == "transfer" or not step(0.2, 1.2):
                return appeal
            options = [
                u for c, u in self.units.items() if c in ("ZRJ", "SWJ", "TCJ", "GXJ", "ZJJ") and u != lead
            ]
            options.append(enterprise_loc)
            new_lead = rng.choice([u for u in options if u.pk in p.staff])
            appeal = move(
                "settle_transfer",
                p.hub,
                lead_unit_id=new_lead.pk,
                reason=f"经研究，改由{new_lead.name}牵头办理。",
            )
            transfers += 1

        lead = appeal.lead_unit
        handler, head = p.handler(lead), p.head(lead)
        if actor.role != Role.HUB and rng.random() < 0.5 and step(0, 0.4):
            move("follow_up", actor, note="首问跟踪：已电话提醒牵头单位及时签收。")
        if stop_at == "sign" or not step(0.05, 1.3):
            return appeal
        appeal = move("sign", handler)

        for coop in list(appeal.cooperations.select_related("unit")):
            answer_at = self.later(t, 0.5, 4.5)
            if answer_at < now and coop.unit_id in p.staff:
                services.appeal_move(
                    appeal_id=appeal.pk,
                    move="cooperate_answer",
                    actor=p.handler(coop.unit),
                    answer=rng.choice(COOP_ANSWERS),
                    now=max(answer_at, t),
                )

        reopenings = 0
        while True:
            appeal = Appeal.objects.get(pk=appeal.pk)
            # How long handling takes, relative to the deadline: most on time, some late.
            slack = (
                rng.choice([-8, -6, -5, -4, -3, -2, -1, 0])
                if rng.random() < 0.86
                else rng.choice([1, 2, 4, 7])
            )
            for _ in range(rng.choice([0, 1, 1, 2])):
                if step(0.5, 3):
                    appeal = move("add_progress", handler, note=rng.choice(PROGRESS_NOTES))

            # Extension asked a few days before the deadline (seeds/003 六.3).
            if rng.random() < 0.12 and appeal.handling_due < appeal.legal_due:
                ask = self.due_time(appeal.handling_due, -rng.randint(1, 3))
                if (
                    step(0, 0, at=max(ask, t + timedelta(minutes=30)))
                    and timezone.localdate(t) <= appeal.handling_due
                ):
                    extra = deadlines.add_workdays(appeal.handling_due, rng.choice([5, 10])).date
                    new_due = min(extra, appeal.legal_due)
                    appeal = move(
                        "request_extension",
                        handler,
                        new_due=new_due,
                        reason="涉及多部门会签，需延长办理时限。",
                    )
                    if head and step(0.1, 1):
                        if rng.random() < 0.85:
                            appeal = move("approve_extension", head, note="同意延期，请抓紧办理。")
                        else:
                            appeal = move("reject_extension", head, reason="请按原期限办结。")

            # Exemption (seeds/000 五(二)3) and escalation (seeds/000 二) for a few.
            if rng.random() < 0.035 and step(2, 6):
                appeal = move(
                    "request_exemption",
                    handler,
                    explanation="受国家产业政策调整影响，该事项今年内无法办结，特此说明。",
                    # seeds/000 五(二)3: the formal document (正式行文) goes with the request.
                    evidence_files=[demo_pdf("关于申请不纳入考核的情况说明.pdf", f"{appeal.code}-exemption")],
                )
                if step(1, 4):
                    if rng.random() < 0.75:
                        # Excluded from scoring, still open and visible: it waits for the policy.
                        return move("approve_exemption", p.hub, note="经审核，同意不纳入考核。")
                    else:
                        appeal = move("reject_exemption", p.hub, reason="不属于国家政策变动情形。")
            if reopenings == 0 and rng.random() < 0.07:
                esc_at = self.later(t, 2, 8)
                if esc_at > now - timedelta(days=75) and step(0, 0, at=esc_at):
                    project = projects[0].name if projects else f"{enterprise.name}生产经营"
                    move(
                        "escalate",
                        handler,
                        project_name=project,
                        basic_situation=f"{enterprise.name}，{enterprise.get_industry_display()}企业。{appeal.description}",
                        problem=appeal.title + "，经多次协调仍未解决，需提请市领导协调。",
                        unit_ids_to_coordinate=[u.pk for u in [enterprise_loc, *coops][:3]],
                        contact_name=handler.display_name,
                        contact_mobile=handler.phone or "13900000000",
                    )
                    return Appeal.objects.get(pk=appeal.pk)  # the coordination demo takes it from here

            due = appeal.handling_due
            resolve_at = self.due_time(due, slack)
            if not step(0, 0, at=max(resolve_at, t + timedelta(hours=1))):
                return appeal
            appeal = move(
                "resolve",
                handler,
                resolution=rng.choice(RESOLUTIONS),
                evidence_files=[
                    demo_pdf(
                        rng.choice(["办结报告.pdf", "协调会议纪要.pdf", "答复函.pdf"]),
                        f"{appeal.code}-{t.timestamp()}",
                    )
                ],
            )
            if not step(0.2, 3):
                return appeal
            if rng.random() < 0.06:
                appeal = move("reject_verification", p.hub, reason="佐证材料不足，请补充正式文件。")
                if not step(1, 3):
                    return appeal
                appeal = move(
                    "add_evidence",
                    handler,
                    evidence_files=[demo_pdf("补充说明.pdf", f"{appeal.code}-x{t.timestamp()}")],
                )
                if not step(0.1, 1):
                    return appeal
                appeal = move("resolve", handler, resolution="已补充正式文件。")
                if not step(0.2, 2):
                    return appeal
            appeal = move("verify", p.supervisor if rng.random() < 0.3 else p.hub, note="核验通过。")

            # The enterprise rates within 10 working days, or the clock closes it as not rated.
            if rng.random() < 0.1:
                remind = self.office_time(appeal.clock_yellow_from)
                if step(0, 0, at=max(remind, t + timedelta(hours=1))):
                    services.appeal_remind_rating(appeal_id=appeal.pk, now=t)
                    close = self.office_time(deadlines.add_workdays(appeal.clock_due, 1).date)
                    if step(0, 0, at=close):
                        appeal = services.appeal_close_not_rated(appeal_id=appeal.pk, now=t)
                return appeal
            if not step(0.5, 8):
                return appeal
            rating = weighted(
                rng,
                [
                    (5, 45),
                    (4, 30),
                    (3, 12),
                    (2, 8 if reopenings == 0 else 2),
                    (1, 5 if reopenings == 0 else 1),
                ],
            )
            comment = rng.choice(COMMENTS_BAD) if rating <= 2 else rng.choice(COMMENTS_GOOD)
            appeal = move("rate", self.rater(appeal), rating=rating, comment=comment)
            if appeal.status == Status.CLOSED:
                return appeal
            reopenings += 1  # 不满意: back to the same lead unit


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    units = {u.code: u for u in Unit.objects.filter(is_active=True)}
    people = _people(list(units.values()))
    cats = {c.code: c for c in Category.objects.all()}
    enterprises = list(
        Enterprise.objects.filter(is_active=True)
        .select_related("location")
        .prefetch_related("contacts")
        .order_by("id")
    )
    projects: dict[int, list[Project]] = {}
    for pr in Project.objects.order_by("id"):
        projects.setdefault(pr.owner_id, []).append(pr)
    own = next(e for e in enterprises if e.pk == people.enterprise_user.enterprise_id)
    # Some enterprises raise many matters, most one or two; the demo account's own company
    # has a handful, so its portal shows every state.
    weights = [12 if e.pk == own.pk else (4 if e.above_scale or e.pk in projects else 1) for e in enterprises]

    start = ctx.today - timedelta(days=WINDOW_DAYS)
    received = []
    for _ in range(APPEAL_COUNT):
        # More recent months carry a little more (the system's use grows).
        offset = int(WINDOW_DAYS * (rng.random() ** 0.8))
        d = start + timedelta(days=offset)
        while d.weekday() >= 5 and rng.random() < 0.85:
            d += timedelta(days=1)
        if d >= ctx.today:
            d = ctx.today - timedelta(days=1)
        received.append(d)
    received.sort()

    sim = Sim(ctx, people, units, cats)
    open_by_enterprise: dict[int, list[Appeal]] = {}
    for n, d in enumerate(received, start=1):
        ctx.tick(n - 1, len(received))
        enterprise = rng.choices(enterprises, weights=weights, k=1)[0]
        at = sim.office_time(d)
        if at >= ctx.now:
            at = ctx.now - timedelta(hours=2)
        open_same = [a for a in open_by_enterprise.get(enterprise.pk, []) if _still_open(a.pk)]
        appeal = sim.run(enterprise, at, projects.get(enterprise.pk, []), open_same)
        open_by_enterprise.setdefault(enterprise.pk, []).append(appeal)
    ctx.tick(len(received), len(received))

    _duplicates(ctx, people)
    report = jobs.run_appeal_clock(now=ctx.now)
    counts = {s: 0 for s in Status.values}
    for s in Appeal.objects.values_list("status", flat=True):
        counts[s] += 1
    summary = "，".join(f"{Status(s).label} {n}" for s, n in counts.items() if n)
    red = Appeal.objects.filter(deadlines.light_q("red", ctx.today)).count()
    yellow = Appeal.objects.filter(deadlines.light_q("yellow", ctx.today)).count()
    problems = Appeal.objects.filter(Q(is_problem=True)).count()
    ctx.log(f"  诉求 {sum(counts.values())} 件：{summary}")
    ctx.log(f"  当前超期 {red} 件、临期 {yellow} 件，问题诉求 {problems} 件；计时任务：{report}")


def _still_open(appeal_id: int) -> bool:
    from zhitong.appeals.choices import OPEN_STATUSES

    return Appeal.objects.filter(pk=appeal_id, status__in=OPEN_STATUSES).exists()


def _visible_to(user, appeal) -> bool:
    from zhitong.appeals.selectors import appeal_visible_ids

    return bool(appeal_visible_ids(user=user, appeal_ids=[appeal.pk]))


def _duplicates(ctx: DemoContext, people: People, count: int = 8) -> None:
    """Enterprises that raise the same matter again through another channel: the second
    registration is linked to the open original (at intake, or later by the hub)."""
    from zhitong.appeals.choices import OPEN_STATUSES

    rng = ctx.rng
    originals = list(
        Appeal.objects.filter(status__in=OPEN_STATUSES, received_at__lt=ctx.now - timedelta(days=3)).order_by(
            "id"
        )
    )
    for i, original in enumerate(rng.sample(originals, min(count, len(originals)))):
        at = original.received_at + (ctx.now - original.received_at) * rng.uniform(0.3, 0.9)
        actor = people.clerk if i % 2 else people.clerk_window
        dup, _ = services.appeal_intake(
            actor=actor,
            enterprise_id=original.enterprise_id,
            title=f"再次反映：{original.title}",
            description=f"企业来电再次反映：{original.description}",
            category_id=original.category_id,
            channel=Channel.HOTLINE if i % 2 else Channel.WINDOW,
            received_at=at,
            now=at,
            # Half confirmed at intake (the form showed the possible duplicate: only when the
            # registering unit may see the original), the others by the hub.
            duplicate_of_id=original.pk if i % 2 and _visible_to(actor, original) else None,
        )
        if dup.status != Status.MERGED:
            services.appeal_merge(
                appeal_id=dup.pk,
                actor=people.hub,
                into_id=original.pk,
                reason="与企业此前反映的问题重复，合并办理。",
                now=at + timedelta(hours=2),
            )
