"""The roadmap (推进路径图): reverse and forward scheduling in working days across the
official 2026 holidays, a provisional 2027 plan re-timed when the official schedule is
imported, the lights at their boundaries, the green channel, the moves and who may make
them, and the clock job's notices."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhitong.core.errors import AccessDenied, ConflictError, Forbidden, InvalidInput
from zhitong.enterprises.tests.factories import EnterpriseFactory
from zhitong.notifications.models import Notification
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.tests.factories import UnitFactory, UserFactory
from zhitong.outbox.models import OutboxMessage
from zhitong.projects.models import Milestone, MilestoneStatus, PlanRule, Project
from zhitong.projects.roadmap import jobs, rules, services
from zhitong.projects.roadmap.machine import MILESTONE
from zhitong.projects.selectors import project_get_for_user
from zhitong.workdays.models import CalendarYear, DeadlineShift
from zhitong.workdays.services import add_workdays, calendar_import_csv, is_provisional

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 1, 5, 10, 0, tzinfo=TZ)
REVERSE, FORWARD = PlanRule.REVERSE, PlanRule.FORWARD


@pytest.fixture
def roadmap_world(db):
    """A project led by county A; the people of the access tests: `lead` (handler of the
    lead unit), `head` (its head), `outsider` (handler of county B), the `hub`, a
    `supervisor` (sees every project, plans none), an `agent` of the service centre and a
    handler of the responsible department."""
    root = UnitFactory(code="ROOT", kind=UnitKind.CITY_GOVERNMENT)
    county = UnitFactory(code="A", kind=UnitKind.COUNTY, parent=root)
    other = UnitFactory(code="B", kind=UnitKind.COUNTY, parent=root)
    land = UnitFactory(code="ZRZY", name="市自然资源和规划局", kind=UnitKind.DEPARTMENT, parent=root)
    centre = UnitFactory(code="XZFW", name="市行政服务中心", kind=UnitKind.DEPARTMENT, parent=root)
    project = Project.objects.create(
        code="P-1",
        name="新材料产业园",
        owner=EnterpriseFactory(location=county),
        location=county,
        lead_unit=county,
    )
    return {
        "project": project,
        "land": land,
        "lead": UserFactory(role=Role.HANDLER, unit=county),
        "head": UserFactory(role=Role.UNIT_HEAD, unit=county),
        "outsider": UserFactory(role=Role.HANDLER, unit=other),
        "hub": UserFactory(role=Role.HUB, unit=root),
        "supervisor": UserFactory(role=Role.SUPERVISOR, unit=root),
        "agent": UserFactory(role=Role.HANDLER, unit=centre),
        "land_handler": UserFactory(role=Role.HANDLER, unit=land),
    }


def items(*pairs, **extra):
    return [{"kind": kind, "workdays": days, **extra} for kind, days in pairs]


def dates(nodes):
    return [(n.dates.start, n.dates.due) for n in nodes]


def preview(project, direction, anchor, *pairs):
    return services.roadmap_preview(project=project, direction=direction, anchor=anchor, items=items(*pairs))


def save(world, direction, anchor, *pairs, actor=None, **kw):
    return services.roadmap_plan(
        project_id=world["project"].pk,
        actor=actor or world["lead"],
        direction=direction,
        anchor=anchor,
        items=items(*pairs, **kw.pop("item", {})),
        now=NOW,
        **kw,
    )


# -- reverse and forward scheduling across the official 2026 holidays ------------------------


def test_reverse_scheduling_walks_back_over_the_spring_festival(roadmap_world):
    # 2026 official: 15–23 February off, Saturday 14 and Saturday 28 February worked.
    nodes = preview(
        roadmap_world["project"], REVERSE, date(2026, 3, 6), ("project_approval", 5), ("site_selection", 10)
    )
    # 选址 due on the target (Friday 6 March); its 10 working days back: 5, 4, 3, 2 March,
    # Saturday 28 Feb, 27, 26, 25, 24 Feb, then over the festival to the make-up Saturday 14.
    # Without the holiday it would have started on Friday 20 February.
    # 立项 is due the day 选址 starts; 5 working days back: 13, 12, 11, 10, 9 February.
    assert dates(nodes) == [
        (date(2026, 2, 9), date(2026, 2, 14)),
        (date(2026, 2, 14), date(2026, 3, 6)),
    ]
    assert [n.rest_days for n in nodes] == [0, 6]  # weekdays off: 16–20 and 23 February
    assert not any(n.dates.provisional for n in nodes)
    # Each node is due its limit after its start, counted forward the usual way.
    assert all(add_workdays(n.dates.start, n.item.workdays).date == n.dates.due for n in nodes)


def test_forward_scheduling_from_a_start_date_gives_the_same_chain(roadmap_world):
    nodes = preview(
        roadmap_world["project"], FORWARD, date(2026, 2, 9), ("project_approval", 5), ("site_selection", 10)
    )
    assert dates(nodes) == [
        (date(2026, 2, 9), date(2026, 2, 14)),
        (date(2026, 2, 14), date(2026, 3, 6)),
    ]


def test_national_day_pushes_the_start_back_and_the_due_day_on(roadmap_world):
    project = roadmap_world["project"]
    # 2026 official: 1–7 October off, Saturday 10 October worked. Five working days after
    # Tuesday 29 September: 30 Sep, 8, 9, Saturday 10, Monday 12 October.
    forward = preview(project, FORWARD, date(2026, 9, 29), ("construction_permit", 5))
    assert dates(forward) == [(date(2026, 9, 29), date(2026, 10, 12))]
    reverse = preview(project, REVERSE, date(2026, 10, 12), ("construction_permit", 5))
    assert dates(reverse) == [(date(2026, 9, 29), date(2026, 10, 12))]


def test_a_target_on_a_holiday_is_met_the_last_working_day_before_it(roadmap_world):
    nodes = preview(roadmap_world["project"], REVERSE, date(2026, 10, 3), ("construction_permit", 1))
    assert dates(nodes) == [(date(2026, 9, 29), date(2026, 9, 30))]


def test_a_saved_plan_stores_each_nodes_inputs_and_dates(roadmap_world):
    w = roadmap_world
    rows = save(w, REVERSE, date(2026, 3, 6), ("project_approval", 5), ("site_selection", 10))
    stored = list(Milestone.objects.filter(project=w["project"]).order_by("sequence"))
    assert [m.pk for m in rows] == [m.pk for m in stored]
    first, second = stored
    assert (first.name, first.sequence, first.plan_rule, first.plan_anchor, first.plan_offset) == (
        "立项",
        1,
        REVERSE,
        date(2026, 3, 6),
        10,
    )
    assert (second.plan_offset, second.planned_start, second.planned_due) == (
        0,
        date(2026, 2, 14),
        date(2026, 3, 6),
    )
    assert second.yellow_from == date(2026, 3, 4)  # two working days before: 5 and 6 March left
    assert first.status == MilestoneStatus.OPEN and first.planned_provisional is False
    # Recomputing from the stored inputs changes nothing.
    assert rules.recompute(first) == [] and rules.recompute(second) == []


def test_planning_checks_its_inputs(roadmap_world):
    project = roadmap_world["project"]
    with pytest.raises(InvalidInput, match="至少选择一个节点"):
        services.roadmap_preview(project=project, direction=REVERSE, anchor=date(2026, 3, 6), items=[])
    with pytest.raises(InvalidInput, match="自定义节点"):
        services.roadmap_preview(
            project=project,
            direction=REVERSE,
            anchor=date(2026, 3, 6),
            items=[{"kind": "custom", "workdays": 3}],
        )
    with pytest.raises(InvalidInput, match="重复"):
        preview(project, REVERSE, date(2026, 3, 6), ("land", 5), ("land", 6))
    with pytest.raises(InvalidInput, match="1至365"):
        preview(project, REVERSE, date(2026, 3, 6), ("land", 366))
    with pytest.raises(InvalidInput, match="倒排"):
        preview(project, "sideways", date(2026, 3, 6), ("land", 5))
    with pytest.raises(InvalidInput, match="早于2020-01-01"):
        preview(project, REVERSE, date(2020, 1, 10), ("land", 20))
    with pytest.raises(InvalidInput, match="代办员"):
        services.roadmap_preview(
            project=project,
            direction=REVERSE,
            anchor=date(2026, 3, 6),
            items=[{"kind": "land", "agent_id": 10**9}],
        )
    # A standard node may leave its name and limit out: the defaults.
    (node,) = services.roadmap_preview(
        project=project, direction=REVERSE, anchor=date(2026, 3, 6), items=[{"kind": "land"}]
    )
    assert (node.item.name, node.item.workdays) == ("用地", rules.DEFAULT_WORKDAYS["land"])


# -- a provisional 2027 plan, re-timed when the official schedule is imported ----------------

# The same made-up 2027 schedule as appeals/tests/test_clock_recompute.py: 5–11 February off,
# Saturday 20 February worked, no Sunday worked. The prediction had 5–13 February off and
# Sundays 31 January and 14 February worked.
CALENDAR_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-02-05,holiday,春节
2027-02-06,holiday,春节
2027-02-07,holiday,春节
2027-02-08,holiday,春节
2027-02-09,holiday,春节
2027-02-10,holiday,春节
2027-02-11,holiday,春节
2027-02-20,workday,春节
"""


