"""Reads for the home pages that the portal fills itself (enterprise, supervisor,
overseer, admin). The lists behind the numbers live in the owning apps' pages, and each
number is counted by that list's own query (appeals' WorkbenchLists, the audit list's
filter, the admin changelist's lookup): a figure and its list cannot drift apart."""

from datetime import date

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhitong.appeals import counters
from zhitong.appeals import enterprise_selectors as ent
from zhitong.appeals.choices import Light
from zhitong.appeals.deadlines import light_meanings, light_q
from zhitong.appeals.models import Appeal
from zhitong.appeals.selectors import appeal_scope_q
from zhitong.appeals.views.workbench import WorkbenchLists
from zhitong.common.panels import HomeCount
from zhitong.enterprises.models import Enterprise
from zhitong.organizations.capabilities import can_read_audit
from zhitong.organizations.models import Unit, User
from zhitong.organizations.selectors import county_supervision_root


def url_or_none(name: str, *args) -> str | None:
    """A link to a page that another app may not have built yet: absent until it exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# The lights are the appeals app's rule (appeals.deadlines.light_q / light_of), used as is so
# these numbers equal the workbench's: only clocks a unit or the hub answers for — a
# verified appeal waiting for the enterprise's rating makes no unit late. Every figure is
# the row count of the workbench list it links to (WorkbenchLists): the page's own query.


def red_q(today: date) -> Q:
    """Overdue (red light)."""
    return light_q(Light.RED, today)


def yellow_q(today: date) -> Q:
    """Due soon (yellow light; appeals.deadlines: the light rule)."""
    return light_q(Light.YELLOW, today)


def appeals_in_scope(user) -> QuerySet[Appeal]:
    """The appeals the user may see (appeals.selectors.appeal_scope_q): the whole city for
    supervisors and the overseer, its own appeals for an enterprise."""
    q = appeal_scope_q(user)
    return Appeal.objects.all() if q is None else Appeal.objects.filter(q)


def _figure(lists: WorkbenchLists, key: str, label: str, params: dict, *, tone: str = "", light: str = ""):
    hint = light_meanings().get(light, "") if light else ""
    return HomeCount(
        str(label), lists.count(params), lists.url(params), tone=tone, key=key, light=light, hint=hint
    )


def _by_unit(lists: WorkbenchLists, params: dict, today: date, *, unit_field: str, limit: int) -> list[dict]:
    """Open / yellow / red counts per unit of the workbench list at `params`, the most
    overdue first, in one GROUP BY; each cell links to the list it counts (the same list
    narrowed to the unit, then to the light)."""

    def count() -> list[dict]:
        return list(
            lists.queryset(params)
            .prefetch_related(None)
            .filter(**{f"{unit_field}__isnull": False})
            .order_by()
            .values(unit_field)
            .annotate(
                open=Count("id"),
                yellow=Count("id", filter=yellow_q(today)),
                red=Count("id", filter=red_q(today)),
            )
            .filter(Q(red__gt=0) | Q(yellow__gt=0))
            .order_by("-red", "-yellow", "-open", unit_field)[:limit]
        )

    # Cached under the appeal counts' freshness rule (appeals/counters.py), as the figures are.
    rows = counters.cached_count(lists.user, f"by_unit:{unit_field}:{limit}", params, count, today=today)
    names = dict(Unit.objects.filter(pk__in=[r[unit_field] for r in rows]).values_list("pk", "name"))
    out = []
    for r in rows:
        unit_params = {**params, unit_field: r[unit_field]}
        out.append(
            {
                "unit_id": r[unit_field],
                "unit": names.get(r[unit_field], ""),
                **r,
                "open_url": lists.url(unit_params),
                "yellow_url": lists.url({**unit_params, "light": Light.YELLOW}),
                "red_url": lists.url({**unit_params, "light": Light.RED}),
            }
        )
    return out


def _oldest_overdue(qs, today: date, *, limit: int) -> list[Appeal]:
    appeals = list(
        qs.filter(red_q(today))
        .select_related("lead_unit", "received_unit", "enterprise")
        .order_by("clock_due", "id")[:limit]
    )
    from zhitong.workdays.services import workdays_between

    for appeal in appeals:
        # Deadlines are in working days, so lateness is too (seeds/003 六).
        appeal.overdue_days = workdays_between(appeal.clock_due, today)
        appeal.url = url_or_none("appeals:detail", appeal.pk)
    return appeals


def enterprise_home(*, user, today: date) -> dict:
    """The enterprise's own appeals only (SPEC: enterprises see only their own), counted and
    worded as its list (我的诉求) counts and words them: appeals.enterprise_selectors."""
    enterprise = user.enterprise
    if enterprise is None:
        return {"enterprise": None}
    by_stage = ent.enterprise_appeal_counts(user=user)
    counts = {
        "total": by_stage["all"],
        "open": by_stage[ent.OPEN],
        "to_rate": by_stage[ent.Stage.ANSWERED],
        "closed": by_stage[ent.Stage.CLOSED],
    }
    # Open appeals first: those are what the enterprise is waiting on.
    recent = list(ent.enterprise_appeals(user=user)[:10])
    workbench_url = url_or_none("appeals:workbench")
    # Each number links to the list it counts (the same selector: enterprise_selectors).
    figures = (
        ("total", _("我的诉求"), "", ""),
        ("open", _("在办"), ent.OPEN, ""),
        ("to_rate", _("待我评价"), ent.Stage.ANSWERED, "yellow"),
        ("closed", _("已办结"), ent.Stage.CLOSED, "green"),
    )
    figure_counts = tuple(
        HomeCount(
            str(label),
            counts[key],
            (f"{workbench_url}?stage={stage}" if stage else workbench_url) if workbench_url else "",
            tone=tone,
            key=key,
        )
        for key, label, stage, tone in figures
    )
    butler = enterprise.butler
    team = list(enterprise.team.select_related("unit")[:10])
    return {
        "enterprise": enterprise,
        "counts": figure_counts,
        "has_appeals": bool(counts["total"]),
        "recent_appeals": recent,
        "recent_rows": ent.enterprise_rows(recent),
        # The butler usually also sits in the "1+1+N" team; list them once.
        "butler": butler if butler is not None and not any(m.user_id == butler.pk for m in team) else None,
        "team": team,
        "submit_url": url_or_none("eportal:submit"),
        "workbench_url": workbench_url,
    }


def supervisor_home(*, user, today: date) -> dict:
    """督查室: the city's office sees the whole city; a county's office its county
    (organizations.selectors.county_supervision_root, seeds/000 三). The lists are scoped by
    the selectors either way; only the first figure's wording differs."""
    lists = WorkbenchLists(user, today=today)
    open_label = _("本县(市)区在办诉求") if county_supervision_root(user) is not None else _("全市在办诉求")
    return {
        "counts": (
            _figure(lists, "open", open_label, {}),
            _figure(lists, "red", _("超期未办结"), {"light": Light.RED}, tone="red", light=Light.RED),
            _figure(lists, "yellow", _("临期"), {"light": Light.YELLOW}, tone="yellow", light=Light.YELLOW),
            _figure(lists, "escalation", _("提请协调待审核"), {"pending": "escalation"}),
        ),
        "light_meanings": light_meanings(),
        "by_unit": _by_unit(lists, {}, today, unit_field="lead_unit", limit=15),
        "oldest_overdue": _oldest_overdue(appeals_in_scope(user), today, limit=10),
        "links": _links(
            (_("诉求工作台"), "appeals:workbench"),
            (_("督办事项"), "supervision:list"),
            (_("月度台账"), "reports:ledger"),
            (_("成绩单"), "assessment:scorecards"),
            (_("企业库"), "enterprises:list"),
        ),
    }


