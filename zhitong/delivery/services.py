"""Delivering messages on the channels beside the inbox.

When a message reaches a user's inbox (notifications' delivered hook, in the deliverer's
transaction), `channels_queue_for_message` writes one `Delivery` per channel the user chose
for its kind, and one outbox row per delivery (kind "channel", the delivery's dedupe key):
each channel is retried with the outbox's backoff on its own and sent once — the handler
marks the delivery sent in the transaction that marks its row delivered, and a delivery
already sent is never sent again. Within the user's quiet hours a message that is not
mandatory is held (status "held", no outbox row) until `deliveries_release_held` (beat,
every minute) queues it. SMS queued by other apps (outbox kind "sms", SHARED_CONTRACTS.md)
get their own `Delivery` when they are first tried. See docs/delivery.md.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.core.crypto import decrypt, is_ciphertext
from zhitong.core.errors import ServiceError
from zhitong.notifications.kinds import KINDS, kind_label, kind_of
from zhitong.outbox.services import Message, outbox_enqueue

from .backends.base import PermanentFailure
from .backends.email import email_send
from .backends.robot import robot_markdown, robot_send
from .backends.sms import SIGN, Sms, sms_backend
from .choices import Channel, DeliveryStatus
from .models import ChannelPreferences, Delivery, RobotHook

CHANNEL = "channel"  # the outbox kind of one delivery on one channel
SMS = "sms"  # the outbox kind other apps queue SMS with (SHARED_CONTRACTS.md)
PHONE = re.compile(r"^\+?\d{5,20}$")
SMS_MAX = 300


def _name(user) -> str:
    return getattr(user, "full_name", "") or user.get_username()


# ---------------------------------------------------------------------------------------
# Quiet hours
# ---------------------------------------------------------------------------------------


def quiet_until(*, start: time | None, end: time | None, now: datetime) -> datetime | None:
    """When the quiet hours [start, end) that `now` falls in end (local time; an end before
    the start is the next morning), or None outside them (or without quiet hours)."""
    if start is None or end is None or start == end:
        return None
    local = timezone.localtime(now)
    t = local.time()
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, end), local.tzinfo)


# ---------------------------------------------------------------------------------------
# Queueing: one delivery (and one outbox row) per channel
# ---------------------------------------------------------------------------------------


def robots_for(*, user, kind: str) -> list[RobotHook]:
    """The active robots of the user's unit and of the groups they are in that carry `kind`."""
    q = Q(members=user)
    if getattr(user, "unit_id", None):
        q |= Q(unit_id=user.unit_id)
    hooks = RobotHook.objects.filter(q, active=True).distinct().order_by("id")
    return [h for h in hooks if not h.kinds or kind in h.kinds]


def channels_queue_for_message(*, user, kind: str, title: str, body: str, url: str, message) -> int:
    """The delivered hook: queue `user`'s chosen channels for a message of `kind` that
    reached their inbox from outbox row `message`. Returns how many deliveries were made."""
    prefs = ChannelPreferences.objects.filter(user=user).first()
    chosen = prefs.channels.get(kind, []) if prefs else []
    if not chosen:
        return 0
    now = timezone.now()
    mandatory = kind_of(kind).is_mandatory(getattr(user, "role", None))
    hold = None if mandatory else quiet_until(start=prefs.quiet_start, end=prefs.quiet_end, now=now)
    targets: list[tuple[str, str, RobotHook | None]] = []  # (key suffix, address, robot)
    for channel in chosen:
        if channel == Channel.EMAIL and user.email:
            targets.append((Channel.EMAIL, user.email, None))
        elif channel == Channel.SMS and PHONE.match(user.phone or ""):
            targets.append((Channel.SMS, user.phone, None))
        elif channel == Channel.ROBOT:
            targets += [(f"{Channel.ROBOT}:{h.pk}", h.url, h) for h in robots_for(user=user, kind=kind)]
    made = []
    for suffix, address, robot in targets:
        d, created = Delivery.objects.get_or_create(
            dedupe_key=f"channel:{message.pk}:{suffix}",
            defaults={
                "channel": suffix.split(":")[0],
                "recipient": user,
                "robot": robot,
                "address": address[:500],
                "kind": kind,
                "title": title[:200],
                "body": body,
                "url": url[:300],
                "status": DeliveryStatus.HELD if hold else DeliveryStatus.QUEUED,
                "hold_until": hold,
                "created_at": now,
            },
        )
        if created:
            made.append(d)
    outbox_enqueue(messages=[_row(d) for d in made if d.status == DeliveryStatus.QUEUED])
    return len(made)


