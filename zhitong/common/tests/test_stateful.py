"""Stateful fuzzing (issue 15): a hypothesis state machine drives appeals, coordination tasks
and rectification orders through random moves — legal and illegal, by every kind of actor —
while the working-day clock runs and the calendar is edited, and checks the invariants after
every step.

The moves come from the transition kernel's declared tables (`Machine.moves`); each is made
through `Machine.dispatch`, the one entry point the pages and the API call. What is checked:

- a refused move (illegal from the current state, an actor without the relation, or bad
  data) raises the service's own error (`ServiceError`, a 4xx) and changes nothing: no state,
  no version, no history row, no audit event of outcome ok, no outbox row;
- a move from a state outside the table's sources is a 409, a move by an actor without the
  relation a 403/404 — never a success;
- an accepted move leads where the table says (its target, its alt target, or the same
  status for a move without one), bumps the version by one, writes its history row and its
  audit event, and every notice it queued (`Step.tell` → `notify`) is in the outbox;
- after every step: every routed appeal has exactly one lead unit, never also one of its
  cooperating units; every stored working-day deadline registered with the calendar
  (`workdays.deadlines`) equals its owner's own computation on the current calendar.

Bounded for CI by the `ci` profile (derandomized); `HYPOTHESIS_PROFILE=long` runs many more
and longer sequences (docs/reliability.md, "Stateful fuzzing").
"""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from zhitong.appeals.choices import OPEN_STATUSES
from zhitong.appeals.choices import Status as AppealStatus
from zhitong.appeals.jobs import run_appeal_clock
from zhitong.appeals.machine import APPEAL
from zhitong.appeals.models import Appeal, Transition
from zhitong.audit.models import AuditEvent
from zhitong.common import transitions as kernel
from zhitong.common.models import StateChange
from zhitong.coordination import services as coordination
from zhitong.coordination.choices import EventKind, Verification
from zhitong.coordination.machines.events import EVENT
from zhitong.coordination.machines.tasks import TASK
from zhitong.coordination.models import EventItem, TaskReport
from zhitong.coordination.tests import conftest as coordination_fixtures
from zhitong.core.errors import ServiceError
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.outbox.models import OutboxMessage
from zhitong.portal.tests.test_home_counts import list_total, parse
from zhitong.projects.machines import PREVIOUS, STAGE
from zhitong.projects.models import ProjectStageChange
from zhitong.supervision import services as supervision
from zhitong.supervision.machines import ORDER
from zhitong.workdays import deadlines as registry
from zhitong.workdays import services as workdays
from zhitong.workdays.models import DayKind

pytestmark = pytest.mark.django_db

# The coordination tests' city and scene (real services), frozen start and calendar cache.
city, scene = coordination_fixtures.city, coordination_fixtures.scene
_frozen_start = coordination_fixtures._frozen_start
_media = coordination_fixtures._media
_fresh_calendar_cache = coordination_fixtures._fresh_calendar_cache
START = coordination_fixtures.START
PDF = coordination_fixtures.PDF

# -- profiles ----------------------------------------------------------------------------------

