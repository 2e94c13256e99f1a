"""The demo city's organisation: 榕城市, its departments, counties, park, sections,
service windows (一键启动) and the people who sign in.

Unit codes and logins are the shared vocabulary of every app's demo builder (see the
team preamble); the duties follow seeds/000 一(一)–(三) and 二.
"""

from django.contrib.auth.hashers import make_password

from zhitong.organizations import totp
from zhitong.organizations.choices import LeaderLevel, Role, UnitKind
from zhitong.organizations.models import ServiceWindow, TotpDevice, Unit, User, WindowStaff

from .context import DEMO_PASSWORD, DEMO_TOTP_SECRET, DemoContext

# The logins printed by `zhitong demo_logins`, in this order.
MAIN_LOGINS = [
    "admin",
    "security_admin",
    "audit_admin",
    "hub",
    "hub_gxj",
    "clerk",
    "handler",
    "head",
    "handler_glq",
    "head_glq",
    "handler_tcj",
    "handler_swj",
    "handler_xzfw",
    "handler_zrj",
    "leader",
    "leader2",
    "exec_leader",
    "mayor",
    "supervisor",
    "supervisor_glq",
    "overseer",
    "enterprise",
]

K = UnitKind

# (code, parent code, kind, full name, short name, duties, [(section suffix, section name)])
UNITS: list[tuple[str, str | None, str, str, str, str, list[tuple[str, str]]]] = [
    ("SZF", None, K.CITY_GOVERNMENT, "榕城市人民政府", "市政府", "全市服务企业和重大项目协调机制的领导", []),
    (
        "SZFB",
        "SZF",
        K.DEPARTMENT,
        "榕城市人民政府办公厅",
        "市政府办公厅",
        "协助市政府领导处理日常工作；统筹市长信箱和12345热线的企业诉求办理。",
        [("MSK", "秘书科"), ("ZHK", "综合调研科")],
    ),
    (
        "HOTLINE",
        "SZFB",
        K.DEPARTMENT,
        "榕城市12345政务服务便民热线管理办公室",
        "市12345热线办",
        "受理“市长信箱”和12345热线的企业诉求，第一时间梳理分类、转办，7个工作日内答复企业，"
        "每天汇总上报市政府主要领导（营口“企业诉求专办制”）。",
        [("SLK", "受理科"), ("DBK", "转办督办科")],
    ),
    (
        "FGW",
        "SZF",
        K.DEPARTMENT,
        "榕城市发展和改革委员会",
        "市发改委",
        "负责重大建设项目有关问题；牵头服务企业和重大项目协调机制：汇总各单位月度台账，"
        "审核提请市领导协调的问题（每月10日前报送），认定协调问题数量，晾晒成绩单。",
        [("ZDXM", "重点项目办公室"), ("TZK", "固定资产投资科"), ("YSHJ", "营商环境科")],
    ),
    (
        "GXJ",
        "SZF",
        K.DEPARTMENT,
        "榕城市工业和信息化局",
        "市工信局",
        "负责工业和信息化企业的生产经营、技改项目有关问题；承担政企“面对面”活动工作专班办公室职责。",
        [("QYFW", "企业服务科"), ("JSGZ", "技术改造科"), ("YXJC", "运行监测协调科")],
    ),
    (
        "TCJ",
        "SZF",
        K.DEPARTMENT,
        "榕城市投资促进局",
        "市投促局",
        "负责招商项目有关问题；建立在谈项目信息库，统筹项目信息多向反馈。",
        [("XMTJ", "项目推进科"), ("ZSFW", "招商服务科")],
    ),
    (
        "SWJ",
        "SZF",
        K.DEPARTMENT,
        "榕城市商务局",
        "市商务局",
        "负责服务业有关问题；服务限额以上商贸流通企业。",
        [("FWYF", "服务业发展科"), ("SMLT", "商贸流通科")],
    ),
    (
        "XZFW",
        "SZF",
        K.DEPARTMENT,
        "榕城市行政服务中心管理委员会",
        "市行政服务中心管委会",
        "负责计划开工项目的前期工作有关问题；提供立项、用地、规划、施工许可等全流程代办帮办服务。",
        [("XMDB", "项目代办科"), ("CKGL", "窗口管理科")],
    ),
    (
        "ZRJ",
        "SZF",
        K.DEPARTMENT,
        "榕城市自然资源和规划局",
        "市自然资源和规划局",
        "负责项目用地报批、供地、规划许可有关问题。",
        [("YDSP", "用地审批科"), ("GHGL", "规划管理科")],
    ),
    (
        "ZJJ",
        "SZF",
        K.DEPARTMENT,
        "榕城市住房和城乡建设局",
        "市住建局",
        "负责施工图审查、施工许可、质量安全监督、竣工验收有关问题。",
        [("SGXK", "施工许可科"), ("JZSC", "建筑市场监管科")],
    ),
    (
        "RSJ",
        "SZF",
        K.DEPARTMENT,
        "榕城市人力资源和社会保障局",
        "市人社局",
        "负责企业用工、人才引进、社会保险有关问题。",
        [("JYCJ", "就业促进科"), ("RCKF", "人才开发科")],
    ),
    (
        "SJJ",
        "SZF",
        K.DEPARTMENT,
        "榕城市市场监督管理局",
        "市市场监管局",
        "负责企业登记注册、质量认证、计量标准有关问题。",
        [("DJZC", "登记注册科"), ("ZLFZ", "质量发展科")],
    ),
    (
        "HBJ",
        "SZF",
        K.DEPARTMENT,
        "榕城市生态环境局",
        "市生态环境局",
        "负责建设项目环评审批、排污许可有关问题。",
        [("HPSP", "环评审批科"), ("WRFZ", "污染防治科")],
    ),
    (
        "SWUJ",
        "SZF",
        K.DEPARTMENT,
        "国家税务总局榕城市税务局",
        "市税务局",
        "负责减税降费政策落实、纳税服务有关问题。",
        [("NSFW", "纳税服务科"), ("ZSGL", "征收管理科")],
    ),
    (
        "GSL",
        "SZF",
        K.ASSOCIATION,
        "榕城市工商业联合会",
        "市工商联",
        "主动服务商会、协会企业家，收集、协调在榕投资企业和项目开办运营中的困难问题（榕政办〔2019〕75号 一(三)）。",
        [("HYLL", "会员联络部"), ("JJFW", "经济服务部")],
    ),
    (
        "DCS",
        "SZF",
        K.SUPERVISION,
        "榕城市人民政府督查室",
        "市政府督查室",
        "牵头对市直各部门、各县（市）区政府、高新区管委会服务企业和项目工作协调落实情况进行定期督查，"
        "对工作不到位、未及时协调或报送企业困难问题的督促整改。",
        [("DCYK", "督查一科"), ("DCEK", "督查二科")],
    ),
    (
        "RD",
        None,
        K.CONGRESS,
        "榕城市人民代表大会常务委员会",
        "市人大常委会",
        "对市直各部门、各县（市）区政府、高新区管委会协调解决企业问题情况进行监督，"
        "重点发现问题不上报或上报后解决不及时等情况。",
        [("CJW", "财政经济工作委员会"), ("BGT", "办公厅")],
    ),
]

