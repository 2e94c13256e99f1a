import pytest

from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.portal.navigation import navigation_for

pytestmark = pytest.mark.django_db


def labels(items):
    return [i.label for i in items]


def test_a_handler_sees_the_handler_entries_and_not_the_admin_ones():
    items = navigation_for(UserFactory(role=Role.HANDLER), "/")
    assert "首页" in labels(items)
    assert "系统管理" not in labels(items)


def test_a_superuser_admin_gets_the_admin_entries_not_every_roles():
    admin = UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True)
    enterprise = UserFactory(role=Role.ENTERPRISE, unit=None)
    admin_labels = labels(navigation_for(admin, "/"))
    assert "系统管理" in admin_labels
    for label in set(labels(navigation_for(enterprise, "/"))) - {"首页", "企业服务窗口"}:
        assert label not in admin_labels  # enterprise-only entries such as 我的诉求


def test_each_url_appears_once():
    items = navigation_for(UserFactory(role=Role.ADMIN, is_superuser=True), "/")
    urls = [i.url for i in items]
    assert len(urls) == len(set(urls))


def test_only_the_most_specific_entry_is_current(monkeypatch):
    from zhitong.portal import navigation

    monkeypatch.setattr(
        navigation,
        "ENTRIES",
        [
            ("首页", "home", {Role.ADMIN}),
            ("后台", "admin:index", {Role.ADMIN}),  # /admin/
            ("改密码", "admin:password_change", {Role.ADMIN}),  # /admin/password_change/
        ],
    )
    admin = UserFactory(role=Role.ADMIN)

    def current(path):
        return [i.label for i in navigation_for(admin, path) if i.active]

    assert current("/") == ["首页"]
    assert current("/admin/organizations/") == ["后台"]
    assert current("/admin/password_change/") == ["改密码"]