def test_importing_the_2027_schedule_re_times_a_provisional_reverse_plan(
    roadmap_world, django_capture_on_commit_callbacks
):
    w = roadmap_world
    assert not CalendarYear.objects.filter(year=2027).exists() and is_provisional(date(2027, 2, 19))
    save(w, REVERSE, date(2027, 2, 19), ("project_approval", 5), ("land", 10))
    approval, land = Milestone.objects.filter(project=w["project"]).order_by("sequence")
    # Predicted: 18, 17, 16, 15 Feb, Sunday 14 (worked), 4, 3, 2, 1 Feb, Sunday 31 Jan (worked).
    assert (land.planned_start, land.planned_due, land.planned_provisional) == (
        date(2027, 1, 31),
        date(2027, 2, 19),
        True,
    )
    assert (approval.planned_start, approval.planned_due) == (date(2027, 1, 25), date(2027, 1, 31))
    versions = (approval.version, land.version)

    with django_capture_on_commit_callbacks(execute=True):
        assert calendar_import_csv(fileobj=io.BytesIO(CALENDAR_2027.encode()), actor=w["hub"]).ok

    approval.refresh_from_db()
    land.refresh_from_db()
    # Official: 18, 17, 16, 15, Friday 12 Feb (13 and 14 are rest days now), 4, 3, 2, 1 Feb,
    # Friday 29 January — the whole chain moves back.
    assert (land.planned_start, land.planned_due, land.planned_provisional) == (
        date(2027, 1, 29),
        date(2027, 2, 19),
        False,
    )
    assert (approval.planned_start, approval.planned_due, approval.planned_provisional) == (
        date(2027, 1, 22),
        date(2027, 1, 29),
        False,
    )
    assert land.yellow_from == date(2027, 2, 17)
    assert (approval.version, land.version) == versions  # nobody's open form turns stale
    shifts = {(s.object_id, s.field): (s.old_date, s.new_date) for s in DeadlineShift.objects.all()}
    assert shifts[(str(land.pk), "planned_start")] == (date(2027, 1, 31), date(2027, 1, 29))
    assert shifts[(str(approval.pk), "planned_due")] == (date(2027, 1, 31), date(2027, 1, 29))


