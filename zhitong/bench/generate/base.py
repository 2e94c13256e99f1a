"""The generated city's reference rows: the organisation (units, accounts, windows and the
public service commitments, built by the demo's own builders: they are the city's
structure, not its appeals), then enterprises and projects in bulk."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from zhitong.demo.context import DemoContext
from zhitong.demo.enterprises import (
    BRANDS,
    CITY_WORDS,
    INDUSTRY_WEIGHTS,
    LOCATION_WEIGHTS,
    PLACE_WORD,
    REGION,
    SUFFIXES,
    _flags,
    _location_group,
    make_demo_credit_code,
)
from zhitong.demo.organizations import person_name
from zhitong.enterprises.models import Enterprise
from zhitong.organizations.choices import Role, UnitKind
from zhitong.organizations.models import Unit, User
from zhitong.projects.models import Project, ProjectCategory, ProjectLevel, ProjectStage, ProjectStageChange

from .writer import write_rows

FORMS = [("有限公司", 78), ("股份有限公司", 14), ("集团有限公司", 4), ("有限责任公司", 4)]


def build_organisation(now, rng) -> bool:
    """Units, accounts, windows and commitments, once (False when they already exist)."""
    from zhitong.audit.services import audit_batch

    if Unit.objects.filter(code="SZF").exists():
        return False
    ctx = DemoContext(today=timezone.localdate(now), now=now, rng=rng, log=lambda s: None)
    for stage in ("organizations", "public"):
        with transaction.atomic(), audit_batch():
            importlib.import_module(f"zhitong.demo.{stage}").build(ctx)
    return True


@dataclass
class City:
    """What the appeal generator draws from: ids and a few attributes, no model instances."""

    hub: list[tuple]  # (id, username, unit_id) of hub staff
    clerks: list[tuple]
    supervisors: list[tuple]
    leaders: list[tuple]
    lead_units: list[int]  # departments, counties, parks that lead appeals
    locations: dict[str, int]  # county/park code -> unit id
    staff: dict[int, tuple[list[tuple], list[tuple]]]  # unit id -> (handlers, heads)
    enterprises: list[tuple] = field(default_factory=list)  # (id, industry, location_id, name)
    projects: list[tuple] = field(default_factory=list)  # (id, owner_id, green_channel, name)


def _actor(u: User) -> tuple:
    return (u.pk, u.username, u.unit_id)


def load_city() -> City:
    users = list(User.objects.filter(is_active=True).select_related("unit"))
    units = list(Unit.objects.filter(is_active=True))
    by_role: dict[str, list[tuple]] = {}
    for u in users:
        by_role.setdefault(u.role, []).append(_actor(u))
    staff: dict[int, tuple[list, list]] = {}
    leading = [u for u in units if u.kind in (UnitKind.DEPARTMENT, UnitKind.COUNTY, UnitKind.PARK)]
    for unit in leading:
        members = [u for u in users if u.unit_id and u.unit and u.unit.path.startswith(unit.path)]
        handlers = [_actor(u) for u in members if u.role == Role.HANDLER]
        heads = [_actor(u) for u in members if u.role == Role.UNIT_HEAD]
        if handlers or heads:
            staff[unit.pk] = (handlers or heads, heads or handlers)
    return City(
        hub=by_role.get(Role.HUB, []),
        clerks=by_role.get(Role.CLERK, []) or by_role.get(Role.HUB, []),
        supervisors=by_role.get(Role.SUPERVISOR, []) or by_role.get(Role.HUB, []),
        leaders=by_role.get(Role.LEADER, []),
        lead_units=[u.pk for u in leading if u.pk in staff],
        locations={u.code: u.pk for u in units if u.code in REGION},
        staff=staff,
    )


def _weighted(rng, pairs):
    keys, weights = zip(*pairs, strict=True)
    return rng.choices(keys, weights=weights, k=1)[0]


def build_enterprises(city: City, n: int, rng, ids, now) -> None:
    first = ids.take(Enterprise, n)
    used_names: set[str] = set(Enterprise.objects.values_list("name", flat=True))
    used_codes: set[str] = set(Enterprise.objects.values_list("credit_code", flat=True))
    names = (
        "id credit_code name industry location_id address legal_representative above_scale above_quota "
        "entering_scale leaving_scale tag_xiangxian tag_deputy tag_fic_executive tag_negotiating "
        "is_active review_status added_at_intake version created_at updated_at"
    ).split()
    rows = []
    for i in range(n):
        industry = _weighted(rng, INDUSTRY_WEIGHTS)
        loc_code = _weighted(rng, LOCATION_WEIGHTS[_location_group(industry)].items())
        while True:
            r = rng.random()
            place = (
                rng.choice(PLACE_WORD[loc_code]) if r < 0.45 else rng.choice(CITY_WORDS) if r < 0.8 else ""
            )
            name = f"{place}{rng.choice(BRANDS)}{rng.choice(SUFFIXES[industry])}{_weighted(rng, FORMS)}"
            if name in used_names:  # a big city runs out of brand × trade pairs: add a branch
                name = name.replace("公司", f"{rng.choice(BRANDS)}分公司", 1)
            if name not in used_names:
                break
        used_names.add(name)
        while (code := make_demo_credit_code(rng, REGION[loc_code])) in used_codes:
            pass
        used_codes.add(code)
        flags = _flags(rng, industry)
        boss = person_name(rng)
        rows.append(
            (
                first + i,
                code,
                name,
                industry,
                city.locations[loc_code],
                f"榕城市{place or '城区'}路{rng.randrange(1, 400)}号",
                boss,
                flags["above_scale"],
                flags["above_quota"],
                flags["entering_scale"],
                flags["leaving_scale"],
                flags["tag_xiangxian"],
                flags["tag_deputy"],
                flags["tag_fic_executive"],
                flags["tag_negotiating"],
                True,
                "confirmed",
                False,
                1,
                now,
                now,
            )
        )
        city.enterprises.append((first + i, industry, city.locations[loc_code], name))
    write_rows(Enterprise, names, rows)


STAGE_MIX = [
    (ProjectStage.RESERVE, 10),
    (ProjectStage.NEGOTIATION, 10),
    (ProjectStage.SIGNED, 15),
    (ProjectStage.APPROVAL, 15),
    (ProjectStage.CONSTRUCTION, 35),
    (ProjectStage.COMPLETED, 8),
    (ProjectStage.OPERATING, 7),
]
PROJECT_WORDS = [
    "智能制造产业园",
    "新能源电池生产基地",
    "冷链物流中心",
    "数字经济产业园",
    "高端装备制造项目",
    "生物医药研发中心",
    "综合商业体",
    "污水处理厂提标改造",
    "光伏发电项目",
    "现代农业示范园",
]


def build_projects(city: City, n: int, rng, ids, now, start: date) -> None:
    first = ids.take(Project, n)
    first_change = ids.take(ProjectStageChange, n)
    names = (
        "id code name owner_id category industry level stage stage_since version location_id address "
        "approval_authority lead_unit_id lead_basis lead_override_reason total_investment annual_investment "
        "planned_start planned_completion summary green_channel green_channel_note public created_at updated_at"
    ).split()
    change_names = "id project_id action from_stage to_stage on actor_id at note data".split()
    rows, changes = [], []
    hub = city.hub[0]
    span = (timezone.localdate(now) - start).days
    for i in range(n):
        owner = rng.choice(city.enterprises)
        stage = _weighted(rng, STAGE_MIX)
        since = start + timedelta(days=rng.randrange(span))
        total = Decimal(rng.choice([5000, 12000, 30000, 80000, 150000]) + rng.randrange(0, 5000))
        green = stage in (ProjectStage.APPROVAL, ProjectStage.CONSTRUCTION) and rng.random() < 0.08
        name = f"{owner[3][:8]}{rng.choice(PROJECT_WORDS)}"
        lead = owner[2] if rng.random() < 0.6 else rng.choice(city.lead_units)
        rows.append(
            (
                first + i,
                f"XM{since.year}{first + i:05d}",
                name,
                owner[0],
                rng.choice(ProjectCategory.values),
                "",
                _weighted(
                    rng, [(ProjectLevel.CITY_MAJOR, 10), (ProjectLevel.KEY, 28), (ProjectLevel.COUNTY, 22)]
                ),
                stage,
                since,
                1,
                owner[2],
                "",
                "city",
                lead,
                "生成数据：按项目落地县区确定",
                "",
                total,
                (total / 4).quantize(Decimal("1")),
                since,
                since + timedelta(days=720),
                "",
                green,
                "市政府确定的重大项目绿色通道" if green else "",
                rng.random() < 0.3,
                now,
                now,
            )
        )
        changes.append(
            (
                first_change + i,
                first + i,
                "generate",
                "",
                stage,
                since,
                hub[0],
                now,
                "生成数据的当前阶段",
                "{}",
            )
        )
        city.projects.append((first + i, owner[0], green, name))
    write_rows(Project, names, rows)
    write_rows(ProjectStageChange, change_names, changes)
