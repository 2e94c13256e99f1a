"""Reads for appeals, scoped in the query (SPEC "Data scope"; STYLE habit 4).

- `appeal_list_for_user` — the workbench/API list: scoped, filtered, annotated with the
  light; select_related/prefetch so a page of any size costs a constant number of queries.
- `appeal_get_for_user` — the one access function: AccessDenied for missing and not yours.
- `triage_queue` — the hub's queue (submitted, transfer requested, problem appeals).
- `appeal_timeline` — transitions (moves, notes, other apps' entries) with their evidence.
- `appeal_possible_duplicates` — open appeals of the same enterprise ranked by text similarity.
- counts for the workbench's tabs: `appeal_light_counts`, `appeal_status_counts` (a home
  page counts a list with the list's own query: views.workbench.WorkbenchLists);
  `appeal_merge_targets`, `appeal_merged_duplicates`, `appeal_latest_objections`.

Every read that returns appeals takes the user and starts from `appeals_for_user` (the
scope in the query): a panel, a choice list or a lookup by code is as much a door as the
list is (issue 8: the intake's duplicate panel showed other units' appeals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext

from zhitong.core.errors import AccessDenied
from zhitong.core.scope import filter_given, require_in_scope, scoped
from zhitong.core.text import text_similarity
from zhitong.organizations.capabilities import can_triage, is_city_leader, is_enterprise_user

from . import deadlines
from .choices import CONCLUDED_STATUSES, OPEN_STATUSES, EscalationStatus, ExemptionStatus, Light, Status
from .machine import MOVES
from .models import Appeal, AppealEvidence, Cooperation, Transition
from .search import appeal_filter_search


def concluded_q(prefix: str = "") -> Q:
    """The appeals that are 办结 (seeds/001 四(八), choices.CONCLUDED_STATUSES): verified or
    closed after the rating; a merged duplicate when the appeal it was merged into is.
    `prefix` reaches the appeal from another model (e.g. "appeal__")."""
    return Q(**{f"{prefix}status__in": CONCLUDED_STATUSES}) | Q(
        **{f"{prefix}status": Status.MERGED, f"{prefix}merged_into__status__in": CONCLUDED_STATUSES}
    )


def appeal_concluded(appeal) -> bool:
    """`concluded_q` for one appeal (select_related("merged_into") to spare a query)."""
    if appeal.status == Status.MERGED and appeal.merged_into_id:
        return appeal.merged_into.status in CONCLUDED_STATUSES
    return appeal.status in CONCLUDED_STATUSES


def rating_appeal(appeal):
    """The appeal the enterprise rates for `appeal` now, or None: itself when verified, the
    appeal it was merged into when that one is; never one closed, open or sent back."""
    if appeal.status == Status.MERGED and appeal.merged_into_id:
        appeal = appeal.merged_into
    return appeal if appeal.status == Status.VERIFIED else None


def _scope_unit_ids(user) -> set[int] | None:
    from zhitong.organizations.selectors import user_scope_unit_ids

    return user_scope_unit_ids(user)


def appeal_scope_q(user) -> Q | None:
    """The filter for what `user` may see; None means everything (hub, supervisor,
    overseer, admin). Unit staff: what their unit (and its sections) leads, cooperates
    on or received; leaders: the same over their portfolio, plus escalations addressed
    to them; enterprise users: their own enterprise's appeals."""
    from zhitong.organizations.selectors import outsider_scope_q

    outsider = outsider_scope_q(user, enterprise_field="enterprise_id")
    if outsider is not None:
        return outsider
    units = _scope_unit_ids(user)
    if units is None:
        return None
    q = Q(received_by_id=user.pk)
    if units:
        q |= (
            Q(lead_unit_id__in=units)
            | Q(received_unit_id__in=units)
            # IN (a hashed subplan, read once) rather than a correlated EXISTS per appeal row:
            # half the time of a count over a unit's scope at 300k appeals (issue 14). The
            # subplan is an index-only scan on cooperation (unit, appeal) (appeals.0018).
            | Q(pk__in=Cooperation.objects.filter(unit_id__in=units).values("appeal_id"))
        )
    if is_city_leader(user):
        # Appeals with an escalation request (coordination app, reverse relation) naming them.
        q |= Exists(Appeal.objects.filter(pk=OuterRef("pk"), escalations__leader_id=user.pk))
    return q