def overseer_home(*, user, today: date) -> dict:
    """人大 oversight (seeds/000 四): "问题不上报" — appeals nobody has taken up past their
    deadline, counted against the unit that received them — and "上报后解决不及时" —
    appeals past their deadline at the lead unit (appeals.selectors.STAGES). Read-only:
    numbers and links only."""
    lists = WorkbenchLists(user, today=today)
    intake, handling = {"stage": "intake"}, {"stage": "handling"}
    return {
        "counts": (
            _figure(lists, "open", _("全市在办诉求"), {}),
            _figure(lists, "unreported", _("超期未分办、未签收"), {**intake, "light": Light.RED}, tone="red"),
            _figure(lists, "late", _("上报后解决不及时"), {**handling, "light": Light.RED}, tone="red"),
            _figure(lists, "escalation", _("提请协调待审核"), {"pending": "escalation"}),
        ),
        "unreported_by_unit": _by_unit(lists, intake, today, unit_field="received_unit", limit=10),
        "late_by_unit": _by_unit(lists, handling, today, unit_field="lead_unit", limit=10),
        "links": _links(
            (_("诉求工作台"), "appeals:workbench"),
            (_("月度台账"), "reports:ledger"),
            (_("成绩单"), "assessment:scorecards"),
        ),
    }


