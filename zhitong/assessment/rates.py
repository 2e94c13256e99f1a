"""The three rates (三率: 响应率, 解决率, 满意率) and the on-time rate, per scored unit and
month (docs/assessment.md explains them with their boundary cases). Each rate is a numerator
and a denominator counted from one definition, declared with the counts' in counting.py
(`SOURCES`: sign_due, handling_due, ratings, concluded; `FIGURES`), whose lists the
drill-down reads from the same definition; here their labels, clauses and values: an empty
denominator gives no rate (None, shown "—"), never 0 % or 100 %.

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

from decimal import ROUND_HALF_UP, Decimal

from .counting import SATISFIED_FROM

__all__ = ["CLAUSES", "LABELS", "PLACES", "RATE_KEYS", "SATISFIED_FROM", "rate_value"]

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


def rate_value(numerator: int, denominator: int) -> Decimal | None:
    """An empty denominator gives no rate (None, shown "—"), never 0 % or 100 %."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(PLACES, ROUND_HALF_UP)
