"""Appeals with whole lives: intake, routing, sign-for, handling (progress, cooperation,
evidence, sometimes a materials notice, a transfer, an escalation, a withdrawal), the
resolution, verification and the enterprise's rating, each move a `Transition` row and an
audit event, as the services write them (appeals/services, common/transitions.py).

Each appeal's life is drawn from durations in working days of the registered calendar and
cut at `now`: old appeals are closed and mostly rated, recent ones wait where their life
has got to, so the status mix is a working city's (a few percent open, some overdue).
Deadlines are computed with the rule the services use (appeals/deadlines.py: the same
handling limit, `handling_dues_for`'s arithmetic, `state_clock`, `yellow_window`) on
`FastCalendar`, which gives the calendar's own dates."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from django.conf import settings

from zhitong.appeals import deadlines as D
from zhitong.appeals.choices import Channel, Status, Tier
from zhitong.appeals.models import Appeal, AppealCounter, AppealEvidence, Category, Cooperation, Transition
from zhitong.appeals.search_document import appeal_document
from zhitong.demo.data import (
    CATEGORY_MIX,
    CHANNELS,
    COMMENTS_BAD,
    COMMENTS_GOOD,
    COOP_ANSWERS,
    ITEMS,
    PROGRESS_NOTES,
    RESOLUTIONS,
    TEXTS,
)
from zhitong.enterprises.choices import INDUSTRIAL, Industry

from .audit import event, write_audit_events
from .writer import J, write_rows

TZ = ZoneInfo(settings.TIME_ZONE)
APPEAL_COLUMNS = (
    "id code enterprise_id project_id title description category_id channel tier status version received_at "
    "received_by_id received_unit_id contact_name contact_phone materials_complete materials_completed_on "
    "materials_notice_at lead_unit_id handler_id units_passed reopen_count is_problem handling_days sign_due "
    "handling_due legal_due clock_due clock_yellow_from clock_provisional resolved_at resolution verified_at "
    "closed_at close_reason rating rating_comment rating_reminded_at resolved_on_time state_since assigned_at "
    "signed_at extension_requested_due extension_count exemption_status withdrawn_at withdrawal_reason "
    "withdrawal_check pressured_withdrawals merged_into_id source_system source_id idempotency_key intake_hash "
    "created_at updated_at contact_phone_bidx search_document"
).split()
TRANSITION_COLUMNS = "id appeal_id action from_status to_status actor_id actor_unit_id at note data".split()
COOP_COLUMNS = "id appeal_id unit_id due answered_at answer".split()
EVIDENCE_COLUMNS = "id appeal_id file original_name kind size sha256 description uploaded_by_id uploaded_at transition_id".split()
RATINGS = [(5, 55), (4, 30), (3, 10), (2, 4), (1, 1)]
RATING_LABELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
# The fates beside the ordinary life (shares of all appeals).
FATES = [
    ("normal", 88.0),
    ("materials", 3.0),
    ("transfer", 2.5),
    ("escalate", 1.5),
    ("late", 3.0),  # handled well past the deadline: red while open, late when closed
    ("withdraw", 1.0),
    ("stuck", 1.0),  # never resolved in this history: the long-overdue tail
]


def _weighted(rng, pairs):
    keys, weights = zip(*pairs, strict=True)
    return rng.choices(keys, weights=weights, k=1)[0]


def _group(industry: str, has_project: bool) -> str:
    if has_project:
        return "project"
    if industry in INDUSTRIAL or industry in (Industry.AGRICULTURE, Industry.LOGISTICS):
        return "industrial"
    if industry in (Industry.CONSTRUCTION, Industry.REAL_ESTATE):
        return "building"
    return "services"


@dataclass
class Out:
    appeals: list
    transitions: list
    coops: list
    evidence: list
    events: list


class AppealGenerator:
    def __init__(self, city, cal, rng, ids, now: datetime, start: date):
        self.city, self.cal, self.rng, self.ids, self.now = city, cal, rng, ids, now
        self.today = now.astimezone(TZ).date()
        self.cats = {c.code: c for c in Category.objects.filter(is_active=True)}
        self.units = {u: u for u in city.lead_units}
        from zhitong.organizations.models import Unit

        self.unit_kind = dict(Unit.objects.values_list("id", "kind"))
        self.unit_name = dict(Unit.objects.values_list("id", "name"))
        self._limits: dict = {}
        self.counters = dict(AppealCounter.objects.values_list("year", "last"))
        # Working days of the window, receipts weighted to grow ~30% over the years.
        days = [d for d in cal.days if start <= d <= self.today]
        self.days = days
        self.day_weights = [1.0 + 0.3 * i / len(days) for i in range(len(days))]
        # A skewed load over units (Zipf, s = 1): a few departments and districts carry most.
        order = list(city.lead_units)
        rng.shuffle(order)
        # Cumulative weights, summed once: `choices(weights=…)` re-sums them on every call, which
        # at the province's 200,000 enterprises was most of the generator's time. The draws are
        # the same (choices accumulates the weights the same way, then bisects).
        self.unit_order = order
        self.unit_cum = list(accumulate(1 / (i + 1) for i in range(len(order))))
        ents = city.enterprises
        self.ent_cum = list(accumulate(1 / (i + 1) ** 0.8 for i in range(len(ents))))
        self.projects_of: dict[int, list] = {}
        for p in city.projects:
            self.projects_of.setdefault(p[1], []).append(p)

    # -- time ---------------------------------------------------------------------------
    def at(self, d: date, lo=(8, 40), hi=(17, 30)) -> datetime:
        m = self.rng.randint(lo[0] * 60 + lo[1], hi[0] * 60 + hi[1])
        # Office hours with a morning peak: fold a third of the draws into 9–11.
        if self.rng.random() < 0.35:
            m = self.rng.randint(9 * 60, 11 * 60 + 30)
        return datetime.combine(d, time(m // 60, m % 60, self.rng.randrange(60)), TZ)

    def later(self, t: datetime, wd: float) -> datetime:
        """About `wd` working days after t (under one: later the same day)."""
        whole = int(wd)
        if whole > 250:  # beyond this history (the calendar ends the year after next)
            return self.now + timedelta(days=3650)
        if whole <= 0:
            end = datetime.combine(t.astimezone(TZ).date(), time(18, 30), TZ)
            return min(t + timedelta(minutes=self.rng.randint(15, 300)), end)
        return self.at(self.cal.add(t.astimezone(TZ).date(), whole))

    # -- the rule the services use --------------------------------------------------------
    def limit(self, category, channel, lead_id, green):
        # The limit depends on the channel only through the mailbox rule (handling_limit_for).
        key = (category.pk, channel if channel == Channel.MAYOR_MAILBOX else "", lead_id, green)
        if key not in self._limits:
            self._limits[key] = D.handling_limit_for(
                category=category, channel=channel, green_channel=green, lead_unit_id=lead_id
            )
        return self._limits[key]

    def dues(self, base: date, days: int, category, channel):
        legal = (
            days
            if channel == Channel.MAYOR_MAILBOX
            else D.legal_days_for(category=category, handling_days=days)
        )
        return self.cal.add(base, days), self.cal.add(base, legal)

    def clock(self, status, since: date, sign_due, handling_due, handling_days):
        """(clock_due, yellow_from) as deadlines.state_clock and yellow_from_for give them."""
        s, c = status, self.cal
        if s == Status.SUBMITTED:
            due, limit = c.add(since, D.MATERIALS_NOTICE_WORKDAYS), D.MATERIALS_NOTICE_WORKDAYS
        elif s == Status.ASSIGNED:
            due, limit = sign_due, D.SIGN_WORKDAYS
        elif s == Status.TRANSFER_REQUESTED:
            due, limit = c.add(since, D.TRANSFER_SETTLE_WORKDAYS), D.TRANSFER_SETTLE_WORKDAYS
        elif s in (Status.IN_PROGRESS, Status.ESCALATED):
            due, limit = handling_due, handling_days
        elif s == Status.RESOLVED:
            due, limit = c.add(since, D.VERIFY_WORKDAYS), D.VERIFY_WORKDAYS
        elif s == Status.VERIFIED:
            due, limit = c.add(since, D.RATING_WORKDAYS), D.RATING_WORKDAYS
        else:
            return None, None
        return due, c.subtract(due, D.yellow_window(limit))

    def next_code(self, year: int) -> str:
        n = self.counters.get(year, 0) + 1
        self.counters[year] = n
        return f"ZT-{year}-{n:06d}"

    def save_counters(self) -> None:
        for year, last in self.counters.items():
            AppealCounter.objects.update_or_create(year=year, defaults={"last": last})

    # -- one chunk ----------------------------------------------------------------------
    def chunk(self, n: int) -> int:
        rng = self.rng
        received_days = sorted(rng.choices(self.days, weights=self.day_weights, k=n))
        first = self.ids.take(Appeal, n)
        out = Out([], [], [], [], [])
        for i, d in enumerate(received_days):
            self.life(first + i, d, out)
        ids = self.ids
        t0 = ids.take(Transition, len(out.transitions))
        # Transition ids are given here, in time order within the chunk; evidence points at its row.
        index = {}
        trows = []
        for k, row in enumerate(sorted(out.transitions, key=lambda r: r[6])):
            index[id(row)] = t0 + k
            trows.append((t0 + k, *row))
        c0 = ids.take(Cooperation, len(out.coops))
        e0 = ids.take(AppealEvidence, len(out.evidence))
        write_rows(Appeal, APPEAL_COLUMNS, out.appeals)
        write_rows(Transition, TRANSITION_COLUMNS, trows)
        write_rows(Cooperation, COOP_COLUMNS, [(c0 + k, *r) for k, r in enumerate(out.coops)])
        write_rows(
            AppealEvidence,
            EVIDENCE_COLUMNS,
            [(e0 + k, *r[:-1], index[id(r[-1])]) for k, r in enumerate(out.evidence)],
        )
        out.events.sort(key=lambda e: e["at"])
        write_audit_events(out.events, ids)
        return len(out.appeals) + len(trows) + len(out.coops) + len(out.evidence) + len(out.events)

    def life(self, pk: int, day: date, out: Out) -> None:
        rng, city, now, cal = self.rng, self.city, self.now, self.cal
        ent = rng.choices(city.enterprises, cum_weights=self.ent_cum, k=1)[0]
        projects = self.projects_of.get(ent[0])
        project = rng.choice(projects) if projects and rng.random() < 0.5 else None
        cat_code = _weighted(rng, CATEGORY_MIX[_group(ent[1], project is not None)])
        category = self.cats.get(cat_code) or next(iter(self.cats.values()))
        channel = _weighted(rng, CHANNELS)
        title, text = rng.choice(TEXTS.get(cat_code) or TEXTS["SCJY"])
        desc = text.format(
            n=rng.randrange(2, 60),
            amt=rng.randrange(10, 800),
            months=rng.randrange(2, 10),
            item=rng.choice(ITEMS),
            year=day.year - 1,
        )
        intake_actor = rng.choice(city.clerks if channel != Channel.WEB else city.hub)
        hub = rng.choice(city.hub)
        fate = _weighted(rng, FATES)
        lead = (
            ent[2]
            if rng.random() < 0.4 and ent[2] in city.staff
            else rng.choices(self.unit_order, cum_weights=self.unit_cum, k=1)[0]
        )
        handlers, heads = city.staff[lead]
        handler = rng.choice(handlers)
        green = bool(project and project[2])
        lim = self.limit(category, channel, lead, green)
        received = self.at(day)
        code = self.next_code(day.year)

        a = dict(
            status=Status.SUBMITTED,
            version=1,
            state_since=received,
            lead=None,
            handler=None,
            units_passed=0,
            materials_complete=True,
            completed_on=day,
            notice_at=None,
            sign_due=None,
            handling_due=None,
            legal_due=None,
            handling_days=None,
            assigned_at=None,
            signed_at=None,
            resolved_at=None,
            resolution="",
            verified_at=None,
            closed_at=None,
            close_reason="",
            rating=None,
            rating_comment="",
            reminded_at=None,
            on_time=None,
            withdrawn_at=None,
            withdrawal_reason="",
            withdrawal_check="",
            is_problem=False,
            tier=Tier.UNIT,
        )
        steps: list = []  # (at, move, from, to, actor, note, data, event before/after)

        def move(t, name, to, actor, note="", data=None, before=None, after=None):
            if t > now:
                return False
            frm = a["status"]
            a["version"] += 1
            if to is not None and to != frm:
                a["status"], a["state_since"] = to, t
            row = (
                pk,
                name,
                frm if to else a["status"],
                to or a["status"],
                actor[0] if actor else None,
                actor[2] if actor else None,
                t,
                note,
                J(data or {}),
            )
            out.transitions.append(row)
            out.events.append(
                event(
                    at=t,
                    actor=actor,
                    action=f"appeal.{name}",
                    object_type="appeals.appeal",
                    object_id=pk,
                    before={**(before or {}), "status": frm, "version": a["version"] - 1},
                    after={**(after or {}), "status": to or frm, "version": a["version"], "note": note},
                )
            )
            steps.append(row)
            return row

        # intake (appeal.intake: the service's own event)
        out.transitions.append(
            (
                pk,
                "intake",
                "",
                Status.SUBMITTED,
                intake_actor[0],
                intake_actor[2],
                received,
                "",
                J({"channel": channel}),
            )
        )
        out.events.append(
            event(
                at=received,
                actor=intake_actor,
                action="appeal.intake",
                object_type="appeals.appeal",
                object_id=pk,
                after={"code": code, "enterprise_id": ent[0], "category_id": category.pk, "channel": channel},
            )
        )
        t = received
        if fate == "materials":
            t = self.later(t, rng.uniform(0, 1.5))
            if move(
                t, "request_materials", Status.MATERIALS_PENDING, hub, note="请补充营业执照及相关证明材料"
            ):
                a["materials_complete"], a["completed_on"], a["notice_at"] = False, None, t
                t = self.later(t, rng.uniform(1, 6))
                if move(t, "complete_materials", Status.SUBMITTED, intake_actor):
                    a["materials_complete"], a["completed_on"] = True, t.astimezone(TZ).date()
        if a["status"] == Status.SUBMITTED and a["completed_on"]:
            t = self.later(t, rng.choice([0, 0, 0, 0.5, 1, 1.5]))
            base = a["completed_on"]
            hd, ld = self.dues(base, lim.days, category, channel)
            t_day = t.astimezone(TZ).date()
            if move(
                t,
                "assign",
                Status.ASSIGNED,
                hub,
                data={
                    "lead_unit_id": lead,
                    "lead_unit": self.unit_name[lead],
                    "handling_days": lim.days,
                    "limit_basis": lim.basis,
                    "handling_due": hd.isoformat(),
                    "handling_from": base.isoformat(),
                    "green_channel": green,
                },
                after={"lead_unit_id": lead},
            ):
                a.update(
                    lead=lead,
                    units_passed=1,
                    assigned_at=t,
                    handling_days=lim.days,
                    sign_due=cal.add(t_day, 1),
                    handling_due=hd,
                    legal_due=ld,
                    tier=Tier.COUNTY if self.unit_kind.get(lead) in ("county", "park") else Tier.MUNICIPAL,
                )
                if rng.random() < 0.2:  # cooperating units, answered within their 3 working days
                    for cu in rng.sample(self.unit_order[:12], k=rng.choice([1, 1, 2])):
                        if cu != lead:
                            ans_t = self.later(t, rng.uniform(0.5, 3))
                            answered = ans_t <= now
                            out.coops.append(
                                (
                                    pk,
                                    cu,
                                    cal.add(t_day, D.COOPERATION_WORKDAYS),
                                    ans_t if answered else None,
                                    rng.choice(COOP_ANSWERS) if answered else "",
                                )
                            )
        if a["status"] == Status.ASSIGNED and fate == "transfer":
            t = self.later(t, rng.uniform(0, 1))
            if move(
                t,
                "object",
                Status.TRANSFER_REQUESTED,
                rng.choice(handlers),
                note="不属于本单位职责，申请改派",
            ):
                t = self.later(t, rng.uniform(0, 1))
                new_lead = lead
                while new_lead == lead:
                    new_lead = rng.choices(self.unit_order, cum_weights=self.unit_cum, k=1)[0]
                if move(
                    t,
                    "settle_transfer",
                    Status.ASSIGNED,
                    hub,
                    data={"lead_unit_id": new_lead},
                    after={"lead_unit_id": new_lead},
                ):
                    lead = new_lead
                    handlers, heads = city.staff[lead]
                    handler = rng.choice(handlers)
                    a.update(
                        lead=lead, units_passed=2, assigned_at=t, sign_due=cal.add(t.astimezone(TZ).date(), 1)
                    )
        if a["status"] == Status.ASSIGNED:
            t = self.later(t, rng.choice([0, 0, 0, 0.5, 1, 2 if rng.random() < 0.1 else 0]))
            on_time = t.astimezone(TZ).date() <= a["sign_due"]
            if move(
                t,
                "sign",
                Status.IN_PROGRESS,
                handler,
                data={"on_time": on_time},
                after={"handler_id": handler[0]},
            ):
                a.update(handler=handler[0], signed_at=t)
        if a["status"] == Status.WITHDRAWN or fate == "withdraw":
            if a["status"] in (Status.ASSIGNED, Status.IN_PROGRESS, Status.SUBMITTED):
                t = self.later(t, rng.uniform(0.5, 4))
                if move(t, "withdraw", Status.WITHDRAWN, intake_actor, note="问题已自行解决，申请撤回"):
                    a.update(withdrawn_at=t, withdrawal_reason="问题已自行解决", withdrawal_check="pending")
                    t2 = self.later(t, rng.uniform(0.5, 3))
                    if move(t2, "confirm_withdrawal", None, hub, note="回访确认企业自愿撤回"):
                        a["withdrawal_check"] = "voluntary"
            self._finish(
                pk, code, ent, project, title, desc, category, channel, intake_actor, received, a, out
            )
            return
        if a["status"] == Status.IN_PROGRESS:
            hdays = a["handling_days"]
            share = {"late": rng.uniform(1.05, 1.8), "stuck": 50.0, "escalate": rng.uniform(0.8, 1.6)}.get(
                fate, rng.betavariate(2, 3.5)
            )
            work = max(0.3, hdays * share)
            if rng.random() < 0.5:
                move(
                    self.later(t, work * 0.4), "add_progress", None, handler, note=rng.choice(PROGRESS_NOTES)
                )
            if fate == "escalate":
                te = self.later(t, work * 0.5)
                if move(te, "escalate", Status.ESCALATED, handler, note="需提请市领导协调"):
                    a.update(is_problem=True)
            t_res = self.later(t, work)
            if t_res <= now:
                if a["status"] == Status.ESCALATED:
                    pass
                resolution = rng.choice(RESOLUTIONS)
                on_time = t_res.astimezone(TZ).date() <= a["handling_due"]
                row = move(
                    t_res,
                    "resolve",
                    Status.RESOLVED,
                    handler,
                    note=resolution,
                    data={"files": ["办理情况说明.pdf"], "on_time": on_time},
                )
                a.update(resolved_at=t_res, resolution=resolution, on_time=on_time)
                if rng.random() < 0.6:
                    sha = hashlib.sha256(f"{pk}".encode()).hexdigest()
                    out.evidence.append(
                        (
                            pk,
                            f"evidence/{sha[:2]}/{sha}.pdf",
                            "办理情况说明.pdf",
                            "pdf",
                            rng.randrange(40_000, 900_000),
                            sha,
                            "",
                            handler[0],
                            t_res,
                            row,
                        )
                    )
                tv = self.later(t_res, rng.uniform(0, 2.5))
                if move(tv, "verify", Status.VERIFIED, hub):
                    a["verified_at"] = tv
                    if rng.random() < 0.9:
                        tr = self.later(tv, rng.uniform(0, 6))
                        rating = _weighted(rng, RATINGS)
                        comment = rng.choice(COMMENTS_GOOD if rating >= 3 else COMMENTS_BAD)
                        if move(
                            tr,
                            "rate",
                            Status.CLOSED,
                            intake_actor,
                            # As appeals/services/closing.py records a rating: the unit rated
                            # is what the satisfaction rate counts it for (assessment/counting).
                            data={
                                "rating": rating,
                                "rating_label": RATING_LABELS[rating],
                                "lead_unit_id": a["lead"],
                                "recorded_by_hub": channel == Channel.WEB,  # the hub took it
                            },
                            after={"rating": rating},
                        ):
                            a.update(
                                rating=rating, rating_comment=comment, closed_at=tr, close_reason="rated"
                            )
                    else:
                        remind = self.at(cal.add(tv.astimezone(TZ).date(), D.RATING_WORKDAYS))
                        if remind <= now:
                            a["reminded_at"] = remind
                            tc = self.at(cal.add(remind.astimezone(TZ).date(), 3))
                            if move(tc, "close_not_rated", Status.CLOSED, None):
                                a.update(closed_at=tc, close_reason="not_rated")
        self._finish(pk, code, ent, project, title, desc, category, channel, intake_actor, received, a, out)

    def _finish(self, pk, code, ent, project, title, desc, category, channel, intake_actor, received, a, out):
        since = a["state_since"].astimezone(TZ).date()
        due, yellow = self.clock(a["status"], since, a["sign_due"], a["handling_due"], a["handling_days"])
        provisional = any(
            self.cal.provisional(x) for x in (due, a["sign_due"], a["handling_due"], a["legal_due"]) if x
        )
        out.appeals.append(
            (
                pk,
                code,
                ent[0],
                project[0] if project else None,
                title,
                desc,
                category.pk,
                channel,
                a["tier"],
                a["status"],
                a["version"],
                received,
                intake_actor[0],
                intake_actor[2],
                "",
                "",
                a["materials_complete"],
                a["completed_on"],
                a["notice_at"],
                a["lead"],
                a["handler"],
                a["units_passed"],
                0,
                a["is_problem"],
                a["handling_days"],
                a["sign_due"],
                a["handling_due"],
                a["legal_due"],
                due,
                yellow,
                provisional,
                a["resolved_at"],
                a["resolution"],
                a["verified_at"],
                a["closed_at"],
                a["close_reason"],
                a["rating"],
                a["rating_comment"],
                a["reminded_at"],
                a["on_time"],
                a["state_since"],
                a["assigned_at"],
                a["signed_at"],
                None,
                0,
                "none",
                a["withdrawn_at"],
                a["withdrawal_reason"],
                a["withdrawal_check"],
                0,
                None,
                "",
                "",
                None,
                "",
                received,
                a["state_since"],
                "",  # contact_phone_bidx: no contact phone on a generated appeal
                # The search document Appeal.save() would write (docs/search.md).
                appeal_document(code=code, title=title, description=desc, enterprise_name=ent[3]),
            )
        )


def round_up(n: int, k: int) -> int:
    return int(math.ceil(n / k) * k)