def enterprises_with_appeals_q(unit_ids: set[int]) -> Q:
    """On Enterprise: those with an appeal led, cooperated on or received by one of
    `unit_ids` — registered into the enterprise scope of unit staff (apps.AppealsConfig.ready;
    enterprises.selectors.register_unit_scope_extension). Subqueries rather than joins, so an
    enterprise with many appeals is listed once."""
    appeals = Appeal.objects.filter(enterprise_id=OuterRef("pk"))
    return Q(
        Exists(
            appeals.filter(
                Q(lead_unit_id__in=unit_ids)
                | Q(received_unit_id__in=unit_ids)
                | Q(pk__in=Cooperation.objects.filter(unit_id__in=unit_ids).values("appeal_id"))
            )
        )
    )


def _appeal_base_qs() -> QuerySet[Appeal]:
    """Everything a list row or the detail header shows, in a fixed number of queries."""
    return Appeal.objects.select_related(
        "enterprise",
        "enterprise__location",
        "category",
        "lead_unit",
        "received_unit",
        "received_by",
        "handler",
        "project",
        "merged_into",
    ).prefetch_related(
        Prefetch("cooperations", queryset=Cooperation.objects.select_related("unit").order_by("id"))
    )


def appeals_for_user(user) -> QuerySet[Appeal]:
    """The appeals `user` may see, with everything a list row or the detail shows."""
    return scoped(_appeal_base_qs(), appeal_scope_q(user))


def appeals_visible(user) -> QuerySet[Appeal]:
    """The appeals `user` may see, without the list's joins (choices, panels, lookups by
    id or code — also the coordination app's)."""
    return scoped(Appeal.objects.all(), appeal_scope_q(user))


def appeal_require_visible(*, user, appeal_ids) -> None:
    """AccessDenied unless `user` may see every one of `appeal_ids` — an action on several
    appeals (a merge: the duplicate and its target) needs access to each; missing and not
    yours alike. `user` None is the system's own jobs, which see everything."""
    if user is not None:
        require_in_scope(Appeal.objects.all(), appeal_scope_q(user), appeal_ids)


def appeals_with_light(qs: QuerySet[Appeal], today: date | None = None) -> QuerySet[Appeal]:
    """Annotate `light` (green/yellow/red/none) from the stored clock columns."""
    return qs.annotate(light=deadlines.light_annotation(today or timezone.localdate()))


def appeal_filter_light(qs: QuerySet[Appeal], light: str, today: date | None = None) -> QuerySet[Appeal]:
    return qs.filter(deadlines.light_q(light, today or timezone.localdate()))


