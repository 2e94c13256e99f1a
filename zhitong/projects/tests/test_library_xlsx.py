"""The project library in Excel: the export of the filtered list in the columns staff keep
(named with the unit and the day), the import in the same columns (every bad cell reported
in Chinese, all or nothing unless the good rows are chosen), an imported stage recorded in
the stage history, and a file exported then imported again changing nothing."""

from datetime import date
from io import BytesIO
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zhitong.audit.models import AuditEvent
from zhitong.projects.exports import EXPORT_COLUMNS
from zhitong.projects.imports import PROJECT_COLUMNS, projects_import
from zhitong.projects.models import Project, ProjectStage, ProjectStageChange

from .plib_world import make_project, plib  # noqa: F401

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in PROJECT_COLUMNS]
STAFF_COLUMNS = [
    "项目编码",
    "项目名称",
    "业主企业(统一社会信用代码)",
    "项目类别",
    "所属行业",
    "项目层级",
    "所处阶段",
    "落地县区/园区",
    "首谈单位",
    "引进单位",
    "审批权限",
    "牵头单位",
    "包挂领导",
    "总投资(万元)",
    "年度计划投资(万元)",
    "计划开工",
    "计划竣工",
    "建设内容及规模",
    "绿色通道",
]


def xlsx(rows: list[list], headers=None) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(headers or HEADERS[:19])
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def row(plib, **kw):  # noqa: F811
    values = {
        "项目编码": "XM-IMP1",
        "项目名称": "甲区储能电池生产基地项目",
        "业主企业(统一社会信用代码)": f"{plib.ent_a.name}（{plib.ent_a.credit_code}）",
        "项目类别": "工业",
        "所属行业": "新能源",
        "项目层级": "市重点项目",
        "所处阶段": "在建",
        "落地县区/园区": "甲区",
        "首谈单位": "市招商局",
        "引进单位": "甲区",
        "审批权限": "县(市)区、园区",
        "牵头单位": "",
        "包挂领导": "王建国",
        "总投资(万元)": 80000,
        "年度计划投资(万元)": 20000.5,
        "计划开工": date(2026, 3, 1),
        "计划竣工": "2027年12月",
        "建设内容及规模": "新建电芯车间2万平方米",
        "绿色通道": "是",
    }
    values.update(kw)
    return [values[h] for h in STAFF_COLUMNS]


def test_the_export_columns_are_the_ones_staff_keep():
    assert [c.header for c in EXPORT_COLUMNS] == STAFF_COLUMNS
    assert HEADERS[:19] == STAFF_COLUMNS


# -- export -------------------------------------------------------------------------------------


def read(response) -> list[list]:
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_the_export_is_the_filtered_list_named_with_the_unit_and_the_day(client, plib):  # noqa: F811
    make_project("XM-A2", owner=plib.ent_a, lead=plib.unit_a, stage=ProjectStage.CONSTRUCTION)
    client.force_login(plib.handler_a)
    response = client.get(reverse("projects:export"), {"stage": "reserve", "page": "3"})
    assert response.status_code == 200
    disposition = unquote(response["Content-Disposition"])
    today = date.today()
    assert f"重大项目库_甲区人民政府_{today.year}年{today.month}月{today.day}日.xlsx" in disposition
    rows = read(response)
    header = rows.index(STAFF_COLUMNS)
    data = [r for r in rows[header + 1 :] if r[0]]
    assert [r[0] for r in data] == ["XM-A1"]  # the filter, every page, in scope only
    assert "所处阶段：储备" in rows[1][0] and "共1个项目" in rows[1][0]
    first = dict(zip(STAFF_COLUMNS, data[0], strict=True))
    assert first["业主企业(统一社会信用代码)"] == f"{plib.ent_a.name}（{plib.ent_a.credit_code}）"
    assert first["总投资(万元)"] == 50000 and first["包挂领导"] == "王建国" and first["绿色通道"] == "否"


def test_an_outsider_exports_only_their_own_projects(client, plib):  # noqa: F811
    client.force_login(plib.outsider_b)
    codes = [
        r[0]
        for r in read(client.get(reverse("projects:export")))
        if r and r[0] and str(r[0]).startswith("XM-")
    ]
    assert codes == ["XM-B1"]


# -- import -------------------------------------------------------------------------------------


