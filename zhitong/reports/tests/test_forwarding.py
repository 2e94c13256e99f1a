"""Last month's Annex 1 ledgers copied to the 市发改委 on the first working day of the month
(seeds/000 二), once."""

from datetime import date, datetime

import time_machine

from zhitong.appeals.choices import Status
from zhitong.outbox.models import OutboxMessage
from zhitong.reports.forwarding import first_workday, ledgers_forward
from zhitong.reports.tests.conftest import TZ


def _messages(kind=None):
    if kind is None:
        return OutboxMessage.objects.filter(payload__kind__startswith="reports_annex1")
    return OutboxMessage.objects.filter(payload__kind=kind)


def test_the_first_working_day_of_october_2025_is_after_the_national_day_holiday(db):
    assert first_workday(date(2025, 10, 1)) == date(2025, 10, 9)
    assert first_workday(date(2025, 9, 1)) == date(2025, 9, 1)


def test_the_hub_gets_every_units_ledger_and_the_unit_head_is_told_on_the_first_working_day(flow, city):
    a = flow.to(Status.IN_PROGRESS)
    flow.to(Status.IN_PROGRESS)
    # The National Day holiday: nothing is sent before 9 October.
    assert ledgers_forward(today=date(2025, 10, 8)) == 0
    assert not _messages().exists()
    assert ledgers_forward(today=date(2025, 10, 9)) == 2  # the hub, GXJ's head
    (hub_msg,) = _messages("reports_annex1_forwarded")
    p = hub_msg.payload
    assert p["recipient_id"] == city.hub.pk
    assert p["title"] == "各单位2025年9月“一企一议”问题台账已汇总抄送：1个单位，2个问题"
    assert p["url"] == "/reports/annex1/month/?month=2025-09"
    assert f"市工业和信息化局：2个问题 /reports/annex1/?unit={city.units.gxj.pk}&month=2025-09" in p["body"]
    (head_msg,) = _messages("reports_annex1_copied")
    assert head_msg.payload["recipient_id"] == city.head.pk
    assert "已抄送市发改委" in head_msg.payload["title"]
    # The links open: the hub's index and the unit's ledger, with the rows counted.
    assert a.lead_unit_id == city.units.gxj.pk
    # Once a month: the next days send nothing.
    assert ledgers_forward(today=date(2025, 10, 10)) == 0
    assert _messages().count() == 2


def test_the_forwarded_links_open_for_the_hub_and_the_unit_head(client, flow, city):
    flow.to(Status.IN_PROGRESS)
    with time_machine.travel(datetime(2025, 10, 9, 8, 40, tzinfo=TZ), tick=False):
        ledgers_forward()
        for kind, user in (("reports_annex1_forwarded", city.hub), ("reports_annex1_copied", city.head)):
            client.force_login(user)
            url = _messages(kind).get().payload["url"]
            r = client.get(url)
            assert r.status_code == 200, url
            assert r.context["month"] == date(2025, 9, 1)


def test_the_beat_task_only_calls_the_service(flow, city):
    from zhitong.reports.tasks import forward_annex1_ledgers

    flow.to(Status.IN_PROGRESS)
    with time_machine.travel(datetime(2025, 10, 9, 8, 40, tzinfo=TZ), tick=False):
        assert forward_annex1_ledgers() == "附件1抄送 2"
        assert forward_annex1_ledgers() == "附件1抄送 0"


def test_the_beat_runs_both_jobs_by_their_task_names(settings):
    from zhitong.reports.tasks import forward_annex1_ledgers, send_mailbox_summary

    beat = settings.CELERY_BEAT_SCHEDULE
    assert beat["annex1-forward"]["task"] == forward_annex1_ledgers.name
    assert beat["annex1-forward"]["schedule"].day_of_month == set(range(1, 8))
    assert beat["mailbox-summary"]["task"] == send_mailbox_summary.name
