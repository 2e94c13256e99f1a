"""The demo city's appeals: ~400 over the six months before ctx.today, in every state.

Every appeal is driven through the real services with `now=` set to its historical
moments, so transitions, audit events, deadlines and lights are exactly what the system
would have produced: older appeals have mostly been rated and closed, recent ones wait at
intake, sign-for or handling; some ran late (red), some are near their deadline (yellow),
some were extended, transferred, reopened, exempted, merged or escalated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone

from zhitong.common.demo import DemoContext
from zhitong.enterprises.choices import INDUSTRIAL, Industry
from zhitong.enterprises.models import Enterprise
from zhitong.organizations.choices import Role
from zhitong.organizations.models import Unit, User
from zhitong.projects.models import Project

from . import deadlines, jobs, services
from .choices import Channel, Status
from .models import Appeal, Category

APPEAL_COUNT = 400
WINDOW_DAYS = 182

CHANNELS = [
    (Channel.HOTLINE, 20),
    (Channel.MAYOR_MAILBOX, 8),
    (Channel.FACE_TO_FACE, 9),
    (Channel.VISIT, 12),
    (Channel.PHONE, 7),
    (Channel.BREAKFAST, 5),
    (Channel.CHAMBER, 7),
    (Channel.NPC_CPPCC, 4),
    (Channel.WINDOW, 10),
    (Channel.PLATFORM, 6),
    (Channel.WEB, 8),
    (Channel.API, 4),
]

# Categories that fit an enterprise's line of business (weights).
CATEGORY_MIX = {
    "industrial": [
        ("SCJY", 24),
        ("JSGZ", 14),
        ("YG", 10),
        ("RZ", 8),
        ("ZCDX", 10),
        ("SDQ", 7),
        ("YDGH", 5),
        ("QT", 3),
    ],
    "services": [("SCJY", 18), ("FWY", 22), ("RZ", 10), ("YG", 8), ("ZCDX", 10), ("SDQ", 4), ("QT", 4)],
    "building": [("QQSP", 20), ("ZDXM", 12), ("YDGH", 14), ("RZ", 6), ("YG", 6), ("QT", 3)],
    "project": [("ZSXM", 14), ("QQSP", 16), ("ZDXM", 14), ("YDGH", 8)],
}

# Titles and descriptions per category. Fields: {n} a count, {amt} 万元, {months}, {item}.
TEXTS = {
    "SCJY": [
        (
            "原材料运输车辆进出园区受限，影响正常生产",
            "园区道路实行限行后，企业原材料运输车辆每天只能在夜间进出，近{months}个月产能下降约{n}%，请求协调调整通行时段。",
        ),
        (
            "出口订单增加急需办理海关AEO认证",
            "企业今年出口订单同比增长，申请海关AEO高级认证已{months}个月未有进展，希望相关部门给予指导。",
        ),
        (
            "厂区周边道路破损严重影响货车通行",
            "厂区门前道路坑洼严重，雨天积水，货车多次陷车，影响产品按期交付，请求协调维修。",
        ),
        (
            "企业产品进入本地政府采购目录遇到困难",
            "企业自主研发的{item}已取得检测报告，希望了解进入本地采购目录的条件和流程。",
        ),
        (
            "生产线扩建需增加用地指标",
            "因订单增加，企业计划新增生产线，现有厂区已无空地，请求协调周边约{n}亩用地。",
        ),
    ],
    "JSGZ": [
        (
            "技改项目设备补贴资金尚未兑付",
            "企业{year}年技改项目已通过验收，按政策应获设备补贴约{amt}万元，至今未兑付，资金周转困难。",
        ),
        (
            "智能化改造项目备案变更办理缓慢",
            "企业技改项目因设备选型调整需变更备案，材料已提交{months}个月仍未办结。",
        ),
        (
            "数字化车间认定标准不清晰",
            "企业已完成数字化车间改造，申报市级数字化车间时对认定标准存在疑问，请求解释。",
        ),
        (
            "技改项目新增变压器报装进度慢",
            "技改项目新增设备需增容{n}千伏安，供电报装已申请{months}个月，影响设备调试。",
        ),
    ],
    "ZSXM": [
        (
            "签约项目用地供地时间一再推迟",
            "项目签约已{months}个月，约定的供地时间一再推迟，企业设备采购合同面临违约。",
        ),
        (
            "招商引资协议约定的配套道路未按期建设",
            "协议约定的园区配套道路应于上季度完工，目前尚未开工，影响项目进场施工。",
        ),
        ("落地项目人才公寓配套未落实", "项目投产后需引进技术人员约{n}名，协议约定的人才公寓尚未落实。"),
    ],
    "FWY": [
        (
            "商贸企业申报限上企业奖励政策咨询",
            "企业今年营业额预计首次突破限额，希望了解限上企业入库奖励的申报条件和时间。",
        ),
        ("连锁门店消防审验办理时间过长", "企业新开{n}家连锁门店，消防审验平均耗时超过一个月，影响开业计划。"),
        (
            "外卖平台经营许可变更手续繁琐",
            "企业更换经营地址后办理食品经营许可变更需往返多个窗口，希望简化流程。",
        ),
        ("文旅项目夜间经营审批不明确", "企业计划开展夜间文旅演艺活动，不清楚需要办理哪些审批手续。"),
    ],
    "QQSP": [
        (
            "项目环评批复迟迟未下达",
            "项目环评报告已通过专家评审{months}个月，批复仍未下达，影响施工许可办理。",
        ),
        (
            "施工图审查意见反复修改耗时过长",
            "项目施工图审查已经{n}轮修改，审查意见前后不一致，请求协调一次性告知。",
        ),
        (
            "项目用地规划许可证办理卡在红线调整",
            "项目红线需微调，规划许可证办理暂停，企业不清楚后续办理路径。",
        ),
        ("项目能评审查排队时间过长", "项目能评材料提交后排队等待评审已{months}个月，计划开工时间临近。"),
    ],
    "ZDXM": [
        (
            "重大项目征迁剩余{n}户未签约影响进场",
            "项目红线内仍有{n}户未完成征迁签约，施工单位无法整体进场，请求协调加快征迁。",
        ),
        (
            "重大项目建设资金缺口约{amt}万元",
            "项目建设进入主体施工阶段，银行贷款审批放缓，资金缺口约{amt}万元，请求协调金融支持。",
        ),
        (
            "重大项目施工用电临时接入未落实",
            "项目施工需临时用电，报装已申请{months}个月，目前仍靠柴油发电机供电。",
        ),
    ],
    "YDGH": [
        (
            "厂房竣工验收消防备案迟迟未办结",
            "企业新建厂房已完工{months}个月，消防验收备案材料提交后迟迟未办结，影响设备进场。",
        ),
        (
            "历史遗留厂房不动产权证无法办理",
            "企业{year}年建成的厂房因历史原因至今未办理不动产权证，影响融资抵押。",
        ),
        (
            "工业用地容积率调整申请无人答复",
            "企业申请提高工业用地容积率以建设多层厂房，材料提交后{months}个月无人答复。",
        ),
    ],
    "RZ": [
        (
            "企业流动资金贷款续贷困难",
            "企业一笔{amt}万元流动资金贷款即将到期，银行收紧授信，请求协调转贷应急资金支持。",
        ),
        (
            "科技型企业知识产权质押融资咨询",
            "企业拥有{n}项发明专利，希望通过知识产权质押获得贷款，不了解办理渠道。",
        ),
        ("政府性融资担保费率偏高", "企业通过政府性融资担保机构申请担保，费率高于政策规定，请求核实。"),
    ],
    "YG": [
        (
            "企业用工缺口约{n}人需人社部门协助招聘",
            "企业订单饱满，普工和技术工缺口约{n}人，请求人社部门协助组织专场招聘。",
        ),
        ("外地技术人才子女入学问题", "企业引进的{n}名技术骨干子女需在本地入学，请求协调学位。"),
        ("稳岗补贴申报系统无法提交", "企业申报稳岗补贴时系统多次提示材料不符，电话咨询未得到明确答复。"),
    ],
    "ZCDX": [
        (
            "上年度纳税奖励资金未按期拨付",
            "按招商协议约定，企业上年度纳税奖励约{amt}万元应于一季度拨付，至今未到位。",
        ),
        ("高新技术企业认定奖励尚未兑现", "企业去年通过高新技术企业认定，市区两级奖励约{amt}万元尚未兑现。"),
        (
            "专精特新企业奖励申报结果未公布",
            "企业已申报专精特新奖励{months}个月，结果一直未公布，请求了解进展。",
        ),
    ],
    "SDQ": [
        (
            "生产用气压力不足影响产品质量",
            "近{months}个月厂区天然气压力不稳定，烧结工序合格率下降，请求燃气公司排查。",
        ),
        (
            "厂区频繁停电造成设备损坏",
            "本季度厂区已非计划停电{n}次，造成部分精密设备损坏，请求供电部门排查线路。",
        ),
        ("工业用水管网改造后水压偏低", "园区供水管网改造后厂区水压偏低，冷却系统无法正常运行。"),
    ],
    "QT": [
        ("企业周边夜间施工噪音扰民引发纠纷", "厂区周边工地夜间施工，员工宿舍受影响，企业多次反映未果。"),
        (
            "企业名称变更后多部门信息不同步",
            "企业名称变更后，社保、税务、海关等系统信息未同步，办理业务屡次受阻。",
        ),
        ("企业申请设立公交站点方便员工通勤", "园区{n}余名员工通勤不便，希望在厂区附近增设公交站点。"),
    ],
}
ITEMS = ["工业机器人", "智能电表", "环保涂料", "医用防护服", "新能源电池包", "智能门锁"]

PROGRESS_NOTES = [
    "已电话联系企业了解详细情况。",
    "已会同相关科室现场踏勘，正在研究解决方案。",
    "已发函征求相关部门意见，等待回复。",
    "已召开专题会研究，明确了办理路径。",
    "相关材料已报分管领导审定。",
]
RESOLUTIONS = [
    "经协调，相关部门已完成办理，并已电话告知企业。",
    "已召开协调会明确解决方案，相关事项已落实到位，企业表示认可。",
    "已按政策完成资金拨付，拨付凭证见附件。",
    "已完成现场整改，整改前后照片及验收意见见附件。",
    "经研究出具正式答复意见，已送达企业。",
]
COOP_ANSWERS = ["我单位无异议，将按职责配合办理。", "已提供相关政策依据和办理指引。", "已安排专人对接企业。"]
COMMENTS_GOOD = ["办理及时，非常感谢！", "问题已解决，服务态度好。", "基本解决，希望后续继续跟进。", ""]
COMMENTS_BAD = [
    "问题未实质解决，资金仍未到位。",
    "答复敷衍，未解决实际困难。",
    "办理期间多次联系不上承办人。",
]
OBJECTIONS = [
    "该事项涉及用地审批，属自然资源部门职责，建议改派。",
    "企业位于县区，建议由属地政府牵头办理。",
    "该事项属于商贸领域，建议由商务局牵头。",
]


def _weighted(rng, pairs):
    keys, weights = zip(*pairs, strict=True)
    return rng.choices(keys, weights=weights, k=1)[0]


def _pdf(title: str, salt: str) -> SimpleUploadedFile:
    # A minimal, valid one-page PDF; the salt makes each file's content (and hash) its own.
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        f"% {salt}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(title, body.encode("latin-1", "replace"), content_type="application/pdf")


@dataclass
class People:
    hub: User
    hub_gxj: User
    supervisor: User
    clerk: User
    clerk_window: User
    enterprise_user: User
    by_name: dict[str, User]
    staff: dict[int, tuple[list[User], list[User]]]  # unit id → (handlers, heads)

    def handler(self, unit: Unit) -> User:
        handlers, heads = self.staff.get(unit.pk, ([], []))
        return (handlers or heads)[0]

    def head(self, unit: Unit) -> User | None:
        handlers, heads = self.staff.get(unit.pk, ([], []))
        return heads[0] if heads else None


def _people(units: list[Unit]) -> People:
    users = list(User.objects.filter(is_active=True).select_related("unit"))
    by_name = {u.username: u for u in users}
    staff: dict[int, tuple[list[User], list[User]]] = {}
    for unit in units:
        members = [u for u in users if u.unit_id and f"/{unit.pk}/" in u.unit.path]
        # The named demo account first (handler_glq, handler …), then butlers and others.
        preferred = f"handler_{unit.code.lower()}"
        handlers = sorted(
            (u for u in members if u.role == Role.HANDLER),
            key=lambda u: (u.username not in (preferred, "handler"), u.username.startswith("butler"), u.pk),
        )
        heads = sorted(
            (u for u in members if u.role == Role.UNIT_HEAD), key=lambda u: (u.unit_id != unit.pk, u.pk)
        )
        if handlers or heads:
            staff[unit.pk] = (handlers, heads)
    return People(
        hub=by_name["hub"],
        hub_gxj=by_name.get("hub_gxj", by_name["hub"]),
        supervisor=by_name["supervisor"],
        clerk=by_name["clerk"],
        clerk_window=by_name.get("clerk_xzfw", by_name["clerk"]),
        enterprise_user=by_name["enterprise"],
        by_name=by_name,
        staff=staff,
    )


class Sim:
    """One appeal's life, step by step, stopping when the next step would be after now."""

    def __init__(self, ctx: DemoContext, people: People, units: dict[str, Unit], cats: dict[str, Category]):
        self.ctx, self.rng, self.p, self.units, self.cats = ctx, ctx.rng, people, units, cats
        self.seq = 0

    # --- time ------------------------------------------------------------------------

    def office_time(self, d: date) -> datetime:
        minutes = self.rng.randint(8 * 60 + 40, 17 * 60 + 20)
        return timezone.make_aware(datetime.combine(d, time(minutes // 60, minutes % 60)))

    def later(self, t: datetime, lo: float, hi: float) -> datetime:
        """lo..hi working days after t (fractions stay on the same day, a little later)."""
        n = self.rng.uniform(lo, hi)
        whole = int(n)
        if whole == 0:
            return min(t + timedelta(minutes=self.rng.randint(20, 240)), self.day_end(t))
        d = deadlines.add_workdays(timezone.localdate(t), whole).date
        return self.office_time(d)

    @staticmethod
    def day_end(t: datetime) -> datetime:
        return timezone.make_aware(datetime.combine(timezone.localdate(t), time(18, 30)))

    def due_time(self, d: date, slack: float) -> datetime:
        """A moment around deadline `d`: slack < 0 before it, > 0 after, in working days."""
        if slack <= 0:
            back = max(0, round(-slack))
            return self.office_time(deadlines.subtract_workdays(d, back).date if back else d)
        return self.office_time(deadlines.add_workdays(d, max(1, round(slack))).date)

    # --- people -----------------------------------------------------------------------

    def intake_actor(self, channel: str, enterprise: Enterprise) -> User:
        p = self.p
        if channel in (Channel.HOTLINE, Channel.MAYOR_MAILBOX, Channel.WEB, Channel.PLATFORM, Channel.API):
            return p.clerk
        if channel == Channel.WINDOW:
            return p.clerk_window
        if channel in (Channel.FACE_TO_FACE, Channel.BREAKFAST):
            return p.hub_gxj
        if channel == Channel.VISIT:
            if enterprise.butler_id and enterprise.butler_id in {u.pk for u in p.by_name.values()}:
                butler = next(u for u in p.by_name.values() if u.pk == enterprise.butler_id)
                if butler.unit_id:
                    return butler
            return p.handler(enterprise.location)
        if channel == Channel.CHAMBER:
            return p.by_name.get("handler_gsl") or p.hub
        if channel == Channel.PHONE:
            return p.by_name["handler"] if enterprise.industry in INDUSTRIAL else p.by_name["handler_swj"]
        return p.hub  # NPC deputies / CPPCC members hand matters to the hub

    def rater(self, appeal: Appeal) -> User:
        return (
            self.p.enterprise_user
            if appeal.enterprise_id == self.p.enterprise_user.enterprise_id
            else self.p.hub
        )

    # --- text -------------------------------------------------------------------------

    def text(self, code: str) -> tuple[str, str]:
        rng = self.rng
        title, desc = rng.choice(TEXTS[code])
        values = dict(
            n=rng.choice([3, 5, 8, 12, 20, 30, 45, 60, 80, 120]),
            amt=rng.choice([35, 50, 80, 120, 260, 500, 800, 1500, 3000]),
            months=rng.choice(["两", "三", "四", "五"]),
            year=self.ctx.today.year - rng.choice([1, 2, 5, 8]),
            item=rng.choice(ITEMS),
        )
        return title.format(**values), desc.format(**values)

    # --- one appeal ---------------------------------------------------------------------

    def run(
        self, enterprise: Enterprise, received: datetime, projects: list[Project], open_same: list[Appeal]
    ):
        rng, p, now = self.rng, self.p, self.ctx.now
        self.seq += 1
        if projects and rng.random() < 0.6:
            group = "project"
        elif enterprise.industry in INDUSTRIAL:
            group = "industrial"
        elif enterprise.industry in (Industry.CONSTRUCTION, Industry.REAL_ESTATE):
            group = "building"
        else:
            group = "services"
        code = _weighted(rng, CATEGORY_MIX[group])
        title, description = self.text(code)
        channel = _weighted(rng, CHANNELS)
        actor = self.intake_actor(channel, enterprise)
        contact = enterprise.contacts.all()[0] if enterprise.contacts.all() else None
        kw = dict(
            actor=actor,
            enterprise_id=enterprise.pk,
            title=title,
            description=description,
            category_id=self.cats[code].pk,
            channel=channel,
            project_id=projects[0].pk if group == "project" and projects else None,
            contact_name=contact.name if contact else "",
            contact_phone=contact.phone if contact else "",
            received_at=received,
            now=received,
        )
        if channel == Channel.HOTLINE:
            kw.update(source_system="12345", source_id=f"GD{received:%Y%m%d}{self.seq:04d}")
        elif channel == Channel.API:
            kw.update(idempotency_key=f"platform-{received:%Y%m%d}-{self.seq:04d}")
        missing = rng.random() < 0.08
        if missing:
            required = self.cats[code].required_materials or ["企业情况说明"]
            kw["materials_missing"] = rng.sample(required, min(len(required), rng.randint(1, 2)))
        appeal, _ = services.appeal_intake(**kw)
        t = received
        # Recent appeals are caught mid-way: some still wait for materials, triage, sign-for
        # or the hub's decision on an objection, whatever their simulated speed.
        recent = deadlines.add_workdays(timezone.localdate(received), 8).date >= self.ctx.today
        stop_at = _weighted(
            rng,
            [("materials", 3), ("triage", 3), ("sign", 2), ("transfer", 1), ("", 4)] if recent else [("", 1)],
        )

        def step(lo, hi, at=None):
            nonlocal t
            nxt = at or self.later(t, lo, hi)
            if nxt >= now:
                return None
            t = nxt
            return t

        def move(name, actor, **data):
            return services.appeal_move(appeal_id=appeal.pk, move=name, actor=actor, now=t, **data)

        # A confirmed duplicate of an open appeal of the same enterprise: merged, never lost.
        if open_same and rng.random() < 0.04:
            if step(0.1, 1):
                target = open_same[0]
                appeal = move(
                    "merge", p.hub, into_id=target.pk, reason="与企业此前反映的问题重复，合并办理。"
                )
            return appeal

        if missing:
            if stop_at == "materials" or not step(1, 6):
                return appeal
            appeal = move("complete_materials", rng.choice([actor, p.hub]), note="企业已补齐全部材料。")

        # Triage by the hub: usually the routing rule; sometimes another unit, with a reason.
        if stop_at == "triage" or not step(0, 2):
            return appeal
        coop_pool = [
            u for c, u in self.units.items() if c in ("ZRJ", "ZJJ", "RSJ", "SJJ", "HBJ", "SWUJ", "FGW")
        ]
        coops = rng.sample(coop_pool, rng.choice([0, 0, 1, 1, 2]))
        enterprise_loc = enterprise.location
        data = dict(cooperating_unit_ids=[u.pk for u in coops])
        if rng.random() < 0.06 and enterprise_loc.code in self.units:
            data.update(
                lead_unit_id=enterprise_loc.pk,
                override_reason="企业所在区已建立专人服务机制，由属地牵头更便于协调。",
            )
        appeal = move("assign", p.hub, **data)

        # Transfers: the wrong unit objects, the hub reroutes (now and then more than once).
        transfers = 0
        while (stop_at == "transfer" and transfers == 0) or (
            rng.random() < (0.09 if transfers == 0 else 0.3) and transfers < 3
        ):
            lead = appeal.lead_unit
            if not step(0.1, 1):
                return appeal
            appeal = move("object", p.handler(lead), reason=rng.choice(OBJECTIONS))
            if stop_at == "transfer" or not step(0.2, 1.2):
                return appeal
            options = [
                u for c, u in self.units.items() if c in ("ZRJ", "SWJ", "TCJ", "GXJ", "ZJJ") and u != lead
            ]
            options.append(enterprise_loc)
            new_lead = rng.choice([u for u in options if u.pk in p.staff])
            appeal = move(
                "settle_transfer",
                p.hub,
                lead_unit_id=new_lead.pk,
                reason=f"经研究，改由{new_lead.name}牵头办理。",
            )
            transfers += 1

        lead = appeal.lead_unit
        handler, head = p.handler(lead), p.head(lead)
        if actor.role != Role.HUB and rng.random() < 0.5 and step(0, 0.4):
            move("follow_up", actor, note="首问跟踪：已电话提醒牵头单位及时签收。")
        if stop_at == "sign" or not step(0.05, 1.3):
            return appeal
        appeal = move("sign", handler)

        for coop in list(appeal.cooperations.select_related("unit")):
            answer_at = self.later(t, 0.5, 4.5)
            if answer_at < now and coop.unit_id in p.staff:
                services.appeal_move(
                    appeal_id=appeal.pk,
                    move="cooperate_answer",
                    actor=p.handler(coop.unit),
                    answer=rng.choice(COOP_ANSWERS),
                    now=max(answer_at, t),
                )

        reopenings = 0
        while True:
            appeal = Appeal.objects.get(pk=appeal.pk)
            # How long handling takes, relative to the deadline: most on time, some late.
            slack = (
                rng.choice([-8, -6, -5, -4, -3, -2, -1, 0])
                if rng.random() < 0.86
                else rng.choice([1, 2, 4, 7])
            )
            for _ in range(rng.choice([0, 1, 1, 2])):
                if step(0.5, 3):
                    appeal = move("add_progress", handler, note=rng.choice(PROGRESS_NOTES))

            # Extension asked a few days before the deadline (seeds/003 六.3).
            if rng.random() < 0.12 and appeal.handling_due < appeal.legal_due:
                ask = self.due_time(appeal.handling_due, -rng.randint(1, 3))
                if (
                    step(0, 0, at=max(ask, t + timedelta(minutes=30)))
                    and timezone.localdate(t) <= appeal.handling_due
                ):
                    extra = deadlines.add_workdays(appeal.handling_due, rng.choice([5, 10])).date
                    new_due = min(extra, appeal.legal_due)
                    appeal = move(
                        "request_extension",
                        handler,
                        new_due=new_due,
                        reason="涉及多部门会签，需延长办理时限。",
                    )
                    if head and step(0.1, 1):
                        if rng.random() < 0.85:
                            appeal = move("approve_extension", head, note="同意延期，请抓紧办理。")
                        else:
                            appeal = move("reject_extension", head, reason="请按原期限办结。")

            # Exemption (seeds/000 五(二)3) and escalation (seeds/000 二) for a few.
            if rng.random() < 0.035 and step(2, 6):
                appeal = move(
                    "request_exemption",
                    handler,
                    explanation="受国家产业政策调整影响，该事项今年内无法办结，特此说明。",
                )
                if step(1, 4):
                    if rng.random() < 0.75:
                        # Excluded from scoring, still open and visible: it waits for the policy.
                        return move("approve_exemption", p.hub, note="经审核，同意不纳入考核。")
                    else:
                        appeal = move("reject_exemption", p.hub, reason="不属于国家政策变动情形。")
            if reopenings == 0 and rng.random() < 0.07:
                esc_at = self.later(t, 2, 8)
                if esc_at > now - timedelta(days=75) and step(0, 0, at=esc_at):
                    project = projects[0].name if projects else f"{enterprise.name}生产经营"
                    move(
                        "escalate",
                        handler,
                        project_name=project,
                        basic_situation=f"{enterprise.name}，{enterprise.get_industry_display()}企业。{appeal.description}",
                        problem=appeal.title + "，经多次协调仍未解决，需提请市领导协调。",
                        unit_ids_to_coordinate=[u.pk for u in [enterprise_loc, *coops][:3]],
                        contact_name=handler.display_name,
                        contact_mobile=handler.phone or "13900000000",
                    )
                    return Appeal.objects.get(pk=appeal.pk)  # the coordination demo takes it from here

            due = appeal.handling_due
            resolve_at = self.due_time(due, slack)
            if not step(0, 0, at=max(resolve_at, t + timedelta(hours=1))):
                return appeal
            appeal = move(
                "resolve",
                handler,
                resolution=rng.choice(RESOLUTIONS),
                evidence_files=[
                    _pdf(
                        rng.choice(["办结报告.pdf", "协调会议纪要.pdf", "答复函.pdf"]),
                        f"{appeal.code}-{t.timestamp()}",
                    )
                ],
            )
            if not step(0.2, 3):
                return appeal
            if rng.random() < 0.06:
                appeal = move("reject_verification", p.hub, reason="佐证材料不足，请补充正式文件。")
                if not step(1, 3):
                    return appeal
                appeal = move(
                    "add_evidence",
                    handler,
                    evidence_files=[_pdf("补充说明.pdf", f"{appeal.code}-x{t.timestamp()}")],
                )
                if not step(0.1, 1):
                    return appeal
                appeal = move("resolve", handler, resolution="已补充正式文件。")
                if not step(0.2, 2):
                    return appeal
            appeal = move("verify", p.supervisor if rng.random() < 0.3 else p.hub, note="核验通过。")

            # The enterprise rates within 10 working days, or the clock closes it as not rated.
            if rng.random() < 0.1:
                remind = self.office_time(appeal.clock_yellow_from)
                if step(0, 0, at=max(remind, t + timedelta(hours=1))):
                    services.appeal_remind_rating(appeal_id=appeal.pk, now=t)
                    close = self.office_time(deadlines.add_workdays(appeal.clock_due, 1).date)
                    if step(0, 0, at=close):
                        appeal = services.appeal_close_not_rated(appeal_id=appeal.pk, now=t)
                return appeal
            if not step(0.5, 8):
                return appeal
            rating = _weighted(
                rng,
                [
                    (5, 45),
                    (4, 30),
                    (3, 12),
                    (2, 8 if reopenings == 0 else 2),
                    (1, 5 if reopenings == 0 else 1),
                ],
            )
            comment = rng.choice(COMMENTS_BAD) if rating <= 2 else rng.choice(COMMENTS_GOOD)
            appeal = move("rate", self.rater(appeal), rating=rating, comment=comment)
            if appeal.status == Status.CLOSED:
                return appeal
            reopenings += 1  # 不满意: back to the same lead unit


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    units = {u.code: u for u in Unit.objects.filter(is_active=True)}
    people = _people(list(units.values()))
    cats = {c.code: c for c in Category.objects.all()}
    enterprises = list(
        Enterprise.objects.filter(is_active=True)
        .select_related("location")
        .prefetch_related("contacts")
        .order_by("id")
    )
    projects: dict[int, list[Project]] = {}
    for pr in Project.objects.order_by("id"):
        projects.setdefault(pr.owner_id, []).append(pr)
    own = next(e for e in enterprises if e.pk == people.enterprise_user.enterprise_id)
    # Some enterprises raise many matters, most one or two; the demo account's own company
    # has a handful, so its portal shows every state.
    weights = [12 if e.pk == own.pk else (4 if e.above_scale or e.pk in projects else 1) for e in enterprises]

    start = ctx.today - timedelta(days=WINDOW_DAYS)
    received = []
    for _ in range(APPEAL_COUNT):
        # More recent months carry a little more (the system's use grows).
        offset = int(WINDOW_DAYS * (rng.random() ** 0.8))
        d = start + timedelta(days=offset)
        while d.weekday() >= 5 and rng.random() < 0.85:
            d += timedelta(days=1)
        if d >= ctx.today:
            d = ctx.today - timedelta(days=1)
        received.append(d)
    received.sort()

    sim = Sim(ctx, people, units, cats)
    open_by_enterprise: dict[int, list[Appeal]] = {}
    for d in received:
        enterprise = rng.choices(enterprises, weights=weights, k=1)[0]
        at = sim.office_time(d)
        if at >= ctx.now:
            at = ctx.now - timedelta(hours=2)
        open_same = [a for a in open_by_enterprise.get(enterprise.pk, []) if _still_open(a.pk)]
        appeal = sim.run(enterprise, at, projects.get(enterprise.pk, []), open_same)
        open_by_enterprise.setdefault(enterprise.pk, []).append(appeal)

    _duplicates(ctx, people)
    report = jobs.run_appeal_clock(now=ctx.now)
    counts = {s: 0 for s in Status.values}
    for s in Appeal.objects.values_list("status", flat=True):
        counts[s] += 1
    summary = "，".join(f"{Status(s).label} {n}" for s, n in counts.items() if n)
    red = Appeal.objects.filter(deadlines.light_q("red", ctx.today)).count()
    yellow = Appeal.objects.filter(deadlines.light_q("yellow", ctx.today)).count()
    problems = Appeal.objects.filter(Q(is_problem=True)).count()
    ctx.log(f"  诉求 {sum(counts.values())} 件：{summary}")
    ctx.log(f"  当前超期 {red} 件、临期 {yellow} 件，问题诉求 {problems} 件；计时任务：{report}")


def _still_open(appeal_id: int) -> bool:
    from .choices import OPEN_STATUSES

    return Appeal.objects.filter(pk=appeal_id, status__in=OPEN_STATUSES).exists()


def _duplicates(ctx: DemoContext, people: People, count: int = 8) -> None:
    """Enterprises that raise the same matter again through another channel: the second
    registration is linked to the open original (at intake, or later by the hub)."""
    from .choices import OPEN_STATUSES

    rng = ctx.rng
    originals = list(
        Appeal.objects.filter(status__in=OPEN_STATUSES, received_at__lt=ctx.now - timedelta(days=3)).order_by(
            "id"
        )
    )
    for i, original in enumerate(rng.sample(originals, min(count, len(originals)))):
        at = original.received_at + (ctx.now - original.received_at) * rng.uniform(0.3, 0.9)
        actor = people.clerk if i % 2 else people.clerk_window
        dup, _ = services.appeal_intake(
            actor=actor,
            enterprise_id=original.enterprise_id,
            title=f"再次反映：{original.title}",
            description=f"企业来电再次反映：{original.description}",
            category_id=original.category_id,
            channel=Channel.HOTLINE if i % 2 else Channel.WINDOW,
            received_at=at,
            now=at,
            # Half confirmed at intake (the form showed the possible duplicate), half by the hub.
            duplicate_of_id=original.pk if i % 2 else None,
        )
        if dup.status != Status.MERGED:
            services.appeal_merge(
                appeal_id=dup.pk,
                actor=people.hub,
                into_id=original.pk,
                reason="与企业此前反映的问题重复，合并办理。",
                now=at + timedelta(hours=2),
            )
