"""The REST API under /api/v1. Each domain app contributes a router from its `api.py`."""

from django.db import OperationalError
from ninja import NinjaAPI

from zhitong.appeals import api as appeals_api
from zhitong.common.transitions import Contention, is_contention
from zhitong.coordination import api as coordination_api
from zhitong.core.errors import ServiceError
from zhitong.enterprises import api as enterprises_api
from zhitong.organizations import api as organizations_api
from zhitong.workdays import api as workdays_api

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


@api.exception_handler(OperationalError)
def contention(request, exc: OperationalError):
    """A deadlock or serialization failure the kernel did not already turn into a 409
    (a write outside a move's transaction): nothing was saved, the client may retry."""
    if not is_contention(exc):
        raise exc
    return service_error(request, Contention())


# Routers are registered here, one per app, in a fixed order. The API app sits above the
# domain apps, so it imports their routers directly: a broken router is an error at start-up.
ROUTERS = [
    ("/organizations", organizations_api.router),
    ("/enterprises", enterprises_api.router),
    ("/workdays", workdays_api.router),
    ("/appeals", appeals_api.router),
    ("/coordination", coordination_api.router),
]
for prefix, router in ROUTERS:
    api.add_router(prefix, router)
