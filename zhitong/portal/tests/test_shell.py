"""The shell around every page: sign-in, sign-out, language switch, error pages."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views import defaults

from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_is_in_chinese(client):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-CN"' in page
    assert "登录直通平台" in page


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录直通平台" in page


def test_a_wrong_password_is_refused_with_a_chinese_message(client):
    UserFactory(username="li")
    response = client.post(reverse("login"), {"username": "li", "password": "not-the-password"})
    assert response.status_code == 200
    assert "用户名或密码错误。" in response.content.decode()


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(client):
    response = client.post(reverse("login"), {"username": "nobody", "password": "whatever-1A!"})
    assert "用户名或密码错误。" in response.content.decode()


def test_a_throttled_sign_in_is_told_how_long_to_wait(client):
    UserFactory(username="li")
    for _ in range(settings.ZHITONG_LOCKOUT_FAILURES):
        response = client.post(reverse("login"), {"username": "li", "password": "wrong"})
    assert "登录尝试过于频繁，请15分钟后再试。" in response.content.decode()
    # The right password does not get in meanwhile (from this address).
    response = client.post(reverse("login"), {"username": "li", "password": PASSWORD})
    assert response.status_code == 200
    assert "登录尝试过于频繁" in response.content.decode()


def test_the_sign_in_page_explains_an_idle_sign_out(client):
    page = client.get(reverse("login") + "?idle=1").content.decode()
    assert f"您已超过{settings.ZHITONG_IDLE_TIMEOUT_MINUTES}分钟未操作" in page


def test_switching_to_english_translates_the_shell_and_sticks(client):
    user = UserFactory(role=Role.SUPERVISOR, full_name="赵督查")
    client.force_login(user)

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()

    assert '<html lang="en"' in page
    assert "Supervision workbench" in page
    assert "Sign out" in page
    assert ">Home</a>" in page
    assert "Supervisor" in page  # the role badge


def test_switching_back_to_chinese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Sign in to Zhitong" in client.get(reverse("login")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/accounts/login/"})
    assert "登录直通平台" in client.get(reverse("login")).content.decode()


def test_the_english_sign_in_error_is_translated(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    UserFactory(username="li")
    response = client.post(reverse("login"), {"username": "li", "password": "wrong"})
    assert "Wrong user name or password." in response.content.decode()


def test_a_missing_page_gets_the_chinese_404_page(client):
    client.force_login(UserFactory())
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在或您无权访问" in response.content.decode()


def test_a_forbidden_action_gets_the_chinese_403_page_with_its_reason():
    request = RequestFactory().get("/")
    request.user = UserFactory()
    response = defaults.permission_denied(request, PermissionDenied("只有单位负责人可以批准延期"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "您没有权限进行此操作" in page
    assert "只有单位负责人可以批准延期" in page


def test_a_server_error_gets_the_chinese_500_page_without_a_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "系统出现错误" in response.content.decode()


def test_a_stale_form_gets_the_chinese_csrf_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "li", "password": "x"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_the_header_shows_who_is_signed_in_and_their_unit(client):
    user = UserFactory(role=Role.HANDLER, full_name="王承办", unit__name="市工业和信息化局")
    client.force_login(user)
    page = client.get("/").content.decode()
    assert "王承办" in page
    assert "承办人" in page
    assert "市工业和信息化局" in page


def test_only_the_admin_sees_the_administration_link(client):
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True))
    assert 'href="/admin/"' in client.get("/").content.decode()
    client.force_login(UserFactory(role=Role.HANDLER))
    assert 'href="/admin/"' not in client.get("/").content.decode()


def test_the_admin_site_carries_the_product_name(client):
    client.force_login(UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True))
    page = client.get("/admin/").content.decode()
    assert "直通 · 后台管理" in page
    assert "基础数据管理" in page
