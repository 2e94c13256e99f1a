"""Words of the demo city's major projects: names by category, image progress, report
problems, commitments, dispatch decisions and inspection findings (demo data)."""

from zhitong.enterprises.choices import Industry
from zhitong.projects.models import ProjectCategory, ProjectStage

C = ProjectCategory
S = ProjectStage

# (stage, how many): 64 projects, every stage.
STAGE_PLAN = [
    (S.RESERVE, 6),
    (S.NEGOTIATION, 8),
    (S.SIGNED, 6),
    (S.APPROVAL, 10),
    (S.CONSTRUCTION, 18),
    (S.COMPLETED, 8),
    (S.OPERATING, 8),
]

# (category, weight, owner industries, name templates). {brand} is the owner's brand,
# {county} the county's short name (鼓楼, 高新区…).
CATEGORIES = [
    (
        C.INDUSTRY,
        46,
        (Industry.MANUFACTURING, Industry.IT, Industry.ENERGY),
        [
            "{brand}新能源汽车零部件智能制造项目",
            "{brand}锂电池储能系统生产基地项目",
            "{brand}半导体封装测试基地项目",
            "{brand}高端装备制造产业园项目",
            "{brand}生物医药产业园项目",
            "{brand}光电显示模组生产线项目",
            "{brand}智能终端产业园项目",
            "年产{n}万吨{material}项目",
            "{brand}数字化车间技改扩能项目",
            "{brand}研发中心及中试基地项目",
            "{brand}{mw}MW分布式光伏发电项目",
            "{brand}氢能装备制造基地项目",
            "{brand}食品精深加工产业园项目",
            "{brand}纺织服装智能工厂项目",
        ],
    ),
    (
        C.SERVICE,
        20,
        (Industry.IT, Industry.LOGISTICS, Industry.TRADE, Industry.SERVICES, Industry.FINANCE),
        [
            "{brand}大数据中心项目",
            "{brand}跨境电商产业园项目",
            "{brand}冷链物流园项目",
            "{brand}智慧物流分拨中心项目",
            "{brand}文旅综合体项目",
            "{brand}总部经济大厦项目",
            "{brand}软件产业园二期项目",
            "{brand}商贸物流总部项目",
            "{brand}酒店及会展中心项目",
        ],
    ),
    (
        C.INFRASTRUCTURE,
        14,
        (Industry.CONSTRUCTION, Industry.REAL_ESTATE, Industry.OTHER),
        [
            "{county}滨江大道提升改造工程",
            "{county}城市主干道快速化改造工程",
            "{county}污水处理厂扩建工程",
            "{county}220千伏输变电工程",
            "{county}智慧停车场及充电桩建设项目",
            "{county}老旧小区改造及配套管网工程",
            "{county}产业园区标准厂房建设项目",
            "{county}防洪排涝能力提升工程",
        ],
    ),
    (
        C.SOCIAL,
        10,
        (Industry.CONSTRUCTION, Industry.SERVICES, Industry.OTHER),
        [
            "榕城市第二人民医院{county}院区项目",
            "{county}中医院综合住院楼项目",
            "{county}第三中学迁建项目",
            "{county}养老服务中心项目",
            "榕城职业技术学院{county}产教融合实训基地项目",
            "{county}全民健身中心项目",
        ],
    ),
    (
        C.AGRICULTURE,
        6,
        (Industry.AGRICULTURE,),
        ["{mu}亩高标准生态茶园及加工基地项目", "{brand}现代农业产业园项目", "{brand}预制菜中央厨房项目"],
    ),
]
MATERIALS = ["新型材料", "功能性纤维", "高性能涤纶", "食品级包装材料", "锂电正极材料", "环保涂料"]

# The industry authority (行业主管部门) of each category: the rules of seeds/003 二(三) and
# the department the city designates for a project the investment bureau introduced.
INDUSTRY_UNIT = {
    C.INDUSTRY: "GXJ",
    C.SERVICE: "SWJ",
    C.INFRASTRUCTURE: "ZJJ",
    C.SOCIAL: "FGW",
    C.AGRICULTURE: "FGW",
    C.OTHER: "FGW",
}
# The city department that first meets an investor of each category (when not a county).
DEPARTMENT_CONTACT = {
    C.INDUSTRY: "GXJ",
    C.SERVICE: "SWJ",
    C.INFRASTRUCTURE: "FGW",
    C.SOCIAL: "FGW",
    C.AGRICULTURE: "FGW",
    C.OTHER: "FGW",
}

# The roadmap's standard approval nodes (the 竣工验收 node comes later, with completion),
# with the unit responsible for each.
ROADMAP_UNITS = {
    "project_approval": "FGW",
    "site_selection": "ZRJ",
    "land": "ZRJ",
    "planning": "ZRJ",
    "design_review": "ZRJ",
    "construction_drawings": "ZJJ",
    "quality_safety": "ZJJ",
    "construction_permit": "ZJJ",
}
TEAM_UNITS = ["ZRJ", "ZJJ", "HBJ", "XZFW", "RSJ", "SJJ"]