def test_a_new_project_is_imported_with_its_stage_in_the_history(plib):  # noqa: F811
    report = projects_import(xlsx([row(plib)]), actor=plib.hub)
    assert report.ok and report.imported and report.created == 1, report.as_text()
    p = Project.objects.get(code="XM-IMP1")
    assert p.stage == ProjectStage.CONSTRUCTION and p.stage_since == date.today() and p.version == 1
    # The lead unit follows seeds/003 二(二)1 (services/lead.py): in construction, a project the
    # county introduced is led by the county.
    assert p.lead_unit == plib.unit_a
    assert p.leader == plib.leader and p.green_channel and str(p.annual_investment) == "20000.50"
    assert p.planned_start == date(2026, 3, 1) and p.planned_completion == date(2027, 12, 1)
    change = ProjectStageChange.objects.get(project=p)
    assert (change.action, change.from_stage, change.to_stage) == ("import", "reserve", "construction")
    assert "导入" in change.note and change.actor == plib.hub
    assert AuditEvent.objects.filter(action="project.import_stage", object_id=str(p.pk)).exists()
    assert AuditEvent.objects.filter(action="project.import").exists()


def test_the_stage_day_may_be_given_and_a_reserve_project_gets_no_history(plib):  # noqa: F811
    headers = [*STAFF_COLUMNS, "进入本阶段日期"]
    rows = [
        [*row(plib), "2026-02-10"],
        [*row(plib, **{"项目编码": "XM-IMP2", "所处阶段": ""}), ""],
    ]
    report = projects_import(xlsx(rows, headers), actor=plib.hub)
    assert report.ok, report.as_text()
    assert Project.objects.get(code="XM-IMP1").stage_since == date(2026, 2, 10)
    reserve = Project.objects.get(code="XM-IMP2")
    assert reserve.stage == ProjectStage.RESERVE and not reserve.stage_changes.exists()


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"项目编码": ""}, "项目编码", "不能为空"),
        ({"项目编码": "项目 1"}, "项目编码", "只能包含字母"),
        (
            {"业主企业(统一社会信用代码)": "91350100MA2XN0KX7F"},
            "业主企业(统一社会信用代码)",
            "未在企业库登记",
        ),
        (
            {"业主企业(统一社会信用代码)": "不存在的公司"},
            "业主企业(统一社会信用代码)",
            "请填写业主企业的统一社会信用代码",
        ),
        ({"项目类别": "航天"}, "项目类别", "“航天”无效"),
        ({"项目层级": ""}, "项目层级", "不能为空"),
        ({"所处阶段": "拆迁"}, "所处阶段", "“拆迁”无效"),
        ({"落地县区/园区": "火星区"}, "落地县区/园区", "单位“火星区”不存在"),
        ({"落地县区/园区": "市工信局"}, "落地县区/园区", "不是县（市）区或园区"),
        ({"包挂领导": "张三"}, "包挂领导", "不是系统中在职的市、县领导"),
        ({"总投资(万元)": "很多"}, "总投资(万元)", "应为不小于0的数字"),
        ({"年度计划投资(万元)": 90000}, "年度计划投资(万元)", "年度计划投资不能大于总投资"),
        ({"计划开工": "2026-02-30"}, "计划开工", "日期不存在"),
        ({"计划竣工": "2025-01-01"}, "计划竣工", "计划竣工日期不能早于计划开工日期"),
        ({"绿色通道": "也许"}, "绿色通道", "应填“是”或“否”"),
    ],
)
def test_each_bad_cell_is_reported_in_chinese_and_nothing_is_imported(plib, change, column, reason):  # noqa: F811
    good = row(plib, **{"项目编码": "XM-IMP0"})
    report = projects_import(xlsx([good, row(plib, **change)]), actor=plib.hub)
    assert not report.imported and report.created == 0
    assert [(e.row, e.column) for e in report.errors] == [(3, column)], report.as_text()
    assert reason in report.errors[0].reason
    assert not Project.objects.filter(code__startswith="XM-IMP").exists()
    assert "其中1行有误，未导入任何数据" in report.summary


def test_a_code_twice_in_the_file_is_an_error_on_its_second_row(plib):  # noqa: F811
    report = projects_import(xlsx([row(plib), row(plib)]), actor=plib.hub)
    assert [(e.row, e.reason) for e in report.errors] == [(3, "与第2行重复")]


def test_a_registered_project_is_updated_but_not_its_stage_nor_its_lead_unit(plib):  # noqa: F811
    existing = row(
        plib,
        **{
            "项目编码": "XM-A1",
            "项目名称": "甲区新材料产业园（扩建）",
            "所处阶段": "储备",
            "牵头单位": "甲区",
            "包挂领导": "",
            "计划开工": "",
        },
    )
    report = projects_import(xlsx([existing]), actor=plib.hub)
    assert report.ok and report.updated == 1, report.as_text()
    plib.p_a.refresh_from_db()
    assert plib.p_a.name == "甲区新材料产业园（扩建）" and plib.p_a.version == 1
    # Blank optional cells keep the stored values.
    assert plib.p_a.leader == plib.leader and plib.p_a.planned_start == date(2026, 3, 1)
    # The rules decide the lead unit from the facts, not the sheet: before signing, the
    # first-contact unit (seeds/003 二(一)), here 市招商局.
    assert plib.p_a.lead_unit == plib.zsj
    report = projects_import(
        xlsx([row(plib, **{"项目编码": "XM-A1", "所处阶段": "在建", "牵头单位": "乙区"})]), actor=plib.hub
    )
    assert {e.column for e in report.errors} == {"所处阶段", "牵头单位"}
    assert "已登记项目的阶段须在项目页按阶段登记变更" in report.as_text()
    plib.p_a.refresh_from_db()
    assert plib.p_a.stage == ProjectStage.RESERVE and plib.p_a.lead_unit == plib.zsj


