"""Request hygiene at the edge, for pages and the API alike: input no field can hold is
refused with 400 before any view, form, query or database sees it, and a body over the
size limit with 413 before it is read.

- NUL (PostgreSQL refuses it in text) or bytes that are not UTF-8 (a lone surrogate such as
  %ED%A0%80, which no database encoding can store) in the path, a query parameter, a form
  field or a JSON string (keys included; also the escaped form "\\ud800");
- a query value longer than QUERY_VALUE_MAX_CHARS (no filter or search needs more; gunicorn
  refuses request lines over 4 KB in production anyway);
- a body longer than the documented limits: DATA_UPLOAD_MAX_MEMORY_SIZE for a form or a
  JSON body, ZHITONG_UPLOAD_MAX_BYTES for a multipart upload (its files included), checked
  against Content-Length before reading.

Under /api/ the answer is the API's error contract (JSON {code, message, field}); elsewhere
a Chinese error page (templates/400.html), also for anonymous visitors of public pages.
"""

from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

from zhitong.core.errors import error_body

API_PREFIX = "/api/"
QUERY_VALUE_MAX_CHARS = 2000
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class BadInput(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def _bad_text(text: str, field: str | None) -> None:
    if "\x00" in text:
        raise BadInput(400, "bad_character", "输入中含有不允许的空字符(NUL)", field)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BadInput(400, "bad_encoding", "输入中含有无效的Unicode字符（如单独的代理项）", field)


def _decode(raw: bytes, field: str | None) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(400, "bad_encoding", "输入不是有效的UTF-8编码", field)
    _bad_text(text, field)
    return text


def check_urlencoded(raw: bytes, *, max_value: int | None = None) -> None:
    """A query string or an urlencoded form body, checked on its raw bytes: Django would
    decode invalid UTF-8 into replacement characters and hide the lone surrogate."""
    for pair in raw.split(b"&"):
        if not pair:
            continue
        key, _, value = pair.partition(b"=")
        name = _decode(unquote_to_bytes(key.replace(b"+", b" ")), None)
        text = _decode(unquote_to_bytes(value.replace(b"+", b" ")), name)
        if max_value is not None and len(text) > max_value:
            raise BadInput(400, "too_long", f"参数“{name[:50]}”过长（不能超过{max_value}个字符）", name)


def check_json(data) -> None:
    """Every string of a parsed JSON document, keys included (iteratively: no recursion
    limit for a deeply nested document)."""
    stack = [(data, None)]
    while stack:
        value, field = stack.pop()
        if isinstance(value, str):
            _bad_text(value, field)
        elif isinstance(value, dict):
            for k, v in value.items():
                _bad_text(k, k)
                stack.append((v, k if field is None else f"{field}.{k}"))
        elif isinstance(value, list):
            stack.extend((v, field) for v in value)


def _raw_query(request) -> bytes:
    qs = request.META.get("QUERY_STRING", "")
    try:
        return qs.encode("latin-1")  # WSGI hands the raw bytes over as latin-1
    except UnicodeEncodeError:
        return qs.encode("utf-8", "surrogatepass")


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise BadInput(400, "bad_request", "Content-Length 无效")


def check_request(request) -> None:
    """Raise BadInput for a request no view should see."""
    _bad_text(request.path_info, None)
    check_urlencoded(_raw_query(request), max_value=QUERY_VALUE_MAX_CHARS)
    if request.method not in BODY_METHODS:
        return
    content_type = (request.content_type or "").lower()
    length = _content_length(request)
    multipart = content_type.startswith("multipart/")
    limit = settings.ZHITONG_UPLOAD_MAX_BYTES if multipart else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if length > limit:
        raise BadInput(413, "too_large", f"请求体过大（上限{limit // (1024 * 1024)}MB）")
    if multipart:
        try:
            for name, values in request.POST.lists():
                _bad_text(name, name)
                for v in values:
                    _bad_text(v, name)
        except MultiPartParserError:
            raise BadInput(400, "bad_request", "multipart 请求体格式有误")
        return
    if not length:
        return
    try:
        body = request.body
    except RequestDataTooBig:  # a body without Content-Length that turned out too long
        raise BadInput(413, "too_large", f"请求体过大（上限{limit // (1024 * 1024)}MB）")
    if content_type == "application/x-www-form-urlencoded":
        check_urlencoded(body)
    elif content_type == "application/json" or content_type.endswith("+json"):
        try:
            data = json.loads(body)
        except UnicodeDecodeError:
            raise BadInput(400, "bad_encoding", "请求体不是有效的UTF-8编码")
        except (ValueError, RecursionError):
            return  # not JSON at all: the endpoint answers that in its own words
        check_json(data)


class RequestHygieneMiddleware:
    """Runs `check_request` before the view (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            check_request(request)
        except BadInput as exc:
            return self.refuse(request, exc)
        except (SuspiciousOperation, MultiPartParserError):  # too many fields, a bad boundary
            return self.refuse(request, BadInput(400, "bad_request", "请求格式有误"))
        return self.get_response(request)

    @staticmethod
    def refuse(request, exc: BadInput):
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse(
                error_body(exc.code, exc.message, field=exc.field),
                status=exc.status,
                json_dumps_params={"ensure_ascii": False},
            )
        heading = "请求内容过大" if exc.status == 413 else "请求内容有误"
        return render(
            request,
            "400.html",
            {"code": exc.status, "heading": heading, "message": exc.message},
            status=exc.status,
        )
