"""Open311 GeoReport v2 under /open311/v2/ (https://wiki.open311.org/GeoReport_v2/;
docs/open311.md): the standard's six methods, each in XML and JSON by the path's suffix.

- GET  services.{fmt}                     the services (active appeal categories); no key
- GET  services/{service_code}.{fmt}      a service's definition (its attributes); no key
- POST requests.{fmt}                     register an appeal (form body, `api_key`)
- GET  requests.{fmt}                     appeals in the key's scope, the standard's filters
- GET  requests/{service_request_id}.{fmt}  one appeal
- GET  tokens/{token}.{fmt}               the appeal registered under an idempotency key

Requests and tokens need an `api_key` (a token with the `open311` scope: the parameter, or
`Authorization: Bearer`), unlike the standard's GET methods: appeals are enterprises'
business with the government, not public street reports, so a client reads only what the
token's owner may read. Every error is the standard's list of {code, description}, in the
format asked for; an unexpected failure is the standard's "general service error" (400),
logged, never a 5xx.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from zhitong.api.auth import InsufficientScope, admit, count_failure, find_token
from zhitong.api.ratelimit import RateLimited
from zhitong.api.scopes import OPEN311
from zhitong.appeals.models import Category
from zhitong.appeals.selectors import appeals_visible
from zhitong.core.errors import ServiceError

from . import openapi
from .errors import Open311Error
from .intake import request_create
from .mapping import CLOSED_STATUSES, definition_of, request_of, service_of
from .render import FORMATS, errors, format_of_path, render

logger = logging.getLogger("zhitong.open311")

WINDOW = timedelta(days=90)  # the standard's default span and the widest one allowed
MAX_RESULTS = 1000  # "a span of 90 days or first 1000 requests returned, whichever is smallest"
MAX_IDS = 100
KEY_MAX = 100


class Open311API(NinjaAPI):
    """NinjaAPI answering every error in the standard's format."""

    def set_default_exception_handlers(self) -> None:
        self.add_exception_handler(Open311Error, self._open311_error)
        self.add_exception_handler(ServiceError, self._service_error)
        self.add_exception_handler(ValidationError, self._bad_request)
        self.add_exception_handler(HttpError, self._http_error)
        self.add_exception_handler(Http404, self._not_found)
        self.add_exception_handler(Exception, self._general_error)

    def _open311_error(self, request, exc: Open311Error):
        return errors(format_of_path(request.path), exc.status, exc.description, headers=exc.headers)

    def _service_error(self, request, exc: ServiceError):
        # The standard knows 403 (the key), 404 (no such resource) and 400 (anything else).
        status = exc.status if exc.status in (403, 404, 429) else 400
        headers = {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else None
        return errors(format_of_path(request.path), status, exc.message, headers=headers)

    def _bad_request(self, request, exc):
        return errors(format_of_path(request.path), 400, "请求参数有误")

    def _http_error(self, request, exc: HttpError):
        status = exc.status_code if exc.status_code in (403, 404, 405, 413) else 400
        return errors(format_of_path(request.path), status, "请求有误")

    def _not_found(self, request, exc):
        return errors(format_of_path(request.path), 404, "对象不存在或不在该令牌的范围内")

    def _general_error(self, request, exc):
        logger.error(
            "Unhandled error in Open311 %s %s",
            request.method,
            request.path,
            exc_info=(type(exc), exc, exc.__traceback__),
        )
        return errors(
            format_of_path(request.path), 400, "服务暂时无法处理该请求（general service error），请稍后重试"
        )


open311_api = Open311API(
    title="Zhitong Open311 GeoReport v2",
    version="2",
    description=(
        "直通的 Open311 GeoReport v2 接口（https://wiki.open311.org/GeoReport_v2/）：服务＝诉求类别，"
        "服务请求＝诉求。格式由路径后缀决定（.json 或 .xml）。查询和登记服务请求须提供具有 open311 "
        "权限范围的令牌（api_key 参数或 Authorization: Bearer 头）。错误为标准格式："
        '[{"code": 403, "description": "…"}]。字段对应关系见 docs/open311.md。'
    ),
    urls_namespace="open311",
)


def _fmt(fmt: str) -> str:
    if fmt not in FORMATS:
        raise Open311Error(404, "格式须为 json 或 xml")
    return fmt


def _client(request):
    """The token's owner, if the request carries a usable token with the open311 scope."""
    raw = request.POST.get("api_key") if request.method == "POST" else None
    raw = raw or request.GET.get("api_key") or ""
    header = request.headers.get("Authorization", "")
    if not raw and header.lower().startswith("bearer "):
        raw = header[7:].strip()
    tok = find_token(raw) if raw else None
    if tok is None:
        count_failure(request)  # the sign-in throttle's per-address limit (429)
        if not raw:
            raise Open311Error(403, "缺少 api_key：请提供具有 open311 权限范围的接口令牌")
        raise Open311Error(403, "api_key 无效、已吊销或已过期")
    try:
        admit(request, tok, OPEN311)
    except InsufficientScope as exc:
        raise Open311Error(403, "该 api_key 没有 open311 权限范围") from exc
    except RateLimited as exc:
        raise Open311Error(429, exc.message, headers={"Retry-After": str(exc.retry_after)}) from exc
    return tok.user


@open311_api.get(
    "/services.{fmt}", summary="GET Service List：服务（诉求类别）列表", openapi_extra=openapi.SERVICES_DOC
)
def service_list(request, fmt: str):
    fmt = _fmt(fmt)
    return render(fmt, "services", [service_of(c) for c in Category.objects.filter(is_active=True)])


@open311_api.get(
    "/services/{service_code}.{fmt}",
    summary="GET Service Definition：服务定义",
    openapi_extra=openapi.DEFINITION_DOC,
)
def service_definition(request, service_code: str, fmt: str):
    fmt = _fmt(fmt)
    category = Category.objects.filter(code=service_code, is_active=True).first()
    if category is None:
        raise Open311Error(404, f"service_code {service_code} 不存在")
    return render(fmt, "service_definition", definition_of(category))


@open311_api.post(
    "/requests.{fmt}", summary="POST Service Request：登记诉求", openapi_extra=openapi.CREATE_DOC
)
def request_post(request, fmt: str):
    fmt = _fmt(fmt)
    user = _client(request)
    key = (request.headers.get("Idempotency-Key") or "").strip() or None
    if key and len(key) > KEY_MAX:
        raise Open311Error(400, f"Idempotency-Key 不能超过{KEY_MAX}个字符")
    appeal, created = request_create(actor=user, data=request.POST, idempotency_key=key)
    body = [
        {
            "service_request_id": appeal.code,
            "service_notice": request_of(appeal)["service_notice"],
            "account_id": None,
        }
    ]
    headers = None if created else {"Idempotent-Replayed": "true"}
    return render(fmt, "service_requests", body, status=201 if created else 200, headers=headers)


def _datetime(request, name: str):
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise Open311Error(
            400, f"{name} 须为带时区的 w3 时间，如 2026-01-01T00:00:00Z 或 2026-01-01T08:00:00+08:00"
        )
    return value


def _list(request, name: str, *, max_items: int = MAX_IDS) -> list[str]:
    values = [v.strip() for v in (request.GET.get(name) or "").split(",") if v.strip()]
    if len(values) > max_items:
        raise Open311Error(400, f"{name} 最多{max_items}项")
    return values


def _requests_qs(user):
    return appeals_visible(user).select_related(
        "category", "lead_unit", "lead_unit__parent", "enterprise", "enterprise__location"
    )


@open311_api.get(
    "/requests.{fmt}",
    summary="GET Service Requests：诉求列表（标准筛选条件，默认最近90天）",
    openapi_extra={
        **openapi.REQUESTS_DOC,
        "parameters": [
            openapi.API_KEY,
            *[
                {"name": n, "in": "query", "required": False, "schema": {"type": "string"}, "description": d}
                for n, d in (
                    ("service_request_id", "诉求编号，逗号分隔可多个（最多100个）；给出时忽略其余条件"),
                    ("service_code", "服务编码，逗号分隔可多个"),
                    ("start_date", "受理时间起（带时区的 w3 时间）；与 end_date 的跨度不超过90天"),
                    ("end_date", "受理时间止（带时区的 w3 时间）；都不给时为最近90天"),
                    ("status", "open、closed，逗号分隔"),
                )
            ],
        ],
    },
)
def request_list(request, fmt: str):
    fmt = _fmt(fmt)
    user = _client(request)
    qs = _requests_qs(user)
    ids = _list(request, "service_request_id")
    if ids:
        qs = qs.filter(code__in=ids)  # "This overrides all other arguments."
    else:
        codes = _list(request, "service_code")
        if codes:
            qs = qs.filter(category__code__in=codes)
        statuses = set(_list(request, "status", max_items=2))
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status 须为 open 或 closed（可逗号分隔）")
        if statuses == {"open"}:
            qs = qs.exclude(status__in=CLOSED_STATUSES)
        elif statuses == {"closed"}:
            qs = qs.filter(status__in=CLOSED_STATUSES)
        start, end = _datetime(request, "start_date"), _datetime(request, "end_date")
        if start is None and end is None:
            end = timezone.now()
        if start is None:
            start = end - WINDOW
        if end is None:
            end = start + WINDOW
        if start > end:
            raise Open311Error(400, "start_date 不能晚于 end_date")
        if end - start > WINDOW:
            raise Open311Error(400, "start_date 与 end_date 的跨度不能超过90天")
        qs = qs.filter(received_at__gte=start, received_at__lte=end)
    appeals = list(qs.order_by("-received_at", "-id")[:MAX_RESULTS])
    return render(fmt, "service_requests", [request_of(a) for a in appeals])


@open311_api.get(
    "/requests/{service_request_id}.{fmt}",
    summary="GET Service Request：一项诉求",
    openapi_extra={**openapi.REQUEST_DOC, "parameters": [openapi.API_KEY]},
)
def request_detail(request, service_request_id: str, fmt: str):
    fmt = _fmt(fmt)
    user = _client(request)
    appeal = _requests_qs(user).filter(code=service_request_id).first()
    if appeal is None:
        raise Open311Error(404, f"service_request_id {service_request_id} 不存在或不在该令牌的范围内")
    return render(fmt, "service_requests", [request_of(appeal)])


@open311_api.get(
    "/tokens/{token}.{fmt}",
    summary="GET service_request_id from a token：幂等键对应的诉求编号",
    openapi_extra={**openapi.TOKEN_DOC, "parameters": [openapi.API_KEY]},
)
def token_lookup(request, token: str, fmt: str):
    """The token is the `Idempotency-Key` the same client sent with its POST: a client
    whose answer was lost finds the appeal it registered (every service is `realtime`, so
    a POST answers with the service_request_id at once)."""
    fmt = _fmt(fmt)
    user = _client(request)
    appeal = appeals_visible(user).filter(received_by=user, idempotency_key=token).only("code").first()
    if appeal is None:
        raise Open311Error(404, "该 token 不存在")
    return render(fmt, "service_requests", [{"service_request_id": appeal.code, "token": token}])
