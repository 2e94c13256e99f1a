"""A project's progress (issue 10 "Progress"): monthly progress reports and the secretary's
daily reports, the progress class 超前 / 正常 / 滞后 / 无进展, agreement commitments (履约),
the monthly briefing on reserve, negotiation and signed projects (seeds/003 九) and the
public progress board (挂牌展示, seeds/004 江山).

The functions other parts call (the leaders' digest) are these, importable from here:
`month_investment`, `ytd_investment`, `progress_class`, `progress_summaries`,
`ProgressClass`, `ProgressSummary`. The rules are in docs/projects.md.
"""

from .calc import (
    PACE_TABLE,
    REPORT_DUE_WORKDAYS,
    ProgressClass,
    ProgressSummary,
    classify,
    month_investment,
    progress_class,
    progress_summaries,
    report_due,
    ytd_investment,
)

__all__ = [
    "PACE_TABLE",
    "REPORT_DUE_WORKDAYS",
    "ProgressClass",
    "ProgressSummary",
    "classify",
    "month_investment",
    "progress_class",
    "progress_summaries",
    "report_due",
    "ytd_investment",
]