def test_a_done_milestone_keeps_its_planned_dates_when_the_calendar_changes(
    roadmap_world, django_capture_on_commit_callbacks
):
    w = roadmap_world
    save(w, FORWARD, date(2027, 1, 25), ("project_approval", 5))
    (m,) = Milestone.objects.filter(project=w["project"])
    assert m.planned_due == date(2027, 1, 31)  # 26–29 Jan and Sunday 31 Jan, worked as predicted
    with time_machine.travel(datetime(2027, 2, 1, 10, tzinfo=TZ)):
        MILESTONE.dispatch(pk=m.pk, move="complete", actor=w["lead"], actual_on=date(2027, 1, 29))
    with django_capture_on_commit_callbacks(execute=True):
        assert calendar_import_csv(fileobj=io.BytesIO(CALENDAR_2027.encode()), actor=w["hub"]).ok
    m.refresh_from_db()
    assert (m.planned_due, m.planned_provisional) == (date(2027, 1, 31), True)  # history, not re-timed


# -- the lights --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "light"),
    [
        (date(2026, 3, 3), "green"),  # three working days left
        (date(2026, 3, 4), "yellow"),  # two left (5, 6 March): yellow_from
        (date(2026, 3, 6), "yellow"),  # the due day itself
        (date(2026, 3, 7), "red"),  # the day after
    ],
)
def test_a_milestone_lights_yellow_two_working_days_before_and_red_after_its_due_day(
    roadmap_world, today, light
):
    save(roadmap_world, REVERSE, date(2026, 3, 6), ("site_selection", 10))
    (m,) = Milestone.objects.filter(project=roadmap_world["project"])
    assert rules.light_of(m, today) == light
    # The filter on the stored columns says the same (the clock job and the counts use it).
    assert [
        rules.Light(x)
        for x in rules.Light.values
        if Milestone.objects.filter(rules.light_q(x, today)).exists()
    ] == [light]


