"""Fault: Redis down (docs/reliability.md). The cache and the Celery broker point at a closed
port. An intake and the hub's assignment through the API — which count their rate limit in
the cache, and the assignment hands the outbox's delivery (the lead unit's notice) to Celery
after its commit — still commit (201, 200), fast; their side effects
are outbox rows in the database, due; when Redis returns, the cache is used again and the
delivery task is published, and the sweep delivers every row: nothing lost."""

import json
import socket
import time

import pytest
import redis
from django.core.cache import caches

from zhitong.api.models import ApiToken
from zhitong.appeals.choices import Channel
from zhitong.appeals.models import Appeal
from zhitong.celery import app as celery_app
from zhitong.core import cache as resilient
from zhitong.outbox.choices import OutboxStatus
from zhitong.outbox.models import OutboxMessage
from zhitong.outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db

REDIS_UP = "redis://127.0.0.1:6379/12"  # this suite's own Redis database


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"  # nothing listens there once the socket is closed


def redis_cache(location: str) -> dict:
    return {
        "BACKEND": "zhitong.core.cache.ResilientRedisCache",
        "LOCATION": location,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


def redis_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS_UP, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.fixture
def broker():
    """Celery as in production (not eager), its broker at the URL given to `broker.at`."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)

    def at(url):
        conf.task_always_eager, conf.broker_url = False, url
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    yield at
    at(saved[1])
    conf.task_always_eager = saved[0]


def bearer(user) -> str:
    return f"Bearer {ApiToken.issue(user=user, name='测试')[1]}"


def intake(client, city, key):
    body = {
        "enterprise_id": city.enterprise.pk,
        "category_id": city.category.pk,
        "channel": Channel.HOTLINE,
        "title": "新厂房用电报装逾期未接电",
        "description": "企业新厂房用电报装已逾一个月未接电，影响设备调试。",
    }
    return client.post(
        "/api/v1/appeals",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=bearer(city.clerk),
        HTTP_IDEMPOTENCY_KEY=key,
    )


def assign(client, city, appeal):
    body = {"expected_version": appeal.version, "data": {"lead_unit_id": city.units.gxj.pk}}
    return client.post(
        f"/api/v1/appeals/{appeal.pk}/moves/assign",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=bearer(city.hub),
    )


def test_an_intake_commits_and_keeps_its_work_in_the_outbox_while_redis_is_down(
    client, city, settings, broker, django_capture_on_commit_callbacks, caplog
):
    down = closed_port_url()
    settings.CACHES = {alias: redis_cache(down) for alias in settings.CACHES}
    broker(down)
    r = intake(client, city, "redis-down-1")
    assert r.status_code == 201, r.content
    assert caches["api_ratelimit"].degraded  # the rate limit counted in process memory
    appeal = Appeal.objects.get(code=r.json()["code"])
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        r = assign(client, city, appeal)
    took = time.monotonic() - started
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "assigned"
    assert callbacks, "the move queued no delivery after its commit"
    assert took < 5, f"a Redis outage held the request for {took:.1f} s"
    assert "Connection refused" in caplog.text  # the publish failed, was logged, not raised
    queued = OutboxMessage.objects.filter(status=OutboxStatus.PENDING)
    assert queued.exists(), "nothing was kept for later"

    # The same request again (a client retry) is still one appeal while Redis is down.
    assert intake(client, city, "redis-down-1").status_code == 200
    assert Appeal.objects.filter(idempotency_key="redis-down-1").count() == 1
    assert appeal.pk == Appeal.objects.get(idempotency_key="redis-down-1").pk

    # Redis returns: beat's minute sweep publishes the delivery task again, the worker
    # delivers every kept row.
    if redis_up():
        r12 = redis.Redis.from_url(REDIS_UP)
        r12.delete("celery")
        broker(REDIS_UP)
        from zhitong.outbox.tasks import deliver_outbox

        deliver_outbox.delay()
        assert r12.llen("celery") == 1  # the task is on the queue
        r12.delete("celery")
    report = outbox_deliver()  # what the worker runs
    assert report.delivered >= 1 and report.failed == report.dead == 0
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.DELIVERED).exists()


def test_the_cache_falls_back_to_memory_and_returns_to_redis(settings, monkeypatch):
    settings.CACHES = {"default": redis_cache(closed_port_url())}
    cache = caches["default"]
    assert cache.add("k", 1, 60) is True and cache.incr("k") == 2 and cache.get("k") == 2
    assert cache.degraded
    # While degraded, Redis is not asked on every call (a dead Redis costs its timeout once).
    calls = []
    monkeypatch.setattr(
        resilient.RedisCache, "get", lambda *a, **kw: calls.append(1) or pytest.fail("asked Redis")
    )
    assert cache.get("k") == 2 and calls == []
    monkeypatch.undo()
    if not redis_up():
        pytest.skip("no Redis on 127.0.0.1:6379 to come back")
    settings.CACHES = {"default": redis_cache(REDIS_UP)}
    cache = caches["default"]
    cache._down_until = time.monotonic() - 1  # its retry time has come
    cache.set("zt-reliab-probe", "up", 10)
    assert not cache.degraded
    assert redis.Redis.from_url(REDIS_UP).exists(cache.make_key("zt-reliab-probe")) == 1
    cache.delete("zt-reliab-probe")
