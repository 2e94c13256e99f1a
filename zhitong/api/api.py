"""The REST API under /api/v1. Each domain app contributes a router from its `api.py`.
Errors follow one contract (contract.py): JSON `{"code", "message"}` in Chinese."""

import logging

from django.db import InterfaceError, OperationalError

from zhitong.appeals import api as appeals_api
from zhitong.assessment import api as assessment_api
from zhitong.common.transitions import Contention, is_contention
from zhitong.coordination import api as coordination_api
from zhitong.core.outage import ServiceUnavailable, is_database_outage
from zhitong.enterprises import api as enterprises_api
from zhitong.organizations import api as organizations_api
from zhitong.projects import api as projects_api
from zhitong.projects.dispatch import api as dispatch_api
from zhitong.projects.progress import api as project_progress_api
from zhitong.projects.roadmap import api as roadmap_api
from zhitong.public import api as public_api
from zhitong.reports import api as reports_api
from zhitong.supervision import api as supervision_api
from zhitong.webhooks import api as webhooks_api
from zhitong.workdays import api as workdays_api

from .auth import TokenAuth
from .contract import ContractAPI

logger = logging.getLogger("zhitong.api")

api = ContractAPI(
    title="Zhitong API",
    version="1",
    description=(
        "直通：企业诉求与重大项目协调 API。令牌认证：`Authorization: Bearer <token>`。\n\n"
        '所有错误均为 JSON `{"code", "message"}`（中文说明；单个字段出错时附 `field`，'
        "多个字段时附 `details`）：400 请求有误，401 未认证，403 无权操作，404 对象不存在或不在范围内，"
        "405 方法不支持，409 状态冲突或版本过期，413 请求体过大，415 请求体不是 JSON，"
        "422 参数类型、格式或范围不正确，500 服务器内部错误，503 数据库或存储暂时不可用（未保存，可重试，见 Retry-After）。\n\n"
        "令牌（接口令牌页 /tokens/ 或 `zhitong token create` 发放）须具有操作所需的权限范围"
        "（每个操作的 `x-required-scope`，如 `appeals:read`、`appeals:write`），否则 403 "
        "`insufficient_scope`；令牌吊销、过期或所属账号停用后 401；超过该令牌每分钟请求上限时 429 "
        "`rate_limited`，`Retry-After` 头给出等待秒数。登记诉求可幂等重试（`Idempotency-Key`），"
        "示例见 docs/api.md。Open311 GeoReport v2 接口：/open311/v2/（文档 /open311/v2/openapi.json）。"
    ),
    auth=TokenAuth(),
    urls_namespace="api",
)


@api.exception_handler(OperationalError)
def contention(request, exc: OperationalError):
    """A deadlock or serialization failure the kernel did not already turn into a 409
    (a write outside a move's transaction): nothing was saved, the client may retry. The
    database gone (restarted, the connection cut): 503, nothing was saved either
    (core/outage.py, docs/reliability.md). Any other database error is the contract's 500."""
    if is_contention(exc):
        return api._service_error(request, Contention())
    if is_database_outage(exc):
        return database_outage(request, exc)
    return api._server_error(request, exc)


@api.exception_handler(InterfaceError)
def database_outage(request, exc):
    """The connection was already closed (cut while idle): 503, the next request reconnects."""
    logger.warning("Database unavailable in %s %s: %s", request.method, request.path, exc)
    return api._service_error(request, ServiceUnavailable())


# Routers are registered here, one per app, in a fixed order. The API app sits above the
# domain apps, so it imports their routers directly: a broken router is an error at start-up.
ROUTERS = [
    ("/organizations", organizations_api.router),
    ("/enterprises", enterprises_api.router),
    ("/workdays", workdays_api.router),
    ("/projects", projects_api.router),
    ("/appeals", appeals_api.router),
    ("/coordination", coordination_api.router),
    ("/projects", roadmap_api.router),  # the roadmap's operations (projects/roadmap/api.py)
    # A project's progress (reports, commitments, the briefing); the project library's own
    # router shares the prefix.
    ("/projects", project_progress_api.router),
    ("/dispatch", dispatch_api.router),
    ("/assessment", assessment_api.router),
    ("/webhooks", webhooks_api.router),
    ("/supervision", supervision_api.router),
    ("/reports", reports_api.router),
    ("/public", public_api.router),
]
for prefix, router in ROUTERS:
    api.add_router(prefix, router)