def appeal_filter_received(qs: QuerySet[Appeal], date_from: date | None, date_to: date | None) -> QuerySet:
    """Received between two local dates, inclusive."""
    if date_from:
        qs = qs.filter(received_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(received_at__date__lte=date_to)
    return qs


# Not yet taken up by a lead unit: the first-inquiry owner still follows it (seeds/003 四).
PRE_SIGN_STATUSES = (Status.MATERIALS_PENDING, Status.SUBMITTED, Status.ASSIGNED, Status.TRANSFER_REQUESTED)
# Signed for by the lead unit and not yet verified.
HANDLING_STATUSES = (Status.IN_PROGRESS, Status.ESCALATED, Status.RESOLVED)
# The two stages the People's Congress oversight separates (seeds/000 四): "问题不上报" — no
# lead unit has taken it up yet — and "上报后解决不及时" — taken up, late at the lead unit.
STAGES = {"intake": PRE_SIGN_STATUSES, "handling": HANDLING_STATUSES}
PENDING_FILTERS = ("extension", "exemption", "cooperation", "follow", "escalation")
# Escalation requests (coordination.EscalationRequest, read through the reverse relation as
# appeal_scope_q does: appeals sits below coordination) still waiting for the hub's review.
ESCALATION_REVIEW_STATUSES = (EscalationStatus.SUBMITTED, EscalationStatus.ACCEPTED)


def _unanswered_cooperations(user) -> QuerySet[Cooperation]:
    """Unanswered cooperation requests of the appeal (OuterRef) addressed to the user's units."""
    coops = Cooperation.objects.filter(appeal_id=OuterRef("pk"), answered_at__isnull=True)
    units = _scope_unit_ids(user)
    return coops if units is None else coops.filter(unit_id__in=units)


def _pending_q(pending: str, *, user) -> Q:
    open_q = Q(status__in=OPEN_STATUSES)
    return {
        "extension": open_q & Q(extension_requested_due__isnull=False),
        "exemption": Q(exemption_status=ExemptionStatus.REQUESTED),
        "cooperation": open_q & Q(Exists(_unanswered_cooperations(user))),
        "follow": Q(received_by_id=user.pk, status__in=PRE_SIGN_STATUSES),
        "escalation": Q(
            Exists(
                Appeal.objects.filter(pk=OuterRef("pk"), escalations__status__in=ESCALATION_REVIEW_STATUSES)
            )
        ),
    }[pending]


def appeal_filter_pending(qs: QuerySet[Appeal], pending: str | None, *, user) -> QuerySet[Appeal]:
    """The workbench's "待办" shortcuts: extensions and exemptions awaiting a decision,
    cooperation answers the user's unit owes, appeals the user follows as first-inquiry
    owner, escalation requests awaiting the hub's review. An unknown value filters nothing."""
    if pending not in PENDING_FILTERS:
        return qs
    return qs.filter(_pending_q(pending, user=user))


def appeal_status_counts(qs: QuerySet[Appeal]) -> dict[str, int]:
    """Counts per status in one GROUP BY."""
    out = {s: 0 for s in Status.values}
    for row in qs.order_by().values("status").annotate(n=Count("id")):
        out[row["status"]] = row["n"]
    return out


ORDERINGS = {
    "received": ("-received_at", "-id"),
    "due": ("clock_due", "id"),  # nulls last on both databases (F().asc(nulls_last) below)
    "updated": ("-updated_at", "-id"),
}


def appeal_list_for_user(
    *,
    user,
    q: str = "",
    status: str | list[str] | None = None,
    light: str | None = None,
    open_only: bool = False,
    lead_unit_id: int | None = None,
    received_unit_id: int | None = None,
    led: bool = False,
    stage: str | None = None,
    category_id: int | None = None,
    channel: str | None = None,
    enterprise_id: int | None = None,
    is_problem: bool | None = None,
    exempt: bool | None = None,
    late: bool = False,
    mine: bool = False,
    received_from: date | None = None,
    received_to: date | None = None,
    pending: str | None = None,
    order: str = "received",
    today: date | None = None,
) -> QuerySet[Appeal]:
    """The scoped list, annotated with `light`. `q` searches code, title, description and
    the enterprise name (`appeal_filter_search`: Chinese bigrams, docs/search.md).
    `mine`: appeals where the user is the handler or the first-inquiry owner.
    `received_from`/`received_to`: local dates, inclusive. `pending`: one of
    PENDING_FILTERS (see `appeal_filter_pending`). `led`: only what the user's own unit (and
    its sections) leads — "本单位" on a unit's pages, where the scope also holds what the unit
    cooperates on or received (no effect for those who see the whole city). `stage`: a key
    of STAGES. `late`: past its deadline — open and red now, or resolved after the deadline
    (`resolved_on_time` False)."""
    from django.db.models import F

    today = today or timezone.localdate()
    qs = appeals_with_light(appeals_for_user(user), today)
    qs = appeal_filter_search(qs, q)  # appeals/search.py, docs/search.md
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else list(status))
    if open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if light:
        qs = qs.filter(deadlines.light_q(light, today))
    if stage in STAGES:
        qs = qs.filter(status__in=STAGES[stage])
    if led:
        units = _scope_unit_ids(user)
        if units is not None:
            qs = qs.filter(lead_unit_id__in=units)
    qs = filter_given(
        qs,
        lead_unit_id=lead_unit_id,
        received_unit_id=received_unit_id,
        category_id=category_id,
        channel=channel,
        enterprise_id=enterprise_id,
    )
    if is_problem is not None:
        qs = qs.filter(is_problem=is_problem)
    if exempt is not None:
        qs = (
            qs.filter(exemption_status=ExemptionStatus.APPROVED)
            if exempt
            else qs.exclude(exemption_status=ExemptionStatus.APPROVED)
        )
    if late:
        qs = qs.filter(Q(resolved_on_time=False) | deadlines.light_q(Light.RED, today))
    if mine:
        qs = qs.filter(Q(handler_id=user.pk) | Q(received_by_id=user.pk))
    qs = appeal_filter_received(qs, received_from, received_to)
    qs = appeal_filter_pending(qs, pending, user=user)
    if order == "due":
        return qs.order_by(F("clock_due").asc(nulls_last=True), "id")
    return qs.order_by(*ORDERINGS.get(order, ORDERINGS["received"]))


