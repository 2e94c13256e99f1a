"""The demo city's projects: ~40 projects of the demo enterprises, at every stage, with
lead units chosen by the rules of seeds/003 二 and a responsible leader each."""

from decimal import Decimal

from zhitong.enterprises.choices import INDUSTRIAL, Industry
from zhitong.enterprises.models import Enterprise
from zhitong.organizations.choices import Role
from zhitong.organizations.models import Unit, User
from zhitong.projects.models import Project, ProjectLevel, ProjectStage

from .context import DemoContext, weighted
from .enterprises import BRANDS

PROJECT_COUNT = 40

STAGES = [
    (ProjectStage.RESERVE, 3),
    (ProjectStage.NEGOTIATION, 5),
    (ProjectStage.SIGNED, 5),
    (ProjectStage.APPROVAL, 8),
    (ProjectStage.CONSTRUCTION, 14),
    (ProjectStage.COMPLETED, 3),
    (ProjectStage.OPERATING, 2),
]
LEVELS = [(ProjectLevel.CITY_MAJOR, 8), (ProjectLevel.KEY, 18), (ProjectLevel.COUNTY, 14)]
# 万元 ranges of total investment per level.
INVESTMENT = {
    ProjectLevel.CITY_MAJOR: (100_000, 800_000),
    ProjectLevel.KEY: (20_000, 150_000),
    ProjectLevel.COUNTY: (3_000, 30_000),
}

TEMPLATES = {
    "industrial": [
        "年产{n}万吨{material}生产线项目",
        "年产{n}万套{product}项目",
        "{brand}智能制造产业园项目",
        "{brand}技改扩能项目",
        "{brand}数字化车间改造项目",
        "{brand}研发中心及生产基地项目",
    ],
    Industry.ENERGY: ["{mw}MW分布式光伏发电项目", "{brand}储能电池生产基地项目"],
    Industry.LOGISTICS: ["{brand}冷链物流中心项目", "{brand}智慧物流园项目"],
    Industry.TRADE: ["{brand}商贸物流总部项目", "{brand}商业综合体项目"],
    Industry.SERVICES: ["{brand}总部大楼项目", "{brand}文旅综合体项目", "{brand}酒店及会展中心项目"],
    Industry.REAL_ESTATE: ["{brand}城市更新项目"],
    Industry.CONSTRUCTION: ["{brand}装配式建筑产业基地项目"],
    Industry.AGRICULTURE: ["{mu}亩生态茶园及加工基地项目", "{brand}现代渔业产业园项目"],
}
MATERIALS = ["新型材料", "功能性纤维", "高性能涤纶", "食品级包装材料", "锂电正极材料", "环保涂料"]
PRODUCTS = ["汽车零部件", "智能终端", "医疗器械", "光电显示模组", "智能家居设备", "电机控制器"]


def _brand(name: str) -> str:
    for b in BRANDS:
        if b in name:
            return b
    return name[:2]


def _project_name(rng, e: Enterprise) -> str:
    group = "industrial" if e.industry in INDUSTRIAL and e.industry != Industry.ENERGY else e.industry
    templates = TEMPLATES.get(group) or TEMPLATES["industrial"]
    return rng.choice(templates).format(
        n=rng.choice([5, 10, 20, 30, 50, 100]),
        material=rng.choice(MATERIALS),
        product=rng.choice(PRODUCTS),
        brand=_brand(e.name),
        mw=rng.choice([20, 50, 100, 150]),
        mu=rng.choice([500, 1000, 3000]),
    )


def _lead_unit(rng, e: Enterprise, stage: str, units: dict[str, Unit]) -> Unit:
    """seeds/003 二: the unit that first talked to the investor leads to signing; after
    signing a county/park keeps its own projects, a department keeps its own, and for
    projects brought by the investment-promotion bureau the city names the competent
    department; in operation the competent department (工信/商务) or the county leads."""
    by_county = rng.random() < 0.6
    if by_county:
        return e.location
    if stage in (ProjectStage.RESERVE, ProjectStage.NEGOTIATION, ProjectStage.SIGNED):
        return units["TCJ"]
    if e.industry in INDUSTRIAL:
        return units["GXJ"]
    if e.industry in (Industry.TRADE, Industry.SERVICES, Industry.LOGISTICS):
        return units["SWJ"]
    return units["FGW"]


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    units = {u.code: u for u in Unit.objects.filter(code__in=["TCJ", "GXJ", "SWJ", "FGW"])}
    leaders = list(User.objects.filter(role=Role.LEADER).prefetch_related("portfolio"))
    mayor = next(u for u in leaders if u.username == "mayor")
    enterprises = list(Enterprise.objects.select_related("location").order_by("id"))
    candidates = [e for e in enterprises if e.above_scale or e.above_quota or e.tag_negotiating]
    candidates += rng.sample([e for e in enterprises if e not in candidates], 15)
    own = next(e for e in enterprises if e.users.filter(username="enterprise").exists())

    owners = [own, own] + rng.sample([e for e in candidates if e != own], PROJECT_COUNT - 2)
    projects = []
    used_names = set()
    for i, owner in enumerate(owners, start=1):
        stage = weighted(rng, STAGES)
        level = weighted(rng, LEVELS)
        # A county-level project is the county's (or the park's) own.
        lead = owner.location if level == ProjectLevel.COUNTY else _lead_unit(rng, owner, stage, units)
        # The responsible leader (一个项目、一个领导, seeds/003 一): a city leader whose
        # portfolio covers the lead unit for city-level projects, else the county principal.
        covering = [
            u
            for u in leaders
            if u.leader_level != "county_principal"
            and any(lead.path.startswith(p.path) for p in u.portfolio.all())
        ]
        county_principal = next(
            (u for u in leaders if u.leader_level == "county_principal" and u.unit_id == owner.location_id),
            None,
        )
        if level == ProjectLevel.CITY_MAJOR:
            leader = next((u for u in covering if u != mayor), mayor)
        else:
            leader = county_principal or next((u for u in covering if u != mayor), mayor)
        low, high = INVESTMENT[level]
        total = Decimal(rng.randrange(low, high, 100))
        annual = (total * Decimal(rng.randrange(15, 41)) / 100).quantize(Decimal("100"))
        name = _project_name(rng, owner)
        while name in used_names:
            name = _project_name(rng, owner)
        used_names.add(name)
        projects.append(
            Project(
                code=f"XM{ctx.today.year}-{i:03d}",
                name=name,
                owner=owner,
                level=level,
                stage=stage,
                location=owner.location,
                lead_unit=lead,
                leader=leader,
                total_investment=total,
                annual_investment=annual if stage not in (ProjectStage.RESERVE,) else Decimal(0),
                summary=(
                    f"项目由{owner.name}投资建设，位于{owner.location.display_name}，"
                    f"总投资{total / 10000:.2f}亿元，当前处于{ProjectStage(stage).label}阶段。"
                ),
            )
        )
    Project.objects.bulk_create(projects)
    ctx.log(f"  项目 {len(projects)} 个")
