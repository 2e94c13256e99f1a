import pytest

from zhitong.api.models import ApiToken
from zhitong.audit.models import AuditEvent
from zhitong.organizations.choices import Role

pytestmark = pytest.mark.django_db


def bearer(user):
    _tok, raw = ApiToken.issue(user=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def test_the_list_is_scoped_to_the_caller(client, city):
    resp = client.get("/api/v1/enterprises", headers=bearer(city.handler_a))
    assert resp.status_code == 200
    body = resp.json()
    assert body["count"] == 1 and [e["name"] for e in body["items"]] == [city.enterprise_a.name]
    other = client.get("/api/v1/enterprises", headers=bearer(city.outsider_b)).json()
    assert [e["name"] for e in other["items"]] == [city.enterprise_b.name]


def test_the_detail_is_404_for_an_outsider_and_masks_phones_for_the_handler(client, city):
    url = f"/api/v1/enterprises/{city.enterprise_a.pk}"
    denied = client.get(url, headers=bearer(city.outsider_b))
    assert denied.status_code == 404 and denied.json()["code"] == "not_found"
    body = client.get(url, headers=bearer(city.handler_a)).json()
    assert body["contacts"][0]["phone_masked"] == "138****1234"
    assert "13812341234" not in str(body)
    assert body["can_reveal_phone"] is True


def test_reveal_is_audited_for_the_hub_and_forbidden_to_the_overseer(client, city, user_with_role):
    contact = city.enterprise_a.contacts.get()
    url = f"/api/v1/enterprises/contacts/{contact.pk}/reveal-phone"
    assert client.post(url, headers=bearer(user_with_role(Role.OVERSEER))).status_code == 403
    resp = client.post(url, headers=bearer(user_with_role(Role.HUB)))
    assert resp.status_code == 200 and resp.json()["phone"] == "13812341234"
    assert AuditEvent.objects.filter(action="enterprise.contact_phone_revealed").count() == 1


def test_the_api_needs_a_token(client, city):
    assert client.get("/api/v1/enterprises").status_code == 401
