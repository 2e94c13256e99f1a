import pytest

from zhitong.audit.services import audit_record
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_supervisor_filters_the_log_by_object(page, login, screenshot):
    supervisor = UserFactory(username="dcs_wd", full_name="赵督查", role=Role.SUPERVISOR)
    for i in range(3):
        audit_record(
            action="test.edit", object_type="test.thing", object_id=i, actor=supervisor, after={"n": i}
        )
    login(page, "dcs_wd", PASSWORD)
    page.click("nav >> text=审计日志")
    page.fill("input[name=object_type]", "test.thing")
    page.fill("input[name=object_id]", "1")
    page.click("form button[type=submit] >> text=筛选")
    page.wait_for_load_state("networkidle")
    rows = page.locator('[data-testid="audit-table"] tbody tr')
    # The filtered event, plus nothing else of that object type.
    assert rows.count() == 1 and "test.thing:1" in rows.inner_text()
    screenshot(page, "audit_list_supervisor")
