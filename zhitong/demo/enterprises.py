"""The demo city's enterprises: 230 companies with valid credit codes and believable
names, spread over the counties and the high-tech zone, with contacts, size flags, tags,
butlers for every 规上/限上 enterprise and their 1+1+N teams (seeds/002)."""

from zhitong.enterprises.choices import INDUSTRIAL, Industry, TeamRole
from zhitong.enterprises.models import SIZE_FLAGS, TAG_FLAGS, Contact, Enterprise, TeamMember
from zhitong.enterprises.validators import credit_code_check_char
from zhitong.organizations.models import Unit, User

from .context import DemoContext, weighted
from .organizations import address as city_address
from .organizations import mobile, person_name

ENTERPRISE_COUNT = 230

# Administrative division codes (GB/T 2260) of the districts the demo units stand for;
# characters 3–8 of a credit code are the registering authority's region.
REGION = {
    "GLQ": "350102",
    "TJQ": "350103",
    "CSQ": "350104",
    "MWQ": "350105",
    "JAQ": "350111",
    "CLQ": "350112",
    "MHX": "350121",
    "GXQ": "350100",
}
PLACE_WORD = {
    "GLQ": ["鼓楼", "三坊", "乌山"],
    "TJQ": ["台江", "上下杭", "江滨"],
    "CSQ": ["仓山", "烟台山", "螺洲"],
    "MWQ": ["马尾", "船政", "罗星"],
    "JAQ": ["晋安", "鼓山", "北峰"],
    "CLQ": ["长乐", "滨海", "航城"],
    "MHX": ["闽侯", "甘蔗", "上街"],
    "GXQ": ["榕城", "海西", "高新"],
}
CITY_WORDS = ["榕城", "闽江", "福榕", "海峡", "闽都", "三山", "八闽"]
BRANDS = (
    "华信 恒通 星源 瑞达 鑫盛 永泰 宏达 新创 中联 天元 正祥 金辉 安泰 百川 融信 博远 海润 锦程 凯盛 "
    "嘉禾 万邦 德润 佳源 鸿图 盛世 和顺 合力 众诚 睿智 智航 云帆 星海 明阳 蓝海 晨光 远景 鼎盛 祥和 "
    "聚力 同辉 华航 立达 铭泰 宇辰 天成 信达 中闽 世纪 创元 恒源 泰和 正德 联创 鑫达 润丰 康宁"
).split()
SUFFIXES = {
    Industry.MANUFACTURING: [
        "电子科技",
        "新材料科技",
        "机械制造",
        "食品",
        "纺织",
        "精密制造",
        "汽车零部件",
        "光电科技",
        "智能装备",
        "化纤",
        "包装材料",
        "医疗器械",
        "生物医药",
        "鞋业",
    ],
    Industry.IT: ["软件", "信息技术", "网络科技", "数据科技", "智能科技", "数字科技"],
    Industry.SERVICES: ["文化传媒", "餐饮管理", "酒店管理", "健康管理", "教育科技", "企业管理咨询"],
    Industry.TRADE: ["商贸", "贸易", "供应链管理", "进出口", "百货", "超市连锁"],
    Industry.CONSTRUCTION: ["建设工程", "建筑工程", "市政工程", "装饰工程"],
    Industry.REAL_ESTATE: ["置业", "房地产开发"],
    Industry.AGRICULTURE: ["农业发展", "茶业", "生态农业", "水产"],
    Industry.ENERGY: ["新能源", "能源科技", "光伏科技"],
    Industry.LOGISTICS: ["物流", "冷链物流", "国际货运代理", "港口物流"],
    Industry.FINANCE: ["融资租赁", "投资管理"],
    Industry.OTHER: ["环保科技", "检测技术"],
}
INDUSTRY_WEIGHTS = [
    (Industry.MANUFACTURING, 34),
    (Industry.IT, 12),
    (Industry.SERVICES, 12),
    (Industry.TRADE, 15),
    (Industry.CONSTRUCTION, 6),
    (Industry.REAL_ESTATE, 3),
    (Industry.AGRICULTURE, 4),
    (Industry.ENERGY, 4),
    (Industry.LOGISTICS, 6),
    (Industry.FINANCE, 2),
    (Industry.OTHER, 2),
]
# Where each kind of enterprise tends to be: factories in the zone and the outer
# districts, shops and services downtown.
LOCATION_WEIGHTS = {
    "industrial": {"GXQ": 6, "MWQ": 4, "CLQ": 4, "MHX": 4, "JAQ": 2, "CSQ": 2, "GLQ": 1, "TJQ": 1},
    "urban": {"GLQ": 5, "TJQ": 5, "CSQ": 3, "JAQ": 3, "MWQ": 1, "CLQ": 1, "MHX": 1, "GXQ": 1},
    "mixed": {"GLQ": 2, "TJQ": 2, "CSQ": 3, "JAQ": 3, "MWQ": 3, "CLQ": 3, "MHX": 3, "GXQ": 2},
}
ROADS = {
    "GXQ": ["高新大道", "科技东路", "创业路", "海西园路"],
    "MWQ": ["江滨东大道", "儒江西路", "快安路"],
    "CLQ": ["航城大道", "吴航路", "滨海大道"],
    "MHX": ["上街大学城路", "甘蔗工业路", "南屿大道"],
}
ORG_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # the credit-code alphabet


