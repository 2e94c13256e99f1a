import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhitong.audit.models import AuditEvent
from zhitong.enterprises.imports import enterprises_import
from zhitong.enterprises.models import Contact, Enterprise
from zhitong.enterprises.tests.factories import EnterpriseFactory, make_credit_code
from zhitong.enterprises.validators import credit_code_check_char
from zhitong.organizations.imports import units_import
from zhitong.organizations.models import Unit

from .conftest import make_xlsx

pytestmark = pytest.mark.django_db

HEADER = ["统一社会信用代码", "企业名称", "行业", "所在县区/园区", "规上企业", "联系人", "联系人手机"]


def code(n):
    return make_credit_code(900_000 + n)


def bad_check(n):
    c = code(n)
    return c[:-1] + ("1" if c[-1] != "1" else "2")


@pytest.fixture
def sheet(city):
    """Five rows: two good, three bad (check character, unknown location, boolean+phone)."""
    return [
        HEADER,
        [code(1), "甲区新材料科技有限公司", "制造业", "甲区", "是", "林晓燕", "13800001111"],  # row 2 good
        [bad_check(2), "坏代码有限公司", "制造业", "甲区", "否", "", ""],  # row 3 bad code
        [code(3), "无处可寻有限公司", "商贸流通", "丙区", "否", "", ""],  # row 4 unknown location
        [
            code(4),
            "乙区恒达物流有限公司",
            "交通物流",
            "B",
            "也许",
            "王海涛",
            "1380000",
        ],  # row 5 two bad cells
        [code(5), "乙区星源软件有限公司", "信息技术", "乙区人民政府", "N", "", ""],  # row 6 good
    ]


def test_a_file_with_bad_rows_imports_nothing_and_says_why(sheet):
    before = Enterprise.objects.count()
    report = enterprises_import(make_xlsx(sheet))
    assert not report.imported
    assert Enterprise.objects.count() == before
    assert report.bad_rows == [3, 4, 5]
    cells = {(e.row, e.column) for e in report.errors}
    assert cells == {
        (3, "统一社会信用代码"),
        (4, "所在县区/园区"),
        (5, "规上企业"),
        (5, "联系人手机"),
    }
    reasons = {(e.row, e.column): e.reason for e in report.errors}
    assert "校验码" in reasons[(3, "统一社会信用代码")]
    assert "丙区" in reasons[(4, "所在县区/园区")] and "不存在" in reasons[(4, "所在县区/园区")]
    assert "是" in reasons[(5, "规上企业")]
    assert "未导入任何数据" in report.summary and "仅导入无误的行" in report.summary
    assert not AuditEvent.objects.filter(action="enterprise.import").exists()


def test_good_rows_only_imports_exactly_the_good_rows(sheet):
    report = enterprises_import(make_xlsx(sheet), good_rows_only=True)
    assert report.imported
    assert report.created == 2 and report.updated == 0
    names = set(
        Enterprise.objects.filter(credit_code__in=[code(n) for n in range(1, 6)]).values_list(
            "name", flat=True
        )
    )
    assert names == {"甲区新材料科技有限公司", "乙区星源软件有限公司"}
    e = Enterprise.objects.get(credit_code=code(1))
    assert e.above_scale is True
    assert e.contacts.get().phone == "13800001111"
    assert Enterprise.objects.get(credit_code=code(5)).location.code == "B"  # found by full name
    assert "跳过" in report.summary
    event = AuditEvent.objects.get(action="enterprise.import")
    assert event.after["skipped_rows"] == [3, 4, 5]


def test_a_clean_file_imports_every_row_in_one_go(city):
    rows = [
        HEADER,
        [code(1), "甲区一号有限公司", "制造业", "A", "1", "", ""],
        [code(2), "甲区二号有限公司", "其他", "甲区", "0", "", ""],
    ]
    report = enterprises_import(make_xlsx(rows))
    assert report.ok and report.imported and report.created == 2
    assert "全部导入成功" in report.summary


def test_an_existing_code_updates_that_enterprise(city):
    existing = EnterpriseFactory(
        credit_code=code(7), name="旧名称有限公司", location=city.unit_b, address="旧地址"
    )
    rows = [HEADER, [code(7), "新名称有限公司", "制造业", "甲区", "是", "", ""]]
    report = enterprises_import(make_xlsx(rows))
    assert report.imported and report.updated == 1 and report.created == 0
    existing.refresh_from_db()
    assert existing.name == "新名称有限公司"
    assert existing.location == city.unit_a
    assert existing.address == "旧地址"  # no 地址 column: the stored value stays


def test_a_code_repeated_in_the_file_is_an_error_on_its_second_row(city):
    rows = [
        HEADER,
        [code(1), "甲一有限公司", "制造业", "甲区", "", "", ""],
        [code(1), "甲二有限公司", "制造业", "甲区", "", "", ""],
    ]
    report = enterprises_import(make_xlsx(rows))
    assert [(e.row, e.column) for e in report.errors] == [(3, "统一社会信用代码")]
    assert "第2行重复" in report.errors[0].reason


