"""The OpenAPI document's examples and component names (issue 13: "every operation, every
response code, examples").

- Every example in the document is valid against the schema it illustrates, so an example
  cannot drift from the fields it shows.
- The operations a client starts with (register an appeal, read it, list, move it) have
  examples; every other operation without one is listed in
  `operations_without_examples.txt`, and the list only shrinks: a new operation comes with
  an example (pydantic `json_schema_extra={"examples": [...]}` on its schema), and one that
  gains an example leaves the list.
- No two different schemas share a component name (contract.UniqueNamesSchema).
"""

from pathlib import Path

import jsonschema_rs
import pytest
from ninja import Router, Schema

from zhitong.api.api import api
from zhitong.api.contract import ContractAPI, SchemaNameClash

WITHOUT_EXAMPLES = Path(__file__).with_name("operations_without_examples.txt")
METHODS = ("get", "post", "put", "patch", "delete")

# What a generated client needs first (test_generated_client.py): these must have examples.
CLIENT_OPERATIONS = {
    "POST /api/v1/appeals",
    "GET /api/v1/appeals",
    "GET /api/v1/appeals/{appeal_id}",
    "POST /api/v1/appeals/{appeal_id}/moves/{move}",
}


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema(path_prefix="/api/v1/")


def _operations(document):
    for path, item in document["paths"].items():
        for method, op in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", op


def _component(document, ref: str) -> dict:
    return document["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def _has_example(document, schema, depth=0) -> bool:
    """The schema, the component it names, an item schema or one of its alternatives
    carries an example."""
    if not isinstance(schema, dict) or depth > 4:
        return False
    if "example" in schema or "examples" in schema:
        return True
    if "$ref" in schema:
        return _has_example(document, _component(document, schema["$ref"]), depth + 1)
    if "items" in schema:
        return _has_example(document, schema["items"], depth + 1)
    return any(
        _has_example(document, s, depth + 1) for s in schema.get("oneOf", []) + schema.get("anyOf", [])
    )


def _content_has_example(document, content: dict) -> bool:
    return any(
        "example" in media or "examples" in media or _has_example(document, media.get("schema"))
        for media in content.values()
    )


def _without_examples(document) -> set[str]:
    """Operations whose request body, or whose first successful response with a body, shows
    no example."""
    out = set()
    for name, op in _operations(document):
        body = op.get("requestBody")
        answers = [r for code, r in sorted(op["responses"].items(), key=str) if str(code).startswith("2")]
        answers = [r for r in answers if r.get("content")]
        if (body and not _content_has_example(document, body["content"])) or (
            answers and not _content_has_example(document, answers[0]["content"])
        ):
            out.add(name)
    return out


def _examples(document):
    """(where, schema, example) for every example in the document."""
    for name, schema in document["components"]["schemas"].items():
        for example in schema.get("examples", []):
            yield f"components/{name}", schema, example
    for name, op in _operations(document):
        for param in op.get("parameters", []):
            if "example" in param:
                yield f"{name} parameter {param['name']}", param["schema"], param["example"]
        contents = [op.get("requestBody", {}).get("content", {})]
        contents += [r.get("content", {}) for r in op["responses"].values()]
        for content in contents:
            for media in content.values():
                if "example" in media:
                    yield name, media["schema"], media["example"]
                for example in media.get("examples", {}).values():
                    yield name, media["schema"], example.get("value")


def test_every_example_in_the_document_is_valid_against_its_schema(document):
    examples = list(_examples(document))
    assert len(examples) >= 5  # the intake, the appeal, its list and detail, the move
    invalid = []
    for where, schema, example in examples:
        # The schema with the document's components beside it, so its `$ref`s resolve.
        validator = jsonschema_rs.Draft202012Validator({**schema, "components": document["components"]})
        errors = [e.message for e in validator.iter_errors(example)]
        if errors:
            invalid.append(f"{where}: {errors[:3]}")
    assert invalid == []


def test_the_operations_a_client_starts_with_have_examples(document):
    assert CLIENT_OPERATIONS & _without_examples(document) == set()
    assert CLIENT_OPERATIONS <= {name for name, _ in _operations(document)}


def test_an_operation_without_an_example_is_listed_and_the_list_only_shrinks(document):
    listed = {line.strip() for line in WITHOUT_EXAMPLES.read_text().splitlines() if line.strip()}
    missing = _without_examples(document)
    assert sorted(missing - listed) == [], "a new operation without an example: give its schema one"
    assert sorted(listed - missing) == [], "these now have examples (or are gone): remove them from the list"


def test_two_different_schemas_under_one_name_are_refused():
    class Thing(Schema):
        id: int

    first = Router()
    first.get("/a", response=Thing)(lambda request: {"id": 1})

    class Thing(Schema):  # the same name, another shape: the clash under test
        name: str

    second = Router()
    second.get("/b", response=Thing)(lambda request: {"name": "x"})
    clashing = ContractAPI(urls_namespace="clash-test")
    clashing.add_router("/first", first)
    clashing.add_router("/second", second)
    with pytest.raises(SchemaNameClash, match="Thing"):
        clashing.get_openapi_schema(path_prefix="/")


def test_one_schema_used_by_many_operations_is_one_component(document):
    # AppealDetailOut answers the intake, the detail and every move: one component.
    assert "AppealDetailOut" in document["components"]["schemas"]
    assert "MilestoneMoveIn" in document["components"]["schemas"]  # renamed from a clash