def admin_home(*, user, today: date) -> dict:
    from zhitong.workdays.services import missing_years

    users = User.objects.aggregate(total=Count("id", filter=Q(is_active=True)))
    # The current year and the next (into which December deadlines run); a missing one is
    # also announced by the workdays app's own home widget.
    missing = set(missing_years(today))
    context = {
        "master_data": [
            _master(_("单位"), Unit.objects.count(), "admin:organizations_unit_changelist"),
            _master(_("用户"), users["total"], "admin:organizations_user_changelist", "is_active__exact=1"),
            _master(_("企业"), Enterprise.objects.count(), "admin:enterprises_enterprise_changelist"),
            _master(_("诉求类别"), _category_count(), "admin:appeals_category_changelist"),
            _master(_("服务窗口"), _window_count(), "admin:organizations_servicewindow_changelist"),
        ],
        "calendar_years": [{"year": y, "known": y not in missing} for y in (today.year, today.year + 1)],
        "calendar_url": url_or_none("workdays:calendar")
        or url_or_none("admin:workdays_calendaryear_changelist"),
    }
    # 三员分立: the log and its chain are the audit administrator's (audit_admin_home); the
    # system administrator's home shows them only if a deployment lets him read them.
    if can_read_audit(user):
        context.update(audit_admin_home(user=user, today=today))
    return context


def audit_admin_home(*, user, today: date) -> dict:
    """The audit administrator's home (安全审计员): the log's size, its chain verified, and
    the sign-in refusals of the last day (GB/T 22239-2019 8.1.4.3)."""
    from zhitong.audit.models import AuditEvent
    from zhitong.audit.selectors import SIGNIN_REFUSALS, signin_refusals_q

    now = timezone.now()
    # Sign-in refusals in the last day (organizations/signin_throttle.py): nobody is locked
    # out for good, but the auditor sees when someone is guessing.
    audit = AuditEvent.objects.aggregate(
        count=Count("id"),
        last_at=Max("at"),
        # The audit list's own filter (audit.selectors), so the figure is its list's length.
        signin_refusals=Count("id", filter=signin_refusals_q(now)),
    )
    audit_url = url_or_none("audit:list")
    return {
        "signin_refusals": audit.pop("signin_refusals"),
        "signin_refusals_url": f"{audit_url}?kind={SIGNIN_REFUSALS}" if audit_url else None,
        "audit": {**audit, "verify": audit_verify_status(now=now)},
        "audit_url": audit_url,
    }


def security_admin_home(*, user, today: date) -> dict:
    """The security administrator's home (安全管理员): the accounts whose roles and second
    factors he keeps, linked to the user list where he acts."""
    url = url_or_none("admin:organizations_user_changelist")
    return {
        "security_users": User.objects.filter(is_active=True).count(),
        "security_users_url": f"{url}?is_active__exact=1" if url else None,
    }


def _category_count() -> int:
    from zhitong.appeals.models import Category

    return Category.objects.count()


def _window_count() -> int:
    from zhitong.organizations.models import ServiceWindow

    return ServiceWindow.objects.count()


def _master(label: str, count: int, url_name: str, query: str = "") -> dict:
    """A master-data figure and the admin list it counts (`query`: that list's filter)."""
    url = url_or_none(url_name)
    return {"label": label, "count": count, "url": f"{url}?{query}" if url and query else url}


AUDIT_VERIFY_CACHE_KEY = "portal:audit_verify"
AUDIT_VERIFY_CACHE_SECONDS = 600
# Beyond this many events the walk is left to `zhitong audit verify` (cron), not a page view.
AUDIT_VERIFY_INLINE_MAX_EVENTS = 50_000


def audit_verify_status(*, now) -> dict | None:
    """The audit chain check for the admin's home page: run at most every ten minutes per
    process (the walk reads every event), and not at all once the log is large."""
    from zhitong.audit.models import AuditChainHead
    from zhitong.audit.services import audit_verify

    status = cache.get(AUDIT_VERIFY_CACHE_KEY)
    if status is not None:
        return status
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.last_event_id > AUDIT_VERIFY_INLINE_MAX_EVENTS:
        return None
    result = audit_verify()
    status = {
        "ok": result.ok,
        "count": result.count,
        "event_id": result.event_id,
        "problem": result.problem,
        # Recorded but not yet chained by the sealer (docs/audit-chain.md).
        "unsealed": result.unsealed,
        "at": now,
    }
    cache.set(AUDIT_VERIFY_CACHE_KEY, status, AUDIT_VERIFY_CACHE_SECONDS)
    return status


def _links(*pairs: tuple[str, str]) -> list[dict]:
    links = []
    for label, name in pairs:
        url = url_or_none(name)
        if url is not None:
            links.append({"label": label, "url": url})
    return links
