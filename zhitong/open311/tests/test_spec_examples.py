"""Our Open311 answers against the specification's own examples
(fixtures/georeport_v2_examples.json, copied from https://wiki.open311.org/GeoReport_v2/):
the same root and item elements, the same field names in the same order in XML, the same
keys in JSON, the XML declaration with UTF-8 and the standard's content types."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import time_machine

from zhitong.appeals.models import Category
from zhitong.coordination.tests.conftest import at

pytestmark = pytest.mark.django_db

SPEC = json.loads((Path(__file__).parent / "fixtures" / "georeport_v2_examples.json").read_text("utf-8"))


def spec_xml(name: str) -> ET.Element:
    text = SPEC[name]["xml"]
    return ET.fromstring(text[text.index("<?xml") :].encode())


def spec_json_keys(name: str) -> set[str]:
    # The spec's JSON is not strict (001): its field names are what it defines.
    return set(re.findall(r'"(\w+)"\s*:', SPEC[name]["json"]))


def shape(element: ET.Element) -> tuple:
    """(tag, child tags in order) of the element and of its first item."""
    first = element[0]
    return element.tag, first.tag, [c.tag for c in first]


def our_xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def keys(document) -> set[str]:
    out = set()
    for item in document if isinstance(document, list) else [document]:
        out |= set(item)
    return out


def test_the_fixture_names_its_source():
    assert SPEC["source"].startswith("https://wiki.open311.org/GeoReport_v2/")


def test_the_service_list_has_the_specs_fields_in_xml_and_json(city):
    ours = our_xml(Client311().get("services.xml"))
    assert shape(ours) == shape(spec_xml("services"))[:2] + (
        ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
    )
    assert {c.tag for c in ours[0]} == {c.tag for c in spec_xml("services")[0]}
    assert len(ours) == Category.objects.filter(is_active=True).count() > 0
    response = Client311().get("services.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert keys(body) == spec_json_keys("services")
    assert body[0]["metadata"] is True and body[0]["type"] == "realtime"


def test_a_service_definition_has_the_specs_fields(city):
    code = city.category.code
    ours = our_xml(Client311().get(f"services/{code}.xml"))
    spec = spec_xml("service_definition")
    assert ours.tag == spec.tag == "service_definition"
    assert [c.tag for c in ours] == [c.tag for c in spec]
    assert [c.tag for c in ours.find("attributes")[0]] == [c.tag for c in spec.find("attributes")[0]]
    body = Client311().get(f"services/{code}.json").json()
    assert set(body) | set(body["attributes"][0]) == spec_json_keys("service_definition") - {"key", "name"}
    assert body["service_code"] == code
    assert [a["code"] for a in body["attributes"] if a["required"]] == ["credit_code"]


def test_requests_have_the_specs_fields_in_the_specs_order(city, scene, hub311):
    appeal = scene.appeal()
    with time_machine.travel(at(2025, 9, 5), tick=False):
        _requests_have_the_specs_fields(appeal, hub311)


def _requests_have_the_specs_fields(appeal, hub311):
    for name, path in (("service_requests", "requests"), ("service_request", f"requests/{appeal.code}")):
        ours = our_xml(hub311.get(f"{path}.xml"))
        assert shape(ours) == shape(spec_xml(name))
        body = hub311.get(f"{path}.json").json()
        assert keys(body) == spec_json_keys(name)
        assert body[0]["service_request_id"] == appeal.code


def test_the_post_answer_and_the_token_answer_have_the_specs_fields(city, clerk311):
    posted = clerk311.post(
        "requests.xml",
        {
            "service_code": city.category.code,
            "attribute[credit_code]": city.enterprise.credit_code,
            "description": "用电报装迟迟未办",
        },
        **{"Idempotency-Key": "k-1"},
    )
    assert posted.status_code == 201, posted.content
    assert shape(our_xml(posted)) == shape(spec_xml("post_request"))
    again = clerk311.post(
        "requests.json",
        {
            "service_code": city.category.code,
            "attribute[credit_code]": city.enterprise.credit_code,
            "description": "用电报装迟迟未办",
        },
        **{"Idempotency-Key": "k-1"},
    )
    assert keys(again.json()) == spec_json_keys("post_request")
    assert shape(our_xml(clerk311.get("tokens/k-1.xml"))) == shape(spec_xml("token"))
    assert keys(clerk311.get("tokens/k-1.json").json()) == spec_json_keys("token")


def test_errors_have_the_specs_fields_in_xml_and_json(city):
    response = Client311().get("requests.xml")
    assert response.status_code == 403
    ours = our_xml(response)
    spec = spec_xml("errors")
    assert shape(ours) == shape(spec)
    body = Client311().get("requests.json").json()
    assert keys(body) == spec_json_keys("errors")
    assert body[0]["code"] == 403


def Client311():
    from .conftest import Open311Client

    return Open311Client(None)
