"""Every move of the table, allowed and refused, for every relation.

The parameters come from machine.MOVES: a move added to the table without an entry in
SETUP below fails `test_every_move_has_a_test_setup` and every parametrized case of it.
"""

from datetime import datetime, time, timedelta

import pytest

from zhitong.appeals import services
from zhitong.appeals.choices import ExemptionStatus, Status
from zhitong.appeals.machine import (
    COOPERATING,
    ENTERPRISE,
    FIRST_INQUIRY,
    HUB,
    LEAD_HANDLER,
    LEAD_HEAD,
    MOVES,
    RELATIONS,
    SUPERVISOR,
    SYSTEM,
    available_moves,
    check_move,
    relations_of,
)
from zhitong.appeals.models import Appeal, Transition
from zhitong.core.errors import ConflictError, Forbidden

from .conftest import TZ, pdf

pytestmark = pytest.mark.django_db

S = Status


def _request_extension(flow, a):
    return flow.move(
        a,
        "request_extension",
        flow.c.handler,
        new_due=a.handling_due + timedelta(days=3),
        reason="需等待省厅批复",
    )


def _request_exemption(flow, a):
    return flow.move(
        a,
        "request_exemption",
        flow.c.handler,
        explanation="因国家产业政策调整，当年无法解决",
        evidence_files=[pdf("情况说明.pdf")],
    )


def _remind(flow, a):
    services.appeal_remind_rating(appeal_id=a.pk, now=flow.tick())
    return Appeal.objects.get(pk=a.pk)


def _after_handling_due(a):
    """The first moment after the handling deadline's last day (Asia/Shanghai midnight)."""
    return datetime.combine(a.handling_due + timedelta(days=1), time(0, 0), tzinfo=TZ)


def _after_rating_due(a):
    return datetime.combine(a.clock_due + timedelta(days=1), time(10, 0), tzinfo=TZ)


# move → (starting state, preparation, data, `now` for the move or None)
SETUP = {
    "request_materials": (
        S.SUBMITTED,
        None,
        lambda f, a: {"missing_items": ["营业执照副本", "项目备案证明"]},
        None,
    ),
    "complete_materials": (S.MATERIALS_PENDING, None, lambda f, a: {"note": "已补齐"}, None),
    "assign": (S.SUBMITTED, None, lambda f, a: {"cooperating_unit_ids": [f.c.units.tcj.pk]}, None),
    "sign": (S.ASSIGNED, None, lambda f, a: {}, None),
    "object": (S.ASSIGNED, None, lambda f, a: {"reason": "属住建部门职责"}, None),
    "settle_transfer": (
        S.TRANSFER_REQUESTED,
        None,
        lambda f, a: {"lead_unit_id": f.c.units.swj.pk, "reason": "改由商务局牵头"},
        None,
    ),
    "follow_up": (S.ASSIGNED, None, lambda f, a: {"note": "已电话督促牵头单位签收"}, None),
    "cooperate_answer": (S.IN_PROGRESS, None, lambda f, a: {"answer": "我局无异议，配合提供政策依据"}, None),
    "add_progress": (S.IN_PROGRESS, None, lambda f, a: {"note": "已现场踏勘"}, None),
    "add_evidence": (S.IN_PROGRESS, None, lambda f, a: {"evidence_files": [pdf("会议纪要.pdf")]}, None),
    "request_extension": (
        S.IN_PROGRESS,
        None,
        lambda f, a: {"new_due": a.handling_due + timedelta(days=3), "reason": "需等待省厅批复"},
        None,
    ),
    "approve_extension": (S.IN_PROGRESS, _request_extension, lambda f, a: {"note": "同意"}, None),
    "reject_extension": (S.IN_PROGRESS, _request_extension, lambda f, a: {"reason": "理由不充分"}, None),
    "lapse_extension": (S.IN_PROGRESS, _request_extension, lambda f, a: {}, _after_handling_due),
    "escalate": (S.IN_PROGRESS, None, lambda f, a: f.escalation_data(), None),
    "resume_handling": (S.ESCALATED, None, lambda f, a: {"note": "协调会已明确意见"}, None),
    "resolve": (
        S.IN_PROGRESS,
        None,
        lambda f, a: {"resolution": "已办结", "evidence_files": [pdf()]},
        None,
    ),
    "verify": (S.RESOLVED, None, lambda f, a: {}, None),
    "reject_verification": (S.RESOLVED, None, lambda f, a: {"reason": "佐证材料不足"}, None),
    "rate": (S.VERIFIED, None, lambda f, a: {"rating": 5, "comment": "办理及时"}, None),
    "close_not_rated": (S.VERIFIED, _remind, lambda f, a: {}, _after_rating_due),
    "request_exemption": (
        S.IN_PROGRESS,
        None,
        lambda f, a: {
            "explanation": "因国家产业政策调整，当年无法解决",
            "evidence_files": [pdf("情况说明.pdf")],
        },
        None,
    ),
    "approve_exemption": (S.IN_PROGRESS, _request_exemption, lambda f, a: {}, None),
    "reject_exemption": (
        S.IN_PROGRESS,
        _request_exemption,
        lambda f, a: {"reason": "不属于政策变动情形"},
        None,
    ),
    "merge": (
        S.SUBMITTED,
        None,
        lambda f, a: {"into_id": f.intake(title="消防备案办理缓慢").pk, "reason": "重复"},
        None,
    ),
}