def test_an_exported_file_imports_back_without_a_change(client, plib):  # noqa: F811
    client.force_login(plib.hub)
    exported = BytesIO(client.get(reverse("projects:export")).content)
    # As downloaded: the title and the subtitle over the header stay (the import finds it).
    before = {p.code: p.version for p in Project.objects.all()}
    report = projects_import(exported, actor=plib.hub)
    assert report.ok and report.updated == 2 and report.created == 0, report.as_text()
    assert {p.code: p.version for p in Project.objects.all()} == before


# -- the import pages ---------------------------------------------------------------------------


def upload(client, data: BytesIO, **extra):
    return client.post(
        reverse("projects:import"), {"file": SimpleUploadedFile("项目库.xlsx", data.getvalue()), **extra}
    )


@pytest.mark.parametrize("who", ["hub", "admin"])
def test_the_hub_and_the_admin_import_and_download_the_template(client, plib, who):  # noqa: F811
    client.force_login(getattr(plib, who))
    assert client.get(reverse("projects:import")).status_code == 200
    template = client.get(reverse("projects:import_template"))
    assert template.status_code == 200 and "项目导入模板" in unquote(template["Content-Disposition"])
    header = [
        c for c in next(load_workbook(BytesIO(template.content)).worksheets[0].iter_rows(values_only=True))
    ]
    assert [h.rstrip("*") for h in header][:19] == STAFF_COLUMNS
    response = upload(client, xlsx([row(plib)]))
    assert response.status_code == 200 and "全部导入成功" in response.content.decode()
    assert Project.objects.filter(code="XM-IMP1", stage=ProjectStage.CONSTRUCTION).exists()


@pytest.mark.parametrize("who", ["handler_a", "head_a", "leader", "supervisor"])
def test_others_may_not_import(client, plib, who):  # noqa: F811
    client.force_login(getattr(plib, who))
    assert client.get(reverse("projects:import")).status_code == 403
    assert client.get(reverse("projects:import_template")).status_code == 403
    assert upload(client, xlsx([row(plib)])).status_code == 403
    assert not Project.objects.filter(code="XM-IMP1").exists()


def test_the_page_previews_the_bad_rows_then_imports_only_the_good_ones_when_asked(client, plib):  # noqa: F811
    client.force_login(plib.hub)
    data = xlsx([row(plib), row(plib, **{"项目编码": "XM-IMP2", "项目类别": "航天"})])
    page = upload(client, data).content.decode()
    assert "其中1行有误，未导入任何数据" in page and "“航天”无效" in page and "仅导入无误的行（1 行）" in page
    assert not Project.objects.filter(code__startswith="XM-IMP").exists()
    token = client.session["zt_import_pending"]["token"]
    done = client.post(
        reverse("projects:import"), {"kind": "projects", "token": token, "good_rows_only": "1"}
    )
    assert "仅导入无误的1行" in done.content.decode()
    assert list(Project.objects.filter(code__startswith="XM-IMP").values_list("code", flat=True)) == [
        "XM-IMP1"
    ]
    # The kept file is used once.
    again = client.post(
        reverse("projects:import"), {"kind": "projects", "token": token, "good_rows_only": "1"}
    )
    assert again.status_code == 400 and "已失效" in again.content.decode()


def test_an_unreadable_file_is_a_fatal_error_in_chinese(client, plib):  # noqa: F811
    client.force_login(plib.hub)
    page = upload(client, BytesIO(b"not a workbook")).content.decode()
    assert "无法读取文件，请上传 Excel 工作簿（.xlsx）" in page
    missing = xlsx([["XM-1"]], headers=["项目编码"])
    assert "缺少必填列" in upload(client, missing).content.decode()


def test_headers_typed_with_full_width_brackets_are_the_same_columns(plib):  # noqa: F811
    headers = [h.replace("(", "（").replace(")", "）") for h in STAFF_COLUMNS]
    report = projects_import(xlsx([row(plib)], headers), actor=plib.hub)
    assert report.ok and report.created == 1, report.as_text()
