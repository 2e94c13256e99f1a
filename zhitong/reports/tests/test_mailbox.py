"""The mayor's mailbox daily summary (seeds/003 七): the period, the rows, the daily message to
the principal leaders, and who may read the page."""

from datetime import date, datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal
from zhitong.outbox.models import OutboxMessage
from zhitong.reports import mailbox
from zhitong.reports.tests.conftest import TZ

URL = "/reports/mailbox/"


def _sent():
    return OutboxMessage.objects.filter(payload__kind="reports_mailbox_summary")


def test_a_monday_summary_covers_friday_to_sunday(db):
    # 2025-09-08 is a Monday; the Friday before is the previous working day.
    assert mailbox.summary_period(date(2025, 9, 8)) == (date(2025, 9, 5), date(2025, 9, 7))
    assert mailbox.summary_period(date(2025, 9, 9)) == (date(2025, 9, 8), date(2025, 9, 8))
    # After the National Day holiday (1–8 October 2025), 9 October covers 30 September to 8 October.
    assert mailbox.summary_period(date(2025, 10, 9)) == (date(2025, 9, 30), date(2025, 10, 8))


def test_the_summary_lists_mailbox_appeals_with_who_handles_them_and_by_when(flow, city):
    a = flow.to(Status.IN_PROGRESS, channel=Channel.MAYOR_MAILBOX)
    flow.to(Status.IN_PROGRESS)  # a hotline appeal: not in the summary
    s = mailbox.mailbox_summary(day=date(2025, 9, 2))
    assert [r.appeal.pk for r in s.received] == [a.pk]
    row = s.received[0]
    a.refresh_from_db()
    assert row.handled_by == f"{city.units.gxj.display_name}（承办人：{city.handler.display_name}）"
    assert row.due == a.handling_due
    assert row.answer == "尚未答复（办理中）"
    # The day after, it is no longer new.
    assert mailbox.mailbox_summary(day=date(2025, 9, 3)).received == []


def test_an_earlier_mailbox_appeal_answered_in_the_period_is_reported_with_its_answer(flow, city):
    a = flow.to(Status.IN_PROGRESS, channel=Channel.MAYOR_MAILBOX)
    Appeal.objects.filter(pk=a.pk).update(received_at=datetime(2025, 8, 20, 10, tzinfo=TZ))
    flow.move(a, "resolve", city.handler, resolution="已协调消防部门完成备案。", evidence_files=[_pdf()])
    s = mailbox.mailbox_summary(day=date(2025, 9, 2))
    assert [r.appeal.pk for r in s.answered] == [a.pk]
    assert s.answered[0].answer == "已协调消防部门完成备案。"


def _pdf():
    from zhitong.reports.tests.conftest import pdf

    return pdf()


def test_the_principal_leaders_get_the_summary_once_a_working_day(flow, people):
    city = people
    flow.to(Status.IN_PROGRESS, channel=Channel.MAYOR_MAILBOX)
    n = mailbox.mailbox_summary_send(day=date(2025, 9, 2))
    assert n == 2
    recipients = sorted(m.payload["recipient_id"] for m in _sent())
    assert recipients == sorted([city.mayor.pk, city.exec_mayor.pk])  # not the vice mayor
    msg = _sent().first().payload
    assert "新收企业诉求1件" in msg["title"]
    assert msg["url"] == "/reports/mailbox/?day=2025-09-02"
    # Again the same day: nothing new; a Saturday: nothing at all.
    assert mailbox.mailbox_summary_send(day=date(2025, 9, 2)) == 0
    assert mailbox.mailbox_summary_send(day=date(2025, 9, 6)) == 0
    assert _sent().count() == 2


def test_the_beat_task_only_calls_the_service(people):
    from zhitong.reports.tasks import send_mailbox_summary

    with time_machine.travel(datetime(2025, 9, 3, 8, 15, tzinfo=TZ), tick=False):
        assert send_mailbox_summary() == "市长信箱汇总 2"
        assert send_mailbox_summary() == "市长信箱汇总 0"


def test_who_may_read_the_mailbox_summary(client, people):
    city = people
    for user in (city.mayor, city.exec_mayor, city.hub, city.supervisor, city.overseer):
        client.force_login(user)
        assert client.get(URL).status_code == 200, user
    for user in (city.vice_mayor, city.leader, city.handler, city.head, city.outsider, city.enterprise_user):
        client.force_login(user)
        assert client.get(URL).status_code == 403, user
    client.logout()
    assert client.get(URL).status_code == 302


def test_a_bad_day_on_the_page_shows_today(client, people):
    client.force_login(people.mayor)
    for bad in ("x", "2025-02-30", "1999-01-01", "2999-01-01"):
        r = client.get(URL, {"day": bad})
        assert r.status_code == 200
        assert r.context["s"].day == date(2025, 9, 1)


def test_the_mailbox_page_runs_the_same_queries_for_few_and_many_rows(client, flow, people):
    city = people
    flow.to(Status.IN_PROGRESS, channel=Channel.MAYOR_MAILBOX)
    client.force_login(city.mayor)
    with time_machine.travel(datetime(2025, 9, 3, 9, tzinfo=TZ), tick=False):
        client.force_login(city.mayor)
        client.get(URL, {"day": "2025-09-02"})
        with CaptureQueriesContext(connection) as few:
            r = client.get(URL, {"day": "2025-09-02"})
        assert len(r.context["s"].received) == 1
    for _ in range(3):
        flow.to(Status.ASSIGNED, channel=Channel.MAYOR_MAILBOX)
    with time_machine.travel(datetime(2025, 9, 3, 9, tzinfo=TZ), tick=False):
        client.force_login(city.mayor)
        client.get(URL, {"day": "2025-09-02"})
        with CaptureQueriesContext(connection) as many:
            r = client.get(URL, {"day": "2025-09-02"})
        assert len(r.context["s"].received) == 4
    assert len(many) == len(few)
