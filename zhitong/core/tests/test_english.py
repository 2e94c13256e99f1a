"""English mode (issue 9): the checker itself, and the pages every app shares — sign-in,
the error pages, the admin — in English; the admin's index wholly Chinese in Chinese mode;
the API Chinese whatever the pages' language."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

from zhitong.api.tests.conftest import token_client

from .english import (  # noqa: F401
    CJK,
    EnglishPage,
    assert_english,
    assert_page_in_english,
    chinese_left,
    english_world,
    pending_model_names,
)


def permission_names() -> tuple[str, ...]:
    """Django stores each permission's name ("Can add 企业") when it migrates, in Chinese:
    stored data, shown as stored by the user form's permission lists."""
    from django.contrib.auth.models import Permission

    return tuple(Permission.objects.values_list("name", flat=True))


# -- the checker ---------------------------------------------------------------------------


def test_the_checker_finds_chinese_in_text_and_in_attributes():
    html = '<p>Hello <b>世界</b></p><input placeholder="请输入"><a title="OK" aria-label="首页">x</a>'
    assert chinese_left(html) == ["<b> 世界", "<input placeholder> 请输入", "<a aria-label> 首页"]


def test_the_checker_finds_chinese_punctuation():
    assert chinese_left("<p>Done。</p><p>(ok)</p><p>（ok）</p>") == ["<p> Done。", "<p> （ok）"]


def test_the_checker_skips_scripts_stored_data_and_text_in_another_language():
    html = (
        "<script>var a = '中文';</script><style>p::after{content:'中'}</style>"
        '<td data-zt-data><span>林晓燕</span></td><button lang="zh-CN">简体中文</button>'
        "<textarea>已填写的内容</textarea><p>ok</p>"
    )
    assert chinese_left(html) == []


def test_the_checker_strips_known_values_and_looks_only_within_a_part():
    html = '<div data-testid="mine"><p>Unit 甲局</p></div><div><p>别的应用</p></div>'
    assert chinese_left(html, ignore=("甲局",)) == ["<p> 别的应用"]
    assert chinese_left(html, within=("mine",), ignore=("甲局",)) == []
    with pytest.raises(AssertionError, match="nothing found"):
        assert_english(html, within=("missing",))


def test_the_checker_survives_unclosed_and_void_elements():
    html = "<ul><li>one<li>二<br><img alt='图'></ul><p>after"
    assert chinese_left(html) == ["<li> 二", "<img alt> 图"]


# -- the shell -----------------------------------------------------------------------------


PAGES = [
    EnglishPage("sign-in", None, lambda w: reverse("login"), expect=("Sign in to Zhitong",)),
    EnglishPage(
        "sign-in refused",
        None,
        lambda w: reverse("login"),
        method="post",
        data=lambda w: {"username": "hub", "password": "wrong"},
        expect=("Wrong user name or password.",),
    ),  # fmt: skip
    EnglishPage(
        "sign-in after an idle sign-out", None, lambda w: reverse("login") + "?idle=1", expect=("signed out",)
    ),
    EnglishPage("404", "handler", lambda w: "/no-such-page/", status=404, expect=("Page not found",)),
    EnglishPage(
        "403 with its reason",
        "handler",
        lambda w: reverse("enterprises:review"),
        status=403,
        expect=("Only hub coordinators and administrators can review enterprises",),
    ),  # fmt: skip
    EnglishPage("home's header and footer", "hub", lambda w: reverse("home"), within=("zt-idle",)),
]


@pytest.mark.parametrize("case", PAGES, ids=str)
def test_the_shell_is_in_english(client, english_world, case):  # noqa: F811
    assert_page_in_english(client, english_world, case)


def test_the_header_is_in_english_on_every_page(client, english_world):  # noqa: F811
    """The header, its navigation and the footer, checked on the hub's home page (its panels
    are the second pass's)."""
    client.force_login(english_world.hub)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("home")).content.decode()
    header = html[html.index("<header") : html.index("</header>") + 9]
    footer = html[html.index('<footer class="zt-footer') :]
    assert_english(header + footer, page="header")
    assert "Sign out" in header and "Hub coordinator" in header