SETUP |= {
    "withdraw": (S.IN_PROGRESS, None, lambda f, a: {"reason": "问题已自行解决"}, None),
    "confirm_withdrawal": (S.WITHDRAWN, None, lambda f, a: {"call_note": "企业确认自愿撤回"}, None),
    "reopen_withdrawal": (S.WITHDRAWN, None, lambda f, a: {"call_note": "企业称承办人要求撤回"}, None),
}

# Who plays each relation, and any extra user with no relation at all.
PLAYERS = {
    HUB: "hub",
    SUPERVISOR: "supervisor",
    FIRST_INQUIRY: "clerk",
    LEAD_HANDLER: "handler",
    LEAD_HEAD: "head",
    COOPERATING: "tcj_handler",
    ENTERPRISE: "enterprise_user",
    SYSTEM: None,
    "outsider": "outsider",
    "other_enterprise": "other_enterprise_user",
}


def _expected_relations(player: str, appeal) -> set[str]:
    """Written from the fixtures, independently of machine.relations_of."""
    routed = appeal.lead_unit_id is not None
    coop_open = appeal.cooperations.filter(answered_at__isnull=True).exists()
    return {
        HUB: {HUB},
        SUPERVISOR: {SUPERVISOR},
        FIRST_INQUIRY: {FIRST_INQUIRY},
        LEAD_HANDLER: {LEAD_HANDLER} if routed else set(),
        LEAD_HEAD: {LEAD_HANDLER, LEAD_HEAD} if routed else set(),
        COOPERATING: {COOPERATING} if coop_open else set(),
        ENTERPRISE: {ENTERPRISE},
        SYSTEM: {SYSTEM},
        "outsider": set(),
        "other_enterprise": set(),
    }[player]


def test_every_move_has_a_test_setup():
    assert set(SETUP) == set(MOVES)


def test_every_relation_is_played():
    assert set(RELATIONS) <= set(PLAYERS)


def _prepare(flow, move_name):
    status, prep, data_fn, now_fn = SETUP[move_name]
    appeal = flow.to(status)
    if prep:
        appeal = prep(flow, appeal)
    appeal = Appeal.objects.get(pk=appeal.pk)
    now = now_fn(appeal) if now_fn else flow.tick()
    return appeal, data_fn(flow, appeal), now


@pytest.mark.parametrize("player", list(PLAYERS))
@pytest.mark.parametrize("move_name", list(MOVES))
def test_move_is_allowed_exactly_for_its_actors(flow, city, move_name, player):
    appeal, data, now = _prepare(flow, move_name)
    user = getattr(city, PLAYERS[player]) if PLAYERS[player] else None
    move = MOVES[move_name]
    expected = _expected_relations(player, appeal)
    assert relations_of(user, appeal) == expected
    allowed = bool(expected & move.actors)
    shown = move_name in [m.name for m in available_moves(user, appeal, today=now.date())]
    assert shown == allowed
    version, transitions = appeal.version, Transition.objects.filter(appeal=appeal).count()

    if not allowed:
        with pytest.raises(Forbidden):
            services.appeal_move(
                appeal_id=appeal.pk, move=move_name, actor=user, expected_version=version, now=now, **data
            )
        appeal.refresh_from_db()
        assert appeal.version == version
        assert Transition.objects.filter(appeal=appeal).count() == transitions
        return

    result = services.appeal_move(
        appeal_id=appeal.pk, move=move_name, actor=user, expected_version=version, now=now, **data
    )
    result.refresh_from_db()
    assert result.version == version + 1
    last = Transition.objects.filter(appeal=appeal).order_by("-id").first()
    assert last.action == move_name
    assert last.actor_id == (user.pk if user else None)
    if move.target is None:
        assert result.status == appeal.status
    else:
        assert result.status == move.target


