"""Reads for the home pages that the portal fills itself (enterprise, supervisor,
overseer, admin). Each is a handful of aggregate queries; the lists behind the numbers
live in the owning apps' pages."""

from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhitong.appeals import enterprise_selectors as ent
from zhitong.appeals.choices import OPEN_STATUSES, EscalationStatus, Light, Status
from zhitong.appeals.deadlines import light_q
from zhitong.appeals.models import Appeal
from zhitong.appeals.selectors import appeal_scope_q
from zhitong.coordination.models import EscalationRequest
from zhitong.enterprises.models import Enterprise
from zhitong.organizations.models import Unit, User

# "问题不上报" (seeds/000 四): an appeal still waiting to be routed or signed for — no lead
# unit has taken it up yet.
INTAKE_STATUSES = (Status.MATERIALS_PENDING, Status.SUBMITTED, Status.ASSIGNED, Status.TRANSFER_REQUESTED)
# "上报后解决不及时" (seeds/000 四): taken up by a lead unit, past its deadline.
HANDLING_STATUSES = (Status.IN_PROGRESS, Status.ESCALATED, Status.RESOLVED)

PENDING_ESCALATION_STATUSES = (EscalationStatus.SUBMITTED, EscalationStatus.ACCEPTED)


def url_or_none(name: str, *args) -> str | None:
    """A link to a page that another app may not have built yet: absent until it exists."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# The lights are the appeals app's rule (appeals.deadlines.light_q / light_of), used as is so
# these numbers equal the workbench's: only clocks a unit or the hub answers for — a
# verified appeal waiting for the enterprise's rating makes no unit late.


def red_q(today: date) -> Q:
    """Overdue (red light)."""
    return light_q(Light.RED, today)


def yellow_q(today: date) -> Q:
    """Due soon (yellow light): ≤ 2 working days left."""
    return light_q(Light.YELLOW, today)


def appeals_in_scope(user) -> QuerySet[Appeal]:
    """The appeals the user may see (appeals.selectors.appeal_scope_q): the whole city for
    supervisors and the overseer, its own appeals for an enterprise."""
    q = appeal_scope_q(user)
    return Appeal.objects.all() if q is None else Appeal.objects.filter(q)


def _light_counts(qs, today: date) -> dict:
    return qs.aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        yellow=Count("id", filter=yellow_q(today)),
        red=Count("id", filter=red_q(today)),
    )


def _by_unit(qs, today: date, *, unit_field: str, limit: int) -> list[dict]:
    """Open / yellow / red counts per unit, the most overdue first; one GROUP BY."""
    rows = (
        qs.filter(status__in=OPEN_STATUSES, **{f"{unit_field}__isnull": False})
        .values(unit_field)
        .annotate(
            open=Count("id"),
            yellow=Count("id", filter=yellow_q(today)),
            red=Count("id", filter=red_q(today)),
        )
        .filter(Q(red__gt=0) | Q(yellow__gt=0))
        .order_by("-red", "-yellow", "-open")[:limit]
    )
    rows = list(rows)
    names = dict(Unit.objects.filter(pk__in=[r[unit_field] for r in rows]).values_list("pk", "name"))
    return [{"unit_id": r[unit_field], "unit": names.get(r[unit_field], ""), **r} for r in rows]


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
    # Each number links to the list it counts (the same selector).
    stages = {"total": "", "open": ent.OPEN, "to_rate": ent.Stage.ANSWERED, "closed": ent.Stage.CLOSED}
    count_urls = {
        key: f"{workbench_url}?stage={stage}" if stage else workbench_url for key, stage in stages.items()
    }
    butler = enterprise.butler
    team = list(enterprise.team.select_related("unit")[:10])
    return {
        "enterprise": enterprise,
        "counts": counts,
        "recent_appeals": recent,
        "recent_rows": ent.enterprise_rows(recent),
        "count_urls": count_urls,
        # The butler usually also sits in the "1+1+N" team; list them once.
        "butler": butler if butler is not None and not any(m.user_id == butler.pk for m in team) else None,
        "team": team,
        "submit_url": url_or_none("portal:appeal_submit"),
        "workbench_url": workbench_url,
    }


def supervisor_home(*, user, today: date) -> dict:
    """督查室 sees the whole city (organizations.capabilities.sees_whole_city)."""
    appeals = appeals_in_scope(user)
    totals = _light_counts(appeals, today)
    totals["escalations_pending"] = EscalationRequest.objects.filter(
        status__in=PENDING_ESCALATION_STATUSES
    ).count()
    return {
        "totals": totals,
        "by_unit": _by_unit(appeals, today, unit_field="lead_unit", limit=15),
        "workbench_url": url_or_none("appeals:workbench"),
        "oldest_overdue": _oldest_overdue(appeals, today, limit=10),
        "links": _links(
            (_("诉求工作台"), "appeals:workbench"),
            (_("督办事项"), "supervision:list"),
            (_("月度台账"), "reports:ledger"),
            (_("企业库"), "enterprises:list"),
        ),
    }


def overseer_home(*, user, today: date) -> dict:
    """人大 oversight (seeds/000 四): "问题不上报" — appeals nobody has taken up past their
    deadline, counted against the unit that received them — and "上报后解决不及时" —
    appeals past their deadline at the lead unit. Read-only: numbers and links only."""
    appeals = appeals_in_scope(user)
    intake = appeals.filter(status__in=INTAKE_STATUSES)
    handling = appeals.filter(status__in=HANDLING_STATUSES)
    return {
        "totals": {
            "open": appeals.filter(status__in=OPEN_STATUSES).count(),
            "unreported": intake.filter(red_q(today)).count(),
            "late": handling.filter(red_q(today)).count(),
            "escalations_pending": EscalationRequest.objects.filter(
                status__in=PENDING_ESCALATION_STATUSES
            ).count(),
        },
        "unreported_by_unit": _by_unit(intake, today, unit_field="received_unit", limit=10),
        "late_by_unit": _by_unit(handling, today, unit_field="lead_unit", limit=10),
        "workbench_url": url_or_none("appeals:workbench"),
        "links": _links(
            (_("诉求工作台"), "appeals:workbench"),
            (_("月度台账"), "reports:ledger"),
            (_("成绩单"), "assessment:scorecards"),
        ),
    }


SIGNIN_REFUSAL_ACTIONS = ("auth.login_throttled", "auth.signin_flood", "auth.account_under_attack")


def admin_home(*, user, today: date) -> dict:
    from zhitong.audit.models import AuditEvent
    from zhitong.workdays.services import missing_years

    now = timezone.now()
    users = User.objects.aggregate(total=Count("id", filter=Q(is_active=True)))
    # The current year and the next (into which December deadlines run); a missing one is
    # also announced by the workdays app's own home widget.
    missing = set(missing_years(today))
    # Sign-in refusals in the last day (organizations/signin_throttle.py): nobody is locked
    # out for good, but the administrator sees when someone is guessing.
    audit = AuditEvent.objects.aggregate(
        count=Count("id"),
        last_at=Max("at"),
        signin_refusals=Count(
            "id",
            filter=Q(at__gte=now - timedelta(days=1), action__in=SIGNIN_REFUSAL_ACTIONS),
        ),
    )
    return {
        "master_data": [
            _master(_("单位"), Unit.objects.count(), "admin:organizations_unit_changelist"),
            _master(_("用户"), users["total"], "admin:organizations_user_changelist"),
            _master(_("企业"), Enterprise.objects.count(), "admin:enterprises_enterprise_changelist"),
            _master(_("诉求类别"), _category_count(), "admin:appeals_category_changelist"),
            _master(_("服务窗口"), _window_count(), "admin:organizations_servicewindow_changelist"),
        ],
        "signin_refusals": audit.pop("signin_refusals"),
        "calendar_years": [{"year": y, "known": y not in missing} for y in (today.year, today.year + 1)],
        "calendar_url": url_or_none("workdays:calendar")
        or url_or_none("admin:workdays_calendaryear_changelist"),
        "audit": {**audit, "verify": audit_verify_status(now=now)},
        "audit_url": url_or_none("audit:list") or url_or_none("admin:audit_auditevent_changelist"),
    }


def _category_count() -> int:
    from zhitong.appeals.models import Category

    return Category.objects.count()


def _window_count() -> int:
    from zhitong.organizations.models import ServiceWindow

    return ServiceWindow.objects.count()


def _master(label: str, count: int, url_name: str) -> dict:
    return {"label": label, "count": count, "url": url_or_none(url_name)}


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
