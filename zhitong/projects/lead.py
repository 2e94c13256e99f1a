"""Who leads a project in each stage, and who helps, supervises and cooperates: the rules of
seeds/003 二 牵头单位负责制 ("谁牵头、谁负责、谁关联、谁配合"; 一个项目只对应一个牵头单位).

`decide_lead(project)` is a pure function of the project's facts (stage, first-contact
unit, introducing unit, the department the city government designated, industry
authority, approval authority, location, level; and an override by the hub): it reads the
project and its units, writes nothing, and returns a `Decision` with exactly one lead unit
and an explanation that names the clause. The services (services/lead.py) store it on the
project (`lead_unit`, `lead_basis`) and keep the rule-based team rows (ProjectMember
`by_rule`) in step, at every stage move (machines._recompute) and whenever the facts are
created or edited (`project_apply_lead`).

The rules, by stage (docs/projects.md, "牵头单位"):

- 储备、洽谈 (二(一)): the first-contact unit (首谈单位) leads up to signing. A county or
  park leads with the city's departments cooperating (二(一)1); a city department leads
  with the other departments and the county or park the project would land in (二(一)2).
  Reserve projects count here: the first-contact unit does the 前期考察论证.
- 签约、审批、在建、竣工 (二(二)): the introducing unit (引进单位) continues — a county or park
  keeps its own (二(二)1), a city department keeps its own (二(二)2); a project introduced
  by the city's investment-promotion bureau (市招商局) is led by the department the city
  government designates by industry (二(二)3; until it designates one, the bureau keeps
  leading and the explanation says so). Who helps (帮办), supervises (督办) and
  cooperates (协办) follows the approval authority (二(二)4); a major project may be
  escalated to the vice mayor in charge (二(二)5, services/lead.project_escalate).
- 投产运营 (二(三)): the industry authority — the county's or park's own for a project it
  introduced (二(三)1), the city's for a project a department introduced (二(三)2).

Units are read as the seed speaks of them: a section (科室) acts for its department, and a
unit inside a county or park (its bureau, a town) for that county or park — except the
county's industry department, which leads its operating projects itself (二(三)1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from zhitong.organizations.choices import UnitKind

from .models import ApprovalAuthority, ProjectLevel, ProjectStage

S = ProjectStage

# The city's investment-promotion bureau (市招商局) is the unit with this code (the demo's
# 市投资促进局, "TCJ"); a deployment whose bureau has another code sets
# ZHITONG_INVESTMENT_BUREAU_CODE. A park's own 招商局 is a part of the park, not this bureau.
DEFAULT_INVESTMENT_BUREAU_CODE = "TCJ"

# The phases of seeds/003 二.
NEGOTIATION_PHASE = frozenset({S.RESERVE, S.NEGOTIATION})  # 二(一) 项目洽谈至签约阶段
BUILD_PHASE = frozenset({S.SIGNED, S.APPROVAL, S.CONSTRUCTION, S.COMPLETED})  # 二(二) 签约后…直至竣工
OPERATION_PHASE = frozenset({S.OPERATING})  # 二(三) 项目投产运营阶段

LOCAL_KINDS = (UnitKind.COUNTY, UnitKind.PARK)


def investment_bureau_code() -> str:
    return getattr(settings, "ZHITONG_INVESTMENT_BUREAU_CODE", DEFAULT_INVESTMENT_BUREAU_CODE)


@dataclass(frozen=True)
class Decision:
    """The lead unit of the project's current stage and the rest of its service team by
    the rules. `rule_lead` is the rules' own choice; `lead_unit` differs from it only when
    the hub overrode it (`overridden`). `pending` says what is missing for the rules to
    decide fully (a first-contact unit not recorded, a department not yet designated)."""

    lead_unit: object
    clause: str  # the clause the lead unit comes from, e.g. "二(二)3"
    explanation: str
    helpers: tuple = ()  # 帮办单位 (二(二)4)
    supervisors: tuple = ()  # 督办单位 (二(二)4)
    cooperators: tuple = ()  # 协办单位 (二(二)4, approvals above the city)
    partners: tuple = ()  # 配合单位: 市直相关部门 / 项目落户的县(市)区、园区 (二(一)(二)(三))
    pending: str = ""
    may_escalate: bool = False  # 二(二)5: a major project may go to the vice mayor in charge
    rule_lead: object = None
    overridden: bool = False
    bases: dict = field(default_factory=dict)  # role → the clause, for the team rows

    def units(self) -> dict[str, tuple]:
        """The units of each rule-based team role (MemberRole values)."""
        return {
            "lead_unit": (self.lead_unit,),
            "helper_unit": self.helpers,
            "supervisor_unit": self.supervisors,
            "cooperator_unit": self.cooperators,
            "team_unit": self.partners,
        }


# -- reading units as the seed speaks of them ---------------------------------------------------


def department_of(unit):
    """A section (科室) acts for its department."""
    while unit is not None and unit.kind == UnitKind.SECTION and unit.parent_id:
        unit = unit.parent
    return unit


def county_of(unit):
    """The county (县(市)区) or park (园区) the unit is, or is part of; None for a city unit."""
    while unit is not None:
        if unit.kind in LOCAL_KINDS:
            return unit
        unit = unit.parent if unit.parent_id else None
    return None


def owner_of(unit):
    """The unit that answers for what `unit` did: its county or park, else its department."""
    return county_of(unit) or department_of(unit)


def is_investment_bureau(unit) -> bool:
    """The city's investment-promotion bureau (or one of its sections)."""
    if unit is None or county_of(unit) is not None:
        return False
    return department_of(unit).code == investment_bureau_code()


