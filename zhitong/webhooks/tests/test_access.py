"""Who may manage which subscription, on the pages and in the API: the client that owns it
(the handler of unit A) may; the head of unit A and an outsider from unit B see no such
subscription (404); an enterprise account may not use webhooks (403); anonymous visitors
sign in (pages) or get 401 (API); the administrator sees and replays everyone's."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from zhitong.api.models import ApiToken
from zhitong.organizations.choices import Role
from zhitong.organizations.tests.factories import UserFactory
from zhitong.outbox.models import OutboxMessage
from zhitong.webhooks.models import Subscription, WebhookDelivery
from zhitong.webhooks.services import subscription_create

pytestmark = pytest.mark.django_db
API = "/api/v1/webhooks"


@pytest.fixture
def sub(city):
    s = subscription_create(
        actor=city.handler, name="工信局系统", url="https://gxj.example.gov.cn/hook", events=[]
    )
    WebhookDelivery.objects.create(
        subscription=s,
        event="appeal.sign",
        payload={"id": "k1"},
        dedupe_key="webhook:t:1",
        created_at=timezone.now(),
    )
    return s


def token(client, user):
    _, raw = ApiToken.issue(user=user, name="测试")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


# -- pages --------------------------------------------------------------------------------


def test_the_owner_lists_opens_and_edits_their_subscription(client, city, sub):
    client.force_login(city.handler)
    html = client.get(reverse("webhooks:list")).content.decode()
    assert "工信局系统" in html and 'data-list-total="1"' in html
    page = client.get(reverse("webhooks:detail", args=[sub.pk]))
    assert page.status_code == 200 and sub.secret in page.content.decode()
    assert 'data-list-total="1"' in page.content.decode()
    r = client.post(
        reverse("webhooks:detail", args=[sub.pk]),
        {
            "name": "工信局系统2",
            "url": "https://gxj.example.gov.cn/v2",
            "events": ["appeal.sign"],
            "active": "on",
        },
    )
    assert r.status_code == 302
    sub.refresh_from_db()
    assert (sub.name, sub.events, sub.active) == ("工信局系统2", ["appeal.sign"], True)


@pytest.mark.parametrize("who", ["head", "outsider"])
def test_others_in_and_outside_the_unit_do_not_see_the_subscription(client, city, sub, who):
    client.force_login(getattr(city, who))
    assert "工信局系统" not in client.get(reverse("webhooks:list")).content.decode()
    assert client.get(reverse("webhooks:detail", args=[sub.pk])).status_code == 404
    post = client.post(reverse("webhooks:detail", args=[sub.pk]), {"name": "x", "url": "https://x.cn/"})
    assert post.status_code == 404
    replay = reverse("webhooks:replay", args=[sub.pk, sub.deliveries.get().pk])
    assert client.post(replay).status_code == 404
    assert client.post(reverse("webhooks:delete", args=[sub.pk])).status_code == 404
    assert Subscription.objects.filter(pk=sub.pk, name="工信局系统").exists()
    assert not OutboxMessage.objects.filter(kind="webhook").exists()


def test_an_enterprise_account_may_not_use_webhooks_and_anonymous_visitors_sign_in(client, city, sub):
    client.force_login(city.enterprise_user)
    assert client.get(reverse("webhooks:list")).status_code == 403
    assert client.get(reverse("webhooks:detail", args=[sub.pk])).status_code == 403
    client.logout()
    r = client.get(reverse("webhooks:list"))
    assert r.status_code == 302 and "/accounts/login/" in r.url


def test_a_subscription_is_created_on_the_page_for_the_signed_in_client(client, city):
    client.force_login(city.head)
    r = client.post(
        reverse("webhooks:list"),
        {
            "name": "单位系统",
            "url": "https://gxj.example.gov.cn/h",
            "events": ["appeal.created", "appeal.sign"],
        },
    )
    s = Subscription.objects.get()
    assert r.status_code == 302 and r.url == reverse("webhooks:detail", args=[s.pk])
    assert (s.client, s.events) == (city.head, ["appeal.created", "appeal.sign"])
    bad = client.post(reverse("webhooks:list"), {"name": "x", "url": "ftp://x", "events": ["appeal.nope"]})
    assert bad.status_code == 200 and bad.context["form"].errors and Subscription.objects.count() == 1


def test_the_owner_replays_a_delivery_from_the_log(client, city, sub):
    client.force_login(city.handler)
    d = sub.deliveries.get()
    r = client.post(reverse("webhooks:replay", args=[sub.pk, d.pk]))
    assert r.status_code == 302
    replay = WebhookDelivery.objects.get(replay_of=d)
    assert OutboxMessage.objects.get(kind="webhook").dedupe_key == replay.dedupe_key


def test_the_administrator_sees_and_replays_every_clients_subscriptions(client, city, sub):
    admin = UserFactory(role=Role.ADMIN, unit=city.units.root)
    client.force_login(admin)
    assert "工信局系统" in client.get(reverse("webhooks:list")).content.decode()
    assert client.post(reverse("webhooks:replay", args=[sub.pk, sub.deliveries.get().pk])).status_code == 302


def test_the_owner_deletes_their_subscription(client, city, sub):
    client.force_login(city.handler)
    assert client.post(reverse("webhooks:delete", args=[sub.pk])).status_code == 302
    assert not Subscription.objects.exists()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_and_the_log_cost_the_same_queries_for_few_and_many_rows(client, city, sub):
    client.force_login(city.handler)
    detail = reverse("webhooks:detail", args=[sub.pk])
    client.get(detail)  # the session's first save is not the page's
    few = (_queries(client, reverse("webhooks:list")), _queries(client, detail))
    for i in range(12):
        s = subscription_create(actor=city.handler, name=f"系统{i}", url="https://x.example.cn/", events=[])
        WebhookDelivery.objects.create(
            subscription=sub,
            event="appeal.sign",
            payload={},
            dedupe_key=f"webhook:m:{i}",
            created_at=timezone.now(),
        )
        s.save()
    many = (_queries(client, reverse("webhooks:list")), _queries(client, detail))
    assert few == many


# -- API ----------------------------------------------------------------------------------


def test_the_owner_manages_their_subscription_through_the_api(client, city, sub):
    token(client, city.handler)
    assert {e["code"] for e in client.get(f"{API}/events").json()} >= {"appeal.created", "appeal.sign"}
    assert [s["id"] for s in client.get(f"{API}/subscriptions").json()] == [sub.pk]
    assert client.get(f"{API}/subscriptions/{sub.pk}").json()["secret"] == sub.secret
    patched = client.patch(
        f"{API}/subscriptions/{sub.pk}",
        json.dumps({"events": ["appeal.resolve"], "rotate_secret": True}),
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["events"] == ["appeal.resolve"]
    assert patched.json()["secret"] != sub.secret
    log = client.get(f"{API}/subscriptions/{sub.pk}/deliveries").json()
    assert [d["idempotency_key"] for d in log] == ["webhook:t:1"]
    replay = client.post(f"{API}/subscriptions/{sub.pk}/deliveries/{log[0]['id']}/replay")
    assert replay.status_code == 201 and replay.json()["replay_of_id"] == log[0]["id"]
    assert client.delete(f"{API}/subscriptions/{sub.pk}").status_code == 204
    assert not Subscription.objects.exists()


def test_a_client_creates_a_subscription_through_the_api(client, city):
    token(client, city.outsider)
    r = client.post(
        f"{API}/subscriptions",
        json.dumps(
            {"name": "商务局系统", "url": "https://swj.example.gov.cn/h", "events": ["appeal.created"]}
        ),
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["secret"].startswith("whsec_")
    assert Subscription.objects.get().client == city.outsider
    bad = client.post(
        f"{API}/subscriptions",
        json.dumps({"name": "x", "url": "https://swj.example.gov.cn/h", "events": ["appeal.nope"]}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "events"


@pytest.mark.parametrize("who", ["head", "outsider"])
def test_another_client_gets_404_for_every_operation_on_a_subscription(client, city, sub, who):
    token(client, getattr(city, who))
    d = sub.deliveries.get()
    assert client.get(f"{API}/subscriptions").json() == []
    assert client.get(f"{API}/subscriptions/{sub.pk}").status_code == 404
    r = client.patch(
        f"{API}/subscriptions/{sub.pk}", json.dumps({"active": False}), content_type="application/json"
    )
    assert r.status_code == 404
    assert client.get(f"{API}/subscriptions/{sub.pk}/deliveries").status_code == 404
    assert client.post(f"{API}/subscriptions/{sub.pk}/deliveries/{d.pk}/replay").status_code == 404
    assert client.delete(f"{API}/subscriptions/{sub.pk}").status_code == 404
    sub.refresh_from_db()
    assert sub.active and not WebhookDelivery.objects.filter(replay_of=d).exists()


def test_an_enterprise_account_gets_403_and_anonymous_401(client, city, sub):
    token(client, city.enterprise_user)
    for r in (
        client.get(f"{API}/events"),
        client.get(f"{API}/subscriptions"),
        client.post(
            f"{API}/subscriptions",
            json.dumps({"name": "x", "url": "https://e.cn/"}),
            content_type="application/json",
        ),
        client.get(f"{API}/subscriptions/{sub.pk}"),
    ):
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
    client.defaults.pop("HTTP_AUTHORIZATION")
    assert client.get(f"{API}/subscriptions").status_code == 401


def test_replaying_for_a_switched_off_subscription_is_a_conflict(client, city, sub):
    Subscription.objects.filter(pk=sub.pk).update(active=False)
    token(client, city.handler)
    r = client.post(f"{API}/subscriptions/{sub.pk}/deliveries/{sub.deliveries.get().pk}/replay")
    assert r.status_code == 409 and r.json()["code"] == "inactive"
