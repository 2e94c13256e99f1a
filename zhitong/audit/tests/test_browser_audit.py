import pytest

from conftest import settle
from zhitong.audit.services import audit_record
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import PASSWORD, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_supervisor_filters_the_log_by_person_and_reads_it_on_a_phone(page, login, screenshot):
    office = UnitFactory(name="市政府督查室")
    supervisor = UserFactory(username="dcs_wd", full_name="赵督查", role=Role.SUPERVISOR, unit=office)
    clerk = UserFactory(username="gxj_wang", full_name="王承办", unit=UnitFactory(name="市工业和信息化局"))
    unit = UnitFactory(name="企业服务科", duties="")
    for actor, duties in ((clerk, "负责企业服务。" * 12), (supervisor, "督查")):
        audit_record(
            action="unit.update", obj=unit, actor=actor, before={"duties": ""}, after={"duties": duties}
        )
    login(page, "dcs_wd", PASSWORD)
    page.click("nav >> text=审计日志")
    page.fill("input[name=person]", "王承办")
    page.click("form button[type=submit] >> text=筛选")
    settle(page)
    rows = page.locator('[data-testid="audit-table"] tbody tr')
    assert rows.count() == 1
    text = rows.inner_text()
    assert "王承办" in text and "市工业和信息化局" in text and "修改单位" in text and "企业服务科" in text
    assert "gxj_wang" not in text and "duties" not in text
    rows.locator("details.zt-more summary").click()  # the long text, read whole
    assert ("负责企业服务。" * 12) in rows.inner_text()
    screenshot(page, "audit_list_1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "audit_list_390")