def _name(unit) -> str:
    return unit.display_name


def _names(units) -> str:
    return "、".join(_name(u) for u in units)


def _distinct(units, *, without=()) -> tuple:
    out, seen = [], {u.pk for u in without if u is not None}
    for u in units:
        if u is not None and u.pk not in seen:
            seen.add(u.pk)
            out.append(u)
    return tuple(out)


def _city_industry(project):
    """The city's industry authority (市行业主管部门 / 市直相关部门 / 对口部门): the project's
    industry authority when it is a city unit."""
    unit = project.industry_unit
    if unit is None or county_of(unit) is not None:
        return None
    return department_of(unit)


def _local_industry(project, county):
    """The county's or park's own industry authority (二(三)1): the project's industry
    authority when it is a unit of that county or park (not the county itself)."""
    unit = project.industry_unit
    if unit is None or county is None or unit.pk == county.pk:
        return None
    local = county_of(unit)
    return unit if local is not None and local.pk == county.pk else None


# -- the rules ----------------------------------------------------------------------------------


@dataclass
class _Core:
    lead: object
    clause: str
    text: str
    partners: tuple = ()
    pending: str = ""


def _host(project):
    """The county or park the project lands in (项目落户/拟落户的县(市)区、园区)."""
    return county_of(project.location) or project.location


def _negotiation(project, host) -> _Core:
    """二(一): the first-contact unit leads from the first talks to signing."""
    head = "洽谈至签约阶段，项目首谈单位即是牵头单位（seeds/003 二(一)）"
    first = project.first_contact_unit
    city_industry = _city_industry(project)
    if first is None:
        return _Core(
            host,
            "二(一)",
            f"{head}。首谈单位尚未登记，暂由项目拟落户的{_name(host)}牵头；登记首谈单位后改由首谈单位牵头。",
            _distinct([city_industry], without=[host]),
            "首谈单位未登记",
        )
    lead = owner_of(first)
    if county_of(first) is not None:
        partners = _distinct([city_industry], without=[lead])
        who = f"（{_names(partners)}）" if partners else ""
        return _Core(
            lead,
            "二(一)1",
            f"{head}：首谈单位{_name(lead)}是县(市)区、园区，由其牵头，市直相关部门{who}配合（二(一)1）。",
            partners,
        )
    partners = _distinct([city_industry, host], without=[lead])
    return _Core(
        lead,
        "二(一)2",
        f"{head}：首谈单位{_name(lead)}是市直部门，由其牵头，相关部门及项目拟落户的县(市)区、园区"
        f"（{_names(partners)}）配合（二(一)2）。",
        partners,
    )


def _introducer(project) -> tuple[object, str]:
    """The introducing unit (引进单位); when it is not recorded, the first-contact unit
    (the unit that brought the project in is the one that first talked to the investor)."""
    if project.introducing_unit is not None:
        return project.introducing_unit, ""
    if project.first_contact_unit is not None:
        return (
            project.first_contact_unit,
            f"引进单位未登记，以首谈单位{_name(owner_of(project.first_contact_unit))}为引进单位。",
        )
    return None, ""


