"""Scoring schemes (考核方案): the indicators a scheme weighs and how a weight turns a value
into points (docs/assessment.md). A scheme is a row of models.Scheme; the one in force for
a month is the newest version of its audience whose effective month is not after it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from .models import Scheme

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    kind: str  # "count": relative to the group's best; "rate": weight × rate; "penalty": − weight × value
    rule: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator("reported", _("上报问题数"), "count", _("权重 × 本单位数 ÷ 同组最高数")),
    Indicator("coordinated", _("协调问题数"), "count", _("权重 × 本单位数 ÷ 同组最高数")),
    Indicator("resolved", _("解决问题数"), "count", _("权重 × 本单位数 ÷ 同组最高数")),
    Indicator("on_time_rate", _("按期办结率"), "rate", _("权重 × 比率；无应计事项得满分")),
    Indicator("response_rate", _("响应率"), "rate", _("权重 × 比率；无应计事项得满分")),
    Indicator("resolution_rate", _("解决率"), "rate", _("权重 × 比率；无应计事项得满分")),
    Indicator("satisfaction_rate", _("满意率"), "rate", _("权重 × 比率；无应计事项得满分")),
    Indicator("rehandled", _("重办数"), "penalty", _("每次重办扣 权重 分")),
    Indicator("deductions", _("督查及人大监督扣分"), "penalty", _("扣分合计 × 权重")),
)
BY_KEY = {i.key: i for i in INDICATORS}


def scheme_for(*, audience: str, month: date, schemes: list[Scheme] | None = None) -> Scheme | None:
    """The version in force for `month`: the newest whose effective month is not after it."""
    if schemes is None:
        schemes = list(Scheme.objects.filter(audience=audience))
    fitting = [s for s in schemes if s.audience == audience and s.effective_month <= month]
    return max(fitting, key=lambda s: (s.effective_month, s.version), default=None)


def scheme_dict(s: Scheme) -> dict:
    return {
        "id": s.pk,
        "version": s.version,
        "effective_month": s.effective_month.strftime("%Y-%m"),
        "target_score": str(s.target_score),
        "weights": {i.key: str(Decimal(str(s.weights.get(i.key, "0")))) for i in INDICATORS},
    }


def points(*, key: str, value, weight: Decimal, best) -> Decimal:
    """The points one indicator gives (value: an int, a Decimal rate or None, a Decimal sum)."""
    kind = BY_KEY[key].kind
    if kind == "count":
        result = weight * Decimal(value) / Decimal(best) if best and best > 0 else Decimal(0)
    elif kind == "rate":
        result = weight if value is None else weight * Decimal(value)
    else:
        result = -weight * Decimal(value)
    return result.quantize(CENT, ROUND_HALF_UP) + Decimal("0.00")  # never "-0.00"


def rank(scores: list[tuple[int, Decimal]]) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4): one more than the number of higher scores."""
    return {uid: 1 + sum(1 for _, other in scores if other > s) for uid, s in scores}
