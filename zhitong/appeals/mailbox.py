"""The mayor's mailbox (市长信箱, seeds/003 七 企业诉求专办制): who handles a mailbox appeal.

主要问题涉及市直部门的，转交分管副市长处理；主要问题涉及县(市)区、园区的，转交县(市)区政府、
园区管委会主要负责人处理。要将转办意见反馈给投诉企业，并告知处理人姓名、职务、联系方式及处理时限。
…并在7个工作日之内将办理结果告知企业.

The routing move (`services/routing._route`) asks `mailbox_handler(lead unit)` once the lead
unit is chosen: for a unit of a county or the park (the unit itself or an ancestor), that
county's principal, who hands the matter on to the lead unit; for a municipal department,
the vice mayor in charge of it (the most specific portfolio first; the executive vice
mayor or the mayor when no vice mayor holds it). The enterprise is told the leader's name
and position and a public contact — the published window of the leader's unit, else the
lead unit's (never a personal phone) — and the date, 7 working days out, a hard limit: the
hub may not give a mailbox appeal more, and its legal ceiling is the same date, so no
extension passes it (deadlines.handling_dues_for)."""

from __future__ import annotations

from dataclasses import dataclass

from zhitong.organizations.choices import LeaderLevel, UnitKind
from zhitong.organizations.models import Unit, User
from zhitong.organizations.selectors import leaders_for_unit, service_window_of

LOCAL_KINDS = (UnitKind.COUNTY, UnitKind.PARK)
CITY_LEVELS = (LeaderLevel.VICE_MAYOR, LeaderLevel.EXECUTIVE_VICE_MAYOR, LeaderLevel.MAYOR)


@dataclass(frozen=True)
class MailboxHandler:
    leader: User
    name: str
    position: str
    contact: str


def _is_local(unit: Unit) -> bool:
    """The unit is a county or the park, or sits under one."""
    ids = [int(x) for x in unit.path.strip("/").split("/") if x.isdigit()]
    return Unit.objects.filter(pk__in=ids, kind__in=LOCAL_KINDS).exists()


def mailbox_handler(unit: Unit) -> MailboxHandler | None:
    """The leader who handles a mailbox matter led by `unit` (seeds/003 七), or None when
    no leader's portfolio covers it (the hub then names one by hand)."""
    if _is_local(unit):
        leaders = leaders_for_unit(unit, include_county_principals=True).filter(
            leader_level=LeaderLevel.COUNTY_PRINCIPAL
        )
    else:
        leaders = leaders_for_unit(unit).filter(leader_level__in=CITY_LEVELS)
    leader = leaders.select_related("unit").first()
    if leader is None:
        return None
    window = service_window_of(leader.unit_id) or service_window_of(unit.pk)
    contact = window.phone if window else ""
    return MailboxHandler(
        leader=leader,
        name=leader.display_name,
        position=leader.position
        or (str(LeaderLevel(leader.leader_level).label) if leader.leader_level else ""),
        contact=contact,
    )
