"""The Open311 operations' documentation in the OpenAPI document (/open311/v2/openapi.json):
every answer each operation gives, with an example in JSON and in XML. The examples are
built by the same renderer as the answers (render.py), from the shapes of mapping.py."""

from __future__ import annotations

from .render import to_xml

SERVICE = {
    "service_code": "policy",
    "service_name": "政策咨询与兑现",
    "description": "承诺在5个工作日内办结（材料齐全之日起算）",
    "metadata": True,
    "type": "realtime",
    "keywords": "政策咨询与兑现",
    "group": "企业诉求",
}
DEFINITION = {
    "service_code": "policy",
    "attributes": [
        {
            "variable": True,
            "code": "credit_code",
            "datatype": "string",
            "required": True,
            "datatype_description": "18位统一社会信用代码，如 91350100MA2XXXXXX0",
            "order": 1,
            "description": "提出诉求的企业的统一社会信用代码（该企业须已在企业库中）",
            "values": [],
        }
    ],
}
REQUEST = {
    "service_request_id": "ZT-2026-000123",
    "status": "open",
    "status_notes": "办理中",
    "service_name": "政策咨询与兑现",
    "service_code": "policy",
    "description": "企业技改补贴申报后三个月未到账，请协调兑现。",
    "agency_responsible": "市工业和信息化局",
    "service_notice": "承诺在5个工作日内办结（材料齐全之日起算）",
    "requested_datetime": "2026-11-20T09:30:00+08:00",
    "updated_datetime": "2026-11-23T15:02:11+08:00",
    "expected_datetime": "2026-11-27T23:59:59+08:00",
    "address": "高新大道88号，鼓楼区",
    "address_id": None,
    "zipcode": None,
    "lat": None,
    "long": None,
    "media_url": None,
}
CREATED = {
    "service_request_id": "ZT-2026-000123",
    "service_notice": REQUEST["service_notice"],
    "account_id": None,
}
TOKEN = {"service_request_id": "ZT-2026-000123", "token": "hotline-20261120-0001"}


def _content(root: str, document) -> dict:
    return {
        "application/json": {"example": document},
        "text/xml": {"example": to_xml(root, document)},
    }


def error(status: int, description: str) -> dict:
    return {
        "description": description,
        "content": _content("errors", [{"code": status, "description": description}]),
    }


ERRORS = {
    400: error(400, "参数有误（如 start_date 须为带时区的 w3 时间，或缺少 service_code）"),
    403: error(403, "缺少 api_key，或 api_key 无效、已吊销、已过期，或没有 open311 权限范围"),
    404: error(404, "对象不存在或不在该令牌的范围内"),
    429: error(429, "请求过于频繁，请稍后再试（见 Retry-After 头）"),
}
API_KEY = {
    "name": "api_key",
    "in": "query",
    "required": False,
    "schema": {"type": "string"},
    "description": "具有 open311 权限范围的接口令牌；也可用 `Authorization: Bearer <令牌>` 头（推荐，令牌不进入访问日志）",
}


def doc(ok: dict, *codes: int, ok_status: int = 200, also: dict | None = None) -> dict:
    responses = {ok_status: ok, **(also or {})}
    for code in codes:
        responses[code] = ERRORS[code]
    return {"responses": responses}


SERVICES_DOC = doc(
    {"description": "服务（诉求类别）列表", "content": _content("services", [SERVICE])}, 400, 404
)
DEFINITION_DOC = doc(
    {"description": "服务定义：须提交的属性", "content": _content("service_definition", DEFINITION)}, 400, 404
)
REQUESTS_DOC = doc(
    {
        "description": "服务请求（诉求）列表，按受理时间倒序，最多1000条",
        "content": _content("service_requests", [REQUEST]),
    },
    400,
    403,
    404,
    429,
)
REQUEST_DOC = doc(
    {"description": "一项服务请求（诉求）", "content": _content("service_requests", [REQUEST])},
    400,
    403,
    404,
    429,
)
TOKEN_DOC = doc(
    {"description": "幂等键对应的服务请求编号", "content": _content("service_requests", [TOKEN])},
    400,
    403,
    404,
    429,
)
CREATE_EXAMPLE = (
    "api_key=zt_xxxxxxxx&service_code=policy&attribute%5Bcredit_code%5D=91350100MA2XXXXXX0"
    "&description=%E6%8A%80%E6%94%B9%E8%A1%A5%E8%B4%B4%E6%9C%AA%E5%88%B0%E8%B4%A6"
    "&address_string=%E9%AB%98%E6%96%B0%E5%A4%A7%E9%81%9388%E5%8F%B7&last_name=%E7%8E%8B&first_name=%E5%B7%A5"
    "&phone=13800000000"
)
CREATE_FIELDS = {
    "api_key": "具有 open311 权限范围的接口令牌（或用 Authorization: Bearer 头）",
    "service_code": "服务编码（诉求类别编码），见 services 列表",
    "attribute[credit_code]": "企业的统一社会信用代码（必填；企业须已在企业库中）",
    "attribute[title]": "诉求标题（可选；不填取诉求内容第一行）",
    "description": "诉求内容（必填，最多4000字）",
    "address_string": "地点（可选，记入诉求内容）",
    "lat": "纬度 WGS84（可选，与 long 同时提供，记入诉求内容）",
    "long": "经度 WGS84（可选，与 lat 同时提供）",
    "address_id": "地址编号（可选，记入诉求内容）",
    "first_name": "联系人名（可选）",
    "last_name": "联系人姓（可选）",
    "phone": "联系电话（可选）",
    "email": "（不保存）",
    "device_id": "（不保存）",
    "account_id": "（不保存）",
    "media_url": "（不保存）",
    "jurisdiction_id": "（本系统只服务一个辖区，可省略）",
}
CREATE_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["service_code", "attribute[credit_code]", "description"],
                    "properties": {k: {"type": "string", "description": v} for k, v in CREATE_FIELDS.items()},
                },
                "example": CREATE_EXAMPLE,
            }
        },
    },
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "schema": {"type": "string", "maxLength": 100},
            "description": "幂等键：同一令牌账号以同一键重发同一请求，答复第一次登记的诉求（200，"
            "Idempotent-Replayed: true），不重复登记；同一键用于不同内容答复400。之后可用 "
            "tokens/{键}.json 查询其编号",
        },
    ],
    **doc(
        {"description": "已登记：新诉求的编号", "content": _content("service_requests", [CREATED])},
        400,
        403,
        404,
        429,
        ok_status=201,
        also={
            200: {
                "description": "重发的同一请求（同一幂等键、同一内容）：第一次登记的诉求，头 Idempotent-Replayed: true",
                "content": _content("service_requests", [CREATED]),
            }
        },
    ),
}
