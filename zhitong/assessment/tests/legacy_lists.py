"""The per-object lists as the scorecard built them before issue 14 (assessment/counting.py
and rates.py at a0a6794, trimmed to what they listed): the oracle the figures from
GROUP BY aggregates and their on-demand lists are held to, object for object."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from zhitong.appeals.choices import CONCLUDED_STATUSES, EscalationStatus, ExemptionStatus, Rating, Status
from zhitong.appeals.models import Appeal, Transition
from zhitong.assessment.counting import (
    COUNT_KEYS,
    UnitMap,
    item,
    month_bounds,
    month_end,
    month_start,
    url_maker,
)
from zhitong.assessment.rates import RATE_KEYS, SATISFIED_FROM
from zhitong.coordination.models import CoordinationFact, EscalationRequest


@dataclass
class Count:
    key: str
    items: list[dict] = field(default_factory=list)


@dataclass
class Rate:
    key: str
    numerator: list[dict] = field(default_factory=list)
    denominator: list[dict] = field(default_factory=list)


def month_ratings(month: date) -> list[tuple]:
    start, end = month_bounds(month)
    return list(
        Transition.objects.filter(action="rate", at__gte=start, at__lt=end)
        .order_by("at", "id")
        .values_list(
            "id", "at", "data", "appeal_id", "appeal__code", "appeal__title", "appeal__exemption_status"
        )
    )


def _scored_appeals():
    return Appeal.objects.exclude(exemption_status=ExemptionStatus.APPROVED).exclude(status=Status.MERGED)


def count_month(*, month: date, units: UnitMap | None = None, ratings=None) -> dict[int, dict[str, Count]]:
    """Every count of every scored unit for `month`, with its list. A fixed number of
    queries whatever the number of units and objects. `ratings`: the month's
    `month_ratings(month)`, when the caller has read them already (the rates read them too)."""
    units = units or UnitMap()
    month = month_start(month)
    start, end = month_bounds(month)
    out: dict[int, dict[str, Count]] = {u.pk: {k: Count(k) for k in COUNT_KEYS} for u in units.units}

    def add(unit_id, key, entry):
        owner = units.owner(unit_id)
        if owner is not None:
            out[owner][key].items.append(entry)

    # seeds/000 五(二)1–3: the counting facts that count.
    facts = (
        CoordinationFact.objects.counted()
        .filter(month=month)
        .select_related("meeting", "project", "enterprise")
        .order_by("meeting__held_at", "meeting_id", "id")
    )
    for f in facts:
        what = f.project.name if f.project_id else f.enterprise.name
        kind = "项目问题" if f.project_id else "企业问题"
        label = f"{f.meeting.title}：{kind} {what}"
        url = reverse("coordination:meeting_detail", args=[f.meeting_id])
        add(f.unit_id, "coordinated", item("fact", f.pk, label, f.meeting.held_at, url))

    # seeds/000 二、五(一): the month's requests for city-leader coordination.
    requests = (
        EscalationRequest.objects.filter(batch_month=month)
        .exclude(status__in=[EscalationStatus.WITHDRAWN, EscalationStatus.RETURNED])
        .exclude(appeal__exemption_status=ExemptionStatus.APPROVED)
        .select_related("appeal")
        .order_by("received_at", "id")
    )
    for r in requests:
        url = reverse("appeals:detail", args=[r.appeal_id])
        add(
            r.reporting_unit_id,
            "reported",
            item("escalation", r.pk, f"{r.appeal.code} {r.project_name}", r.received_at, url),
        )

    # seeds/001 四(八), seeds/000 五(一): concluded (verified) in the month.
    # Rows, not model instances: a month holds thousands (issue 14).
    appeal_url = url_maker("appeals:detail")
    tz = timezone.get_current_timezone()
    concluded = (
        Appeal.objects.filter(verified_at__gte=start, verified_at__lt=end, status__in=CONCLUDED_STATUSES)
        .exclude(exemption_status=ExemptionStatus.APPROVED)
        .exclude(status=Status.MERGED)
        .order_by("verified_at", "id")
        .values_list("id", "code", "title", "lead_unit_id", "verified_at", "resolved_on_time")
    )
    for pk, code, title, lead_unit_id, verified_at, on_time in concluded:
        entry = item("appeal", pk, f"{code} {title}", verified_at, appeal_url(pk), tz)
        add(lead_unit_id, "resolved", entry)
        if on_time:
            add(lead_unit_id, "resolved_on_time", dict(entry))

    # Re-handling: the month's ratings that reopened the appeal (appeals' `rate` move,
    # appeals/services/closing.py sets data["reopened"] = True); read alone, only those.
    if ratings is None:
        ratings = month_ratings(month)
    for rid, r_at, data, appeal_id, code, title, _ in ratings:
        if data.get("reopened"):
            add(
                data.get("lead_unit_id"),
                "rehandled",
                item("rating", rid, f"{code} {title}", r_at, appeal_url(appeal_id), tz),
            )
    return out


def rate_month(
    *,
    month: date,
    counts: dict[int, dict[str, Count]],
    units: UnitMap,
    today: date | None = None,
) -> dict[int, dict[str, Rate]]:
    """The rates of every scored unit for `month`; `counts` is counting.count_month's
    result (the on-time rate reads its lists); `today` (default: today) decides which
    deadlines have passed; `ratings`: the month's `counting.month_ratings`, if read already.
    Rows are read as tuples, not model instances: a month holds thousands (issue 14)."""
    today = today or timezone.localdate()
    month = month_start(month)
    first, last = month, month_end(month)
    appeal_url = url_maker("appeals:detail")
    tz = timezone.get_current_timezone()
    out = {u.pk: {k: Rate(k) for k in RATE_KEYS} for u in units.units}

    def add(unit_id, key, entry, hit: bool):
        owner = units.owner(unit_id)
        if owner is not None:
            out[owner][key].denominator.append(entry)
            if hit:
                out[owner][key].numerator.append(entry)

    # 响应率: sign-for deadline in the month, passed or signed.
    for pk, code, title, lead_unit_id, sign_due, signed_at in (
        _scored_appeals()
        .filter(sign_due__gte=first, sign_due__lte=last)
        .filter(Q(sign_due__lt=today) | Q(signed_at__isnull=False))
        .order_by("sign_due", "id")
        .values_list("id", "code", "title", "lead_unit_id", "sign_due", "signed_at")
    ):
        on_time = signed_at is not None and signed_at.astimezone(tz).date() <= sign_due
        add(
            lead_unit_id,
            "response_rate",
            item("appeal", pk, f"{code} {title}", sign_due, appeal_url(pk)),
            on_time,
        )

    # 解决率: handling deadline in the month, passed or concluded.
    concluded = Q(status__in=CONCLUDED_STATUSES)
    for pk, code, title, lead_unit_id, handling_due, status in (
        _scored_appeals()
        .filter(handling_due__gte=first, handling_due__lte=last)
        .filter(Q(handling_due__lt=today) | concluded)
        .order_by("handling_due", "id")
        .values_list("id", "code", "title", "lead_unit_id", "handling_due", "status")
    ):
        entry = item("appeal", pk, f"{code} {title}", handling_due, appeal_url(pk))
        add(lead_unit_id, "resolution_rate", entry, status in CONCLUDED_STATUSES)

    # 满意率: the month's ratings.
    labels = {value: str(label) for value, label in Rating.choices}
    for rid, r_at, data, appeal_id, code, title, exemption_status in month_ratings(month):
        if exemption_status == ExemptionStatus.APPROVED:
            continue
        rating = int(data.get("rating") or 0)
        entry = item(
            "rating",
            rid,
            f"{code} {title}（{labels.get(rating, rating)}）",
            r_at,
            appeal_url(appeal_id),
            tz,
        )
        add(data.get("lead_unit_id"), "satisfaction_rate", entry, rating >= SATISFIED_FROM)

    # 按期办结率: of the month's concluded appeals (counting's lists).
    for unit_id, c in counts.items():
        on_time = {e["id"] for e in c["resolved_on_time"].items}
        rate = out[unit_id]["on_time_rate"]
        for entry in c["resolved"].items:
            rate.denominator.append(entry)
            if entry["id"] in on_time:
                rate.numerator.append(entry)
    return out


def legacy_lists(*, month: date, today: date) -> dict[int, dict[str, list[dict] | dict[str, list[dict]]]]:
    """scored unit id -> key -> its list (a rate: {"numerator", "denominator"}), as before."""
    units = UnitMap()
    counts = count_month(month=month, units=units)
    rated = rate_month(month=month, counts=counts, units=units, today=today)
    return {
        uid: {
            **{k: counts[uid][k].items for k in COUNT_KEYS},
            **{
                k: {"numerator": rated[uid][k].numerator, "denominator": rated[uid][k].denominator}
                for k in RATE_KEYS
            },
        }
        for uid in counts
    }
