"""Open311 GeoReport v2 answers in its two formats (https://wiki.open311.org/GeoReport_v2/,
"Format Support"): XML — schemaless, no namespace, the XML declaration with UTF-8, a root
element holding one element per item (`<services><service>…`) — and JSON, the same
documents mapped by the Spark convention: a list of objects. Errors are the standard's
list of `{code, description}` (`<errors><error>…`) in either format."""

from __future__ import annotations

import json
from datetime import date, datetime
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# A list under a key becomes a wrapper element holding one element per item.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
}


def w3(value) -> str | None:
    """A date/time in the w3 subset of ISO 8601 with its offset (the spec's "Date/time
    format"): local time, e.g. 2026-11-30T09:15:00+08:00."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(microsecond=0).isoformat()
    if isinstance(value, date):  # a deadline day: its last second, local time
        end = timezone.make_aware(datetime(value.year, value.month, value.day, 23, 59, 59))
        return end.isoformat()
    return str(value)


def _scalar(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def _element(tag: str, value) -> str:
    if isinstance(value, dict):
        return f"<{tag}>" + "".join(_element(k, v) for k, v in value.items()) + f"</{tag}>"
    if isinstance(value, list):
        item = ITEM_TAGS.get(tag, "item")
        return f"<{tag}>" + "".join(_element(item, v) for v in value) + f"</{tag}>"
    return f"<{tag}>{_scalar(value)}</{tag}>"


def to_xml(root: str, document) -> str:
    """The XML of `document` (a list of items under `root`, or one object as `root`)."""
    return '<?xml version="1.0" encoding="utf-8"?>\n' + _element(root, document)


def render(fmt: str, root: str, document, *, status: int = 200, headers: dict | None = None) -> HttpResponse:
    """`document`: a list (of items, the JSON array) under `root`, or one object (a service
    definition: JSON object, XML root element)."""
    if fmt == "json":
        body = json.dumps(document, ensure_ascii=False)
    else:
        body = to_xml(root, document)
    response = HttpResponse(body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt])
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def format_of_path(path: str) -> str:
    """The format a path asks for; XML (the required format) when it names none we serve."""
    return "json" if path.rstrip("/").endswith(".json") else "xml"


def errors(fmt: str, status: int, description: str, *, headers: dict | None = None) -> HttpResponse:
    """The standard's error answer: HTTP `status` and `[{code, description}]`, the code
    being the HTTP status (as in the spec's example)."""
    return render(
        fmt if fmt in FORMATS else "xml",
        "errors",
        [{"code": status, "description": description}],
        status=status,
        headers=headers,
    )
