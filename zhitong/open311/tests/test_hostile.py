"""Every Open311 path fed hostile values in its path, query and form parameters, with a
good key and without one: no answer is a 5xx, and every error is the standard's
`[{code, description}]` in the format the path asks for (XML when it names none)."""

import json
import xml.etree.ElementTree as ET
from urllib.parse import quote

import pytest
from django.test import Client

from .conftest import key_of

pytestmark = pytest.mark.django_db

HOSTILE = [
    "a\x00b",
    "\ud800",
    "x" * 100_000,
    str(2**63),
    "-1",
    "2026-02-30T00:00:00Z",
    "2025-09-01T09:00:00",
    "1900-01-01T00:00:00Z",
    "9999-12-31T23:59:59+14:00",
    '<x a="1">&amp;</x>',
    "' OR 1=1 --",
    ",,,,",
    ",".join(["ZT-2025-000001"] * 500),
    "nan",
    "",
]
PARAMS = (
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "api_key",
    "jurisdiction_id",
)
FORM = (
    "service_code",
    "attribute[credit_code]",
    "attribute[title]",
    "description",
    "lat",
    "long",
    "address_string",
    "phone",
    "first_name",
    "api_key",
)
PATHS = ("services.{f}", "services/{x}.{f}", "requests.{f}", "requests/{x}.{f}", "tokens/{x}.{f}")
FORMATS = ("json", "xml", "html", "")


def url_value(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def check(response, fmt: str):
    assert response.status_code < 500, (response.status_code, response.content[:300])
    if response.status_code < 400:
        return
    if fmt == "json":
        body = json.loads(response.content)
        assert [set(e) for e in body] == [{"code", "description"}] and body[0]["code"] == response.status_code
    else:
        root = ET.fromstring(response.content)
        assert root.tag == "errors" and root[0].find("code").text == str(response.status_code)


@pytest.fixture
def key(city):
    return key_of(city.hub)


def test_hostile_path_and_query_values_never_give_a_5xx(city, key):
    for api_key in (key, None):
        for template in PATHS:
            for fmt in FORMATS:
                for value in HOSTILE:
                    x = url_value(value) or "x"
                    path = "/open311/v2/" + template.format(f=fmt, x=x)
                    check(Client().get(path + (f"?api_key={api_key}" if api_key else "")), fmt)
        for name in PARAMS:
            for value in HOSTILE:
                query = f"{name}={url_value(value)}" + (
                    f"&api_key={api_key}" if api_key and name != "api_key" else ""
                )
                for fmt in ("json", "xml"):
                    check(Client().get(f"/open311/v2/requests.{fmt}?{query}"), fmt)
        # A parameter given twice, and every parameter at once.
        check(Client().get(f"/open311/v2/requests.json?status=open&status=closed&api_key={key}"), "json")


def test_hostile_form_values_never_give_a_5xx(city, key):
    base = {
        "service_code": city.category.code,
        "attribute[credit_code]": city.enterprise.credit_code,
        "description": "用电报装",
        "api_key": key,
    }
    for name in FORM:
        for value in HOSTILE:
            body = "&".join(f"{quote(k)}={url_value(value if k == name else v)}" for k, v in base.items())
            if name not in base:
                body += f"&{quote(name)}={url_value(value)}"
            for fmt in ("json", "xml"):
                response = Client().post(
                    f"/open311/v2/requests.{fmt}", body, content_type="application/x-www-form-urlencoded"
                )
                check(response, fmt)


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"\xed\xa0\x80=1", "application/x-www-form-urlencoded"),
        (b'{"service_code": "SCJY"}', "application/json"),
        (b"", "application/x-www-form-urlencoded"),
        (b"--x\r\nbroken", "multipart/form-data; boundary=x"),
        (b"a=" + b"x" * 30_000_000, "application/x-www-form-urlencoded"),
        (b"&".join(b"f%d=1" % i for i in range(5000)), "application/x-www-form-urlencoded"),
    ],
)
def test_hostile_bodies_never_give_a_5xx(city, key, body, content_type):
    for fmt in ("json", "xml"):
        response = Client().post(f"/open311/v2/requests.{fmt}?api_key={key}", body, content_type=content_type)
        check(response, fmt)


def test_unknown_paths_and_wrong_methods_answer_in_the_standards_format(city):
    check(Client().get("/open311/v2/nothing.json"), "json")
    check(Client().get("/open311/v2/nothing"), "xml")
    response = Client().delete("/open311/v2/services.json")
    assert response.status_code == 405
    check(response, "json")
    response = Client().post("/open311/v2/services.xml")
    assert response.status_code == 405
    check(response, "xml")
