"""The public side of the demo city: window hours, each department's service-commitment
catalog (seeds/003 五; a few items tied to appeal categories, so the demo's appeals of those
units take the committed limits), the policy library (seeds/002) and a ledger of government
promises to enterprises (seeds/002 限期办理销号), some overdue."""

from __future__ import annotations

from datetime import timedelta

from zhitong.appeals.models import Category
from zhitong.enterprises.models import Enterprise
from zhitong.organizations.models import ServiceWindow, Unit
from zhitong.public.choices import CommitmentStatus, PromiseStatus
from zhitong.public.models import CommitmentItem, GovernmentPromise, Policy
from zhitong.public.promises import set_due

from .context import DemoContext

HOURS = "法定工作日 上午8:30—12:00，下午14:30—17:30（夏季）"

# (unit code, title, category code or "", legal, committed, materials, fees, procedure, basis)
ITEMS = [
    (
        "GXJ",
        "企业技术改造项目备案",
        "JSGZ",
        20,
        8,
        "备案申请表\n项目可行性说明\n企业营业执照副本",
        "不收费",
        "网上申报—材料审查—备案确认—出具备案证明",
        "《企业投资项目核准和备案管理条例》",
    ),
    (
        "GXJ",
        "工业企业生产经营困难协调",
        "SCJY",
        15,
        10,
        "企业情况说明\n相关佐证材料",
        "不收费",
        "受理—会商相关部门—协调处理—书面答复",
        "市服务企业和重大项目协调机制",
    ),
    (
        "GXJ",
        "规上工业企业培育申报",
        "",
        30,
        20,
        "申报表\n上年度财务报表",
        "不收费",
        "企业申报—县区初审—市级审核—公示",
        "市工业企业培育办法",
    ),
    (
        "SWJ",
        "商贸流通企业经营协调",
        "FWY",
        15,
        10,
        "企业情况说明",
        "不收费",
        "受理—调查核实—协调处理—答复",
        "市服务企业和重大项目协调机制",
    ),
    (
        "SWJ",
        "对外贸易经营者备案登记",
        "",
        5,
        1,
        "备案登记表\n营业执照副本",
        "不收费",
        "网上提交—窗口核验—当场办结",
        "《中华人民共和国对外贸易法》第九条",
    ),
    (
        "TCJ",
        "招商引资项目落地协调",
        "ZSXM",
        20,
        12,
        "投资协议或意向书\n项目情况说明",
        "不收费",
        "受理—准入落地会商—明确牵头单位—跟踪服务",
        "市招商引资及项目建设服务制度",
    ),
    (
        "XZFW",
        "企业投资项目前期审批代办",
        "QQSP",
        20,
        10,
        "项目立项文件\n用地预审材料\n代办委托书",
        "不收费",
        "签订代办协议—全程代办—办结移交",
        "市全流程代办帮办服务办法",
    ),
    (
        "ZRJ",
        "建设项目用地预审与选址意见书",
        "YDGH",
        20,
        15,
        "申请表\n项目建议书\n用地范围图",
        "不收费",
        "受理—审查—踏勘—决定",
        "《土地管理法实施条例》第二十四条",
    ),
    (
        "ZJJ",
        "建筑工程施工许可证核发",
        "",
        7,
        3,
        "申请表\n施工合同\n施工图审查合格书",
        "不收费",
        "受理—审查—决定—发证",
        "《建筑法》第八条",
    ),
    (
        "RSJ",
        "企业用工招聘服务",
        "YG",
        10,
        5,
        "用工需求表",
        "不收费",
        "登记需求—发布岗位—组织招聘会",
        "《就业促进法》",
    ),
    (
        "HBJ",
        "建设项目环境影响报告表审批",
        "",
        30,
        15,
        "报告表\n公参说明",
        "不收费",
        "受理—技术评估—审批—公告",
        "《环境影响评价法》第二十二条",
    ),
    (
        "FGW",
        "企业投资项目核准",
        "ZDXM",
        20,
        12,
        "项目申请报告\n规划选址意见\n用地预审意见",
        "不收费",
        "受理—评估—核准",
        "《企业投资项目核准和备案管理条例》第十条",
    ),
]

