"""Open311 service requests: POST registers exactly one appeal through the intake service
(retries with the same Idempotency-Key register no twin), GET reads the token owner's scope
with the standard's filters and its 90-day window, and nothing personal is in an answer."""

import pytest
import time_machine

from zhitong.appeals.choices import Channel, Status
from zhitong.appeals.models import Appeal
from zhitong.coordination.tests.conftest import at

from .conftest import Open311Client, key_of

pytestmark = pytest.mark.django_db


def form(city, **extra):
    return {
        "service_code": city.category.code,
        "attribute[credit_code]": city.enterprise.credit_code,
        "description": "企业新厂房用电报装已逾一个月未接电\n影响设备调试",
        **extra,
    }


def test_a_post_registers_exactly_one_appeal_and_a_retry_registers_no_twin(city, clerk311):
    first = clerk311.post("requests.json", form(city), **{"Idempotency-Key": "hotline-0001"})
    assert first.status_code == 201, first.content
    (answer,) = first.json()
    appeal = Appeal.objects.get()
    assert answer["service_request_id"] == appeal.code
    assert appeal.enterprise == city.enterprise and appeal.category == city.category
    assert appeal.channel == Channel.API and appeal.received_by == city.clerk
    assert appeal.title == "企业新厂房用电报装已逾一个月未接电"
    for _ in range(3):
        again = clerk311.post("requests.json", form(city), **{"Idempotency-Key": "hotline-0001"})
        assert again.status_code == 200 and again["Idempotent-Replayed"] == "true"
        assert again.json()[0]["service_request_id"] == appeal.code
    assert Appeal.objects.count() == 1
    # The same key for another request is refused; a new key registers a new appeal.
    other = clerk311.post(
        "requests.json", form(city, description="另一件事"), **{"Idempotency-Key": "hotline-0001"}
    )
    assert other.status_code == 400 and other.json()[0]["code"] == 400
    assert (
        clerk311.post("requests.json", form(city), **{"Idempotency-Key": "hotline-0002"}).status_code == 201
    )
    assert Appeal.objects.count() == 2


def test_the_location_and_the_contact_are_kept_in_the_appeal(city, clerk311):
    data = form(
        city,
        address_string="高新大道88号",
        lat="26.08",
        long="119.30",
        last_name="林",
        first_name="总",
        phone="13800000011",
    )
    data["attribute[title]"] = "用电报装"
    assert clerk311.post("requests.xml", data).status_code == 201
    appeal = Appeal.objects.get()
    assert appeal.title == "用电报装"
    assert "地点：高新大道88号" in appeal.description and "26.08, 119.3" in appeal.description
    assert (appeal.contact_name, appeal.contact_phone) == ("林总", "13800000011")


@pytest.mark.parametrize(
    "change, status, words",
    [
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "NOPE"}, 404, "NOPE"),
        ({"attribute[credit_code]": ""}, 400, "credit_code"),
        ({"attribute[credit_code]": "91350100MA0000000X"}, 400, "企业库"),
        ({"description": "  "}, 400, "description"),
        ({"description": "长" * 4001}, 400, "4000"),
        ({"lat": "26.1"}, 400, "lat"),
        ({"lat": "999", "long": "1"}, 400, "lat"),
        ({"lat": "nan", "long": "1"}, 400, "lat"),
    ],
)
def test_a_bad_post_is_refused_in_the_standards_format_and_registers_nothing(
    city, clerk311, change, status, words
):
    response = clerk311.post("requests.xml", form(city, **change))
    assert response.status_code == status
    assert b"<errors><error><code>" in response.content and words.encode() in response.content
    assert not Appeal.objects.exists()


def test_an_account_that_may_not_register_appeals_is_refused_403(city):
    response = Open311Client(key_of(city.leader)).post("requests.json", form(city))
    assert response.status_code == 403 and response.json()[0]["code"] == 403
    assert not Appeal.objects.exists()


