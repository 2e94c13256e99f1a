"""The signature of a webhook call (docs/webhooks.md): HMAC-SHA256 with the subscription's
secret over `timestamp + "." + body`, hex, sent as `X-Zhitong-Signature: sha256=<hex>`."""

from __future__ import annotations

import hashlib
import hmac
import json


def webhook_body(payload: dict) -> bytes:
    """The exact bytes sent (and signed): compact UTF-8 JSON with sorted keys."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"
