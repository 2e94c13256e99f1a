"""Errors raised by services and access functions; views and the API translate them.

Every error carries a stable machine code and a message in Chinese for the user.
"""


class ServiceError(Exception):
    """A request that breaks a business rule (HTTP 400/422)."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field


class ConflictError(ServiceError):
    """An illegal or stale move: the object changed since the user saw it (HTTP 409)."""

    status = 409
    code = "conflict"


class AccessDenied(ServiceError):
    """Missing or not yours: deliberately the same error, so scope does not leak (HTTP 404)."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "对象不存在或您无权访问", **kw):
        super().__init__(message, **kw)


class Forbidden(ServiceError):
    """The user can see the object but may not perform this action (HTTP 403)."""

    status = 403
    code = "forbidden"
