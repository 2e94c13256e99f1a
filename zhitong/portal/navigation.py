"""Navigation per role. Each app adds its entries here; a view still checks permission
itself — hiding a link is never the access control."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhitong.coordination import permissions as coordination
from zhitong.organizations import capabilities as can
from zhitong.projects.dispatch.digest import is_digest_leader


@dataclass
class NavItem:
    label: str
    url: str
    active: bool = False


def _sees_meetings(user) -> bool:
    return can.sees_whole_city(user) or can.is_city_leader(user) or can.is_unit_head(user)


def _sees_events_and_tasks(user) -> bool:
    return can.sees_whole_city(user) or can.is_city_leader(user) or can.handles_unit_matters(user)


def _sees_enterprise_library(user) -> bool:
    # Not the overseer: the People's Congress reads appeals' figures, not the enterprise library.
    return (
        can.is_unit_staff(user)
        or can.is_hub(user)
        or can.is_city_leader(user)
        or can.is_supervisor(user)
        or can.is_admin(user)
    )


# (label, url name, who sees it: a predicate of organizations.capabilities or of the owning
# app's permissions). Wrap the label in _() so it is translated (zhitong/locale); a plain
# string also works and is looked up at render time.
ENTRIES: list[tuple[str, str, Callable[[object], bool]]] = [
    (_("首页"), "home", can.is_signed_in),
    (_("诉求工作台"), "appeals:workbench", can.is_government_user),
    (_("我的诉求"), "appeals:workbench", can.is_enterprise_user),
    (_("登记诉求"), "appeals:intake", can.can_register_appeals),
    (_("分办队列"), "appeals:triage", can.is_hub),
    (_("提请协调批次"), "coordination:batches", coordination.can_review_batch),
    (_("报我协调"), "coordination:my_batch", coordination.can_read_leader_batch),
    (_("协调会"), "coordination:meetings", _sees_meetings),
    (_("面对面活动"), "coordination:events", _sees_events_and_tasks),
    (_("交办任务"), "coordination:tasks", _sees_events_and_tasks),
    (_("项目调度"), "projects:dispatch:sessions", _sees_events_and_tasks),
    (_("领导月报"), "projects:dispatch:digest", is_digest_leader),
    (_("企业服务窗口"), "organizations:directory", can.is_signed_in),
    (_("惠企政策"), "public:my_policies", can.is_enterprise_user),
    (_("服务承诺维护"), "public:manage", can.keeps_service_commitments),
    (_("惠企政策维护"), "public:policy_manage", can.keeps_policy_library),
    (_("政府承诺"), "public:promises", can.sees_government_promises),
    (_("企业库"), "enterprises:list", _sees_enterprise_library),
    # seeds/003 八: the project library is shared across units; each sees its own scope.
    (_("重大项目"), "projects:list", can.sees_project_library),
    (_("项目管家配备"), "projects:butlers", can.reads_butler_coverage),
    (_("工作日历"), "workdays:calendar", can.can_view_calendar),
    (_("审计日志"), "audit:list", can.can_read_audit),
    (_("系统管理"), "admin:index", can.is_admin),
]


def navigation_for(user, path: str) -> list[NavItem]:
    """The entries the user may open (a superuser has the admin's capabilities on top of its
    role's, capabilities module). One URL appears once. Only the most specific entry is
    current: on /appeals/intake/ that is 登记诉求, not 诉求工作台."""
    items: list[NavItem] = []
    seen: set[str] = set()
    for label, name, allowed in ENTRIES:
        if not allowed(user):
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