def _row(d: Delivery) -> Message:
    return Message(kind=CHANNEL, payload={"key": d.dedupe_key}, dedupe_key=d.dedupe_key)


def deliveries_release_held(*, now: datetime | None = None) -> int:
    """Queue the deliveries whose quiet hours are over (beat, every minute; safe to run
    twice at once: the rows are locked, and the outbox key is the delivery's)."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True).filter(
                status=DeliveryStatus.HELD, hold_until__lte=now
            )
        )
        if not due:
            return 0
        Delivery.objects.filter(pk__in=[d.pk for d in due]).update(status=DeliveryStatus.QUEUED)
        outbox_enqueue(messages=[_row(d) for d in due])
    return len(due)


# ---------------------------------------------------------------------------------------
# The outbox handlers
# ---------------------------------------------------------------------------------------


def sms_text(*, kind: str, title: str, url: str = "") -> str:
    site = getattr(settings, "ZHITONG_SITE_URL", "").rstrip("/")
    link = f" {site}{url}" if site and url.startswith("/") else ""
    return f"{SIGN}{kind_label(kind)}：{title}{link}"[:SMS_MAX]


def _send(d: Delivery) -> None:
    name = _name(d.recipient) if d.recipient else ""
    if d.channel == Channel.EMAIL:
        email_send(to=d.address, kind=d.kind, title=d.title, body=d.body, url=d.url, name=name)
    elif d.channel == Channel.SMS:
        text = d.body if d.kind == SMS else sms_text(kind=d.kind, title=d.title, url=d.url)
        sms_backend().send(Sms(phone=d.address, text=text, purpose=d.purpose or "notice", key=d.dedupe_key))
    elif d.channel == Channel.ROBOT:
        hook = d.robot
        if hook is None or not hook.active:
            raise PermanentFailure("工作群机器人已删除或停用")
        text = robot_markdown(kind_label=kind_label(d.kind), title=d.title, body=d.body, url=d.url, name=name)
        robot_send(
            style=hook.style,
            url=hook.url,
            secret=hook.secret,
            title=d.title,
            text=text,
            phone=getattr(d.recipient, "phone", "") or "",
        )
    else:
        raise PermanentFailure(f"未知渠道：{d.channel}")


def _sent(d: Delivery, message) -> None:
    now = timezone.now()
    d.status, d.attempts, d.last_error = DeliveryStatus.SENT, message.attempts, ""
    d.last_attempt_at = d.sent_at = now
    d.save(update_fields=["status", "attempts", "last_error", "last_attempt_at", "sent_at"])


def channel_deliver(message) -> None:
    """Send one delivery (outbox kind "channel"). A delivery already sent is not sent
    again; a failure raises (the outbox retries) and `channel_failed` records it."""
    d = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("recipient", "robot")
        .filter(dedupe_key=message.payload.get("key"))
        .first()
    )
    if d is None or d.status == DeliveryStatus.SENT:
        return
    _send(d)
    _sent(d, message)


def _failed_fields(message, now) -> dict:
    return {
        "status": DeliveryStatus.DEAD if message.status == "dead" else DeliveryStatus.FAILED,
        "attempts": message.attempts,
        "last_error": message.last_error,
        "last_attempt_at": now,
    }


def channel_failed(message, exc, now) -> None:
    Delivery.objects.filter(dedupe_key=message.payload.get("key")).update(**_failed_fields(message, now))


def _clear_phone(value) -> str:
    """The payload's phone: queued encrypted (core/crypto.py, so the outbox table holds no
    clear number), opened here at the send step; a clear one is taken as it is."""
    text = str(value or "")
    return decrypt(text).decode("utf-8") if is_ciphertext(text) else text


def _sms_delivery(message) -> Delivery:
    p = message.payload
    text = str(p.get("text", ""))
    d, _ = Delivery.objects.get_or_create(
        dedupe_key=f"sms:{message.dedupe_key}"[:255],
        defaults={
            "channel": Channel.SMS,
            "address": _clear_phone(p.get("phone", ""))[:500],
            "kind": SMS,
            "title": text[:200],
            "body": text,
            "purpose": str(p.get("purpose", ""))[:20],
            "created_at": message.created_at,
        },
    )
    return d


def sms_deliver(message) -> None:
    """The handler of kind "sms" (`{"phone", "text", "purpose"}`, the phone clear or `encrypt`ed): send it through the
    configured gateway, once."""
    d = _sms_delivery(message)
    if d.status == DeliveryStatus.SENT:
        return
    if not PHONE.match(d.address) or not d.body:
        raise PermanentFailure("短信缺少有效的手机号码或内容")
    d = Delivery.objects.select_for_update().get(pk=d.pk)
    _send(d)
    _sent(d, message)


def sms_failed(message, exc, now) -> None:
    d = _sms_delivery(message)
    Delivery.objects.filter(pk=d.pk).update(**_failed_fields(message, now))


# ---------------------------------------------------------------------------------------
# Preferences
# ---------------------------------------------------------------------------------------


def channel_preferences_update(
    *,
    user,
    channels: dict[str, list[str]],
    quiet_start: time | None,
    quiet_end: time | None,
    now: datetime | None = None,
) -> ChannelPreferences | None:
    """Set `user`'s own channels per kind and quiet hours (both or neither, not equal).
    Nothing chosen and no row yet: nothing written. Audited."""
    now = now or timezone.now()
    if (quiet_start is None) != (quiet_end is None):
        raise ServiceError("免打扰时段需同时填写开始和结束时间", field="quiet_start")
    if quiet_start is not None and quiet_start == quiet_end:
        raise ServiceError("免打扰的开始和结束时间不能相同", field="quiet_end")
    chosen = {}
    for code, picked in channels.items():
        if code not in KINDS:
            raise ServiceError(f"未知的消息类型：{code}"[:200], field="channels")
        bad = [c for c in picked if c not in Channel.values]
        if bad:
            raise ServiceError(f"“{KINDS[code].label}”的渠道不在可选范围内", field="channels")
        if picked:
            chosen[code] = sorted(set(picked))
    after = {
        "channels": dict(sorted(chosen.items())),
        "quiet_start": quiet_start.strftime("%H:%M") if quiet_start else None,
        "quiet_end": quiet_end.strftime("%H:%M") if quiet_end else None,
    }
    with transaction.atomic():
        prefs = ChannelPreferences.objects.select_for_update().filter(user=user).first()
        if prefs is None:
            if not chosen and quiet_start is None:
                return None
            prefs, _ = ChannelPreferences.objects.get_or_create(user=user, defaults={"updated_at": now})
            prefs = ChannelPreferences.objects.select_for_update().get(pk=prefs.pk)
        before = {
            "channels": prefs.channels,
            "quiet_start": prefs.quiet_start.strftime("%H:%M") if prefs.quiet_start else None,
            "quiet_end": prefs.quiet_end.strftime("%H:%M") if prefs.quiet_end else None,
        }
        if before == after:
            return prefs
        prefs.channels, prefs.quiet_start, prefs.quiet_end = after["channels"], quiet_start, quiet_end
        prefs.updated_at = now
        prefs.save(update_fields=["channels", "quiet_start", "quiet_end", "updated_at"])
        audit_record(
            action="delivery.preferences", obj=prefs, actor=user, before=before, after=after, now=now
        )
    return prefs
