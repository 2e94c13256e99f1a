"""The API's one error contract: every error is JSON `{"code", "message"}` with a Chinese
message (plus `field` when one input is at fault, `details` when several are), whatever
raised it — a service, ninja's parameter validation, authentication, a malformed body, a
bug. `ContractAPI` installs the handlers, refuses a body that is not JSON where JSON is
expected (415), and documents every error status of every operation in the OpenAPI
document, centrally: an endpoint declares only its refusals (403/409) besides its answers.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser

from zhitong.core.errors import (
    InvalidInput,
    ServiceError,
    UnsupportedMediaType,
    error_body,
    service_error_body,
)
from zhitong.core.fields import error_details, error_summary

logger = logging.getLogger("zhitong.api")

# The code and the default Chinese message of each error status the API answers.
STATUS_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求有误"),
    401: ("unauthorized", "未认证：请在 Authorization 头中提供有效的 Bearer 令牌"),
    403: ("forbidden", "您无权执行此操作"),
    404: ("not_found", "对象不存在或您无权访问"),
    405: ("method_not_allowed", "该地址不支持此请求方法"),
    409: ("conflict", "操作与对象的当前状态冲突，请刷新后重试"),
    413: ("too_large", "请求体过大"),
    415: ("unsupported_media_type", "请求体须为 JSON（Content-Type: application/json）"),
    422: ("invalid_input", "输入有误"),
    429: ("throttled", "请求过于频繁，请稍后再试"),
    500: ("server_error", "服务器内部错误，请稍后重试；如果问题持续，请联系系统管理员"),
    503: ("service_unavailable", "系统暂时不可用，本次操作未保存，请稍后重试"),
}

# Errors any operation may answer: bad input at the edge (400), a missing or foreign
# object (404), a wrong method on a known path (405), a body over the size limit (413),
# parameters of the wrong type or outside their bounds (422), a bug (500), and the database
# or the media disk unavailable for a moment (503, core/outage.py). 401 is added
# where the operation needs a token, 415 where it takes a body; 403 and 409 only where the
# endpoint declares that it may refuse (a move, a role check).
SHARED_ERRORS = (400, 404, 405, 413, 422, 500, 503)


def error_response(
    api: NinjaAPI, request, status: int, code: str | None = None, message: str | None = None, **kw
):
    default_code, default_message = STATUS_ERRORS.get(status, ("error", "请求失败"))
    return api.create_response(
        request, error_body(code or default_code, message or default_message, **kw), status=status
    )


class JsonParser(Parser):
    """ninja's parser, which also insists on a JSON content type (a form or a text body
    sent to a JSON endpoint is refused with 415, not guessed at) and on a JSON object (an
    array or a bare value is refused with 422)."""

    def parse_body(self, request: HttpRequest):
        content_type = (request.content_type or "").lower()
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise UnsupportedMediaType()
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise InvalidInput("请求体应为JSON对象")
        return data


class ContractAPI(NinjaAPI):
    """NinjaAPI with the error contract's handlers and its OpenAPI document."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("parser", JsonParser())
        super().__init__(*args, **kwargs)

    def set_default_exception_handlers(self) -> None:
        # Called by NinjaAPI.__init__: ours instead of ninja's English `{"detail": …}`.
        self.add_exception_handler(ServiceError, self._service_error)
        self.add_exception_handler(ValidationError, self._validation_error)
        self.add_exception_handler(HttpError, self._http_error)
        self.add_exception_handler(Http404, self._not_found)
        self.add_exception_handler(PermissionDenied, self._permission_denied)
        self.add_exception_handler(RequestDataTooBig, self._too_large)
        self.add_exception_handler(SuspiciousOperation, self._bad_request)
        self.add_exception_handler(MultiPartParserError, self._bad_request)
        self.add_exception_handler(Exception, self._server_error)

    # -- handlers ------------------------------------------------------------------------
    def _service_error(self, request, exc: ServiceError):
        response = self.create_response(request, service_error_body(exc), status=exc.status)
        if getattr(exc, "retry_after", None):  # ratelimit.RateLimited: when to come back
            response["Retry-After"] = str(exc.retry_after)
        return response

    def _validation_error(self, request, exc: ValidationError):
        details = error_details(exc.errors)
        field = details[0]["field"] if len(details) == 1 else None
        return error_response(
            self, request, 422, "invalid_input", error_summary(details), field=field, details=details
        )

    def _http_error(self, request, exc: HttpError):
        if isinstance(exc.__cause__, ServiceError):  # from JsonParser, wrapped by ninja
            return self._service_error(request, exc.__cause__)
        if isinstance(exc, AuthenticationError):
            response = error_response(self, request, 401)
            response["WWW-Authenticate"] = "Bearer"
            return response
        if isinstance(exc, AuthorizationError):
            return error_response(self, request, 403)
        if isinstance(exc, Throttled):
            return error_response(self, request, 429)
        if exc.status_code == 400 and exc.__cause__ is not None:
            # ninja could not parse the body: bad JSON, or bytes that are not UTF-8.
            return error_response(self, request, 400, "malformed_json", "请求体不是有效的JSON")
        return error_response(self, request, exc.status_code)

    def _not_found(self, request, exc):
        return error_response(self, request, 404)

    def _permission_denied(self, request, exc):
        return error_response(self, request, 403)

    def _too_large(self, request, exc):
        return error_response(self, request, 413)

    def _bad_request(self, request, exc):
        return error_response(self, request, 400)

    def _server_error(self, request, exc):
        logger.error(
            "Unhandled error in %s %s",
            request.method,
            request.path,
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        return error_response(self, request, 500)

    # -- the OpenAPI document ------------------------------------------------------------
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = UniqueNamesSchema(self, path_prefix)  # ninja's get_schema, with the name check
        document_errors(schema)
        return schema


class SchemaNameClash(Exception):
    """Two different schemas under one name in the document's components."""


class UniqueNamesSchema(OpenAPISchema):
    """ninja's document, refusing two different schemas under one component name. ninja
    names a component by its class name and silently keeps the last one registered, so two
    apps' `MoveIn` made every `$ref` to it point at one of them: the document lied about the
    other's operations, and a generated client sent the wrong body. Name each schema class
    uniquely across the API (the same class reused everywhere is fine)."""

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                raise SchemaNameClash(
                    f"Two different schemas are named {name!r} in the OpenAPI document: "
                    "rename one of the classes (zhitong/api/contract.py UniqueNamesSchema)."
                )
        super().add_schema_definitions(definitions)


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "description": "API 错误：稳定的错误代码和中文说明。",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "错误代码，如 invalid_input、not_found、conflict"},
        "message": {"type": "string", "description": "中文说明"},
        "field": {"type": "string", "description": "出错的字段（如有）"},
        "details": {
            "type": "array",
            "description": "逐项的字段错误",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "id": {"type": "integer", "description": "所涉对象的编号（如已登记的企业），可直接选用"},
                },
            },
        },
    },
}
ERROR_DESCRIPTIONS = {
    400: "请求有误（含非法字符、超长参数或违反业务规则）",
    401: "未认证（缺少或无效的令牌）",
    403: "无权执行此操作",
    404: "对象不存在或不在您的范围内；或地址不存在",
    405: "该地址不支持此请求方法",
    409: "与对象的当前状态冲突（状态不允许、版本过期）",
    413: "请求体超过大小上限",
    415: "请求体不是 JSON",
    422: "参数类型、格式或范围不正确",
    429: "请求过于频繁：同一地址认证失败过多（throttled），或该令牌超过每分钟请求上限（rate_limited，见 Retry-After 头）",
    500: "服务器内部错误",
    503: "数据库或存储空间暂时不可用：本次请求未保存任何内容，可按 Retry-After 头稍后重试",
}


def document_errors(schema: dict) -> dict:
    """Add the shared error responses to every operation of `schema`, give every error
    response the one Error body, and state each token-protected operation's scope
    (`x-required-scope`, scopes.py): a token without it is refused with 403."""
    from .scopes import required_scope

    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for path, item in schema.get("paths", {}).items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = op.setdefault("responses", {})
            codes = set(SHARED_ERRORS)
            if op.get("security"):
                # 403: the token lacks the scope; 429: too many failed tokens from the
                # address, or the token over its rate limit.
                codes |= {401, 403, 429}
                scope = required_scope(method, path)
                op["x-required-scope"] = scope
                note = f"令牌权限范围：`{scope}`"
                op["description"] = f"{op['description']}\n\n{note}" if op.get("description") else note
            if "requestBody" in op:
                codes.add(415)
            codes |= {int(c) for c in responses if str(c).isdigit() and int(c) >= 400}
            for code in sorted(codes):
                responses[code] = {"description": ERROR_DESCRIPTIONS.get(code, "错误"), **ref}
    return schema
