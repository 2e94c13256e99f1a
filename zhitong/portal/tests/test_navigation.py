import pytest

from zhitong.organizations.capabilities import is_admin
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
            ("首页", "home", is_admin),
            ("后台", "admin:index", is_admin),  # /admin/
            ("改密码", "admin:password_change", is_admin),  # /admin/password_change/
        ],
    )
    admin = UserFactory(role=Role.ADMIN)

    def current(path):
        return [i.label for i in navigation_for(admin, path) if i.active]

    assert current("/") == ["首页"]
    assert current("/admin/organizations/") == ["后台"]
    assert current("/admin/password_change/") == ["改密码"]


# Each role's menu, entry by entry (the table the capabilities replaced). 成绩单: the
# assessment app's scorecards, for their readers and the units' staff (issue 11).
MENUS = {
    # An enterprise account not (yet) attached to its enterprise: where it stands (issue 12).
    Role.ENTERPRISE: ["首页", "账号状态", "企业服务窗口", "惠企政策"],
    Role.CLERK: [
        "首页",
        "诉求工作台",
        "登记诉求",
        "成绩单",
        "企业服务窗口",
        "企业库",
        "重大项目",
        "项目管家配备",
        "督促整改",
    ],
    Role.HANDLER: [
        "首页",
        "诉求工作台",
        "登记诉求",
        "面对面活动",
        "交办任务",
        "项目调度",
        "成绩单",
        "企业服务窗口",
        "企业库",
        "重大项目",
        "项目管家配备",
        "督促整改",
    ],
    Role.UNIT_HEAD: [
        "首页",
        "诉求工作台",
        "登记诉求",
        "协调会",
        "面对面活动",
        "交办任务",
        "项目调度",
        "成绩单",
        "企业服务窗口",
        "企业库",
        "重大项目",
        "项目管家配备",
        "督促整改",
    ],
    Role.HUB: [
        "首页",
        "诉求工作台",
        "登记诉求",
        "分办队列",
        "撤单回访",
        "企业联系人确认",
        "提请协调批次",
        "协调会",
        "面对面活动",
        "交办任务",
        "项目调度",
        "成绩单",
        "问题台账",
        "数据看板",
        "市长信箱汇总",
        "企业服务窗口",
        "服务承诺维护",
        "惠企政策维护",
        "政府承诺",
        "企业库",
        "重大项目",
        "项目管家配备",
        "工作日历",
        "事件推送",
    ],
    Role.LEADER: [
        "首页",
        "诉求工作台",
        "报我协调",
        "协调会",
        "面对面活动",
        "交办任务",
        "项目调度",
        "领导月报",
        "成绩单",
        "问题台账",
        "数据看板",
        "企业服务窗口",
        "企业库",
        "重大项目",
        "项目管家配备",
    ],
    Role.SUPERVISOR: [
        "首页",
        "诉求工作台",
        "协调会",
        "面对面活动",
        "交办任务",
        "项目调度",
        "成绩单",
        "问题台账",
        "数据看板",
        "市长信箱汇总",
        "企业服务窗口",
        "企业库",
        "重大项目",
        "项目管家配备",
        "督查督办",
        "审计日志",
    ],
    Role.OVERSEER: [
        "首页",
        "诉求工作台",
        "协调会",
        "面对面活动",
        "交办任务",
        "项目调度",
        "成绩单",
        "问题台账",
        "数据看板",
        "市长信箱汇总",
        "企业服务窗口",
        "重大项目",
        "督查督办",
        "人大监督",
        "附件3落实情况",
        "计数事实",
    ],
    # 三员分立: the security and audit administrators see their own tools only.
    Role.SECURITY_ADMIN: ["首页", "企业服务窗口", "系统管理"],
    Role.AUDIT_ADMIN: ["首页", "企业服务窗口", "审计日志"],
    Role.ADMIN: [
        "首页",
        "诉求工作台",
        "登记诉求",
        "协调会",
        "面对面活动",
        "交办任务",
        "项目调度",
        "问题台账",
        "数据看板",
        "市长信箱汇总",
        "企业服务窗口",
        "企业库",
        "重大项目",
        "项目管家配备",
        "工作日历",
        "事件推送",
        "接口令牌",
        "系统管理",
    ],
}


@pytest.mark.parametrize("role", Role.values)
def test_each_roles_menu(role):
    from zhitong.organizations.models import User

    assert labels(navigation_for(User(username="x", role=role), "/")) == MENUS[role]


def test_an_attached_enterprise_contact_submits_and_follows_its_appeals():
    from zhitong.organizations.models import User

    user = User(username="x", role=Role.ENTERPRISE, enterprise_id=1)
    assert labels(navigation_for(user, "/")) == [
        "首页",
        "我的诉求",
        "提交诉求",
        "账号状态",
        "企业服务窗口",
        "惠企政策",
        "政府承诺",
    ]


def test_an_inactive_user_gets_no_menu():
    from zhitong.organizations.models import User

    assert navigation_for(User(username="x", role=Role.ADMIN, is_superuser=True, is_active=False), "/") == []


def test_unit_staff_with_a_unit_and_the_principal_leaders_get_the_reports_entries():
    from zhitong.organizations.choices import LeaderLevel
    from zhitong.organizations.models import Unit, User

    unit = Unit(pk=1, code="GXJ", name="市工信局")
    head = labels(navigation_for(User(username="h", role=Role.UNIT_HEAD, unit=unit), "/"))
    handler = labels(navigation_for(User(username="s", role=Role.HANDLER, unit=unit), "/"))
    mayor = labels(navigation_for(User(username="m", role=Role.LEADER, leader_level=LeaderLevel.MAYOR), "/"))
    assert {"问题台账", "数据看板"} <= set(head) and "市长信箱汇总" not in head
    assert "问题台账" in handler and "数据看板" not in handler
    assert {"问题台账", "数据看板", "市长信箱汇总"} <= set(mayor)
