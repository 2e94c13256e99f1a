"""The enterprise's withdrawal and the hub's call-back through the API's one move operation
(`POST /api/v1/appeals/{id}/moves/{move}`): the same table, the same scope."""

import json

import pytest

from zhitong.api.models import ApiToken
from zhitong.appeals.choices import Status, WithdrawalCheck
from zhitong.eportal.choices import AccessStatus
from zhitong.eportal.models import ContactAccess
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _move(client, user, appeal, move, data):
    _, raw = ApiToken.issue(user=user, name="测试")
    appeal.refresh_from_db()
    return client.post(
        f"/api/v1/appeals/{appeal.pk}/moves/{move}",
        data=json.dumps({"expected_version": appeal.version, "data": data}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )


def test_withdrawal_and_call_back_through_the_api_only_for_their_actors(flow, city, client):
    appeal = flow.to(Status.IN_PROGRESS)
    pending = UserFactory(role=Role.ENTERPRISE, unit=None, enterprise=None)
    ContactAccess.objects.create(
        user=pending, enterprise=city.enterprise, status=AccessStatus.PENDING_PRINCIPAL
    )
    for outsider in (city.other_enterprise_user, pending):
        r = _move(client, outsider, appeal, "withdraw", {"reason": "不需要了"})
        assert r.status_code == 404, r.content
    assert _move(client, city.handler, appeal, "withdraw", {"reason": "x"}).status_code == 403
    r = _move(client, city.enterprise_user, appeal, "withdraw", {"reason": "问题已自行解决"})
    assert r.status_code == 200
    appeal.refresh_from_db()
    assert appeal.status == Status.WITHDRAWN
    assert r.json()["stage"] == "withdrawn"  # the enterprise's shape: its public stage
    assert (
        _move(client, city.enterprise_user, appeal, "confirm_withdrawal", {"call_note": "x"}).status_code
        == 403
    )
    r = _move(client, city.hub, appeal, "confirm_withdrawal", {"call_note": "已回访，自愿撤回"})
    assert r.status_code == 200
    appeal.refresh_from_db()
    assert appeal.withdrawal_check == WithdrawalCheck.VOLUNTARY
    # Called back once: a second outcome is refused.
    assert _move(client, city.hub, appeal, "reopen_withdrawal", {"call_note": "x"}).status_code == 409