NEGOTIATION_PROGRESS = [
    "与企业就投资协议主要条款进行洽谈，初步明确投资规模和建设内容",
    "企业赴项目选址现场考察，对接用地、用电、用水等要素保障",
    "组织发改、自然资源、生态环境等部门对项目进行前期论证",
    "双方就供地方式、扶持政策等条款交换意见，协议文本基本成形",
]
SIGNED_PROGRESS = [
    "投资协议已签订，企业已注册项目公司，正在开展可研编制",
    "项目公司完成注册，启动立项备案和用地报批前期工作",
]
APPROVAL_PROGRESS = [
    "正在办理立项、选址和用地手续，完成地质勘察",
    "完成用地报批，正在开展规划设计方案编制和审查",
    "施工图设计完成，正在办理施工图审查和施工许可",
]
# Image progress of construction, by the share of the construction time elapsed.
CONSTRUCTION_PROGRESS = [
    (0.10, "完成场地平整和临时设施搭建，开始桩基施工"),
    (0.25, "桩基工程完成{p}%，基础承台施工中"),
    (0.45, "主体结构施工至第{floor}层，钢结构厂房吊装完成{p}%"),
    (0.65, "主体结构封顶，开始砌体和屋面工程，完成投资占总投资{p}%"),
    (0.80, "外立面和室内装修施工中，主要生产设备陆续进场"),
    (0.92, "设备安装调试中，室外道路、管网等配套工程完成{p}%"),
    (1.01, "进入竣工验收准备阶段，开展联合验收资料整理"),
]
STALLED_PROGRESS = "受资金到位滞后影响，施工暂停，现场仅保留看护人员"

REPORT_PROBLEMS = [
    "项目红线内仍有两户民房未完成征迁，影响道路和管网施工",
    "施工临时用电增容申请已提交供电公司一个多月，尚未接入",
    "项目配套排污管网未接通，设备调试无法按期进行",
    "混凝土等建材价格上涨，施工单位资金周转困难，需协调融资支持",
    "项目用地范围内有一处高压线需迁改，需协调电力部门",
    "消防设计审查意见与原设计冲突，需协调明确整改方案",
    "项目周边道路未完成配套建设，大型设备无法进场",
    "招工困难，技术工人缺口约80人，需人社部门协助对接",
    "环评批复中的排放指标需调整，需协调生态环境部门",
    "施工许可所需的人防易地建设费缴纳标准存在争议",
]

COMMITMENTS_ENTERPRISE = [
    "{start}前开工建设",
    "项目固定资产投资不低于{amount}万元",
    "项目达产后年产值不低于{output}亿元、年纳税不低于{tax}万元",
    "{complete}前竣工投产",
]
COMMITMENTS_GOVERNMENT = [
    "{start}前完成项目用地挂牌出让并交付净地",
    "{start}前完成项目用电、用水、燃气接入",
    "按协议兑现招商引资奖励政策（设备投资补助）",
    "协调完成项目周边配套道路建设",
]
FULFIL_NOTES = [
    "已按协议约定完成，相关凭证已归档。",
    "经牵头单位现场核实，已履约。",
    "已完成，企业确认无异议。",
]
PENDING_NOTES = [
    "受用地报批进度影响，尚未完成，已督促加快。",
    "企业资金未按计划到位，已约谈企业负责人。",
    "正在协调相关部门，预计下月完成。",
]

DISPATCH_DECISIONS = [
    "由牵头单位牵头，会同自然资源和规划局加快办理用地手续，月底前报告进展。",
    "请住建局开辟绿色通道，施工许可即收即办。",
    "请项目所在地政府协调解决施工临时用电和道路问题，两周内落实。",
    "项目推进正常，请企业按计划抓紧施工，确保完成年度投资目标。",
    "请牵头单位督促企业加快资金到位，下次调度会专题汇报。",
    "请人社局对接用工需求，组织专场招聘会。",
    "请生态环境局指导企业完善环评手续，依法依规加快审批。",
]
DISPATCH_PROBLEMS = [
    "征迁扫尾进度慢",
    "施工用电接入滞后",
    "配套管网未接通",
    "企业资金到位不足",
    "施工许可材料待补正",
    "",
    "",
]

INSPECTION_NORMAL = [
    "现场施工有序，形象进度与月报一致，各项审批手续齐全。",
    "已投产运营，生产线运行正常，履约情况良好。",
    "现场查看主体施工正常，查验用地、规划、施工许可批文齐全。",
]
INSPECTION_ISSUES = [
    (
        "现场实际完成投资与月报存在偏差，部分设备尚未进场。",
        "请牵头单位一个月内核实月报数据并书面说明，督促企业加快设备采购。",
    ),
    (
        "施工现场安全文明施工措施不到位，部分手续复印件未在现场公示。",
        "请住建局督促施工单位十个工作日内完成整改。",
    ),
]

DAILY_SERVICES = [
    "到工地了解设备进场情况，协调解决临时占道审批。",
    "陪同企业到行政服务中心办理施工许可变更。",
    "协调供电公司现场查勘，确定临时用电接入方案。",
    "走访施工现场，了解用工需求并报人社局。",
    "跟进消防设计审查意见整改，与设计院对接。",
    "核对本月投资完成情况，收集形象进度照片。",
]

# What the lead unit notes on each stage move.
STAGE_NOTES = {
    "start_negotiation": "首谈单位与企业开始实质性洽谈",
    "sign": "双方签订投资协议",
    "start_approval": "项目公司注册完成，启动立项、用地、规划等审批",
    "start_construction": "取得施工许可证，举行开工仪式",
    "complete": "通过竣工联合验收",
    "start_operation": "设备调试完成，正式投产",
}