# (title, issuer, days ago issued, industries, sizes, tags, summary)
POLICIES = [
    (
        "榕城市支持工业企业技术改造若干措施",
        "市工业和信息化局",
        40,
        ["manufacturing", "energy"],
        ["above_scale", "entering_scale"],
        [],
        "对设备投资500万元以上的技术改造项目，按设备投资额的10%给予补助，单个项目最高300万元；即将上规企业技改另行奖励。",
    ),
    (
        "榕城市促进消费和商贸流通发展十条",
        "市商务局",
        25,
        ["trade", "services"],
        [],
        [],
        "限上商贸企业年度零售额增长10%以上的给予奖励；支持商贸企业开展促销活动和数字化改造。",
    ),
    (
        "中小微企业稳岗就业补贴",
        "市人力资源和社会保障局",
        60,
        [],
        ["small"],
        [],
        "不裁员或少裁员的中小微企业，按上年度实际缴纳失业保险费的60%返还。",
    ),
    (
        "规上工业企业培育奖励办法",
        "市工业和信息化局",
        90,
        ["manufacturing"],
        ["entering_scale"],
        [],
        "首次纳入规模以上工业企业统计的，给予一次性奖励20万元。",
    ),
    (
        "乡贤回归投资创业扶持政策",
        "市投资促进局",
        15,
        [],
        [],
        ["tag_xiangxian"],
        "乡贤企业回乡投资固定资产5000万元以上的，优先保障用地，并给予贷款贴息。",
    ),
    (
        "涉企行政事业性收费减免清单",
        "市财政局",
        120,
        [],
        [],
        [],
        "全面落实国家减税降费政策，列明清单外不得收费；清单内收费项目按标准下限执行。",
    ),
]

PROMISES = [
    ("approval", "厂房消防验收非因企业原因超期未办结，限期完成验收备案", "XZFW", 5, -12),
    ("policy", "兑现2024年度技术改造设备补助资金", "GXJ", 20, -3),
    ("arrears", "偿还园区道路配套工程欠款（按协议分期）", "GXJ", 30, -40),
    ("policy", "落实招商协议约定的厂房租金减免", "TCJ", 10, -2),
    ("approval", "建设用地规划许可非因企业原因延误，限期办结", "ZRJ", 15, -25),
]


def build(ctx: DemoContext) -> None:
    ServiceWindow.objects.filter(hours="").update(hours=HOURS)
    units = {
        u.code: u for u in Unit.objects.filter(code__in={r[0] for r in ITEMS + [(p[2],) for p in PROMISES]})
    }
    cats = {c.code: c for c in Category.objects.all()}
    rows = []
    for code, title, cat, legal, committed, materials, fees, procedure, basis in ITEMS:
        if code in units:
            rows.append(
                CommitmentItem(
                    unit=units[code],
                    title=title,
                    category=cats.get(cat),
                    legal_days=legal,
                    committed_days=committed,
                    materials=materials,
                    fees=fees,
                    procedure=procedure,
                    basis=basis,
                    status=CommitmentStatus.PUBLISHED,
                    published_at=ctx.now - timedelta(days=200),
                )
            )
    CommitmentItem.objects.bulk_create(rows)
    Policy.objects.bulk_create(
        [
            Policy(
                title=t,
                issuer=i,
                issued_on=ctx.today - timedelta(days=d),
                industries=ind,
                sizes=s,
                tags=tg,
                summary=sm,
            )
            for t, i, d, ind, s, tg, sm in POLICIES
        ]
    )
    enterprises = list(Enterprise.objects.order_by("id")[: len(PROMISES)])
    promises = []
    for (kind, content, code, days, recorded_ago), enterprise in zip(PROMISES, enterprises, strict=False):
        if code not in units:
            continue
        p = GovernmentPromise(
            enterprise=enterprise,
            kind=kind,
            content=content,
            basis="招商引资协议及市政府专题会议纪要",
            responsible_unit=units[code],
            recorded_on=ctx.today - timedelta(days=-recorded_ago),
            due_workdays=days,
            due_on=ctx.today,
            status=PromiseStatus.IN_PROGRESS,
        )
        set_due(p)
        promises.append(p)
    GovernmentPromise.objects.bulk_create(promises)
    ctx.log(f"  服务承诺事项 {len(rows)} 项，惠企政策 {len(POLICIES)} 条，政府承诺 {len(promises)} 项")
