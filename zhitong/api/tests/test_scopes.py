"""Every operation of the OpenAPI document declares the scope a token needs
(`x-required-scope`, one of the scopes a token can hold), its 403 and 429 answers, and the
API enforces exactly that scope: a token holding every scope but that one is refused with
403 `insufficient_scope` on every operation."""

import re

import pytest
from django.test import Client

from zhitong.api.api import api
from zhitong.api.models import ApiToken
from zhitong.api.scopes import ALL_SCOPES, AREAS, OPEN_OPERATIONS, required_scope
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def operations(*, open_ones: bool = False):
    """The operations that need a token (or, with `open_ones`, those declared open)."""
    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in METHODS and ((method.upper(), path) in OPEN_OPERATIONS) == open_ones:
                yield path, method, op


def test_the_operations_open_without_a_token_are_exactly_the_declared_public_ones():
    found = {(m.upper(), p) for p, m, _op in operations(open_ones=True)}
    assert found == OPEN_OPERATIONS
    for path, method, op in operations(open_ones=True):
        assert not op.get("security"), f"{method.upper()} {path} is declared open but asks for a token"
        assert path.startswith("/api/v1/public/") and "/manage/" not in path
        assert "429" in {str(c) for c in op["responses"]}, f"{method.upper()} {path} is not rate-limited"


def test_every_operation_declares_a_scope_a_token_can_hold():
    ops = list(operations())
    assert len(ops) > 50
    for path, method, op in ops:
        assert op.get("security"), f"{method.upper()} {path} is open without a token"
        scope = op.get("x-required-scope")
        assert scope in ALL_SCOPES, f"{method.upper()} {path}: scope {scope!r}"
        assert scope == required_scope(method, path)
        assert {"401", "403", "429"} <= {str(c) for c in op["responses"]}, f"{method.upper()} {path}"
        assert f"`{scope}`" in op["description"]
    # Every area's scopes are used by some operation (no dead scope on the token page).
    used = {op["x-required-scope"].split(":")[0] for _p, _m, op in ops}
    assert used == set(AREAS)


def test_every_operation_refuses_a_token_without_its_scope():
    user = UserFactory(role=Role.HUB)
    tokens = {}
    for path, method, op in operations():
        scope = op["x-required-scope"]
        if scope not in tokens:
            _tok, tokens[scope] = ApiToken.issue(
                user=user, name=scope, scopes=[s for s in ALL_SCOPES if s != scope]
            )
        client = Client(HTTP_AUTHORIZATION=f"Bearer {tokens[scope]}")
        url = re.sub(r"\{[^}]+\}", "1", path)
        response = (
            getattr(client, method)(url, "{}", content_type="application/json")
            if method != "get"
            else client.get(url)
        )
        assert response.status_code == 403, f"{method.upper()} {path}: {response.status_code}"
        assert response.json()["code"] == "insufficient_scope"


def test_the_scope_of_a_path():
    assert required_scope("GET", "/api/v1/appeals/12") == "appeals:read"
    assert required_scope("POST", "/api/v1/appeals/12/moves/sign") == "appeals:write"
    assert required_scope("POST", "/api/v1/appeals/duplicates") == "appeals:read"
    assert required_scope("GET", "/api/v1/projects/3/roadmap") == "projects:read"
