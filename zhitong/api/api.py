"""The REST API under /api/v1. Each domain app contributes a router from its `api.py`."""

from django.utils.module_loading import import_string
from ninja import NinjaAPI

from zhitong.common.errors import ServiceError

from .auth import TokenAuth

api = NinjaAPI(
    title="Zhitong API",
    version="1",
    description="直通：企业诉求与重大项目协调 API。令牌认证：`Authorization: Bearer <token>`。",
    auth=TokenAuth(),
    urls_namespace="api",
)


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    body = {"code": exc.code, "message": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status)


# Routers are registered here, one per app, in a fixed order.
ROUTERS = [
    ("/organizations", "zhitong.organizations.api.router"),
    ("/enterprises", "zhitong.enterprises.api.router"),
    ("/workdays", "zhitong.workdays.api.router"),
    ("/appeals", "zhitong.appeals.api.router"),
    ("/coordination", "zhitong.coordination.api.router"),
]
for prefix, dotted in ROUTERS:
    try:
        router = import_string(dotted)
    except ImportError:
        continue
    api.add_router(prefix, router)