COUNTIES = [
    ("GLQ", "鼓楼区"),
    ("TJQ", "台江区"),
    ("CSQ", "仓山区"),
    ("JAQ", "晋安区"),
    ("MWQ", "马尾区"),
    ("CLQ", "长乐区"),
    ("MHX", "闽侯县"),
]
COUNTY_DUTIES = (
    "确定专门部门、指定专人负责辖区企业和项目困难问题的收集、协调服务，建立台账，"
    "每月底将协调情况向企业、项目业主和转来问题的市直单位反馈并抄送市发改委（榕政办〔2019〕75号 一(二)、二）。"
)
COUNTY_SECTIONS = [("QYFW", "企业服务中心"), ("ZDXM", "重点项目办公室"), ("DCS", "政府督查室")]
PARK = (
    "GXQ",
    "榕城高新技术产业开发区管理委员会",
    "榕城高新区",
    "负责园区企业和项目的联系服务、困难问题收集协调和项目全程代办。",
    [("QYFW", "企业服务局"), ("GHJS", "规划建设局"), ("ZSJ", "招商局")],
)

# Units that publish a service window (seeds/003 三: every department names a leader and a section).
WINDOW_KINDS = {K.DEPARTMENT, K.COUNTY, K.PARK, K.ASSOCIATION}