def _build(project, host) -> _Core:
    """二(二)1–3: after signing, the introducing unit keeps leading up to completion."""
    head = "签约后办理手续、开工、建设直至竣工阶段"
    intro, note = _introducer(project)
    city_industry = _city_industry(project)
    if intro is None:
        return _Core(
            host,
            "二(二)",
            f"{head}由引进项目的单位继续牵头（seeds/003 二(二)）；引进单位和首谈单位均未登记，"
            f"暂由项目落户的{_name(host)}牵头，登记引进单位后按其确定。",
            _distinct([city_industry], without=[host]),
            "引进单位未登记",
        )
    if county_of(intro) is not None:
        lead = county_of(intro)
        partners = _distinct([city_industry], without=[lead])
        who = f"（{_names(partners)}）" if partners else ""
        return _Core(
            lead,
            "二(二)1",
            f"{note}{head}，县(市)区、园区引进的项目继续由{_name(lead)}作为服务团队的牵头单位，"
            f"市直相关部门{who}配合（seeds/003 二(二)1）。",
            partners,
        )
    if is_investment_bureau(intro):
        bureau = department_of(intro)
        designated = department_of(project.designated_unit) if project.designated_unit else None
        lead = designated or bureau
        partners = _distinct([city_industry, host], without=[lead])
        if designated is None:
            return _Core(
                lead,
                "二(二)3",
                f"{note}{head}，市招商局（{_name(bureau)}）引进的项目，签约后由市政府根据项目行业对口及关联度"
                f"指定一个市直部门作为牵头单位（seeds/003 二(二)3）。市政府尚未指定，暂由{_name(bureau)}牵头；"
                f"登记指定的部门后改由该部门牵头。相关部门及项目落户的县(市)区、园区（{_names(partners)}）配合。",
                partners,
                "市政府尚未指定牵头部门",
            )
        return _Core(
            lead,
            "二(二)3",
            f"{note}{head}，市招商局（{_name(bureau)}）引进的项目，由市政府根据项目行业对口及关联度指定的"
            f"{_name(lead)}作为牵头单位（seeds/003 二(二)3），相关部门及项目落户的县(市)区、园区"
            f"（{_names(partners)}）配合。",
            partners,
        )
    lead = department_of(intro)
    partners = _distinct([city_industry, host], without=[lead])
    return _Core(
        lead,
        "二(二)2",
        f"{note}{head}，市直部门引进的项目继续由{_name(lead)}作为服务团队的牵头单位，相关部门及项目落户的"
        f"县(市)区、园区（{_names(partners)}）配合（seeds/003 二(二)2）。",
        partners,
    )


def _operation(project, host) -> _Core:
    """二(三): in operation the industry authority leads."""
    head = "投产运营阶段"
    intro, note = _introducer(project)
    if intro is None:
        return _Core(
            host,
            "二(三)",
            f"{head}由行业主管部门牵头（seeds/003 二(三)）；引进单位和首谈单位均未登记，"
            f"暂由项目落户的{_name(host)}牵头，登记引进单位后按其确定。",
            (),
            "引进单位未登记",
        )
    county = county_of(intro)
    if county is not None:
        local = _local_industry(project, county)
        if local is None:
            return _Core(
                county,
                "二(三)1",
                f"{note}{head}，县(市)区、园区引进的项目由县(市)区、园区行业主管部门作为服务团队的牵头单位"
                f"（seeds/003 二(三)1）。{_name(county)}的行业主管部门尚未登记，暂由{_name(county)}牵头；"
                f"登记后改由该部门牵头。相关部门配合。",
                (),
                "县(市)区、园区行业主管部门未登记",
            )
        return _Core(
            local,
            "二(三)1",
            f"{note}{head}，县(市)区、园区引进的项目由{_name(county)}的行业主管部门{_name(local)}作为服务团队的"
            f"牵头单位，相关部门配合（seeds/003 二(三)1）。",
            (),
        )
    city_industry = _city_industry(project)
    if city_industry is None:
        previous = _build(project, host).lead
        partners = _distinct([host], without=[previous])
        return _Core(
            previous,
            "二(三)2",
            f"{note}{head}，市直部门引进的项目由市行业主管部门作为服务团队的牵头单位（seeds/003 二(三)2）。"
            f"市行业主管部门尚未登记，暂由{_name(previous)}继续牵头；登记后改由该部门牵头。"
            f"相关部门及项目落户的县(市)区、园区（{_names(partners) or _name(host)}）配合。",
            partners,
            "市行业主管部门未登记",
        )
    partners = _distinct([host], without=[city_industry])
    return _Core(
        city_industry,
        "二(三)2",
        f"{note}{head}，市直部门引进的项目由市行业主管部门{_name(city_industry)}作为服务团队的牵头单位，"
        f"相关部门及项目落户的县(市)区、园区（{_names(partners) or _name(host)}）配合（seeds/003 二(三)2）。",
        partners,
    )


