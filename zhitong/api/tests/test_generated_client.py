"""A client generated from the OpenAPI document by a maintained generator
(openapi-python-client, docs/api.md) registers an appeal and follows it against the real
server: the document is complete enough for a stranger's tooling, not only for our tests.

The generator runs offline on the document served at /api/v1/openapi.json and must not warn
(`--fail-on-warning`): a schema it cannot handle is fixed in our code, never in its output."""

import importlib
import json
import os
import subprocess
import sys

import pytest
from django.test import Client

from zhitong.api.models import ApiToken
from zhitong.api.services import token_revoke
from zhitong.appeals.choices import Status
from zhitong.appeals.models import Appeal
from zhitong.appeals.tests import conftest as appeals

# The appeals tests' small city (hub, hotline clerk, an enterprise, the seeded categories and
# routing rules) and their frozen start, media directory and calendar cache.
city = appeals.city
_frozen_start, _media, _fresh_calendar_cache = (
    appeals._frozen_start,
    appeals._media,
    appeals._fresh_calendar_cache,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PACKAGE = "zhitong_client"
# The generator's network is a closed port: it reads the document from a file, and any
# attempt to reach a host would fail instead of going out.
NO_NETWORK = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client package generated once from the served document, importable by the tests."""
    tmp_path = tmp_path_factory.mktemp("generated")
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(response.json(), ensure_ascii=False), encoding="utf-8")
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"post_hooks": []}))  # no formatter: faster, and nothing to fetch
    result = subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate"]
        + ["--path", str(document), "--output-path", str(tmp_path / PACKAGE)]
        + ["--meta", "none", "--config", str(config), "--fail-on-warning"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=os.environ | NO_NETWORK,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _authenticated(package, live_server, user):
    _, raw = ApiToken.issue(user=user, name="生成的客户端", scopes=["appeals:read", "appeals:write"])
    # trust_env off: the test server is on loopback, never behind the machine's proxy settings.
    return package.AuthenticatedClient(
        base_url=live_server.url, token=raw, raise_on_unexpected_status=True, httpx_args={"trust_env": False}
    )


def test_a_generated_client_registers_an_appeal_and_follows_it_through_an_assignment(
    generated, live_server, city
):
    from zhitong_client.api.appeals import (
        zhitong_appeals_api_appeal_create as create,
    )
    from zhitong_client.api.appeals import (
        zhitong_appeals_api_appeal_detail as detail,
    )
    from zhitong_client.api.appeals import (
        zhitong_appeals_api_appeal_do_move as do_move,
    )
    from zhitong_client.api.appeals import (
        zhitong_appeals_api_appeal_list as listing,
    )
    from zhitong_client.models import AppealDetailOut, AppealOut, Channel, IntakeIn, MoveIn

    clerk = _authenticated(generated, live_server, city.clerk)
    body = IntakeIn(
        enterprise_id=city.enterprise.pk,
        title="技改项目设备补贴资金尚未兑付",
        description="企业2024年技改项目已通过验收，设备补贴资金至今未兑付。",
        category_id=city.category.pk,
        channel=Channel.HOTLINE,
        contact_name="林经理",
    )
    first = create.sync_detailed(client=clerk, body=body, idempotency_key="hotline-20250901-0001")
    assert first.status_code == 201
    appeal = first.parsed
    assert isinstance(appeal, AppealDetailOut)
    assert (appeal.status, appeal.enterprise.id) == (Status.SUBMITTED, city.enterprise.pk)

    # A retry with the same key is a replay, and the declared header says so.
    again = create.sync_detailed(client=clerk, body=body, idempotency_key="hotline-20250901-0001")
    assert (again.status_code, again.headers["Idempotent-Replayed"]) == (200, "true")
    assert again.parsed.id == appeal.id
    assert Appeal.objects.count() == 1

    read = detail.sync(client=clerk, appeal_id=appeal.id)
    assert isinstance(read, AppealDetailOut)
    assert (read.code, read.title, read.version) == (appeal.code, body.title, appeal.version)
    assert [e.action for e in read.timeline] == ["intake"]

    page = listing.sync(client=clerk, q="技改")
    assert page.count == 1
    assert [(type(i), i.id) for i in page.items] == [(AppealOut, appeal.id)]

    # The hub assigns it (the lead unit by the routing rules); the clerk follows it there.
    hub = _authenticated(generated, live_server, city.hub)
    moved = do_move.sync(
        client=hub, appeal_id=appeal.id, move="assign", body=MoveIn(expected_version=read.version)
    )
    assert isinstance(moved, AppealDetailOut)
    followed = detail.sync(client=clerk, appeal_id=appeal.id)
    assert followed.status == Status.ASSIGNED
    assert followed.version > read.version
    assert [e.action for e in followed.timeline] == ["intake", "assign"]
    assert followed.lead_unit.code == Appeal.objects.get().lead_unit.code

    # A stale version is the documented 409, parsed into the error contract's shape.
    stale = do_move.sync_detailed(
        client=hub, appeal_id=appeal.id, move="assign", body=MoveIn(expected_version=read.version)
    )
    assert stale.status_code == 409
    assert stale.parsed.code and stale.parsed.message


def test_the_generated_client_is_refused_with_a_revoked_token(generated, live_server, city):
    from zhitong_client.api.appeals import zhitong_appeals_api_appeal_list as listing

    token, raw = ApiToken.issue(user=city.clerk, name="生成的客户端", scopes=["appeals:read"])
    token_revoke(actor=None, token_id=token.pk)
    clerk = generated.AuthenticatedClient(
        base_url=live_server.url, token=raw, httpx_args={"trust_env": False}
    )
    refused = listing.sync_detailed(client=clerk)
    assert refused.status_code == 401
    assert refused.parsed.code == "unauthorized"
