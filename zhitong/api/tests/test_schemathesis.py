"""Schemathesis drives every operation of the OpenAPI document with data generated from the
document itself, valid and invalid, as a hub with a real token: no answer is a server
error, every status is documented for its operation, and every body matches its documented
schema and content type. Bounded: a few examples per operation and mode, a fixed seed.

(schemathesis' own pytest integration, `from_fixture(...).parametrize()`, does not run
under pytest 9 yet — it reads `Function._nodeid` — so the operations are walked here with
Hypothesis directly, as its documentation shows for `APIOperation.as_strategy`.)"""

import os

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from zhitong.api.models import ApiToken

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CONFIG = schemathesis.Config.from_dict({"seed": 20250901, "generation": {"deterministic": True}})
SETTINGS = hypothesis.settings(
    # A longer local hunt: ZHITONG_FUZZ_EXAMPLES=50 (the suite keeps to a few seconds per operation).
    max_examples=int(os.environ.get("ZHITONG_FUZZ_EXAMPLES", "3")),
    derandomize=True,  # the same cases on every run
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the report names the case as sent
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def keep_connection():
    """Requests go through the WSGI application, whose request signals would close the
    test's database connection (and with it the test's transaction); Django's test client
    detaches the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
def test_every_operation_conforms_to_the_openapi_document(world, keep_connection):
    """`world` first: ids in the generated requests sometimes name real objects."""
    token = ApiToken.issue(user=world.city.hub, name="schemathesis")[1]
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application(), config=CONFIG)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):

            @SETTINGS
            @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                # Nothing in this operation can be made invalid (e.g. only free-text optional
                # parameters): no negative case exists. A positive run must still produce cases.
                if mode != schemathesis.GenerationMode.NEGATIVE:
                    raise
            except (Exception, BaseExceptionGroup) as exc:  # collected: one run reports every operation
                failures.append(f"{operation.label} ({mode}): {exc}"[:2000])
    assert failures == [], "\n\n".join(failures)
