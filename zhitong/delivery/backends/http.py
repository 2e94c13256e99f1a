"""A JSON POST with the standard library (no HTTP client dependency): the SMS gateway
example, the group robots and the webhooks call it. 2xx is success; 408, 429 and 5xx and
network errors are retried; any other 4xx is permanent."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from .base import PermanentFailure, SendFailure

TIMEOUT = 10  # seconds
RETRIED_4XX = {408, 425, 429}


@dataclass
class Response:
    status: int
    body: bytes

    def json(self):
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


class HttpFailure(SendFailure):
    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class HttpRefused(PermanentFailure):
    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def post(
    url: str, body: bytes, *, headers: dict[str, str] | None = None, timeout: float = TIMEOUT
) -> Response:
    """POST `body` (JSON) to `url`; returns the 2xx response or raises."""
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json; charset=utf-8")
    request.add_header("User-Agent", "Zhitong/1")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Response(response.status, response.read(65536))
    except urllib.error.HTTPError as exc:
        status = exc.code
        if 400 <= status < 500 and status not in RETRIED_4XX:
            raise HttpRefused(f"HTTP {status}", status) from None
        raise HttpFailure(f"HTTP {status}", status) from None
    except (urllib.error.URLError, OSError, TimeoutError) as exc:
        raise HttpFailure(f"{type(exc).__name__}: {exc}") from None


def post_json(url: str, data, *, headers: dict[str, str] | None = None, timeout: float = TIMEOUT) -> Response:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return post(url, body, headers=headers, timeout=timeout)
