"""/api/v1/webhooks: the caller's webhook subscriptions to appeal events, their delivery
logs and replay (docs/webhooks.md). The caller is the client: a subscription belongs to the
token's account, and its events are the appeals that account may see."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema, Status
from pydantic import Field

from zhitong.core.errors import ErrorOut, Forbidden
from zhitong.core.fields import Id, PageNumber, Text, VisibleText
from zhitong.organizations.capabilities import can_subscribe_webhooks, manages_all_webhooks

from . import selectors, services
from .events import events

router = Router(tags=["webhooks"])
ERRORS = {403: ErrorOut, 409: ErrorOut}
PAGE = 50


class WebhookEventOut(Schema):
    code: str
    label: str


class SubscriptionOut(Schema):
    id: int
    client_id: int
    name: str
    url: str
    events: list[str]
    active: bool
    secret: str = Field(description="签名密钥：验证 X-Zhitong-Signature（见 docs/webhooks.md）")
    created_at: datetime
    updated_at: datetime


class SubscriptionIn(Schema):
    name: VisibleText(100)
    url: Text(500)
    events: list[Text(60)] = Field(default_factory=list, max_length=60, description="不填或空：全部事件")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "name": "12345热线系统",
                    "url": "https://hotline.example.gov.cn/zhitong/events",
                    "events": ["appeal.created", "appeal.resolve"],
                }
            ]
        }
    }


class SubscriptionPatch(Schema):
    name: VisibleText(100) | None = None
    url: Text(500) | None = None
    events: list[Text(60)] | None = Field(default=None, max_length=60)
    active: bool | None = None
    rotate_secret: bool = False


class DeliveryOut(Schema):
    id: int
    event: str
    appeal_id: int | None
    status: str
    attempts: int
    response_status: int | None
    last_error: str
    idempotency_key: str
    created_at: datetime
    last_attempt_at: datetime | None
    sent_at: datetime | None
    replay_of_id: int | None
    payload: dict


def _may_use(user) -> None:
    if not (can_subscribe_webhooks(user) or manages_all_webhooks(user)):
        raise Forbidden("您无权使用事件推送")


def _sub_out(s) -> dict:
    return {
        "id": s.pk,
        "client_id": s.client_id,
        "name": s.name,
        "url": s.url,
        "events": s.events,
        "active": s.active,
        "secret": s.secret,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


def _delivery_out(d) -> dict:
    return {
        "id": d.pk,
        "event": d.event,
        "appeal_id": d.appeal_id,
        "status": d.status,
        "attempts": d.attempts,
        "response_status": d.response_status,
        "last_error": d.last_error,
        "idempotency_key": d.dedupe_key,
        "created_at": d.created_at,
        "last_attempt_at": d.last_attempt_at,
        "sent_at": d.sent_at,
        "replay_of_id": d.replay_of_id,
        "payload": d.payload,
    }


@router.get("/events", response={200: list[WebhookEventOut], 403: ErrorOut}, summary="可订阅的诉求事件")
def event_list(request):
    _may_use(request.user)
    return [{"code": code, "label": label} for code, label in events().items()]


@router.get(
    "/subscriptions", response={200: list[SubscriptionOut], 403: ErrorOut}, summary="我的事件推送订阅"
)
def subscription_list(request):
    _may_use(request.user)
    return [_sub_out(s) for s in selectors.subscriptions_for(user=request.user)]


@router.post("/subscriptions", response={201: SubscriptionOut, 403: ErrorOut}, summary="新建事件推送订阅")
def subscription_create(request, payload: SubscriptionIn):
    """The response carries the signing `secret` (also readable later by the owner).

    Each event is POSTed to `url` as UTF-8 JSON with the headers `X-Zhitong-Event`,
    `X-Zhitong-Timestamp` (Unix seconds), `Idempotency-Key` (the same on every retry) and
    `X-Zhitong-Signature: sha256=<hex>`, the HMAC-SHA256 keyed with `secret` of
    `timestamp + "." + body` (the raw body). Refuse a timestamp more than 5 minutes off and
    compare in constant time. Answer 2xx; anything else is retried after 1, 2, 4 … minutes
    (8 attempts; a 4xx other than 408/425/429 gives up at once)."""
    _may_use(request.user)
    sub = services.subscription_create(actor=request.user, **payload.dict())
    return Status(201, _sub_out(sub))


@router.get(
    "/subscriptions/{subscription_id}", response={200: SubscriptionOut, 403: ErrorOut}, summary="一个订阅"
)
def subscription_get(request, subscription_id: Id):
    _may_use(request.user)
    return _sub_out(selectors.subscription_get_for_user(user=request.user, subscription_id=subscription_id))


@router.patch(
    "/subscriptions/{subscription_id}",
    response={200: SubscriptionOut, 403: ErrorOut},
    summary="修改订阅（启停、事件、地址、更换密钥）",
)
def subscription_update(request, subscription_id: Id, payload: SubscriptionPatch):
    _may_use(request.user)
    sub = services.subscription_update(actor=request.user, subscription_id=subscription_id, **payload.dict())
    return _sub_out(sub)


@router.delete("/subscriptions/{subscription_id}", response={204: None, 403: ErrorOut}, summary="删除订阅")
def subscription_delete(request, subscription_id: Id):
    _may_use(request.user)
    services.subscription_delete(actor=request.user, subscription_id=subscription_id)
    return Status(204, None)


@router.get(
    "/subscriptions/{subscription_id}/deliveries",
    response={200: list[DeliveryOut], 403: ErrorOut},
    summary="订阅的推送记录（新的在前，每页50条）",
)
def delivery_list(request, subscription_id: Id, page: PageNumber = 1):
    _may_use(request.user)
    sub = selectors.subscription_get_for_user(user=request.user, subscription_id=subscription_id)
    rows = selectors.deliveries_for(subscription=sub)[(page - 1) * PAGE : page * PAGE]
    return [_delivery_out(d) for d in rows]


@router.post(
    "/subscriptions/{subscription_id}/deliveries/{delivery_id}/replay",
    response={201: DeliveryOut, **ERRORS},
    summary="重放一条推送（新的推送记录与新的幂等键）",
)
def delivery_replay(request, subscription_id: Id, delivery_id: Id):
    _may_use(request.user)
    replay = services.webhook_replay(
        actor=request.user, subscription_id=subscription_id, delivery_id=delivery_id
    )
    return Status(201, _delivery_out(replay))
