"""Per-request context (actor, client address) that services read as defaults.

Set by RequestContextMiddleware for web requests and by the API auth for API calls;
management commands and tasks run with an empty context (actor = system).
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestInfo:
    client_addr: str = ""
    user_id: int | None = None
    via: str = "system"  # web | api | cli | system


_current: ContextVar[RequestInfo] = ContextVar("zhitong_request_info", default=RequestInfo())


def current() -> RequestInfo:
    return _current.get()


def set_current(info: RequestInfo):
    return _current.set(info)


def reset(token) -> None:
    _current.reset(token)


def client_addr_from_meta(meta) -> str:
    # Behind the reverse proxy (docs/deploy.md) the proxy sets X-Forwarded-For; we trust
    # only its last hop, which the proxy itself appended.
    fwd = meta.get("HTTP_X_FORWARDED_FOR", "")
    if fwd:
        return fwd.split(",")[-1].strip()
    return meta.get("REMOTE_ADDR", "") or ""