settings.register_profile(
    "ci",
    max_examples=12,
    stateful_step_count=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.register_profile(
    "long",
    max_examples=300,
    stateful_step_count=60,
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
if os.environ.get("FUZZ_EXAMPLES"):  # a manual run of another length (docs/reliability.md)
    PROFILE = settings(PROFILE, max_examples=int(os.environ["FUZZ_EXAMPLES"]))

# The actors: every relation a table names, and people with none.
ACTORS = (
    "hub",  # the coordinating office
    "clerk",  # the hotline's first-inquiry clerk (FIRST_INQUIRY of the appeals it receives)
    "handler",  # a handler of GXJ (lead unit of most appeals, the unit of most tasks/orders)
    "head",  # GXJ's head (approves extensions)
    "outsider",  # a handler of SWJ: lead or cooperating unit of some appeals, outsider of others
    "glq_handler",  # a county's handler
    "leader",
    "supervisor",
    "hub_gxj",  # the 面对面 office (a hub in a section of GXJ): runs the events
    "mayor",  # chairs the events
    "enterprise_user",  # the enterprise of the appeals
    "stranger",  # another enterprise's user
)
UNITS = ("gxj", "swj", "glq", "zjj")
ROUTED = set(AppealStatus.values) - {AppealStatus.SUBMITTED, AppealStatus.MATERIALS_PENDING}
CLIENT_ERRORS = range(400, 500)


class Notices:
    """A spy on `notify` as the kernel's `Step.tell` calls it: (kind, recipient ids) per call."""

    def __init__(self):
        self.calls: list[tuple[str, set]] = []
        self._real = kernel.notify

    def __call__(self, *, recipients, kind, now=None, **kw):
        if callable(recipients):
            recipients = list(recipients())
        ids = {getattr(r, "pk", r) for r in recipients if r is not None} - {None}
        self.calls.append((kind, ids))
        return self._real(recipients=recipients, kind=kind, now=now, **kw)


def _counts() -> dict:
    """Global counters a refused move must leave as they were."""
    return {
        "ok_audit": AuditEvent.objects.filter(outcome="ok").count(),
        "outbox": OutboxMessage.objects.count(),
        "transitions": Transition.objects.count(),
        "state_changes": StateChange.objects.count(),
        "task_reports": TaskReport.objects.count(),
        "stage_changes": ProjectStageChange.objects.count(),
    }


def _history_count(machine, pk) -> int:
    if machine is APPEAL:
        return Transition.objects.filter(appeal_id=pk).count()
    if machine is TASK:
        return TaskReport.objects.filter(task_id=pk).count()
    if machine is STAGE:
        return ProjectStageChange.objects.filter(project_id=pk).count()
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(machine.model)
    return StateChange.objects.filter(content_type=ct, object_id=pk).count()


def _audit_count(machine, pk, move) -> int:
    return AuditEvent.objects.filter(
        action=f"{machine.kind}.{move}",
        object_type=machine.model._meta.label_lower,
        object_id=str(pk),
        outcome="ok",
    ).count()


def deadline_drift() -> list[str]:
    """Every stored deadline registered with the calendar whose owner's own rule, run again on
    the current calendar, gives another date (or another provisional mark)."""
    wrong = []
    with registry.pinned_calendar():
        for entry in registry.registered():
            qs = entry.model._default_manager.select_related(*entry.select_related).order_by("pk")
            rows = list(qs.filter(entry.active) if entry.active is not None else qs)
            if not rows:
                continue
            watched = (*entry.dates, entry.provisional, *entry.derived)
            stored = {row.pk: [getattr(row, n) for n in watched] for row in rows}
            entry.recompute(rows)
            for row in rows:
                now = [getattr(row, n) for n in watched]
                if now != stored[row.pk]:
                    wrong.append(f"{entry.model_label} {row.pk}: stored {stored[row.pk]} ≠ computed {now}")
    return wrong


STATS: dict[str, int] = {}


def run_fuzz(city, scene, *, settings_=None):
    admin = UserFactory(role=Role.ADMIN, unit=city.units.root, is_staff=True, is_superuser=True)
    people = {name: getattr(city, name, None) for name in ACTORS}
    people["stranger"] = UserFactory(role=Role.ENTERPRISE, unit=None, enterprise=city.other_enterprise)

    class Fuzz(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.now = START
            self.travel = time_machine.travel(self.now, tick=False)
            self.travel.start()
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            workdays.invalidate_cache()
            self.spy = Notices()
            kernel.notify = self.spy
            self.moves = {"ok": 0, "refused": 0}
            self.marked = []  # days this run marked as holidays
            self.since_home = 0  # accepted moves since the home pages were last compared
            # The objects made so far, by machine (the projects are the city's two).
            self.objs = {
                APPEAL: [],
                TASK: [],
                ORDER: [],
                EVENT: [],
                STAGE: [city.project.pk, city.other_project.pk],
            }

        def teardown(self):
            for key, n in self.moves.items():
                STATS[key] = STATS.get(key, 0) + n
            STATS["examples"] = STATS.get("examples", 0) + 1
            kernel.notify = self.spy._real
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
            self.travel.stop()
            workdays.invalidate_cache()

        # -- time --------------------------------------------------------------------------
        def _go(self, when: datetime):
            self.travel.stop()
            self.now = when
            self.travel = time_machine.travel(when, tick=False)
            self.travel.start()

        def tick(self) -> datetime:
            self._go(self.now + timedelta(minutes=7))
            return self.now

        # -- objects -------------------------------------------------------------------------
        @initialize()
        def first_appeal(self):
            scene.now = self.now
            appeal = scene.appeal(status=AppealStatus.SUBMITTED)
            self._go(max(self.now, scene.now))
            self.objs[APPEAL].append(appeal.pk)

        @rule(
            status=st.sampled_from([AppealStatus.SUBMITTED, AppealStatus.ASSIGNED, AppealStatus.IN_PROGRESS]),
            lead=st.sampled_from(["gxj", "swj", "glq"]),
        )
        def new_appeal(self, status, lead):
            scene.now = self.now
            appeal = scene.appeal(status=status, lead=getattr(city.units, lead))
            self._go(max(self.now, scene.now))
            self.objs[APPEAL].append(appeal.pk)

        @rule(data=st.data(), days=st.integers(3, 30))
        def new_event(self, data, days):
            """A quarterly 面对面 event run by GXJ's office, with some open appeals on it."""
            event = coordination.event_create(
                actor=city.hub_gxj,
                title="“面对面”政企交流活动",
                kind=EventKind.QUARTERLY,
                scheduled_at=self.now + timedelta(days=days),
                chair=city.mayor,
                deputy=city.leader,
                now=self.tick(),
            )
            appeals = data.draw(
                st.lists(st.sampled_from(self.objs[APPEAL]), min_size=1, max_size=3, unique=True)
            )
            open_ = list(
                Appeal.objects.filter(pk__in=appeals, status__in=OPEN_STATUSES).values_list("pk", flat=True)
            )
            if open_:
                coordination.event_add_appeals(
                    actor=city.hub_gxj, event_id=event.pk, appeal_ids=open_, now=self.tick()
                )
            self.objs[EVENT].append(event.pk)

        @rule(unit=st.sampled_from(["gxj", "swj", "glq"]), n=st.integers(1, 10))
        def new_order(self, unit, n):
            order = supervision.order_issue(
                actor=city.supervisor,
                unit_id=getattr(city.units, unit).pk,
                title="未按期答复企业诉求",
                requirement="限期整改并报送整改情况",
                workdays=n,
                now=self.tick(),
            )
            self.objs[ORDER].append(order.pk)

        @rule(
            data=st.data(),
            units=st.lists(st.sampled_from(UNITS), min_size=1, max_size=2, unique=True),
            n=st.integers(1, 8),
        )
        def new_tasks(self, data, units, n):
            """A meeting's opinion on an open appeal: one task per unit named."""
            appeal = data.draw(st.sampled_from(self.objs[APPEAL]))
            if not Appeal.objects.filter(pk=appeal, status__in=OPEN_STATUSES).exists():
                return
            meeting = coordination.meeting_create(
                actor=city.hub, title="协调会", convener=city.leader, held_at=self.tick()
            )
            (item,) = coordination.meeting_add_items(
                actor=city.hub, meeting_id=meeting.pk, appeal_ids=[appeal], now=self.tick()
            )
            coordination.meeting_record_opinion(
                actor=city.hub,
                item_id=item.pk,
                opinion="限期办理",
                unit_ids=[getattr(city.units, u).pk for u in units],
                due_workdays=n,
                now=self.tick(),
            )
            self.objs[TASK] += list(item.tasks.values_list("pk", flat=True))

        # -- moves ---------------------------------------------------------------------------
        def _value(self, data, f, obj):
            """A value for one field of a move's form: usually plausible, sometimes empty."""
            today = timezone.localdate(self.now)
            kind = f.kind
            if kind in ("text", "textarea"):
                return data.draw(st.sampled_from(["情况说明：已协调相关部门办理", "", "理由"]))
            if kind == "items":
                return data.draw(st.sampled_from([["营业执照复印件", "项目备案证明"], []]))
            if kind == "unit":
                return data.draw(st.sampled_from([None, *(getattr(city.units, u).pk for u in UNITS)]))
            if kind == "units":
                return data.draw(
                    st.lists(
                        st.sampled_from([getattr(city.units, u).pk for u in UNITS]), max_size=2, unique=True
                    )
                )
            if kind == "int":
                return data.draw(st.sampled_from([None, 1, 3, 5, 15]))
            if kind == "date":
                return today + timedelta(days=data.draw(st.integers(-3, 40)))
            if kind == "user":
                return data.draw(st.sampled_from([None, city.leader.pk]))
            if kind == "appeal":
                return data.draw(
                    st.sampled_from(list(Appeal.objects.order_by("pk").values_list("pk", flat=True)[:20]))
                )
            if kind == "rating":
                return data.draw(st.integers(1, 5))
            if kind == "files":
                return data.draw(
                    st.sampled_from([[], [SimpleUploadedFile("佐证.pdf", PDF, "application/pdf")]])
                )
            if kind == "file":
                return data.draw(
                    st.sampled_from([None, SimpleUploadedFile("整改.pdf", PDF, "application/pdf")])
                )
            if kind == "datetime":
                return self.now + timedelta(days=data.draw(st.integers(-2, 30)))
            if kind in ("item", "event_items", "proposals"):
                items = (
                    list(EventItem.objects.filter(event_id=obj.pk).values_list("pk", flat=True))
                    if machine_of(obj) is EVENT
                    else []
                )
                if kind == "item":
                    return data.draw(st.sampled_from(items)) if items else None
                chosen = data.draw(st.lists(st.sampled_from(items), unique=True)) if items else []
                return chosen if kind == "event_items" else {i: "建议限期办结" for i in chosen}
            if kind == "bool":
                return data.draw(st.booleans())
            return None

        def _move(self, machine, pk, data):
            """One move, legal or not, by any actor; checks the outcome against the table."""
            obj = machine.model.objects.get(pk=pk)
            if machine is APPEAL:
                obj = Appeal.objects.prefetch_related("cooperations").select_related("category").get(pk=pk)
            today = timezone.localdate(self.now)
            offered = [
                (m.name, who) for who in ACTORS for m in machine.available(people[who], obj, today=today)
            ]
            if offered and data.draw(st.integers(0, 3), label="offered") > 0:
                # Three times in four a button some actor has now (legal, so that runs go deep
                # into the tables); otherwise any move by anyone (mostly illegal).
                name, who = data.draw(st.sampled_from(offered), label="move, actor")
            else:
                name = data.draw(st.sampled_from(sorted(machine.moves)), label="move")
                who = data.draw(st.sampled_from(ACTORS), label="actor")
            actor = people[who]
            m = machine.moves[name]
            values = {f.name: self._value(data, f, obj) for f in m.form}
            before_status = getattr(obj, machine.status_field)
            before_version = getattr(obj, machine.version_field)
            in_sources = before_status in m.sources
            related = bool(machine.relations_of(actor, obj) & m.actors)
            counts = _counts()
            history = _history_count(machine, pk)
            audited = _audit_count(machine, pk, name)
            self.spy.calls.clear()
            try:
                machine.dispatch(
                    pk=pk, move=name, actor=actor, expected_version=before_version, now=self.tick(), **values
                )
            except ServiceError as exc:
                self.moves["refused"] += 1
                event(f"refused {exc.status}")
                assert exc.status in CLIENT_ERRORS, (name, who, exc)
                obj.refresh_from_db()
                assert getattr(obj, machine.status_field) == before_status, (name, who, exc)
                assert getattr(obj, machine.version_field) == before_version, (name, who, exc)
                assert _counts() == counts, (name, who, exc.message)
                return
            self.moves["ok"] += 1
            self.since_home += 1
            self.moves[machine.kind] = self.moves.get(machine.kind, 0) + 1
            event(f"accepted {machine.kind}.{name}")
            assert in_sources, f"{machine.kind}.{name} accepted from {before_status} (not a source)"
            assert related, (
                f"{machine.kind}.{name} accepted from {who} (no relation among {sorted(m.actors)})"
            )
            obj.refresh_from_db()
            after = getattr(obj, machine.status_field)
            allowed = {m.target or before_status, m.alt_target} - {None}
            if machine is STAGE and name == "step_back":
                allowed = {PREVIOUS[before_status]}  # the table's "None": one stage back
            assert after in allowed, f"{machine.kind}.{name}: {before_status} → {after}, table says {allowed}"
            assert getattr(obj, machine.version_field) == before_version + 1, (name, "version")
            assert _history_count(machine, pk) > history, f"{machine.kind}.{name} wrote no history row"
            assert _audit_count(machine, pk, name) == audited + 1, f"{machine.kind}.{name}: no audit event"
            for kind, ids in self.spy.calls:
                for uid in ids:
                    assert OutboxMessage.objects.filter(
                        kind="notification", payload__kind=kind, payload__recipient_id=uid
                    ).exists(), f"{machine.kind}.{name}: notice {kind} to user {uid} not in the outbox"

        @rule(data=st.data(), burst=st.integers(1, 6))
        def moves(self, data, burst):
            """A burst of moves, each on an object of any kind made so far."""
            for _ in range(burst):
                machine = data.draw(
                    st.sampled_from([m for m, pks in self.objs.items() if pks]), label="machine"
                )
                self._move(machine, data.draw(st.sampled_from(self.objs[machine]), label="pk"), data)

        # The moves are what is under test: the same rule three times over, so that they are
        # most of the steps (hypothesis chooses among the rules evenly, and its swarm testing
        # switches some rules off in each run).
        moves_again = moves
        moves_once_more = moves

        @precondition(lambda self: self.objs[EVENT])
        @rule(data=st.data())
        def edit_event_item(self, data):
            """The edits of an event's problems beside its table (verification, the leader's
            opinion), by any actor: done, or refused with nothing written."""
            pk = data.draw(st.sampled_from(self.objs[EVENT]), label="event")
            item = EventItem.objects.filter(event_id=pk).order_by("pk").first()
            if item is None:
                return
            who = data.draw(st.sampled_from(ACTORS), label="actor")
            if data.draw(st.booleans(), label="verify"):
                call = lambda: coordination.event_item_verify(  # noqa: E731
                    actor=people[who],
                    item_id=item.pk,
                    result=data.draw(
                        st.sampled_from([Verification.CONFIRMED, Verification.NOT_CONFIRMED, "x"])
                    ),
                    note=data.draw(st.sampled_from(["情况属实", ""])),
                    now=self.tick(),
                )
            else:
                call = lambda: coordination.event_record_opinion(  # noqa: E731
                    actor=people[who],
                    item_id=item.pk,
                    opinion=data.draw(st.sampled_from(["限期办结", ""])),
                    unit_ids=[
                        getattr(city.units, u).pk
                        for u in data.draw(st.lists(st.sampled_from(UNITS), max_size=2, unique=True))
                    ],
                    due_workdays=data.draw(st.sampled_from([None, 5, 10])),
                    now=self.tick(),
                )
            counts = _counts()
            try:
                call()
            except ServiceError as exc:
                assert exc.status in CLIENT_ERRORS, exc
                assert _counts() == counts, exc.message

        # -- the clock and the calendar -----------------------------------------------------
        @rule(n=st.integers(1, 6), hour=st.integers(0, 23))
        def advance(self, n, hour):
            """Move frozen time on by n working days and run the appeals' clock job."""
            day = workdays.add_workdays(timezone.localdate(self.now), n).date
            self._go(max(self.now, timezone.make_aware(datetime.combine(day, time(hour)))))
            run_appeal_clock(now=self.now)

        @rule(ahead=st.integers(0, 30), clear=st.booleans())
        def edit_calendar(self, ahead, clear):
            """An administrator marks a coming working day as a holiday, or clears a day marked
            before: the stored deadlines re-time (checked by the invariant)."""
            if clear and self.marked:
                workdays.calendar_day_clear(actor=admin, day=self.marked.pop(), now=self.tick())
                return
            day = timezone.localdate(self.now) + timedelta(days=ahead)
            if not workdays.is_workday(day):
                return
            workdays.calendar_day_set(
                actor=admin, day=day, kind=DayKind.HOLIDAY, name="临时调整", now=self.tick()
            )
            self.marked.append(day)

        @precondition(lambda self: self.since_home >= 4)
        @rule(
            who=st.sampled_from(
                ["hub", "handler", "head", "outsider", "supervisor", "enterprise_user", "leader"]
            )
        )
        def home_counts(self, who):
            """Every count on this actor's home page equals the length of the list it opens."""
            self.since_home = 0
            client = Client()
            client.force_login(people[who])
            response = client.get("/")
            assert response.status_code == 200
            home = parse(response.content.decode())
            for count in home.counts:
                assert count.href, count
                total = list_total(client, count.href, home)
                assert int(count.value) == total, (who, count.key, count.value, total, count.href)

        # -- invariants ----------------------------------------------------------------------
        @invariant()
        def one_lead_unit(self):
            for appeal in Appeal.objects.filter(status__in=ROUTED).prefetch_related("cooperations"):
                if appeal.status == AppealStatus.MERGED and appeal.lead_unit_id is None:
                    continue  # merged before routing: it lives on in the appeal it joined
                if appeal.status == AppealStatus.WITHDRAWN and appeal.lead_unit_id is None:
                    continue  # withdrawn before routing
                assert appeal.lead_unit_id is not None, f"{appeal.code} ({appeal.status}) has no lead unit"
                coops = [c.unit_id for c in appeal.cooperations.all()]
                assert appeal.lead_unit_id not in coops, f"{appeal.code}: the lead unit also cooperates"
                assert len(coops) == len(set(coops)), f"{appeal.code}: a unit cooperates twice"

        @invariant()
        def deadlines_follow_the_calendar(self):
            assert deadline_drift() == []

    run_state_machine_as_test(Fuzz, settings=settings_ or PROFILE)


def machine_of(obj):
    return next(m for m in kernel.MACHINES.values() if isinstance(obj, m.model))


@pytest.mark.slow
def test_random_moves_keep_the_invariants(city, scene):
    STATS.clear()
    run_fuzz(city, scene)
    print("stateful fuzzing:", dict(sorted(STATS.items())))  # shown with -s
    # Not vacuous: the runs made moves that were accepted and moves that were refused, on
    # most kinds of object (the ci profile is derandomized: the same sequences every time).
    assert STATS["ok"] >= 10 and STATS["refused"] >= 20, STATS
    assert sum(STATS.get(m.kind, 0) > 0 for m in (APPEAL, TASK, ORDER, EVENT, STAGE)) >= 3, STATS


def test_the_deadline_invariant_sees_a_date_the_calendar_did_not_give(city, scene):
    appeal = scene.appeal()
    order = supervision.order_issue(
        actor=city.supervisor, unit_id=city.units.gxj.pk, title="超期", requirement="整改", workdays=5
    )
    assert deadline_drift() == []
    Appeal.objects.filter(pk=appeal.pk).update(handling_due=appeal.handling_due + timedelta(days=1))
    type(order).objects.filter(pk=order.pk).update(due_provisional=True)
    drift = deadline_drift()
    assert len(drift) == 2 and drift[0].startswith("appeals.Appeal"), drift
