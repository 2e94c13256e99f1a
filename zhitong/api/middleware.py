"""The API's error contract for the answers ninja's handlers never see: an unknown URL under
/api/ (Django's 404), a known path with the wrong method (ninja's plain-text 405), and
whatever Django itself answers before or around a view (400 for a bad Host or too many
fields, 413, 500). An error answer under /api/ that is not JSON is rewritten into the
contract's JSON {code, message}, keeping its status and headers (e.g. Allow).

The API speaks Chinese (its messages and labels, contract.py) whatever language the pages
were switched to: the language cookie a browser sends along is the pages' setting, so it
is not passed on under /api/ (the locale middleware then activates Chinese)."""

from __future__ import annotations

import json

from django.conf import settings

from zhitong.core.errors import error_body

from .contract import STATUS_ERRORS

API_PREFIX = "/api/"


class ApiErrorContractMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            request.COOKIES.pop(settings.LANGUAGE_COOKIE_NAME, None)
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path_info.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
            and not getattr(response, "streaming", False)
        ):
            code, message = STATUS_ERRORS.get(response.status_code, ("error", "请求失败"))
            if response.status_code == 404:
                message = "接口地址不存在"
            response.content = json.dumps(error_body(code, message), ensure_ascii=False).encode()
            response["Content-Type"] = "application/json; charset=utf-8"
        return response
