"""Outages of what the application stands on: the database gone (restarted, its connection
cut), the media disk full. Neither is the request's fault nor a bug, so neither is a 500:
the request is refused whole (its transaction rolled back, nothing half written) with 503
and a Chinese message saying to retry, in the API's `{code, message}` contract and on the
pages (docs/reliability.md). Redis down is no outage of a request: the cache and the task
queue degrade (core/cache.py, settings CELERY_BROKER_*), the outbox keeps the work.
"""

from __future__ import annotations

import errno

from django.db import InterfaceError, OperationalError

from .errors import ServiceError

# PostgreSQL's SQLSTATEs of a connection the server ended or refused: admin shutdown
# (pg_terminate_backend, a restart), crash shutdown, cannot connect now (starting up or
# shutting down), too many connections, and class 08 (connection exceptions).
OUTAGE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
OUTAGE_TEXTS = (
    "server closed the connection",
    "connection already closed",
    "the connection is closed",
    "terminating connection",
    "connection refused",
    "could not connect",
    "consuming input failed",
    "connection timeout",
    "ssl syscall error",
    "unable to open database file",  # SQLite: the file's disk or directory gone
)
# The disk is full (or the account's quota is used up).
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
RETRY_AFTER_SECONDS = 5


class ServiceUnavailable(ServiceError):
    """The database is unreachable for a moment: nothing of the request was saved; send it
    again (HTTP 503, `Retry-After`)."""

    status = 503
    code = "service_unavailable"
    retry_after = RETRY_AFTER_SECONDS

    def __init__(self, message: str = "系统暂时无法连接数据库，本次操作未保存，请稍后重试", **kw):
        super().__init__(message, **kw)


class StorageFull(ServiceError):
    """The media disk is full: the file was not stored and nothing else of the request was
    saved (HTTP 503, `Retry-After`)."""

    status = 503
    code = "storage_full"
    retry_after = 60

    def __init__(
        self,
        message: str = "存储空间不足，文件未能保存，本次操作未作任何更改；请稍后重试，如问题持续请联系系统管理员",
        **kw,
    ):
        super().__init__(message, **kw)


def is_database_outage(exc: BaseException | None) -> bool:
    """Is `exc` (or what it wraps) the database connection lost or refused, as opposed to
    a bad query or contention (common.transitions.is_contention)?"""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, InterfaceError):
            return True
        if isinstance(exc, OperationalError):
            cause = exc.__cause__
            state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
            if state:
                return state in OUTAGE_SQLSTATES or state.startswith("08")
            text = str(exc).lower()
            return any(t in text for t in OUTAGE_TEXTS)
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def is_disk_full(exc: BaseException | None) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISK_FULL_ERRNOS
