import pytest

from zhitong.api.models import ApiToken
from zhitong.organizations.services import service_window_save

from .org_fixtures import org_fixture  # noqa: F401  (provides the `org` fixture)

pytestmark = pytest.mark.django_db


def bearer(user):
    _tok, raw = ApiToken.issue(user=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def test_units_come_as_a_list_and_as_a_tree(client, org):
    units = client.get("/api/v1/organizations/units", headers=bearer(org.handler_a)).json()
    assert {u["code"] for u in units} == {"ROOT", "A", "A-QYFW", "B"}
    section = next(u for u in units if u["code"] == "A-QYFW")
    assert section["parent_id"] == org.unit_a.pk and section["depth"] == 2
    tree = client.get("/api/v1/organizations/units/tree", headers=bearer(org.handler_a)).json()
    assert [n["code"] for n in tree] == ["ROOT"]
    assert sorted(n["code"] for n in tree[0]["children"]) == ["A", "B"]


def test_a_units_people_are_shown_in_scope_and_denied_outside(client, org):
    ok = client.get(f"/api/v1/organizations/units/{org.unit_a.pk}", headers=bearer(org.handler_a))
    assert ok.status_code == 200
    assert {m["username"] for m in ok.json()["members"]} == {org.handler_a.username, org.head_a.username}
    denied = client.get(f"/api/v1/organizations/units/{org.unit_a.pk}", headers=bearer(org.outsider_b))
    assert denied.status_code == 404


def test_the_window_directory(client, org):
    service_window_save(
        actor=None, unit=org.unit_b, leader_name="陈明", section_name="企业服务中心", phone="0591-1"
    )
    groups = client.get("/api/v1/organizations/windows", headers=bearer(org.outsider_b)).json()
    assert [(g["kind"], [w["unit_code"] for w in g["windows"]]) for g in groups] == [("county", ["B"])]