def test_a_stale_form_gets_the_english_csrf_page(english_world):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("login"), {"username": "li", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "The page has expired" in html
    assert_english(html, page="403 csrf")


@pytest.mark.django_db
@pytest.mark.parametrize("view", [defaults.bad_request, defaults.server_error], ids=["400", "500"])
def test_the_pages_rendered_without_a_request_context_are_in_english(view):
    request = RequestFactory().get("/")
    with translation.override("en"):
        response = view(request, Exception()) if view is defaults.bad_request else view(request)
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert_english(html, page=view.__name__)


@pytest.mark.django_db
def test_a_forbidden_page_says_why_in_english():
    request = RequestFactory().get("/")
    from zhitong.organizations.tests.factories import UserFactory

    request.user = UserFactory(full_name="Li")
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        response = defaults.permission_denied(request, PermissionDenied("Only the unit head"))
    assert "You are not allowed to do this" in response.content.decode()


# -- the admin -----------------------------------------------------------------------------


def _admin(w, name, *args):
    return lambda w: reverse(f"admin:{name}", args=[getattr(w, a).pk for a in args])


ADMIN_PAGES = [
    ("index", "index", ()),
    ("enterprises", "enterprises_enterprise_changelist", ()),
    ("an enterprise", "enterprises_enterprise_change", ("enterprise",)),
    ("a new enterprise", "enterprises_enterprise_add", ()),
    ("units", "organizations_unit_changelist", ()),
    ("a unit", "organizations_unit_change", ("bureau",)),
    ("service windows", "organizations_servicewindow_changelist", ()),
    ("users", "organizations_user_changelist", ()),
    ("a user", "organizations_user_change", ("leader",)),
    ("a new user", "organizations_user_add", ()),
    ("outbox", "outbox_outboxmessage_changelist", ()),
    # (The audit log's admin page is closed to the system administrator: 三员分立.)
    ("groups", "auth_group_changelist", ()),
]


@pytest.mark.parametrize(("name", "url", "args"), ADMIN_PAGES, ids=[p[0] for p in ADMIN_PAGES])
def test_the_admin_is_in_english(client, english_world, name, url, args):  # noqa: F811
    w = english_world
    client.force_login(w.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse(f"admin:{url}", args=[getattr(w, a).pk for a in args]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert_english(html, ignore=pending_model_names() + permission_names(), page=f"admin {name}")


def test_the_admin_index_names_every_app_in_english_and_in_chinese(client, english_world):  # noqa: F811
    client.force_login(english_world.admin)
    names = {}
    for language in ("en", settings.LANGUAGE_CODE):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        html = client.get(reverse("admin:index")).content.decode()
        names[language] = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', html)
    assert (
        "Enterprises" in names["en"] and "Appeal handling" in names["en"] and "Major projects" in names["en"]
    )
    for name in names["en"]:
        assert not CJK.search(name), name
    # Chinese mode: every app's name is Chinese (Django's own "认证和授权" included).
    assert names[settings.LANGUAGE_CODE] and all(
        CJK.search(n) and not any(c.isascii() and c.isalpha() for c in n)
        for n in names[settings.LANGUAGE_CODE]
    ), names[settings.LANGUAGE_CODE]


# -- the API stays Chinese -------------------------------------------------------------------


def test_the_api_answers_in_chinese_whatever_the_pages_language(english_world):  # noqa: F811
    client = token_client(english_world.hub)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    units = client.get("/api/v1/organizations/units").json()
    assert {u["kind_label"] for u in units} >= {"市政府", "市直部门"}
    missing = client.get("/api/v1/enterprises/999999")
    assert missing.status_code == 404
    assert CJK.search(missing.json()["message"])
    # The pages, meanwhile, are English.
    page = Client()
    page.force_login(english_world.hub)
    page.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Municipal department" in page.get(reverse("organizations:units")).content.decode()