def org_code_check(body8: str) -> str:
    """GB 11714 check character of an 8-character organisation code body."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, weights, strict=True))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def make_demo_credit_code(rng, region: str) -> str:
    """91 (registered by market regulation, enterprise) + region + organisation code
    (post-2015 "MA…" style or a legacy 8-digit one, each with its GB 11714 check) +
    the GB 32100 check character."""
    if rng.random() < 0.6:
        body = "MA" + "".join(rng.choice(ORG_CODE_ALPHABET) for _ in range(6))
    else:
        body = f"{rng.randrange(10**7, 10**8)}"
    first17 = f"91{region}{body}{org_code_check(body)}"
    return first17 + credit_code_check_char(first17)


def _location_group(industry: str) -> str:
    if industry in INDUSTRIAL or industry in (Industry.AGRICULTURE, Industry.LOGISTICS):
        return "industrial"
    if industry in (Industry.TRADE, Industry.SERVICES, Industry.FINANCE):
        return "urban"
    return "mixed"


def _name(rng, loc_code: str, industry: str, used: set[str]) -> str:
    for _ in range(100):
        r = rng.random()
        place = rng.choice(PLACE_WORD[loc_code]) if r < 0.45 else rng.choice(CITY_WORDS) if r < 0.8 else ""
        form = weighted(
            rng, [("有限公司", 78), ("股份有限公司", 14), ("集团有限公司", 4), ("有限责任公司", 4)]
        )
        name = f"{place}{rng.choice(BRANDS)}{rng.choice(SUFFIXES[industry])}{form}"
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("could not find a fresh enterprise name")


def _address(rng, loc: Unit) -> str:
    roads = ROADS.get(loc.code)
    if roads:
        place = loc.short_name if loc.short_name.startswith("榕城") else f"榕城市{loc.short_name}"
        return f"{place}{rng.choice(roads)}{rng.randrange(1, 300)}号"
    return city_address(rng, loc.short_name)


def _flags(rng, industry: str) -> dict:
    f = dict.fromkeys(SIZE_FLAGS + TAG_FLAGS, False)
    if industry in INDUSTRIAL:
        f["above_scale"] = rng.random() < 0.45
        if f["above_scale"]:
            f["leaving_scale"] = rng.random() < 0.07
        else:
            f["entering_scale"] = rng.random() < 0.18
    if industry == Industry.TRADE:
        f["above_quota"] = rng.random() < 0.5
    if industry == Industry.SERVICES:
        f["above_quota"] = rng.random() < 0.25  # 限上住宿餐饮
    f["tag_xiangxian"] = rng.random() < 0.10
    f["tag_deputy"] = rng.random() < 0.06
    f["tag_fic_executive"] = rng.random() < 0.08
    f["tag_negotiating"] = rng.random() < 0.05
    return f


PRIMARY_POSITIONS = ["总经理", "董事长", "副总经理", "常务副总经理"]
SECOND_POSITIONS = ["办公室主任", "行政经理", "财务总监", "项目经理", "综合部经理"]
DEPARTMENT_POOL = ["ZRJ", "ZJJ", "RSJ", "SJJ", "HBJ", "SWUJ"]


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    locations = {u.code: u for u in Unit.objects.filter(code__in=REGION)}
    units = {u.code: u for u in Unit.objects.filter(code__in=["GXJ", "SWJ", *DEPARTMENT_POOL])}
    users = {u.username: u for u in User.objects.select_related("unit").exclude(role="enterprise")}
    ent_user = User.objects.get(username="enterprise")

    used_names: set[str] = set()
    used_codes: set[str] = set()
    specs: list[tuple[Enterprise, list[tuple[str, str, str]]]] = []

    def new_code(loc_code):
        while True:
            code = make_demo_credit_code(rng, REGION[loc_code])
            if code not in used_codes:
                used_codes.add(code)
                return code

    # The demo enterprise account's own company comes first, so its name is stable.
    first_name = "榕城华信电子科技有限公司"
    used_names.add(first_name)
    first = Enterprise(
        credit_code=new_code("GXQ"),
        name=first_name,
        industry=Industry.MANUFACTURING,
        location=locations["GXQ"],
        address=_address(rng, locations["GXQ"]),
        legal_representative=ent_user.full_name,
        above_scale=True,
        tag_fic_executive=True,
    )
    specs.append(
        (
            first,
            [(ent_user.full_name, "总经理", ent_user.phone), (person_name(rng), "办公室主任", mobile(rng))],
        )
    )

    while len(specs) < ENTERPRISE_COUNT:
        industry = weighted(rng, INDUSTRY_WEIGHTS)
        loc_code = weighted(rng, LOCATION_WEIGHTS[_location_group(industry)].items())
        loc = locations[loc_code]
        boss = person_name(rng)
        contacts = [(boss, rng.choice(PRIMARY_POSITIONS), mobile(rng))]
        if rng.random() < 0.5:
            contacts.append((person_name(rng), rng.choice(SECOND_POSITIONS), mobile(rng)))
        e = Enterprise(
            credit_code=new_code(loc_code),
            name=_name(rng, loc_code, industry, used_names),
            industry=industry,
            location=loc,
            address=_address(rng, loc),
            legal_representative=boss if rng.random() < 0.7 else person_name(rng),
            **_flags(rng, industry),
        )
        specs.append((e, contacts))

    # Butlers for every 规上工业 and 限上商贸 enterprise (seeds/002 抓实“项目管家”服务).
    for e, _ in specs:
        if e.above_scale or e.above_quota:
            low = e.location.code.lower()
            pool = [users[f"butler_{low}_1"], users[f"butler_{low}_2"]]
            if low == "glq":
                pool.append(users["handler_glq"])  # the demo county handler is a butler too
            e.butler = rng.choice(pool)
    Enterprise.objects.bulk_create([e for e, _ in specs])
    saved = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=used_codes)}

    contacts = []
    for e, cs in specs:
        for i, (name, position, phone) in enumerate(cs):
            contacts.append(
                Contact(
                    enterprise=saved[e.credit_code],
                    name=name,
                    position=position,
                    phone=phone,
                    is_primary=i == 0,
                )
            )
    Contact.objects.bulk_create(contacts)
    primary = {
        c.enterprise_id: c for c in Contact.objects.filter(is_primary=True, enterprise__in=saved.values())
    }

    # The 1+1+N teams: butler + the enterprise's contact + N department contacts (seeds/002).
    team = []
    dept_user = {"GXJ": users["handler"], "SWJ": users["handler_swj"]}
    for code in DEPARTMENT_POOL:
        dept_user[code] = users[f"handler_{code.lower()}"]
    users_by_id = {u.pk: u for u in users.values()}
    for e in saved.values():
        if not e.butler_id:
            continue
        butler = users_by_id[e.butler_id]
        team.append(TeamMember.butler_row(e, butler))
        c = primary[e.pk]
        team.append(
            TeamMember(enterprise=e, role=TeamRole.ENTERPRISE_CONTACT, contact=c, name=c.name, phone=c.phone)
        )
        depts = [
            "GXJ" if e.industry in INDUSTRIAL else "SWJ",
            *rng.sample(DEPARTMENT_POOL, rng.choice([1, 2])),
        ]
        for code in depts:
            u = dept_user[code]
            team.append(
                TeamMember(
                    enterprise=e,
                    role=TeamRole.DEPARTMENT_CONTACT,
                    user=u,
                    unit=units[code],
                    name=u.full_name,
                    phone=u.phone,
                )
            )
    TeamMember.objects.bulk_create(team)

    ent = saved[first.credit_code]
    User.objects.filter(pk=ent_user.pk).update(enterprise=ent)
    n_butlered = sum(1 for e in saved.values() if e.butler_id)
    ctx.log(f"  企业 {len(saved)} 家（规上/限上 {n_butlered} 家均配项目管家），联系人 {len(contacts)} 名")
    ctx.log(f"  企业账号 enterprise → {ent.name}")
