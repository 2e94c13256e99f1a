import pytest

from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_handler_signs_in_and_lands_on_the_home_page(page, login, screenshot):
    UserFactory(username="wang", full_name="王承办", role=Role.HANDLER)
    login(page, "wang", PASSWORD)
    assert page.url.endswith("/")
    assert "承办人工作台" in page.content()
    screenshot(page, "smoke_handler_home")