SURNAMES = "陈林黄张李王吴刘蔡杨郑许何方罗周叶郭游魏江詹谢邱朱苏高潘曾卢傅施钟"
GIVEN = (
    "志明 晓燕 建华 丽芳 国强 秀英 海涛 文斌 美玲 少华 春生 雪梅 振宇 婷婷 宏伟 淑芬 俊杰 慧敏 "
    "永福 碧霞 明辉 小红 德水 榕生 凌云 思远 嘉欣 泽楷 一鸣 若兰 立新 鸿飞 子涵 清泉 锦华 伟东 "
    "月华 家豪 文静 玉兰 天佑 佳琪 世杰 秋菊 荣辉 雅琴 金水 瑞祥 惠珍 长青"
).split()
STREETS = (
    "五四路 湖东路 古田路 华林路 东街 杨桥路 工业路 福新路 六一路 江滨大道 乌山路 洪山路 "
    "连江路 长乐路 学府路 科技东路 湖滨路 南江滨大道 首山路 闽江大道"
).split()


def person_name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def mobile(rng) -> str:
    return rng.choice(
        ["135", "136", "137", "138", "139", "150", "151", "158", "159", "188", "189", "133"]
    ) + (f"{rng.randrange(10**8):08d}")


def office_phone(rng) -> str:
    return f"0591-8{rng.randrange(10**6, 10**7):07d}"


def address(rng, district: str = "鼓楼区") -> str:
    return f"榕城市{district}{rng.choice(STREETS)}{rng.randrange(1, 400)}号"


def _all_unit_rows():
    rows = list(UNITS)
    for code, name in COUNTIES:
        rows.append((code, "SZF", K.COUNTY, f"{name}人民政府", name, COUNTY_DUTIES, COUNTY_SECTIONS))
    code, name, short, duties, sections = PARK
    rows.append((code, "SZF", K.PARK, name, short, duties, sections))
    return rows


def _section_duties(section_name: str) -> str:
    return f"承担本单位{section_name}相关业务，配合办理涉企诉求。"


def build_units(ctx: DemoContext) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for order, (code, parent, kind, name, short, duties, sections) in enumerate(_all_unit_rows()):
        unit = Unit(
            code=code,
            name=name,
            short_name=short,
            kind=kind,
            parent=units.get(parent) if parent else None,
            duties=duties,
            sort_order=(order + 1) * 10,
        )
        unit.save()
        units[code] = unit
        prefix = short if kind in (K.COUNTY, K.PARK) else ""
        for i, (suffix, sname) in enumerate(sections):
            sec = Unit(
                code=f"{code}-{suffix}",
                name=f"{name}{sname}" if kind not in (K.COUNTY, K.PARK) else f"{prefix}{sname}",
                short_name=sname,
                kind=K.SECTION,
                parent=unit,
                duties=_section_duties(sname),
                sort_order=unit.sort_order + i + 1,
            )
            sec.save()
            units[sec.code] = sec
    return units


def _user(username, *, role, unit, full_name, position, password, rng, **extra) -> User:
    return User(
        username=username,
        full_name=full_name,
        role=role,
        unit=unit,
        position=position,
        phone=mobile(rng),
        password=password,
        **extra,
    )


def _head_position(unit: Unit) -> str:
    if unit.kind == K.COUNTY:
        return "副县长" if unit.short_name.endswith("县") else "副区长"
    if unit.kind == K.PARK:
        return "副主任"
    if unit.kind == K.ASSOCIATION:
        return "副主席"
    if unit.name.endswith("办公厅"):
        return "副秘书长"
    if unit.name.endswith(("委员会", "管理委员会")):
        return "副主任"
    return "副局长" if unit.name.endswith("局") else "副主任"


