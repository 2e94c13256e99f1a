"""The month close freezes every unit's Annex 1 ledger beside the scorecard (seeds/000 二:
the ledgers are copied to the 发改委 at month end; assessment.close.register_close_part)."""

from datetime import date

import pytest
import time_machine

from zhitong.appeals.choices import Status
from zhitong.assessment.services import month_close_by_label
from zhitong.reports.annex1 import all_ledger_rows

pytestmark = pytest.mark.django_db

SEPT = date(2025, 9, 1)


def test_closing_a_month_freezes_the_annex1_ledgers_as_they_stood(flow, city):
    flow.to(Status.IN_PROGRESS)
    live = all_ledger_rows(month_start=SEPT, month_end=date(2025, 9, 30))
    assert live, "the scene has a ledger row"
    with time_machine.travel("2025-10-09 09:00 +0800", tick=False):
        closed = month_close_by_label(actor=city.hub, month=SEPT)
    part = closed.snapshot["parts"]["annex1"]
    assert part["label"] == "附件1“一企一议”问题台账"
    assert [r["unit_id"] for r in part["rows"]] == [r["unit_id"] for r in live]
    assert len(part["rows"]) == len(live)