def test_a_done_milestone_has_no_light_and_says_whether_it_was_late(roadmap_world):
    w = roadmap_world
    save(w, REVERSE, date(2026, 3, 6), ("site_selection", 10))
    (m,) = Milestone.objects.filter(project=w["project"])
    with time_machine.travel(datetime(2026, 3, 10, 10, tzinfo=TZ)):
        m = MILESTONE.dispatch(pk=m.pk, move="complete", actor=w["lead"], actual_on=date(2026, 3, 9))
    assert rules.light_of(m, date(2026, 3, 10)) == "none" and rules.completed_late(m)
    assert Milestone.objects.filter(rules.light_q("none", date(2026, 3, 10))).count() == 1


# -- the green channel ---------------------------------------------------------------------------


def test_a_green_channel_project_gets_half_the_standard_limits_rounded_up(roadmap_world):
    project = roadmap_world["project"]
    project.green_channel = True
    project.save(update_fields=["green_channel"])
    nodes = services.roadmap_preview(
        project=project,
        direction=FORWARD,
        anchor=date(2026, 3, 2),
        items=[
            {"kind": "project_approval"},
            {"kind": "land", "workdays": 20},
            {"kind": "custom", "name": "环评", "workdays": 7},
        ],
    )
    assert [(n.item.standard_workdays, n.item.workdays) for n in nodes] == [(5, 3), (20, 10), (7, 4)]
    assert nodes[0].dates.due == date(2026, 3, 5)  # 3 working days after Monday 2 March


@pytest.mark.parametrize(
    ("percent", "days", "shortened"), [(50, 1, 1), (50, 15, 8), (30, 20, 6), (100, 9, 9), (10, 3, 1)]
)
def test_the_green_channel_share_is_configurable_and_never_below_one_day(settings, percent, days, shortened):
    settings.ZHITONG_GREEN_CHANNEL_PERCENT = percent
    assert rules.green_channel_days(days) == shortened
    assert rules.committed_workdays(days, green_channel=False) == days


# -- planning: who, and when it may replace the roadmap ---------------------------------------


def test_the_lead_unit_and_the_hub_plan_and_others_may_not(roadmap_world):
    w = roadmap_world
    save(w, REVERSE, date(2026, 3, 6), ("land", 5))
    save(w, REVERSE, date(2026, 3, 6), ("land", 5), actor=w["hub"], replace=True)
    save(w, REVERSE, date(2026, 3, 6), ("land", 5), actor=w["head"], replace=True)
    for user in (w["outsider"], w["supervisor"], w["agent"]):
        with pytest.raises(Forbidden):
            save(w, REVERSE, date(2026, 3, 6), ("land", 5), actor=user, replace=True)
    with pytest.raises(AccessDenied):
        services.roadmap_plan(
            project_id=10**9,
            actor=w["hub"],
            direction=REVERSE,
            anchor=date(2026, 3, 6),
            items=items(("land", 5)),
        )


