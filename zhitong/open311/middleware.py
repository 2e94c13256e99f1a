"""The Open311 error format for the answers the Open311 views never see: an unknown path
under /open311/ (Django's 404), a wrong method, a body or query refused by the request
hygiene (400/413), CSRF and the like. An error answer under /open311/ that is neither XML
nor JSON is rewritten into the standard's `[{code, description}]`, in the format the path
asks for (XML by default), keeping its status and headers."""

from __future__ import annotations

from .render import errors, format_of_path

PREFIX = "/open311/"
MESSAGES = {
    400: "请求有误",
    403: "禁止访问",
    404: "地址不存在",
    405: "该地址不支持此请求方法",
    413: "请求体过大",
}


class Open311ErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path_info.startswith(PREFIX)
            and not response.get("Content-Type", "").startswith(("text/xml", "application/json"))
            and not getattr(response, "streaming", False)
        ):
            status = response.status_code if response.status_code < 500 else 400
            fresh = errors(format_of_path(request.path_info), status, MESSAGES.get(status, "请求有误"))
            for name, value in response.items():
                if name.lower() not in ("content-type", "content-length"):
                    fresh[name] = value
            return fresh
        return response