# ---------------------------------------------------------------------------------------
# Pages as two queries (issue 14): a narrow query on the appeal table for one page of ids
# (scope, filters and sort on the appeal's own columns, no joins but the search's), then the
# rows with everything a row shows for those ids only. Planning a 10-table join with the
# scope's EXISTS and the sort cost ~100 ms at 300k appeals on every page; the id query plans
# in well under a millisecond and walks an index in the sort's order.
# ---------------------------------------------------------------------------------------


def appeal_page_ids(qs: QuerySet[Appeal], *, offset: int, limit: int) -> list[int]:
    """`limit` ids of the list `qs` from `offset`, in its order (one narrow query)."""
    return list(qs.prefetch_related(None).values_list("pk", flat=True)[offset : offset + limit])


def appeal_rows(ids: list[int], *, today: date | None = None) -> list[Appeal]:
    """The appeals `ids` with everything a list row shows (and `light`), in the order of
    `ids`. The ids come from a scoped query: this adds no scope of its own."""
    if not ids:
        return []
    rows = {a.pk: a for a in appeals_with_light(_appeal_row_qs().filter(pk__in=ids), today)}
    return [rows[i] for i in ids if i in rows]


# At most this many tables joined in one query for a page's rows: PostgreSQL plans a join of
# ten tables in 30–280 ms at 300k appeals (its join-order search), one of six in ~2 ms. A row
# shows the enterprise (and its location: the triage queue), the category, the lead and the
# receiving unit and the handler; the first-inquiry owner, the project and the appeal merged
# into are the detail page's (`_appeal_base_qs`), not a row's.
ROW_JOINS = ("enterprise", "enterprise__location", "category", "lead_unit", "received_unit", "handler")


def _appeal_row_qs() -> QuerySet[Appeal]:
    """`_appeal_base_qs` for the rows of a page: what a row shows, in at most six joins."""
    return Appeal.objects.select_related(*ROW_JOINS).prefetch_related(
        Prefetch("cooperations", queryset=Cooperation.objects.select_related("unit").order_by("id"))
    )


@dataclass
class AppealPage:
    """One page of a list: its rows, and whether a next page exists (found by asking for one
    row more than the page holds — no count of the whole list)."""

    rows: list
    has_next: bool


def appeal_page(qs: QuerySet[Appeal], *, page: int, page_size: int, today: date | None = None) -> AppealPage:
    """Page `page` (from 1) of the list `qs`: ids first (page_size + 1 of them), then rows."""
    ids = appeal_page_ids(qs, offset=(max(page, 1) - 1) * page_size, limit=page_size + 1)
    return AppealPage(rows=appeal_rows(ids[:page_size], today=today), has_next=len(ids) > page_size)


def appeal_light_counts(qs: QuerySet[Appeal], today: date | None = None) -> dict[str, int]:
    """Counts per light for the workbench tabs (one query)."""
    today = today or timezone.localdate()
    rows = (
        qs.order_by().values("light").annotate(n=Count("id"))
        if "light" in qs.query.annotations
        else (appeals_with_light(qs, today).order_by().values("light").annotate(n=Count("id")))
    )
    out = {light: 0 for light in Light.values}
    for row in rows:
        out[row["light"]] = row["n"]
    return out