def test_a_roadmap_is_replaced_only_when_asked_and_not_once_a_node_is_done(roadmap_world):
    w = roadmap_world
    save(w, REVERSE, date(2026, 3, 6), ("land", 5), ("planning", 5))
    with pytest.raises(ConflictError, match="确认替换") as exc:
        save(w, REVERSE, date(2026, 3, 20), ("land", 5))
    assert exc.value.code == "roadmap_exists"
    save(w, REVERSE, date(2026, 3, 20), ("land", 5), replace=True)
    (m,) = Milestone.objects.filter(project=w["project"])
    with time_machine.travel(datetime(2026, 3, 20, 10, tzinfo=TZ)):
        MILESTONE.dispatch(pk=m.pk, move="complete", actor=w["lead"], actual_on=date(2026, 3, 19))
    with pytest.raises(ConflictError, match="逐个修改") as exc:
        save(w, REVERSE, date(2026, 4, 20), ("land", 5), replace=True)
    assert exc.value.code == "roadmap_started"


# -- the moves --------------------------------------------------------------------------------


def _one(world, *pairs, direction=REVERSE, anchor=date(2026, 3, 6), **kw):
    save(world, direction, anchor, *(pairs or (("land", 10),)), **kw)
    return Milestone.objects.filter(project=world["project"]).order_by("sequence").first()


def test_the_agent_and_the_responsible_unit_record_completion_and_outsiders_may_not(roadmap_world):
    w = roadmap_world
    m = _one(w, item={"agent_id": w["agent"].pk, "responsible_unit_id": w["land"].pk})
    # The agent and the responsible unit's staff see the project (selectors.project_scope_q).
    assert project_get_for_user(user=w["agent"], project_id=w["project"].pk) == w["project"]
    assert project_get_for_user(user=w["land_handler"], project_id=w["project"].pk) == w["project"]
    with time_machine.travel(datetime(2026, 3, 6, 10, tzinfo=TZ)):
        assert MILESTONE.can(w["agent"], m, "complete") and MILESTONE.can(w["land_handler"], m, "complete")
        assert not MILESTONE.can(w["agent"], m, "edit") and not MILESTONE.can(w["land_handler"], m, "edit")
        for user in (w["outsider"], w["supervisor"]):
            with pytest.raises(Forbidden):
                MILESTONE.dispatch(pk=m.pk, move="complete", actor=user, actual_on=date(2026, 3, 5))
        with pytest.raises(InvalidInput, match="不能晚于今天"):
            MILESTONE.dispatch(pk=m.pk, move="complete", actor=w["agent"], actual_on=date(2026, 3, 7))
        m = MILESTONE.dispatch(
            pk=m.pk, move="complete", actor=w["agent"], actual_on=date(2026, 3, 5), expected_version=m.version
        )
    assert (m.status, m.actual_on, m.version) == (MilestoneStatus.DONE, date(2026, 3, 5), 1)
    with pytest.raises(ConflictError):
        MILESTONE.dispatch(pk=m.pk, move="complete", actor=w["agent"], actual_on=date(2026, 3, 5))


def test_only_the_hub_undoes_a_completion_with_a_reason(roadmap_world):
    w = roadmap_world
    m = _one(w)
    with time_machine.travel(datetime(2026, 3, 6, 10, tzinfo=TZ)):
        MILESTONE.dispatch(pk=m.pk, move="complete", actor=w["lead"], actual_on=date(2026, 3, 5))
        with pytest.raises(Forbidden):
            MILESTONE.dispatch(pk=m.pk, move="reopen", actor=w["lead"], reason="登记错了")
        with pytest.raises(InvalidInput):
            MILESTONE.dispatch(pk=m.pk, move="reopen", actor=w["hub"], reason="  ")
        m = MILESTONE.dispatch(pk=m.pk, move="reopen", actor=w["hub"], reason="登记错了")
    assert (m.status, m.actual_on) == (MilestoneStatus.OPEN, None)