def test_requests_read_the_token_owners_scope(city, scene):
    mine = scene.appeal(lead=city.units.gxj)
    theirs = scene.appeal(lead=city.units.swj)
    with time_machine.travel(at(2025, 9, 5), tick=False):
        head = Open311Client(key_of(city.head))  # head of unit A (GXJ)
        assert [r["service_request_id"] for r in head.get("requests.json").json()] == [mine.code]
        assert head.get(f"requests/{theirs.code}.json").status_code == 404
        outsider = Open311Client(key_of(city.outsider))  # unit B (SWJ)
        assert [r["service_request_id"] for r in outsider.get("requests.json").json()] == [theirs.code]
        assert outsider.get(f"requests/{mine.code}.xml").status_code == 404
        hub = Open311Client(key_of(city.hub))
        assert {r["service_request_id"] for r in hub.get("requests.json").json()} == {mine.code, theirs.code}
        ent = Open311Client(key_of(city.enterprise_user))
        assert {r["service_request_id"] for r in ent.get("requests.json").json()} == {mine.code, theirs.code}


def test_a_request_reads_as_the_standards_fields_and_nothing_personal(city, scene):
    appeal = scene.appeal(lead=city.units.gxj)
    appeal.contact_name, appeal.contact_phone = "林总", "13800000011"
    appeal.save(update_fields=["contact_name", "contact_phone"])
    with time_machine.travel(at(2025, 9, 5), tick=False):
        response = Open311Client(key_of(city.hub)).get(f"requests/{appeal.code}.json")
    (r,) = response.json()
    assert r["status"] == "open" and r["status_notes"] == "办理中"
    assert r["agency_responsible"] == "市工业和信息化局"
    assert r["service_code"] == city.category.code and r["service_name"] == city.category.name
    assert r["requested_datetime"].endswith("+08:00")
    assert r["expected_datetime"] == f"{appeal.handling_due:%Y-%m-%d}T23:59:59+08:00"
    body = response.content.decode()
    for secret in ("林总", "13800000011", city.handler.username, city.clerk.username, str(appeal.pk) + ","):
        assert secret not in body


def test_the_filters_and_the_90_day_window(city, scene):
    old = scene.appeal()
    with time_machine.travel(at(2025, 12, 20), tick=False):
        scene.now = at(2025, 12, 20)
        new = scene.appeal()
        Appeal.objects.filter(pk=new.pk).update(status=Status.CLOSED)
    with time_machine.travel(at(2025, 12, 21), tick=False):
        hub = Open311Client(key_of(city.hub))
        ids = lambda **p: [r["service_request_id"] for r in hub.get("requests.json", **p).json()]  # noqa: E731
        assert ids() == [new.code]  # the most recent 90 days
        assert ids(start_date="2025-09-01T00:00:00+08:00") == [old.code]
        assert ids(end_date="2025-10-01T00:00:00Z") == [old.code]
        assert ids(start_date="2025-12-01T00:00:00Z", end_date="2025-12-31T00:00:00Z") == [new.code]
        assert ids(service_request_id=f"{old.code},{new.code}") == [
            new.code,
            old.code,
        ]  # overrides the window
        assert ids(status="closed") == [new.code] and ids(status="open") == []
        assert ids(status="open,closed") == [new.code]
        assert ids(service_code="NOPE") == [] and ids(service_code=city.category.code) == [new.code]
        for bad in (
            {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-12-01T00:00:00Z"},
            {"start_date": "2025-12-01T00:00:00Z", "end_date": "2025-11-01T00:00:00Z"},
            {"start_date": "2025-12-01"},
            {"start_date": "2025-12-01T00:00:00"},
            {"status": "pending"},
        ):
            response = hub.get("requests.xml", **bad)
            assert response.status_code == 400, bad
            assert b"<errors>" in response.content


def test_a_token_lookup_finds_only_the_clients_own_key(city, clerk311):
    clerk311.post("requests.json", form(city), **{"Idempotency-Key": "k-9"})
    assert clerk311.get("tokens/k-9.json").json()[0]["service_request_id"] == Appeal.objects.get().code
    assert Open311Client(key_of(city.hub)).get("tokens/k-9.json").status_code == 404
