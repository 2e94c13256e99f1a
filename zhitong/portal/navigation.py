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
from zhitong.reports import annex1 as reports_annex1
from zhitong.reports import dashboard as reports_dashboard
from zhitong.reports import mailbox as reports_mailbox


@dataclass
class NavItem:
    label: str
    url: str
    active: bool = False


def _sees_meetings(user) -> bool:
    return can.sees_whole_city(user) or can.is_city_leader(user) or can.is_unit_head(user)


def _sees_events_and_tasks(user) -> bool:
    return can.sees_whole_city(user) or can.is_city_leader(user) or can.handles_unit_matters(user)


def _sees_supervision(user) -> bool:
    # The office's and the People's Congress's own entry; the hub and the admin, who may read
    # the lists too (capabilities.reads_supervision), reach them from the home page's links.
    return can.is_supervisor(user) or can.is_overseer(user)


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
    (_("我的诉求"), "appeals:workbench", can.submits_own_appeals),
    (_("提交诉求"), "eportal:submit", can.submits_own_appeals),
    # issue 12: a contact waiting for its approval sees where it stands, nothing more.
    (_("账号状态"), "eportal:status", can.is_enterprise_user),
    (_("登记诉求"), "appeals:intake", can.can_register_appeals),
    (_("分办队列"), "appeals:triage", can.is_hub),
    (_("撤单回访"), "eportal:hub_withdrawals", can.is_hub),
    (_("企业联系人确认"), "eportal:hub_contacts", can.is_hub),
    (_("提请协调批次"), "coordination:batches", coordination.can_review_batch),
    (_("报我协调"), "coordination:my_batch", coordination.can_read_leader_batch),
    (_("协调会"), "coordination:meetings", _sees_meetings),
    (_("面对面活动"), "coordination:events", _sees_events_and_tasks),
    (_("交办任务"), "coordination:tasks", _sees_events_and_tasks),
    (_("项目调度"), "projects:dispatch:sessions", _sees_events_and_tasks),
    (_("领导月报"), "projects:dispatch:digest", is_digest_leader),
    # seeds/000 五: the monthly scorecards (assessment app).
    (_("成绩单"), "assessment:scorecards", can.reads_scorecards),
    (_("问题台账"), "reports:annex1", reports_annex1.reads_ledgers),
    (_("数据看板"), "reports:dashboard", reports_dashboard.reads_dashboard),
    (_("市长信箱汇总"), "reports:mailbox", reports_mailbox.reads_mailbox_summary),
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
    # seeds/000 三、四: the supervision office's lists, orders and findings; the People's
    # Congress's view with Annex 3 and the counting facts (read-only); a unit's orders.
    (_("督查督办"), "supervision:list", _sees_supervision),
    (_("人大监督"), "supervision:congress", can.is_overseer),
    (_("附件3落实情况"), "coordination:annex3", can.is_overseer),
    (_("计数事实"), "coordination:facts", can.is_overseer),
    (_("督促整改"), "supervision:orders", can.is_unit_staff),
    (_("审计日志"), "audit:list", can.can_read_audit),
    # Issue 13: API clients' webhook subscriptions (the hub's and the administrator's systems).
    (_("事件推送"), "webhooks:list", lambda u: can.is_hub(u) or can.manages_all_webhooks(u)),
    (_("接口令牌"), "tokens:list", can.can_manage_api_tokens),
    (_("系统管理"), "admin:index", can.opens_admin_site),
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