def test_editing_a_due_day_fixes_the_node_and_a_new_limit_keeps_its_rule(roadmap_world):
    w = roadmap_world
    m = _one(w, ("land", 10), ("planning", 5))
    edit = dict(
        move="edit", actor=w["lead"], name="用地（含预审）", agent_id=w["agent"].pk, responsible_unit_id=None
    )
    # Reverse: a new limit keeps the due day; the start moves.
    m = MILESTONE.dispatch(pk=m.pk, workdays=5, planned_due=m.planned_due, expected_version=m.version, **edit)
    # (用地 is due when 规划 starts: Saturday 28 February, a make-up working day.)
    assert (m.plan_rule, m.planned_due, m.planned_start) == (REVERSE, date(2026, 2, 28), date(2026, 2, 14))
    assert (m.name, m.agent_id) == ("用地（含预审）", w["agent"].pk)
    # A new due day fixes the node there; the other node does not move.
    m = MILESTONE.dispatch(pk=m.pk, workdays=5, planned_due=date(2026, 3, 13), **edit)
    assert (m.plan_rule, m.plan_anchor, m.planned_start, m.planned_due) == (
        PlanRule.FIXED,
        date(2026, 3, 13),
        date(2026, 3, 6),
        date(2026, 3, 13),
    )
    other = Milestone.objects.get(project=w["project"], sequence=2)
    assert other.planned_due == date(2026, 3, 6)
    with pytest.raises(ConflictError, match="他人更新"):
        MILESTONE.dispatch(pk=m.pk, workdays=6, planned_due=m.planned_due, expected_version=0, **edit)
    for user in (w["agent"], w["outsider"]):
        with pytest.raises(Forbidden):
            MILESTONE.dispatch(pk=m.pk, workdays=6, planned_due=m.planned_due, **(edit | {"actor": user}))


def test_a_forward_node_keeps_its_start_when_its_limit_changes(roadmap_world):
    w = roadmap_world
    m = _one(w, ("land", 10), direction=FORWARD, anchor=date(2026, 2, 9))
    assert (m.planned_start, m.planned_due) == (date(2026, 2, 9), date(2026, 2, 28))
    m = MILESTONE.dispatch(
        pk=m.pk, move="edit", actor=w["hub"], name="用地", workdays=5, planned_due=m.planned_due
    )
    assert (m.plan_rule, m.planned_start, m.planned_due) == (FORWARD, date(2026, 2, 9), date(2026, 2, 14))


# -- the clock job ------------------------------------------------------------------------------


def test_the_clock_tells_the_agent_and_the_lead_unit_once_per_light(roadmap_world):
    w = roadmap_world
    save(
        w,
        REVERSE,
        date(2026, 3, 6),
        ("project_approval", 5),
        ("site_selection", 10),
        item={"agent_id": w["agent"].pk},
    )
    # 4 March: 立项 (due 14 Feb) is overdue, 选址 (due 6 Mar) is due soon.
    now = datetime(2026, 3, 4, 9, tzinfo=TZ)
    report = jobs.run_roadmap_clock(now=now)
    recipients = {w["agent"].pk, w["lead"].pk, w["head"].pk}
    assert (report.due_soon, report.overdue) == (len(recipients), len(recipients))
    sent = OutboxMessage.objects.filter(payload__kind__startswith="milestone.")
    assert {m.payload["recipient_id"] for m in sent.filter(payload__kind="milestone.overdue")} == recipients
    assert "推进节点超期：立项" in sent.filter(payload__kind="milestone.overdue").first().payload["title"]
    # Idempotent: a second run tells nobody anew.
    again = jobs.run_roadmap_clock(now=now)
    assert (again.due_soon, again.overdue) == (0, 0)
    assert Notification.objects.filter(recipient=w["outsider"]).count() == 0


def test_the_clock_command_runs_the_job(roadmap_world, capsys):
    from django.core.management import call_command

    save(roadmap_world, REVERSE, date(2026, 3, 6), ("site_selection", 10))
    call_command("roadmap_clock", "--now", "2026-03-09T08:00:00+08:00")
    assert "超期提醒 2" in capsys.readouterr().out