def appeal_get_for_user(*, user, appeal_id) -> Appeal:
    """The appeal if `user` may see it, else AccessDenied (missing and not yours alike).
    Prefetched for `machine.available_moves` and the detail page."""
    try:
        appeal_id = int(appeal_id)
    except (TypeError, ValueError):
        raise AccessDenied()
    # get(), not first(): first() orders the one row, and Django hashes every selected
    # expression (the light's CASE tree) to compile that ORDER BY: ~3% of the page crawl.
    try:
        return appeals_with_light(appeals_for_user(user)).get(pk=appeal_id)
    except Appeal.DoesNotExist:
        raise AccessDenied() from None


def triage_queue(*, user, today: date | None = None) -> QuerySet[Appeal]:
    """The hub's queue: awaiting triage, objections to settle, and open problem appeals
    (提级督办), most urgent first. Hub only (supervisors and admins see it read-only)."""
    from django.db.models import F

    if not can_triage(user):
        raise AccessDenied()
    qs = appeals_with_light(appeals_for_user(user), today or timezone.localdate()).filter(
        Q(status__in=[Status.SUBMITTED, Status.TRANSFER_REQUESTED, Status.RESOLVED])
        | Q(is_problem=True, status__in=OPEN_STATUSES)
    )
    return qs.order_by(F("clock_due").asc(nulls_last=True), "received_at", "id")


def triage_section_q(section: str) -> Q:
    """One section of the triage queue (a problem appeal in another section is listed there)."""
    return {
        "submitted": Q(status=Status.SUBMITTED),
        "transfer": Q(status=Status.TRANSFER_REQUESTED),
        "resolved": Q(status=Status.RESOLVED),
        "problem": Q(is_problem=True)
        & ~Q(status__in=[Status.SUBMITTED, Status.TRANSFER_REQUESTED, Status.RESOLVED]),
    }[section]


def appeal_latest_objections(appeal_ids) -> dict[int, str]:
    """The reason of the latest objection (退回) of each appeal, with the objecting unit,
    for the triage queue. One query."""
    out: dict[int, str] = {}
    rows = Transition.objects.filter(appeal_id__in=list(appeal_ids), action="object").order_by(
        "appeal_id", "at", "id"
    )
    for t in rows.values("appeal_id", "note", "actor_unit__name"):
        out[t["appeal_id"]] = f"{t['actor_unit__name'] or ''}：{t['note']}"
    return out


def appeal_merge_targets(*, user, appeal, limit: int = 50) -> list[tuple[int, str]]:
    """Open appeals of the same enterprise that `user` may see and this one could be merged
    into, newest first, as (id, "code title") choices (the merge service re-checks)."""
    rows = (
        appeals_visible(user)
        .filter(enterprise_id=appeal.enterprise_id, status__in=OPEN_STATUSES)
        .exclude(pk=appeal.pk)
        .order_by("-received_at")
        .values_list("pk", "code", "title")[:limit]
    )
    return [(pk, f"{code} {title}") for pk, code, title in rows]


def appeal_merged_duplicates(*, user, appeal) -> list[Appeal]:
    """The duplicates merged into `appeal` that `user` may see, oldest first."""
    return list(
        appeals_visible(user)
        .filter(merged_into_id=appeal.pk)
        .order_by("received_at", "id")
        .only("pk", "code", "title", "received_at")
    )


