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
    """The client's address for the audit log.

    Behind the reverse proxy (BEHIND_PROXY=1, docs/deploy.md) the proxy appends the
    address it saw to X-Forwarded-For; only that last entry is trusted, the rest being
    whatever the client sent. Without a proxy the header is the client's own say-so and
    is ignored, or anyone could write any address into the audit log."""
    from django.conf import settings

    fwd = meta.get("HTTP_X_FORWARDED_FOR", "")
    if fwd and getattr(settings, "BEHIND_PROXY", False):
        return fwd.split(",")[-1].strip()[:64]
    return meta.get("REMOTE_ADDR", "") or ""