def _approval_roles(project, lead, host) -> tuple[tuple, tuple, tuple, str]:
    """二(二)4: helpers, supervisors, cooperators and the sentence, by approval authority."""
    authority = project.approval_authority
    if authority == ApprovalAuthority.COUNTY:
        same = "（即牵头单位）" if host.pk == lead.pk else ""
        return (
            (host,),
            (lead,),
            (),
            f"审批权限在县(市)区、园区，由{_name(host)}负责具体帮办，牵头单位{_name(lead)}{same}督办（二(二)4）。",
        )
    if authority == ApprovalAuthority.ABOVE_CITY:
        counterpart = _city_industry(project)
        if counterpart is None:
            return (
                (),
                (lead,),
                (),
                f"审批权限在市级以上，由对口部门负责协办（对口部门未登记：请登记项目的行业主管部门），"
                f"牵头单位{_name(lead)}督办（二(二)4）。",
            )
        return (
            (),
            (lead,),
            (counterpart,),
            f"审批权限在市级以上，由对口部门{_name(counterpart)}负责协办，牵头单位{_name(lead)}督办（二(二)4）。",
        )
    return ((lead,), (), (), f"审批权限在市级，由牵头单位{_name(lead)}具体帮办（二(二)4）。")


ESCALATION_TEXT = "重大项目或涉及重大事项的，可由牵头单位呈报市政府分管领导牵头督办、协调解决（二(二)5）。"


def decide_lead(project) -> Decision:
    """The lead unit of the project's current stage by seeds/003 二, with the units that
    help, supervise, cooperate and assist, and the explanation naming the clause.

    Pure: reads the project's facts and units, writes nothing. Works on an unsaved project
    too (a creation page may set `lead_unit` from it before the first save). When the hub
    has overridden the lead unit (`lead_override_reason` set), the override is kept as the
    lead unit and the explanation says what the rules would have chosen."""
    host = _host(project)
    stage = project.stage
    if stage in NEGOTIATION_PHASE:
        core = _negotiation(project, host)
    elif stage in BUILD_PHASE:
        core = _build(project, host)
    else:
        core = _operation(project, host)

    override = bool((project.lead_override_reason or "").strip()) and project.lead_unit_id is not None
    lead = project.lead_unit if override else core.lead
    partners = _distinct(core.partners, without=[lead])
    helpers = supervisors = cooperators = ()
    roles_text = ""
    may_escalate = False
    if stage in BUILD_PHASE:
        helpers, supervisors, cooperators, roles_text = _approval_roles(project, lead, host)
        may_escalate = True
        if project.level == ProjectLevel.CITY_MAJOR:
            roles_text += ESCALATION_TEXT
    text = core.text + roles_text
    if override:
        same = (
            "（与按规则确定的相同）" if lead.pk == core.lead.pk else f"；按规则本应由{_name(core.lead)}牵头"
        )
        text = (
            f"统筹协调专员已人工指定{_name(lead)}为牵头单位，理由：{project.lead_override_reason.strip()}"
            f"{same}。人工指定保持至统筹协调专员取消或项目阶段变更。按规则：{text}"
        )
    clause4 = "二(二)4"
    bases = {
        "lead_unit": f"seeds/003 {core.clause}" + ("（人工指定）" if override else ""),
        "helper_unit": f"seeds/003 {clause4} 帮办",
        "supervisor_unit": f"seeds/003 {clause4} 督办",
        "cooperator_unit": f"seeds/003 {clause4} 协办",
        "team_unit": f"seeds/003 {core.clause} 配合",
    }
    return Decision(
        lead_unit=lead,
        clause=core.clause,
        explanation=text,
        helpers=_distinct(helpers),
        supervisors=_distinct(supervisors),
        cooperators=_distinct(cooperators),
        partners=partners,
        pending=core.pending,
        may_escalate=may_escalate,
        rule_lead=core.lead,
        overridden=override,
        bases=bases,
    )
