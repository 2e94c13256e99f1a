"""What an API token may do: its scopes.

Every operation of the REST API needs one scope, derived from where it lives: the first
segment of its path under /api/v1/ (the app's router, e.g. `appeals`) and whether it only
reads (`appeals:read`: GET, and the few POSTs that only look something up) or writes
(`appeals:write`: every other method). `open311` admits a token to the Open311 GeoReport v2
endpoints (zhitong/open311). The OpenAPI document states each operation's scope as
`x-required-scope` (contract.py) and `tests/test_scopes.py` walks it.

A token holds a list of scopes; `write` does not imply `read` (a hotline integration that
only registers appeals needs `appeals:write` alone, and then reads nothing but the answers
to its own posts).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

API_PREFIX = "/api/v1/"

# The routers' prefixes (zhitong/api/api.py ROUTERS) and their names. A router added under a
# new prefix must be named here, else its operations need a scope no token can hold (the
# scope test fails first).
AREAS: dict[str, object] = {
    "organizations": _("单位与人员"),
    "enterprises": _("企业库"),
    "workdays": _("工作日历"),
    "projects": _("重大项目"),
    "appeals": _("诉求"),
    "coordination": _("协调调度"),
    "dispatch": _("项目调度"),
    "assessment": _("考核与成绩单"),
    "supervision": _("督查督办"),
    "webhooks": _("事件推送"),
    "reports": _("台账与报表"),
    "public": _("公开信息与服务承诺"),
}
OPEN311 = "open311"

# The operations open without a token: what the public pages show (zhitong/public, seeds/003
# 三、五: the window directory, the commitment catalog, policies, the status lookup), each
# rate-limited per address. Everything else under /api/v1/public/ (`manage/`) needs a scope.
OPEN_OPERATIONS = frozenset(
    {
        ("GET", "/api/v1/public/commitments"),
        ("GET", "/api/v1/public/windows"),
        ("GET", "/api/v1/public/policies"),
        ("POST", "/api/v1/public/lookup"),
    }
)

# POST operations that only read (a lookup whose text is too long for a URL).
READ_POSTS = frozenset({"/api/v1/appeals/duplicates"})
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _scopes() -> dict[str, str]:
    out: dict[str, str] = {}
    for area, label in AREAS.items():
        out[f"{area}:read"] = f"{label}·" + str(_("读取"))
        out[f"{area}:write"] = f"{label}·" + str(_("写入"))
    out[OPEN311] = str(_("Open311 接口"))
    return out


def scope_choices() -> list[tuple[str, str]]:
    """(scope, label) for the forms, in the table's order (labels in the active language)."""
    return list(_scopes().items())


ALL_SCOPES: tuple[str, ...] = tuple([f"{a}:{m}" for a in AREAS for m in ("read", "write")] + [OPEN311])


def required_scope(method: str, path: str) -> str:
    """The scope an API operation needs: `path` is the request's path (or the OpenAPI
    document's path template, with the prefix), `method` its HTTP method."""
    rest = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path.lstrip("/")
    area = rest.split("/", 1)[0] or "api"
    read = method.upper() in READ_METHODS or path.rstrip("/") in READ_POSTS
    return f"{area}:{'read' if read else 'write'}"


def clean_scopes(values) -> list[str]:
    """The known scopes among `values`, in the table's order, each once."""
    given = set(values or [])
    return [s for s in ALL_SCOPES if s in given]
