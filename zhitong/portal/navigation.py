"""Navigation per role. Each app adds its entries here; a view still checks permission
itself — hiding a link is never the access control."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhitong.organizations.choices import Role


@dataclass
class NavItem:
    label: str
    url: str
    active: bool = False


# (label, url name, roles that see it). Wrap the label in _() so it is translated
# (zhitong/locale); a plain string also works and is looked up at render time.
ENTRIES: list[tuple[str, str, set[str]]] = [
    (_("首页"), "home", set(Role.values)),
    (
        _("诉求工作台"),
        "appeals:workbench",
        {
            Role.CLERK,
            Role.HANDLER,
            Role.UNIT_HEAD,
            Role.HUB,
            Role.LEADER,
            Role.SUPERVISOR,
            Role.OVERSEER,
            Role.ADMIN,
        },
    ),
    (_("我的诉求"), "appeals:workbench", {Role.ENTERPRISE}),
    (_("登记诉求"), "appeals:intake", {Role.CLERK, Role.HANDLER, Role.UNIT_HEAD, Role.HUB, Role.ADMIN}),
    (_("分办队列"), "appeals:triage", {Role.HUB}),
    (_("提请协调批次"), "coordination:batches", {Role.HUB}),
    (_("报我协调"), "coordination:my_batch", {Role.LEADER}),
    (
        _("协调会"),
        "coordination:meetings",
        {Role.HUB, Role.LEADER, Role.SUPERVISOR, Role.OVERSEER, Role.ADMIN, Role.UNIT_HEAD},
    ),
    (
        _("面对面活动"),
        "coordination:events",
        {Role.HUB, Role.LEADER, Role.SUPERVISOR, Role.OVERSEER, Role.ADMIN, Role.HANDLER, Role.UNIT_HEAD},
    ),
    (
        _("交办任务"),
        "coordination:tasks",
        {Role.HANDLER, Role.UNIT_HEAD, Role.HUB, Role.SUPERVISOR, Role.LEADER, Role.OVERSEER, Role.ADMIN},
    ),
    (_("企业服务窗口"), "organizations:directory", set(Role.values)),
    (
        _("企业库"),
        "enterprises:list",
        {Role.CLERK, Role.HANDLER, Role.UNIT_HEAD, Role.HUB, Role.LEADER, Role.SUPERVISOR, Role.ADMIN},
    ),
    (_("工作日历"), "workdays:calendar", {Role.ADMIN, Role.HUB}),
    (_("审计日志"), "audit:list", {Role.ADMIN, Role.SUPERVISOR}),
    (_("系统管理"), "admin:index", {Role.ADMIN}),
]


def navigation_for(user, path: str) -> list[NavItem]:
    """The entries for the user's role (a superuser counts as an admin, not as every role:
    it would otherwise get the enterprise's "我的诉求" too). One URL appears once. Only the
    most specific entry is current: on /appeals/intake/ that is 登记诉求, not 诉求工作台."""
    role = user.role or (Role.ADMIN if user.is_superuser else "")
    items: list[NavItem] = []
    seen: set[str] = set()
    for label, name, roles in ENTRIES:
        if role not in roles and not (user.is_superuser and Role.ADMIN in roles):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        if url in seen:
            continue
        seen.add(url)
        items.append(NavItem(gettext(str(label)), url))
    matches = [i for i in items if (path == i.url if i.url == "/" else path.startswith(i.url))]
    if matches:
        max(matches, key=lambda i: len(i.url)).active = True
    return items