# A state outside each move's sources: the move is refused as illegal (409), even for its actor.
@pytest.mark.parametrize("move_name", list(MOVES))
def test_move_from_a_wrong_state_is_a_conflict(flow, city, move_name):
    move = MOVES[move_name]
    wrong = next(s for s in [S.CLOSED, S.SUBMITTED, S.IN_PROGRESS] if s not in move.sources)
    appeal = flow.to(wrong)
    actor_relation = sorted(move.actors)[0]
    user = getattr(city, PLAYERS[actor_relation]) if PLAYERS[actor_relation] else None
    _, data_fn = SETUP[move_name][0], SETUP[move_name][2]
    with pytest.raises(ConflictError) as exc:
        services.appeal_move(
            appeal_id=appeal.pk, move=move_name, actor=user, now=flow.tick(), **data_fn(flow, appeal)
        )
    assert exc.value.status == 409
    assert "不能执行" in exc.value.message


def test_a_stale_form_is_refused_with_a_clear_message(flow, city):
    appeal = flow.to(S.ASSIGNED)
    stale = appeal.version
    flow.move(appeal, "follow_up", city.clerk, note="已催办")
    with pytest.raises(ConflictError) as exc:
        services.appeal_move(appeal_id=appeal.pk, move="sign", actor=city.handler, expected_version=stale)
    assert exc.value.message == "该诉求已被他人处理，请刷新后重试"
    appeal.refresh_from_db()
    assert appeal.status == S.ASSIGNED


def test_an_unknown_move_is_a_conflict(flow, city):
    appeal = flow.to(S.SUBMITTED)
    with pytest.raises(ConflictError):
        services.appeal_move(appeal_id=appeal.pk, move="delete", actor=city.hub)


def test_section_staff_act_for_their_department(flow, city):
    appeal = flow.to(S.ASSIGNED)
    assert LEAD_HANDLER in relations_of(city.section_handler, appeal)
    flow.move(appeal, "sign", city.section_handler)


def test_an_answered_cooperation_no_longer_makes_a_cooperating_relation(flow, city):
    appeal = flow.to(S.IN_PROGRESS)
    flow.move(appeal, "cooperate_answer", city.tcj_handler, answer="无异议")
    appeal = Appeal.objects.get(pk=appeal.pk)
    assert relations_of(city.tcj_handler, appeal) == set()
    with pytest.raises(Forbidden):
        flow.move(appeal, "cooperate_answer", city.tcj_handler, answer="再次答复")


def test_extension_guards_show_only_the_possible_decision(flow, city):
    appeal = flow.to(S.IN_PROGRESS)
    today = flow.now.date()
    assert [m.name for m in available_moves(city.head, appeal, today=today) if "extension" in m.name] == [
        "request_extension"
    ]
    appeal = _request_extension(flow, appeal)
    names = [m.name for m in available_moves(city.head, appeal, today=today)]
    assert "approve_extension" in names and "request_extension" not in names
    with pytest.raises(ConflictError):
        check_move(city.handler, appeal, "request_extension", today=today)


def test_exemption_can_be_asked_only_once_at_a_time(flow, city):
    appeal = _request_exemption(flow, flow.to(S.IN_PROGRESS))
    assert appeal.exemption_status == ExemptionStatus.REQUESTED
    with pytest.raises(ConflictError):
        _request_exemption(flow, appeal)
    appeal = flow.move(appeal, "approve_exemption", city.hub)
    assert appeal.exemption_status == ExemptionStatus.APPROVED
    assert appeal.status == S.IN_PROGRESS  # still open and visible
