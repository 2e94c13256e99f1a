"""Seed appeal categories and the routing rules of seeds/000 一(一).

Units are referenced by code (the demo or the import creates them), so the rules can be
seeded before any unit exists.
"""

from django.db import migrations

# code, name, committed handling days, legal limit days, required materials
CATEGORIES = [
    ("SCJY", "生产经营", 15, 30, ["企业情况说明"]),
    ("JSGZ", "技术改造", 15, 30, ["技改项目备案证明", "企业情况说明"]),
    ("ZSXM", "招商项目", 20, 40, ["投资协议或意向书", "项目情况说明"]),
    ("FWY", "服务业发展", 15, 30, ["企业情况说明"]),
    ("QQSP", "项目前期审批", 10, 20, ["项目立项文件", "用地预审材料", "项目情况说明"]),
    ("ZDXM", "重大项目建设", 20, 40, ["项目立项文件", "项目进度说明"]),
    ("YDGH", "用地规划", 20, 60, ["土地权属证明", "规划条件说明"]),
    ("RZ", "融资", 10, 20, ["企业近期财务报表", "融资需求说明"]),
    ("YG", "用工", 10, 20, ["用工需求表"]),
    ("ZCDX", "政策兑现", 15, 30, ["政策申报材料", "兑现依据文件"]),
    ("SDQ", "水电气保障", 5, 10, ["用能需求说明"]),
    ("QT", "其他", None, None, []),
]

# name, priority, category code, industry, lead unit code, use enterprise location, basis
RULES = [
    ("工业企业生产经营→工信局", 10, "SCJY", "manufacturing", "GXJ", False, "seeds/000 一(一)"),
    ("信息化企业生产经营→工信局", 10, "SCJY", "it", "GXJ", False, "seeds/000 一(一)"),
    ("能源企业生产经营→工信局", 10, "SCJY", "energy", "GXJ", False, "seeds/000 一(一)"),
    ("服务业企业生产经营→商务局", 10, "SCJY", "services", "SWJ", False, "seeds/000 一(一)"),
    ("商贸企业生产经营→商务局", 10, "SCJY", "trade", "SWJ", False, "seeds/000 一(一)"),
    ("技改项目→工信局", 20, "JSGZ", "", "GXJ", False, "seeds/000 一(一)"),
    ("招商项目→投促局", 20, "ZSXM", "", "TCJ", False, "seeds/000 一(一)"),
    ("服务业发展→商务局", 20, "FWY", "", "SWJ", False, "seeds/000 一(一)"),
    ("计划开工项目前期工作→行政服务中心管委会", 20, "QQSP", "", "XZFW", False, "seeds/000 一(一)"),
    ("重大建设项目→发改委", 20, "ZDXM", "", "FGW", False, "seeds/000 一(一)"),
    ("本地事项→企业所在县区/园区", 1000, None, "", "", True, "seeds/000 一(二)"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("appeals", "Category")
    RoutingRule = apps.get_model("appeals", "RoutingRule")
    cats = {}
    for order, (code, name, days, legal, materials) in enumerate(CATEGORIES):
        cats[code], _ = Category.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name,
                handling_days=days,
                legal_limit_days=legal,
                required_materials=materials,
                sort_order=(order + 1) * 10,
            ),
        )
    if RoutingRule.objects.exists():
        return
    for name, priority, cat, industry, unit_code, use_loc, note in RULES:
        RoutingRule.objects.create(
            name=name,
            priority=priority,
            category=cats[cat] if cat else None,
            industry=industry,
            lead_unit_code=unit_code,
            use_enterprise_location=use_loc,
            note=note,
        )


class Migration(migrations.Migration):
    dependencies = [("appeals", "0004_clock_evidence_routing")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
