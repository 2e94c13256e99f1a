"""The API side of the transition kernel, shared by every app's router: the documented body
of `POST …/{id}/moves/{move}` (`move_body`, for `openapi_extra`) and the one way such a
request is performed (`move`: the move's fields and `version` from a JSON body or a form,
through `machine.dispatch(unknown="refuse")` — the entry point the pages use too).
Moved here from coordination's API when the projects' API became its second user."""

from __future__ import annotations

import json

from zhitong.core.errors import ConflictError, InvalidInput, ServiceError, UnsupportedMediaType
from zhitong.core.fields import MAX_ID

from .transitions import FILE_KINDS, Machine, required_version

VERSION_SCHEMA = {
    "anyOf": [{"type": "integer", "minimum": 0, "maximum": MAX_ID}, {"type": "null"}],
    "description": "调用方读取时对象的版本号；过期则 409",
}


def move_body(machine: Machine) -> dict:
    """The OpenAPI request body of POST …/moves/{move} (`openapi_extra`): a JSON object with
    `version` and the move's fields — every field of the table is listed, each move takes
    only its own (a key it does not take is refused with 422). A table with a file field
    also takes multipart/form-data."""
    schema = machine.input_model.model_json_schema()
    schema["properties"] = {"version": VERSION_SCHEMA, **schema.get("properties", {})}
    content = {"application/json": {"schema": schema}}
    files = {f.name: f for m in machine.moves.values() for f in m.form if f.kind in FILE_KINDS}
    if files:
        form = {"version": {"type": "integer", "minimum": 0, "maximum": MAX_ID}}
        for m in machine.moves.values():
            for f in m.form:
                if f.kind in FILE_KINDS:
                    form[f.name] = {"type": "string", "format": "binary", "description": str(f.label)}
                else:
                    form[f.name] = {
                        k: v for k, v in schema["properties"][f.name]["anyOf"][0].items() if k != "title"
                    }
        content["multipart/form-data"] = {"schema": {"type": "object", "properties": form}}
    return {"requestBody": {"required": False, "content": content}}


def _form_data(m, post, files) -> dict:
    """A multipart or urlencoded form as the kernel takes it: the lists of a list kind,
    one value of any other (a key the move does not take stays, to be refused)."""
    kinds = {f.name: f.kind for f in m.form}
    data = {}
    for key in post:
        values = post.getlist(key)
        data[key] = values if kinds.get(key) in ("units", "event_items", "items") else values[-1]
    for key in files:
        data[key] = files.getlist(key) if kinds.get(key) == "files" else files[key]
    return data


def move(request, machine: Machine, *, pk, name: str):
    """POST …/{id}/moves/{move}: the move's declared fields and `version` from a JSON body
    (or a multipart form, for files), performed through `machine.dispatch` — the one entry
    point shared with the pages, which checks and types every field by its kind (422) and
    here also refuses a key the move does not take. 422 without `version` (the version the
    client based the move on), 409 stale version / illegal or unknown move, 403 not
    allowed, 415 a body neither JSON nor a form; the caller has already answered 404 for an
    object the user may not see."""
    m = machine.moves.get(name)
    if m is None:
        raise ConflictError(f"未知的操作：{name}", code="unknown_move")
    content_type = (request.content_type or "").lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, RecursionError):
            raise ServiceError("请求体不是有效的JSON", code="malformed_json")
        if not isinstance(data, dict):
            raise InvalidInput("请求体应为JSON对象")
    elif content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        data = _form_data(m, request.POST, request.FILES)
    elif not request.body:
        data = {}
    else:
        raise UnsupportedMediaType("请求体须为 JSON 或表单（multipart/form-data）")
    version = required_version(data.pop("version", None))
    return machine.dispatch(
        pk=pk, move=name, actor=request.user, expected_version=version, unknown="refuse", **data
    )
