"""The Open311 operations in their OpenAPI document (/open311/v2/openapi.json): all six,
each with every answer it gives, each answer with an example in JSON and in XML; and the
answers given are among those documented."""

import pytest
from django.test import Client

from zhitong.open311.api import open311_api

pytestmark = pytest.mark.django_db

EXPECTED = {
    ("get", "/open311/v2/services.{fmt}"): {"200", "400", "404"},
    ("get", "/open311/v2/services/{service_code}.{fmt}"): {"200", "400", "404"},
    ("post", "/open311/v2/requests.{fmt}"): {"200", "201", "400", "403", "404", "429"},
    ("get", "/open311/v2/requests.{fmt}"): {"200", "400", "403", "404", "429"},
    ("get", "/open311/v2/requests/{service_request_id}.{fmt}"): {"200", "400", "403", "404", "429"},
    ("get", "/open311/v2/tokens/{token}.{fmt}"): {"200", "400", "403", "404", "429"},
}


def test_every_open311_operation_documents_its_answers_with_examples():
    schema = open311_api.get_openapi_schema()
    ops = {(m, p): op for p, item in schema["paths"].items() for m, op in item.items()}
    assert set(ops) == set(EXPECTED)
    for key, codes in EXPECTED.items():
        responses = ops[key]["responses"]
        assert {str(c) for c in responses} == codes, key
        for code, answer in responses.items():
            content = answer["content"]
            assert content["application/json"]["example"] is not None, (key, code)
            assert content["text/xml"]["example"].startswith('<?xml version="1.0" encoding="utf-8"?>'), (
                key,
                code,
            )
    post = ops[("post", "/open311/v2/requests.{fmt}")]
    assert post["requestBody"]["content"]["application/x-www-form-urlencoded"]["example"]
    assert {p["name"] for p in post["parameters"]} >= {"fmt", "Idempotency-Key"}


def test_the_document_is_served():
    response = Client().get("/open311/v2/openapi.json")
    assert response.status_code == 200 and response.json()["info"]["version"] == "2"
