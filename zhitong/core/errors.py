"""Errors raised by services and access functions; views and the API translate them.

Every error carries a stable machine code and a message in Chinese for the user. The API
answers every error as JSON `{"code", "message"}` (plus `field` when one input is at fault,
and `details` for several); `error_body` builds that body so every layer writes the same.
"""

from pydantic import BaseModel


class ServiceError(Exception):
    """A request that breaks a business rule (HTTP 400/422)."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field: str | None = None,
        details: list[dict] | None = None,
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.details = details


class InvalidInput(ServiceError):
    """Input of the wrong shape or type, or outside its bounds (HTTP 422): an id that is no
    number, a naive datetime, a text that is too long, a key the operation does not take.
    `details` lists each offending field as {"field", "message"}."""

    status = 422
    code = "invalid_input"


class UnsupportedMediaType(ServiceError):
    """A body in a format the endpoint does not read, e.g. text sent where JSON is expected
    (HTTP 415)."""

    status = 415
    code = "unsupported_media_type"

    def __init__(self, message: str = "请求体须为 JSON（Content-Type: application/json）", **kw):
        super().__init__(message, **kw)


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


def error_body(code: str, message: str, *, field: str | None = None, details: list | None = None) -> dict:
    """The one JSON shape of an API error."""
    body: dict = {"code": code, "message": message}
    if field:
        body["field"] = field
    if details:
        body["details"] = details
    return body


def service_error_body(exc: ServiceError) -> dict:
    return error_body(exc.code, exc.message, field=exc.field, details=exc.details)


class ErrorOut(BaseModel):
    """The error body, as an API response model (the OpenAPI document's `Error`)."""

    code: str
    message: str
    field: str | None = None
