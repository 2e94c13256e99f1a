"""The token page (/tokens/) and `zhitong token`: administrators create (the secret shown
once), list and revoke tokens; the handler and head of unit A, an outsider of unit B and
the hub are refused; anonymous visitors are sent to sign in."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from zhitong.api.models import ApiToken
from zhitong.audit.models import AuditEvent
from zhitong.coordination.tests import conftest as coordination
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
city = coordination.city

URL = "/tokens/"


@pytest.fixture
def admin(city):
    return UserFactory(username="t_admin", role=Role.ADMIN, unit=city.units.root)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def create(client, owner, **extra):
    data = {"name": "12345热线系统", "owner": owner.pk, "scopes": ["appeals:write", "open311"], **extra}
    return client.post("/tokens/new/", data)


def test_an_administrator_creates_a_token_and_sees_its_secret_once(city, admin):
    client = signed_in(admin)
    page = client.get(URL)
    assert page.status_code == 200 and "创建令牌" in page.content.decode()
    response = create(client, city.clerk, rate_limit="600", expires_on="2026-06-30")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    secret = re.search(r'class="zt-token-value">(zt_[^<]+)<', html).group(1)
    tok = ApiToken.objects.get()
    assert tok.token_hash == ApiToken.hash(secret) and tok.user == city.clerk and tok.created_by == admin
    assert tok.scopes == ["appeals:write", "open311"] and tok.rate_limit == 600
    assert f"{tok.expires_at.astimezone():%Y-%m-%d}" == "2026-06-30"
    assert AuditEvent.objects.filter(action="api_token.create", object_id=str(tok.pk)).exists()
    # Listed afterwards, never with its secret.
    listed = client.get(URL).content.decode()
    assert "12345热线系统" in listed and tok.prefix in listed and secret not in listed


def test_an_administrator_revokes_a_token(city, admin):
    tok, raw = ApiToken.issue(user=city.clerk, name="热线")
    client = signed_in(admin)
    response = client.post(f"/tokens/{tok.pk}/revoke/")
    assert response.status_code == 302
    tok.refresh_from_db()
    assert tok.revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/appeals").status_code == 401
    assert "已吊销" in client.get(URL).content.decode()
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1
    client.post(f"/tokens/{tok.pk}/revoke/")  # twice: nothing more
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


@pytest.mark.parametrize(
    "extra, words",
    [
        ({"scopes": []}, "请选择此项"),
        ({"scopes": ["everything"]}, "所选的选项不可用"),
        ({"name": " "}, "请填写"),
        ({"rate_limit": "0"}, ""),
        ({"expires_on": "2020-01-02"}, "有效期须晚于当前时间"),
    ],
)
def test_a_bad_form_is_refused_with_its_reason_and_creates_nothing(city, admin, extra, words):
    response = create(signed_in(admin), city.clerk, **extra)
    assert response.status_code == 400 and words in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("who", ["handler", "head", "outsider", "hub", "enterprise_user"])
def test_others_may_not_open_create_or_revoke(city, who):
    tok, _raw = ApiToken.issue(user=city.clerk, name="热线")
    client = signed_in(getattr(city, who))
    assert client.get(URL).status_code == 403
    assert create(client, getattr(city, who)).status_code == 403
    assert client.post(f"/tokens/{tok.pk}/revoke/").status_code == 403
    assert ApiToken.objects.count() == 1 and ApiToken.objects.get().revoked_at is None


def test_anonymous_visitors_are_sent_to_sign_in(city):
    assert Client().get(URL).status_code == 302
    assert Client().post("/tokens/new/", {}).status_code in (302, 403)
    assert not ApiToken.objects.exists()


def test_the_menu_shows_the_page_to_administrators_only(city, admin):
    assert 'href="/tokens/"' in signed_in(admin).get("/").content.decode()
    assert 'href="/tokens/"' not in signed_in(city.head).get("/").content.decode()


def test_the_page_costs_the_same_for_2_or_12_tokens(city, admin, count_queries):
    client = signed_in(admin)
    for i in range(2):
        ApiToken.issue(user=city.clerk, name=f"令牌{i}", created_by=admin)
    small = count_queries(client, URL)
    for i in range(10):
        ApiToken.issue(user=city.handler, name=f"更多{i}", created_by=admin)
    assert count_queries(client, URL) == small
    assert 'data-list-total="12"' in count_queries.html and count_queries.html.count("data-token=") == 12


def test_the_command_creates_lists_and_revokes(city):
    out = StringIO()
    call_command(
        "token", "create", "--user", city.clerk.username, "--name", "12345热线", "--scope", "appeals:write",
        "--scope", "open311", "--expires", "2026-12-31", "--rate-limit", "300", stdout=out,
    )  # fmt: skip
    secret = out.getvalue().strip().splitlines()[-1]
    tok = ApiToken.objects.get()
    assert tok.token_hash == ApiToken.hash(secret) and tok.scopes == ["appeals:write", "open311"]
    out = StringIO()
    call_command("token", "list", stdout=out)
    assert f"#{tok.pk}\t{tok.prefix}…\tactive\t{city.clerk.username}\t12345热线" in out.getvalue()
    assert secret not in out.getvalue()
    out = StringIO()
    call_command("token", "revoke", tok.prefix, stdout=out)
    assert "revoked" in out.getvalue()
    out = StringIO()
    call_command("token", "list", stdout=out)
    assert out.getvalue().strip() == "no tokens"
    out = StringIO()
    call_command("token", "list", "--all", stdout=out)
    assert "\trevoked\t" in out.getvalue()


def test_the_command_refuses_an_unknown_scope_or_account(city):
    with pytest.raises(CommandError, match="未知的权限范围"):
        call_command("token", "create", "--user", city.clerk.username, "--name", "x", "--scope", "all")
    with pytest.raises(CommandError, match="no account"):
        call_command("token", "create", "--user", "nobody", "--name", "x", "--scope", "open311")
    assert not ApiToken.objects.exists()


def test_the_page_is_english_in_english_mode():
    from django.conf import settings

    from zhitong.organizations.tests.factories import UnitFactory
    from zhitong.portal.tests.english_city import untranslated

    office = UnitFactory(name="Hotline Office", short_name="Hotline")
    admin = UserFactory(username="admin_en", role=Role.ADMIN, unit=office, full_name="Admin")
    owner = UserFactory(username="hotline_en", role=Role.CLERK, unit=office, full_name="Hotline")
    revoked, _raw = ApiToken.issue(user=owner, name="Old hotline", created_by=admin)
    revoked.revoked_at = revoked.created_at
    revoked.save()
    client = signed_in(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = create(client, owner, name="Hotline", rate_limit="60")
    assert response.status_code == 200 and response["Content-Language"] == "en"
    assert untranslated(response.content.decode()) == []
    assert untranslated(client.get(URL).content.decode()) == []
