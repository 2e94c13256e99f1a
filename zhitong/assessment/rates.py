"""The ONE definition of the three rates (三率: 响应率, 解决率, 满意率) and the on-time rate,
per scored unit and month (docs/assessment.md explains them with their boundary cases).
Each rate keeps its numerator's and its denominator's lists, so every figure drills down;
an empty denominator gives no rate (None, shown "—"), never 0 % or 100 %.

响应率 (response): the unit's appeals whose sign-for deadline (`sign_due`, 1 working day
after assignment, SPEC lifecycle) falls in the month, counted once the deadline has passed
or the appeal is signed; responded = signed on or before that deadline (the deadline's
own day counts as in time).

解决率 (resolution): the unit's appeals whose handling deadline (`handling_due`, after
any approved extension) falls in the month, counted once the deadline has passed or the
appeal is concluded; resolved = concluded (verified by the hub or the supervision office,
seeds/001 四(八)) at the time of counting, late or not (lateness is the on-time rate's).

满意率 (satisfaction): the ratings the unit's appeals received in the month (each `rate`
move, so an appeal re-handled and rated again counts twice); satisfied = 非常满意, 满意 or
基本满意 (a rating of 不满意 or worse sends it back for re-handling, so it is the line
between satisfied and not).

按期办结率 (on time): of the appeals concluded in the month (counting.resolved), those
resolved within their deadline.

Always left out: appeals exempted from assessment (seeds/000 五(二)3) and merged
duplicates (their master is the one handled).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from zhitong.appeals.choices import CONCLUDED_STATUSES, ExemptionStatus, Rating, Status
from zhitong.appeals.models import Appeal

from .counting import Count, RatingRow, UnitMap, item, month_end, month_ratings, month_start, url_maker

SATISFIED_FROM = Rating.NEUTRAL  # 基本满意 and better
RATE_KEYS = ("response_rate", "resolution_rate", "satisfaction_rate", "on_time_rate")
LABELS = {
    "response_rate": "响应率",
    "resolution_rate": "解决率",
    "satisfaction_rate": "满意率",
    "on_time_rate": "按期办结率",
}
CLAUSES = {
    "response_rate": "响应率 = 签收期限内签收的诉求 ÷ 签收期限在本月且已届满或已签收的诉求（签收期限1个工作日，期限当日签收为按期）",
    "resolution_rate": "解决率 = 已办结（核验）的诉求 ÷ 办理期限在本月且已届满或已办结的诉求",
    "satisfaction_rate": "满意率 = 评价为非常满意、满意、基本满意的次数 ÷ 本月评价次数",
    "on_time_rate": "按期办结率 = 按期办结的诉求 ÷ 本月办结（核验）的诉求",
}
PLACES = Decimal("0.0001")


@dataclass
class Rate:
    key: str
    numerator: list[dict] = field(default_factory=list)
    denominator: list[dict] = field(default_factory=list)

    @property
    def value(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (Decimal(len(self.numerator)) / Decimal(len(self.denominator))).quantize(PLACES, ROUND_HALF_UP)

    @property
    def clause(self) -> str:
        return CLAUSES[self.key]


def _scored_appeals():
    return Appeal.objects.exclude(exemption_status=ExemptionStatus.APPROVED).exclude(status=Status.MERGED)


def rate_month(
    *,
    month: date,
    counts: dict[int, dict[str, Count]],
    units: UnitMap,
    today: date | None = None,
    ratings: list[RatingRow] | None = None,
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
    for r in month_ratings(month) if ratings is None else ratings:
        if r.exemption_status == ExemptionStatus.APPROVED:
            continue
        rating = int(r.data.get("rating") or 0)
        entry = item(
            "rating",
            r.id,
            f"{r.code} {r.title}（{labels.get(rating, rating)}）",
            r.at,
            appeal_url(r.appeal_id),
            tz,
        )
        add(r.data.get("lead_unit_id"), "satisfaction_rate", entry, rating >= SATISFIED_FROM)

    # 按期办结率: of the month's concluded appeals (counting's lists).
    for unit_id, c in counts.items():
        on_time = {e["id"] for e in c["resolved_on_time"].items}
        rate = out[unit_id]["on_time_rate"]
        for entry in c["resolved"].items:
            rate.denominator.append(entry)
            if entry["id"] in on_time:
                rate.numerator.append(entry)
    return out