def build_users(ctx: DemoContext, units: dict[str, Unit]) -> dict[str, User]:
    rng = ctx.rng
    pw = make_password(DEMO_PASSWORD)  # hashed once: set_password per user would take minutes
    u = units
    specs: list[User] = []

    def add(username, role, unit_code, position, **extra):
        specs.append(
            _user(
                username,
                role=role,
                unit=u[unit_code] if unit_code else None,
                full_name=extra.pop("full_name", None) or person_name(rng),
                position=position,
                password=pw,
                rng=rng,
                **extra,
            )
        )

    add("admin", Role.ADMIN, "SZFB", "系统管理员", is_staff=True, is_superuser=True)
    # 三员分立 (GB/T 22239-2019 8.1.4.2 c): one account of each administrator.
    add("security_admin", Role.SECURITY_ADMIN, "SZFB", "安全管理员", is_staff=True)
    add("audit_admin", Role.AUDIT_ADMIN, "SZFB", "安全审计员")
    add("hub", Role.HUB, "FGW-ZDXM", "重点项目办公室主任")
    add("hub_gxj", Role.HUB, "GXJ-QYFW", "面对面活动工作专班办公室主任")
    add("clerk", Role.CLERK, "HOTLINE-SLK", "话务受理员")
    add("handler", Role.HANDLER, "GXJ-QYFW", "企业服务科科员")
    add("head", Role.UNIT_HEAD, "GXJ", "副局长")
    add("handler_glq", Role.HANDLER, "GLQ-QYFW", "企业服务专员")
    add("head_glq", Role.UNIT_HEAD, "GLQ", "副区长")
    add("handler_tcj", Role.HANDLER, "TCJ-XMTJ", "项目推进科科员")
    add("handler_swj", Role.HANDLER, "SWJ-FWYF", "服务业发展科科员")
    add("handler_xzfw", Role.HANDLER, "XZFW-XMDB", "项目代办员")
    add("handler_zrj", Role.HANDLER, "ZRJ-YDSP", "用地审批科科员")
    add("leader", Role.LEADER, "SZF", "副市长", leader_level=LeaderLevel.VICE_MAYOR)
    add("leader2", Role.LEADER, "SZF", "副市长", leader_level=LeaderLevel.VICE_MAYOR)
    add("exec_leader", Role.LEADER, "SZF", "常务副市长", leader_level=LeaderLevel.EXECUTIVE_VICE_MAYOR)
    add("mayor", Role.LEADER, "SZF", "市长", leader_level=LeaderLevel.MAYOR)
    add("supervisor", Role.SUPERVISOR, "DCS-DCYK", "督查一科科长")
    # A county's supervision office (seeds/000 三 各县(市)区政府督查室): sees its county only.
    add("supervisor_glq", Role.SUPERVISOR, "GLQ-DCS", "督查室主任")
    add("overseer", Role.OVERSEER, "RD-CJW", "财政经济工作委员会副主任")
    # The enterprise's own account; zhitong/demo/enterprises.py attaches it to its enterprise.
    add("enterprise", Role.ENTERPRISE, None, "总经理", full_name="陈志明")
    add("clerk_xzfw", Role.CLERK, "XZFW-CKGL", "窗口受理员")

    taken = {s.username for s in specs}
    window_units = [x for x in u.values() if x.kind in WINDOW_KINDS and x.code != "SZFB"]
    for unit in window_units:
        low = unit.code.lower()
        if unit.code == "GXJ":  # has `handler` and `head`
            continue
        first_section = next((s for s in u.values() if s.parent_id == unit.pk), unit)
        if f"handler_{low}" not in taken:
            post = "科员" if first_section.short_name.endswith("科") else "工作人员"
            add(f"handler_{low}", Role.HANDLER, first_section.code, f"{first_section.short_name}{post}")
        if f"head_{low}" not in taken:
            add(f"head_{low}", Role.UNIT_HEAD, unit.code, _head_position(unit))
    # County principals (区长/县长, 管委会主任): mayor's-mailbox matters about a county go
    # to its principal (seeds/003 七).
    for unit in [x for x in u.values() if x.kind in (K.COUNTY, K.PARK)]:
        low = unit.code.lower()
        title = "主任" if unit.kind == K.PARK else ("县长" if unit.short_name.endswith("县") else "区长")
        add(f"leader_{low}", Role.LEADER, unit.code, title, leader_level=LeaderLevel.COUNTY_PRINCIPAL)
        # Two project butlers per county and park (seeds/002: 项目管家全覆盖).
        for n in (1, 2):
            add(f"butler_{low}_{n}", Role.HANDLER, f"{unit.code}-QYFW", "项目管家")
    User.objects.bulk_create(specs)
    users = {x.username: x for x in User.objects.filter(username__in=[s.username for s in specs])}
    # The second factor of the roles that need one: the fixed demo secret, sealed once.
    sealed = totp.seal_secret(DEMO_TOTP_SECRET)
    TotpDevice.objects.bulk_create(
        TotpDevice(user=x, secret_sealed=sealed, confirmed_at=ctx.now)
        for x in users.values()
        if totp.requires_totp(x)
    )

    portfolios = {
        "leader": ["GXJ", "SWJ", "TCJ", "GXQ"],
        "leader2": ["FGW", "ZRJ", "ZJJ", "XZFW"],
        "exec_leader": [
            "SZFB",
            "RSJ",
            "SJJ",
            "HBJ",
            "SWUJ",
            "GSL",
            "GLQ",
            "TJQ",
            "CSQ",
            "JAQ",
            "MWQ",
            "CLQ",
            "MHX",
        ],
        "mayor": ["SZF"],
    }
    for unit in [x for x in u.values() if x.kind in (K.COUNTY, K.PARK)]:
        portfolios[f"leader_{unit.code.lower()}"] = [unit.code]
    through = User.portfolio.through
    through.objects.bulk_create(
        through(user_id=users[name].pk, unit_id=u[code].pk)
        for name, codes in portfolios.items()
        for code in codes
    )
    return users