def appeal_visible_ids(*, user, appeal_ids) -> set[int]:
    """Those of `appeal_ids` that `user` may see (one query)."""
    ids = [i for i in appeal_ids if i]
    return set(appeals_visible(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


# ---------------------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------------------

EXTRA_ACTION_LABELS = {
    "intake": gettext_lazy("登记受理"),
    "merged_in": gettext_lazy("重复诉求并入"),
    "remind_rating": gettext_lazy("提醒企业评价"),
    "meeting_opinion": gettext_lazy("协调会意见"),
}


def action_label(action: str, data: dict | None = None) -> str:
    if data and data.get("label"):
        # Stored by another app in the source language (its msgid): read in the user's.
        return gettext(str(data["label"]))
    if action in MOVES:
        return MOVES[action].label
    return EXTRA_ACTION_LABELS.get(action, action)


def note_text(note: str, data: dict | None) -> str:
    """A timeline note in the reader's language. A note the system wrote (another app's
    step: coordination.services._common.Said) keeps its message id and arguments besides
    the Chinese text; any other note is what a person typed, shown as typed."""
    msgid = (data or {}).get("note_msgid")
    if not msgid:
        return note
    args = {}
    for key, value in (data.get("note_args") or {}).items():
        if isinstance(value, list):
            value = gettext("、").join(str(v) for v in value)
        elif isinstance(value, dict) and value.get("context"):
            value = pgettext(value["context"], str(value.get("msgid", "")))
        elif isinstance(value, dict):
            value = gettext(str(value.get("msgid", "")))
        args[key] = value
    try:
        return gettext(msgid) % args
    except (KeyError, TypeError, ValueError):
        return note


@dataclass
class TimelineEntry:
    at: datetime
    action: str
    label: str
    actor: object | None
    actor_unit: object | None
    from_status: str
    to_status: str
    note: str
    data: dict
    evidence: list = field(default_factory=list)

    @property
    def status_changed(self) -> bool:
        return bool(self.from_status) and self.from_status != self.to_status

    @property
    def to_status_label(self) -> str:
        return Status(self.to_status).label if self.to_status in Status.values else self.to_status


def appeal_timeline(appeal) -> list[TimelineEntry]:
    """Every entry of the appeal's history in time order: moves, notes, other apps'
    entries, each with its evidence files. Two queries whatever the length."""
    rows = (
        Transition.objects.filter(appeal_id=appeal.pk)
        .select_related("actor", "actor_unit")
        .prefetch_related(
            Prefetch("evidence", queryset=AppealEvidence.objects.select_related("uploaded_by").order_by("id"))
        )
        .order_by("at", "id")
    )
    return [
        TimelineEntry(
            at=t.at,
            action=t.action,
            label=action_label(t.action, t.data),
            actor=t.actor,
            actor_unit=t.actor_unit,
            from_status=t.from_status,
            to_status=t.to_status,
            note=note_text(t.note, t.data),
            data=t.data or {},
            evidence=list(t.evidence.all()),
        )
        for t in rows
    ]


def appeal_evidence_list(appeal) -> QuerySet[AppealEvidence]:
    return (
        AppealEvidence.objects.filter(appeal_id=appeal.pk)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "id")
    )


def appeal_evidence_get_for_user(*, user, evidence_id) -> AppealEvidence:
    """An evidence file if the user may see its appeal (for the download view). Not for
    enterprise users: the files are the units' proof of handling for the hub's check
    (seeds/000 三), and the enterprise's answer is the answer text (issue 9)."""
    if is_enterprise_user(user):
        raise AccessDenied()
    ev = AppealEvidence.objects.filter(pk=evidence_id).first()
    if ev is None:
        raise AccessDenied()
    appeal_get_for_user(user=user, appeal_id=ev.appeal_id)
    return ev


# ---------------------------------------------------------------------------------------
# Duplicates at intake
# ---------------------------------------------------------------------------------------


def appeal_possible_duplicates(
    *,
    user,
    enterprise_id: int,
    title: str,
    description: str = "",
    exclude_id: int | None = None,
    limit: int = 5,
    threshold: float = 0.2,
) -> list[Appeal]:
    """Open appeals of the same enterprise that `user` may see and that look like this one,
    most similar first; each carries `.similarity` (0..1). The title weighs double. An
    appeal out of the user's sight is never offered: another unit's registration stays
    theirs, and the hub (who sees all) merges such twins later."""
    qs = (
        appeals_visible(user)
        .filter(enterprise_id=enterprise_id, status__in=OPEN_STATUSES)
        .select_related("category", "enterprise", "lead_unit", "received_unit")
    )
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    scored = []
    for a in qs[:500]:
        score = (
            2 * text_similarity(title, a.title)
            + text_similarity(f"{title}{description}", f"{a.title}{a.description}")
        ) / 3
        if score >= threshold:
            a.similarity = round(score, 3)
            scored.append(a)
    scored.sort(key=lambda a: (-a.similarity, -a.pk))
    return scored[:limit]


def appeal_light(appeal, today: date | None = None) -> str:
    """The light of one appeal (uses the annotation when present)."""
    return getattr(appeal, "light", None) or deadlines.light_of(appeal, today)