def test_lowercase_and_forbidden_letters_are_reported(city):
    body = "91350100MA2XN0KX7"
    valid = body + credit_code_check_char(body)
    rows = [
        HEADER,
        [valid.lower(), "小写有限公司", "制造业", "甲区", "", "", ""],
        [body[:16] + "S" + valid[-1], "含S有限公司", "制造业", "甲区", "", "", ""],
    ]
    report = enterprises_import(make_xlsx(rows))
    reasons = {e.row: e.reason for e in report.errors}
    assert "大写" in reasons[2]
    assert "“S”" in reasons[3]


def test_a_code_stored_as_a_number_by_excel_is_explained(city):
    rows = [HEADER, [913501024782410227, "数字格式有限公司", "制造业", "甲区", "", "", ""]]
    report = enterprises_import(make_xlsx(rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "统一社会信用代码")]
    assert "文本" in report.errors[0].reason


def test_a_missing_required_column_is_named(city):
    rows = [["统一社会信用代码", "企业名称", "所在县区/园区"], [code(1), "缺列有限公司", "甲区"]]
    report = enterprises_import(make_xlsx(rows))
    assert report.fatal is not None
    assert "“行业”" in report.fatal
    assert not report.imported and Enterprise.objects.filter(credit_code=code(1)).count() == 0


def test_headers_may_carry_the_templates_required_mark(city):
    rows = [
        ["统一社会信用代码*", "企业名称*", "行业*", " 所在县区/园区* "],
        [code(1), "带星号有限公司", "制造业", "甲区"],
    ]
    report = enterprises_import(make_xlsx(rows))
    assert report.ok and report.created == 1


def test_a_file_that_is_not_xlsx_is_refused_plainly(city):
    from io import BytesIO

    report = enterprises_import(BytesIO(b"name,code\n"))
    assert report.fatal and ".xlsx" in report.fatal


def test_an_existing_contact_is_updated_not_duplicated(city):
    e = EnterpriseFactory(credit_code=code(8), location=city.unit_a)
    Contact.objects.create(enterprise=e, name="王海涛", phone="13800000000", is_primary=True)
    rows = [HEADER, [code(8), e.name, "制造业", "甲区", "", "王海涛", "13911112222"]]
    assert enterprises_import(make_xlsx(rows)).imported
    assert list(e.contacts.values_list("name", "phone")) == [("王海涛", "13911112222")]


def test_the_command_exits_non_zero_and_prints_the_report_when_nothing_was_imported(sheet, tmp_path, capsys):
    path = tmp_path / "ent.xlsx"
    path.write_bytes(make_xlsx(sheet).getvalue())
    with pytest.raises(CommandError):
        call_command("import_enterprises", str(path))
    out = capsys.readouterr().out
    assert "行\t列\t原因" in out and "3\t统一社会信用代码" in out
    assert Enterprise.objects.filter(credit_code=code(1)).count() == 0


def test_the_command_imports_good_rows_when_asked(sheet, tmp_path, capsys):
    path = tmp_path / "ent.xlsx"
    path.write_bytes(make_xlsx(sheet).getvalue())
    call_command("import_enterprises", str(path), "--good-rows-only")
    assert Enterprise.objects.filter(credit_code__in=[code(1), code(5)]).count() == 2
    assert "跳过" in capsys.readouterr().out


# ------------------------------------------------------------------ units

UNIT_HEADER = ["单位编码", "单位名称", "单位类型", "上级单位编码", "简称"]


def test_units_import_builds_a_subtree_from_parents_written_first(city):
    rows = [
        UNIT_HEADER,
        ["C", "丙区人民政府", "县市区", "ROOT", "丙区"],
        ["C-QYFW", "丙区企业服务中心", "科室", "C", ""],
    ]
    report = units_import(make_xlsx(rows))
    assert report.ok and report.created == 2
    child = Unit.objects.get(code="C-QYFW")
    assert child.parent.code == "C" and child.path.startswith(city.root.path)


def test_units_import_reports_bad_rows_and_imports_nothing(city):
    rows = [
        UNIT_HEADER,
        ["C", "丙区人民政府", "县市区", "ROOT", ""],  # 2 good
        ["D-X", "丁区某科", "科室", "D", ""],  # 3 parent unknown (D comes later)
        ["D", "丁区人民政府", "区县", "ROOT", ""],  # 4 bad kind
        ["C", "重复的丙区", "县市区", "ROOT", ""],  # 5 duplicate code
    ]
    report = units_import(make_xlsx(rows))
    assert not report.imported and not Unit.objects.filter(code="C").exists()
    assert {(e.row, e.column) for e in report.errors} == {
        (3, "上级单位编码"),
        (4, "单位类型"),
        (5, "单位编码"),
    }
    good = units_import(make_xlsx(rows), good_rows_only=True)
    assert good.imported and good.created == 1
    assert set(Unit.objects.filter(code__in=["C", "D", "D-X"]).values_list("code", flat=True)) == {"C"}


def test_units_import_refuses_a_move_under_the_units_own_subtree(city):
    rows = [UNIT_HEADER, ["A", "甲区人民政府", "县市区", "A-ST", ""]]
    report = units_import(make_xlsx(rows))
    assert [(e.row, e.column) for e in report.errors] == [(2, "上级单位编码")]
    city.unit_a.refresh_from_db()
    assert city.unit_a.parent == city.root
