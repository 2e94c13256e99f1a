"""The government-commitment ledger (政府承诺, seeds/002 限期办理销号): recorded by the hub or
the responsible unit, written off with evidence and verified by the hub through the table,
lit like appeals, counted on the home pages, each enterprise seeing only its own."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhitong.core.errors import Forbidden, ServiceError
from zhitong.public import promises
from zhitong.public.choices import PromiseStatus
from zhitong.public.models import GovernmentPromise
from zhitong.workdays import deadlines as calendar_deadlines
from zhitong.workdays import services as workdays

from .conftest import START

pytestmark = pytest.mark.django_db


def _record(city, actor=None, **kw):
    args = dict(
        actor=actor or city.hub,
        credit_code=city.enterprise.credit_code,
        kind="approval",
        content="厂房消防验收非因企业原因未办结，限期办结",
        responsible_unit_id=city.units.gxj.pk,
        due_workdays=5,
    )
    return promises.promise_create(**(args | kw))


def test_a_deadline_in_working_days_is_counted_from_the_day_recorded(city):
    p = _record(city)
    assert p.recorded_on == START.date()
    assert p.due_on == workdays.add_workdays(START.date(), 5).date
    assert p.yellow_from == workdays.subtract_workdays(p.due_on, 2).date


def test_the_ledger_is_registered_with_the_calendar():
    labels = {(label, name) for label, name in calendar_deadlines.registered_fields()}
    assert ("public.GovernmentPromise", "due_on") in labels
    assert ("public.GovernmentPromise", "due_provisional") in labels


def test_exactly_one_of_working_days_and_a_date(city):
    with pytest.raises(ServiceError, match="二者选一"):
        _record(city, due_workdays=None)
    with pytest.raises(ServiceError, match="二者选一"):
        _record(city, due_on=START.date() + timedelta(days=30))
    p = _record(city, due_workdays=None, due_on=date(2025, 10, 31))
    assert p.due_on == date(2025, 10, 31) and p.due_workdays is None


def test_unit_staff_record_for_their_own_unit_only(city):
    assert _record(city, actor=city.handler).responsible_unit == city.units.gxj
    with pytest.raises(ServiceError, match="责任单位"):
        _record(city, actor=city.outsider)
    with pytest.raises(Forbidden):
        _record(city, actor=city.enterprise_user)


def test_write_off_with_evidence_verified_by_the_hub(city):
    p = _record(city)
    p = promises.promise_start(promise_id=p.pk, actor=city.handler, expected_version=1)
    with pytest.raises(ServiceError, match="销号证明"):
        promises.promise_submit_write_off(
            promise_id=p.pk, actor=city.handler, evidence=" ", expected_version=2
        )
    with pytest.raises(ServiceError):  # the outsider is no responsible unit
        promises.promise_submit_write_off(
            promise_id=p.pk, actor=city.outsider, evidence="已办结", expected_version=2
        )
    p = promises.promise_submit_write_off(
        promise_id=p.pk,
        actor=city.handler,
        evidence="消防验收合格意见书 榕消验字〔2025〕12号",
        expected_version=2,
    )
    assert p.status == PromiseStatus.SUBMITTED
    with pytest.raises(ServiceError):  # the unit may not verify its own write-off
        promises.promise_verify_write_off(promise_id=p.pk, actor=city.head, expected_version=3)
    p = promises.promise_return_write_off(
        promise_id=p.pk, actor=city.hub, reason="缺少文书", expected_version=3
    )
    assert p.status == PromiseStatus.IN_PROGRESS
    p = promises.promise_submit_write_off(
        promise_id=p.pk, actor=city.head, evidence="补充文书", expected_version=4
    )
    p = promises.promise_verify_write_off(promise_id=p.pk, actor=city.hub, expected_version=5)
    assert p.status == PromiseStatus.WRITTEN_OFF and p.written_off_on == START.date()
    assert promises.light_of(p, p.due_on + timedelta(days=30)) == "none"


def test_overdue_promises_are_lit_red_and_counted_on_the_home_pages(client, city):
    p = _record(city, due_workdays=2)
    _record(city, due_workdays=30)
    _record(city, responsible_unit_id=city.units.swj.pk, due_workdays=2)
    late = p.due_on + timedelta(days=1)
    assert promises.light_of(p, late) == "red"
    with time_machine.travel(late, tick=False):
        for user, expected in ((city.hub, 2), (city.handler, 1), (city.head, 1), (city.outsider, 1)):
            client.force_login(user)
            home = client.get("/").content.decode()
            assert f'data-count="promises-overdue">{expected}<' in home, user
            listed = client.get("/public/promises/?light=red").content.decode()
            assert f'data-list-total="{expected}"' in listed


def test_each_enterprise_sees_only_its_own_promises(client, city):
    _record(city, content="甲企业的承诺")
    _record(city, credit_code=city.other_enterprise.credit_code, content="乙企业的承诺")
    client.force_login(city.enterprise_user)
    body = client.get("/public/promises/").content.decode()
    assert "甲企业的承诺" in body and "乙企业的承诺" not in body
    other = GovernmentPromise.objects.get(content="乙企业的承诺")
    assert client.get(f"/public/promises/{other.pk}/").status_code == 404
    assert client.post(f"/public/promises/{other.pk}/move/start/", {"version": 1}).status_code == 404
    own = GovernmentPromise.objects.get(content="甲企业的承诺")
    page = client.get(f"/public/promises/{own.pk}/").content.decode()
    assert "甲企业的承诺" in page and 'data-move="' not in page  # it reads, it does not move


def test_pages_allowed_and_denied(client, city):
    p = _record(city)
    for who, code in (("hub", 200), ("handler", 200), ("head", 200), ("outsider", 404), ("supervisor", 404)):
        client.force_login(getattr(city, who))
        assert client.get(f"/public/promises/{p.pk}/").status_code == code, who
    client.force_login(city.outsider)
    assert client.post(f"/public/promises/{p.pk}/move/start/", {"version": 1}).status_code == 404
    p.refresh_from_db()
    assert p.status == PromiseStatus.RECORDED
    client.logout()
    assert client.get("/public/promises/").status_code == 302
    client.force_login(city.enterprise_user)
    assert client.get("/public/promises/new/").status_code == 404


def test_recording_and_writing_off_through_the_pages(client, city):
    client.force_login(city.handler)
    r = client.post(
        "/public/promises/new/",
        {
            "credit_code": city.enterprise.credit_code,
            "kind": "arrears",
            "content": "拖欠工程款按计划偿还",
            "responsible_unit": city.units.gxj.pk,
            "due_workdays": 10,
        },
    )
    p = GovernmentPromise.objects.get()
    assert r.status_code == 302 and p.kind == "arrears"
    client.post(
        f"/public/promises/{p.pk}/move/submit_write_off/", {"version": 1, "evidence": "已偿还，银行回单"}
    )
    p.refresh_from_db()
    assert p.status == PromiseStatus.SUBMITTED
    client.force_login(city.hub)
    client.post(f"/public/promises/{p.pk}/move/verify_write_off/", {"version": p.version})
    p.refresh_from_db()
    assert p.status == PromiseStatus.WRITTEN_OFF


def test_the_ledger_costs_the_same_queries_for_few_and_many(client, city):
    _record(city)
    client.force_login(city.hub)
    client.get("/public/promises/")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/public/promises/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(6):
        _record(city, credit_code=city.other_enterprise.credit_code)
    assert count() == few