STAFF_POSTS = [
    ("科长", "窗口负责人", "统筹受理企业和项目诉求，协调内部关联科室形成统一答复意见"),
    ("四级主任科员", "受理专员", "受理登记企业诉求，一次性告知所需材料，跟踪办理进度"),
    ("科员", "项目服务专员", "对接重点项目，提供政策咨询和代办帮办服务"),
]


def build_windows(ctx: DemoContext, units: dict[str, Unit], users: dict[str, User]) -> None:
    rng = ctx.rng
    staff_rows = []
    for unit in [x for x in units.values() if x.kind in WINDOW_KINDS]:
        section = next((s for s in units.values() if s.parent_id == unit.pk), None)
        district = unit.short_name if unit.kind == K.COUNTY else "鼓楼区"
        window = ServiceWindow.objects.create(
            unit=unit,
            leader_name=person_name(rng),
            leader_position=_head_position(unit),
            section_name=section.short_name if section else "办公室",
            phone=office_phone(rng),
            address=address(rng, district),
        )
        handler = users.get(f"handler_{unit.code.lower()}") or (
            users["handler"] if unit.code == "GXJ" else None
        )
        for i, (position, post, duties) in enumerate(STAFF_POSTS[: rng.choice([2, 3])]):
            name = handler.full_name if (handler and post == "受理专员") else person_name(rng)
            staff_rows.append(
                WindowStaff(
                    window=window,
                    name=name,
                    position=position,
                    post=post,
                    duties=duties,
                    phone=office_phone(rng),
                    sort_order=i,
                )
            )
    WindowStaff.objects.bulk_create(staff_rows)


def build(ctx: DemoContext) -> None:
    units = build_units(ctx)
    ctx.log(f"  单位 {len(units)} 个（含科室）")
    users = build_users(ctx, units)
    ctx.log(f"  账号 {len(users)} 个")
    build_windows(ctx, units, users)
    ctx.log(f"  服务窗口 {ServiceWindow.objects.count()} 个")
