"""Writing in-app notifications. `notify` queues them in the outbox, in the caller's
transaction: a message exists if and only if the change that causes it commits, and it is
delivered after the commit — exactly once, retried until it is (zhitong/outbox).
`notification_deliver` is the outbox's handler that writes the message — or, by the
recipient's preferences, holds it for the daily digest or drops it.

The daily digest (issue 9: over a thousand unread messages, mostly repeats): the first
notice of a kind about an object reaches the user at once; a repeat of it within the
user's window is held (`DigestItem`), and `notification_digests_send` (Celery beat, each
morning) queues one digest message per user per day that carries what was held."""

from collections.abc import Callable, Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.core.errors import ServiceError
from zhitong.core.fields import excerpt
from zhitong.outbox.services import Message, outbox_enqueue

from .kinds import DIGEST, KINDS, WINDOW_CHOICES, Delivery, kind_label, kind_of
from .models import DigestItem, Notification, NotificationPreferences

NOTIFICATION = "notification"  # the outbox kind of an in-app message
NOTIFICATION_DIGEST = "notification_digest"  # the outbox kind of one user's daily digest
DIGEST_LINES = 20  # groups named in a digest's text; its page lists them all

# Told when a message reaches a user's inbox (a notice at once, or the daily digest), in the
# deliverer's transaction: the delivery app queues the user's other channels (e-mail, SMS,
# group robots) there, so they are queued exactly when the in-app message is written.
# Each hook is called as hook(user=, kind=, title=, body=, url=, message=) where `message`
# is the outbox row the in-app message was delivered from.
DELIVERED_HOOKS: list[Callable[..., None]] = []


def register_delivered_hook(hook: Callable[..., None]) -> None:
    """Call `hook` for every message written to an inbox (in an app's AppConfig.ready)."""
    if hook not in DELIVERED_HOOKS:
        DELIVERED_HOOKS.append(hook)


def _delivered(*, user, kind: str, title: str, body: str, url: str, message) -> None:
    for hook in DELIVERED_HOOKS:
        hook(user=user, kind=kind, title=title, body=body, url=url, message=message)


_quiet_before: ContextVar[datetime | None] = ContextVar("notifications_quiet_before", default=None)


@contextmanager
def notifications_quiet_before(moment: datetime):
    """Within the block, notifications dated before `moment` are not stored. For history
    written after the fact (the demo city's months of appeals): nobody is told today about
    a step taken long ago."""
    token = _quiet_before.set(moment)
    try:
        yield
    finally:
        _quiet_before.reset(token)


def _quiet(now: datetime | None) -> bool:
    cutoff = _quiet_before.get()
    return cutoff is not None and now is not None and now < cutoff


def subject_of(*, subject: str = "", url: str = "") -> str:
    """The object a message is about: as given, else the path of its link (every notice
    about appeal 42 links to /appeals/42/), else none."""
    return (subject or urlsplit(url).path)[:200]


def notify(
    *,
    recipients: Callable[[], Iterable] | Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    subject: str = "",
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> int:
    """Queue one notification per recipient (users or user ids, or a callable returning
    them) in the current transaction; returns how many are new.

    With a `dedupe_key`, a recipient already queued that key gets nothing new — this is
    what makes the periodic clock job idempotent; the outbox's unique key settles a race
    between two runs. `subject` names the object the notice is about (default: the path of
    `url`); whether it reaches the recipient at once, in the digest or not at all is
    decided when it is delivered (`notification_deliver`)."""
    if _quiet(now):
        return 0
    now = now or timezone.now()
    if callable(recipients):
        recipients = recipients()
    ids = {getattr(r, "pk", r) for r in recipients if r is not None}
    ids.discard(None)
    payload = {
        "kind": kind,
        "subject": subject_of(subject=subject, url=url),
        "title": excerpt(title, 200),  # the column's length; the body has the whole text
        "body": body,
        "url": url[:300],
        "dedupe_key": dedupe_key,
        "at": now.isoformat(),  # full precision (the JSON encoder would cut it to ms)
    }
    return outbox_enqueue(
        messages=[
            Message(
                kind=NOTIFICATION,
                payload={**payload, "recipient_id": uid},
                dedupe_key=f"notification:{dedupe_key}:{uid}" if dedupe_key else None,
            )
            for uid in sorted(ids)
        ]
    )


def _preferences(user) -> tuple[dict, int]:
    prefs = (
        NotificationPreferences.objects.filter(user=user).values_list("modes", "digest_window_hours").first()
    )
    return prefs or ({}, NotificationPreferences._meta.get_field("digest_window_hours").default)


def notification_route(*, user, kind: str, subject: str, at: datetime) -> str:
    """How a notice of `kind` about `subject`, dated `at`, reaches `user` (a Delivery):
    a mandatory kind at once, every time; otherwise by the user's choice for the kind (or
    its default) — and a notice chosen "at once" goes to the digest when the user was
    already told of this kind about this object within their window."""
    k = kind_of(kind)
    if k.is_mandatory(getattr(user, "role", None)):
        return Delivery.IMMEDIATE
    modes, window_hours = _preferences(user)
    mode = modes.get(kind, k.default)
    if mode != Delivery.IMMEDIATE:
        return mode
    told = subject and Notification.objects.filter(
        recipient=user, kind=kind, subject=subject, created_at__gt=at - timedelta(hours=window_hours)
    )
    return Delivery.DIGEST if told and told.exists() else Delivery.IMMEDIATE


def notification_deliver(message) -> None:
    """The outbox handler: write the message of outbox row `message`, hold it for the
    digest, or drop it (notification_route). It runs in the deliverer's transaction, which
    also marks the row delivered; the one-to-one link to the row (and the per-recipient
    dedupe key) make a repeat a no-op."""
    p = message.payload
    user = get_user_model().objects.filter(pk=p["recipient_id"]).first()
    if user is None:
        return  # the recipient was deleted since: nobody to tell
    at = datetime.fromisoformat(p["at"])
    subject = p.get("subject") or subject_of(url=p["url"])  # rows queued before `subject`
    route = notification_route(user=user, kind=p["kind"], subject=subject, at=at)
    if route == Delivery.OFF:
        return
    fields = {
        "recipient_id": user.pk,
        "kind": p["kind"],
        "subject": subject,
        "title": p["title"],
        "body": p["body"],
        "url": p["url"],
        "created_at": at,
        "source_message": message,
    }
    if route == Delivery.DIGEST:
        DigestItem.objects.bulk_create([DigestItem(**fields)], ignore_conflicts=True)
        return
    Notification.objects.bulk_create(
        [Notification(**fields, dedupe_key=p["dedupe_key"])],
        ignore_conflicts=True,
    )
    if DELIVERED_HOOKS and Notification.objects.filter(source_message=message).exists():
        _delivered(user=user, kind=p["kind"], title=p["title"], body=p["body"], url=p["url"], message=message)


# ---------------------------------------------------------------------------------------
# The daily digest
# ---------------------------------------------------------------------------------------


def notification_digests_send(*, now: datetime | None = None) -> int:
    """Queue today's digest for every user with held notices; returns how many were
    queued. Idempotent per user per day: the outbox key `notification-digest:<user>:<day>`
    is unique, so a second run (or two at once) queues nothing more; what is held after
    today's digest was delivered waits for tomorrow's. The digest collects the held
    notices when it is delivered (notification_digest_deliver), so none is lost or told
    twice."""
    now = now or timezone.now()
    day = timezone.localdate(now).isoformat()
    waiting = sorted(
        set(DigestItem.objects.filter(digest__isnull=True).values_list("recipient_id", flat=True))
    )
    with transaction.atomic():
        return outbox_enqueue(
            messages=[
                Message(
                    kind=NOTIFICATION_DIGEST,
                    payload={"recipient_id": uid, "day": day, "at": now.isoformat()},
                    dedupe_key=f"notification-digest:{uid}:{day}",
                )
                for uid in waiting
            ]
        )


def digest_groups(items: Iterable[DigestItem]) -> list[dict]:
    """Held notices by kind and object, the busiest first: kind, label, subject, count,
    and the latest item (its title and link stand for the group)."""
    groups: dict[tuple[str, str], dict] = {}
    for item in items:
        key = (item.kind, item.subject or f"#{item.pk}")
        g = groups.setdefault(
            key, {"kind": item.kind, "label": kind_label(item.kind), "count": 0, "items": []}
        )
        g["count"] += 1
        g["items"].append(item)
        g["latest"] = item
    return sorted(groups.values(), key=lambda g: (-g["count"], g["label"], -g["latest"].pk))


def notification_digest_deliver(message) -> None:
    """The outbox handler of a digest: one message listing the user's held notices (those
    not yet in a digest, locked so a concurrent delivery cannot take them twice). Nothing
    held (all went in an earlier digest): no message."""
    p = message.payload
    items = list(
        DigestItem.objects.select_for_update()
        .filter(recipient_id=p["recipient_id"], digest__isnull=True)
        .order_by("created_at", "id")
    )
    if not items:
        return  # includes a recipient deleted since (their items went with them)
    groups = digest_groups(items)
    lines = [f"{g['label']}（{g['count']}条）：{g['latest'].title}" for g in groups[:DIGEST_LINES]]
    if len(groups) > DIGEST_LINES:
        lines.append(f"……另有{len(groups) - DIGEST_LINES}项，请打开汇总查看")
    digest = Notification.objects.create(
        recipient_id=p["recipient_id"],
        kind=DIGEST,
        subject=f"digest:{p['day']}",
        title=f"每日汇总（{p['day']}）：{len(items)}条重复或汇总提醒，涉及{len(groups)}项",
        body="\n".join(lines),
        created_at=datetime.fromisoformat(p["at"]),
        dedupe_key=f"digest:{p['day']}",
        source_message=message,
    )
    digest.url = reverse("notifications:digest", kwargs={"digest_id": digest.pk})
    digest.save(update_fields=["url"])
    DigestItem.objects.filter(pk__in=[i.pk for i in items]).update(digest=digest)
    if DELIVERED_HOOKS:
        _delivered(
            user=digest.recipient,
            kind=DIGEST,
            title=digest.title,
            body=digest.body,
            url=digest.url,
            message=message,
        )


# ---------------------------------------------------------------------------------------
# Read marks
# ---------------------------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int, group: bool = False, now: datetime | None = None):
    """Mark one of `user`'s messages read — with `group`, every message of its kind about
    its object (opening the group's row) — by a conditional update: a second click is a
    no-op. Returns the notification, or None when it is not the user's."""
    n = Notification.objects.filter(recipient=user, pk=notification_id).first()
    if n is None:
        return None
    if group:
        notifications_mark_read(user=user, kind=n.kind, subject=n.subject, now=now)
    elif n.read_at is None:
        Notification.objects.filter(pk=n.pk, read_at__isnull=True).update(read_at=now or timezone.now())
    return n


def notifications_mark_read(
    *, user, kind: str | None = None, subject: str | None = None, now: datetime | None = None
) -> int:
    """Mark `user`'s unread messages read: all, those of `kind`, or of `kind` about
    `subject` (one row of the hub). Returns how many."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if subject is not None:
        qs = qs.filter(subject=subject)
    return qs.update(read_at=now or timezone.now())


# ---------------------------------------------------------------------------------------
# Preferences
# ---------------------------------------------------------------------------------------


def notification_preferences_update(
    *, user, modes: dict[str, str], digest_window_hours: int, now: datetime | None = None
) -> NotificationPreferences:
    """Set `user`'s own delivery per kind and their digest window. Only the user's own row
    is ever written (the caller passes request.user). A mandatory kind cannot be set to
    anything but "at once" (ServiceError, code `mandatory`); a choice equal to the kind's
    default is not stored, so a later change of the default reaches it. Audited."""
    now = now or timezone.now()
    role = getattr(user, "role", None)
    allowed_windows = {h for h, _ in WINDOW_CHOICES}
    if digest_window_hours not in allowed_windows:
        raise ServiceError("汇总时段不在可选范围内", field="digest_window_hours")
    chosen = {}
    for code, mode in modes.items():
        k = KINDS.get(code)
        if k is None or code == DIGEST:
            raise ServiceError(f"未知的消息类型：{code}"[:200], field="modes")
        if mode not in Delivery.values:
            raise ServiceError(f"“{k.label}”的接收方式不在可选范围内", field=code)
        if k.is_mandatory(role):
            if mode != Delivery.IMMEDIATE:
                raise ServiceError(f"“{k.label}”为必收消息，不能关闭或改为汇总", code="mandatory", field=code)
            continue
        if mode != k.default:
            chosen[code] = mode
    with transaction.atomic():
        # Two first saves at once (a double click) both find no row to lock; the unique
        # user column lets one insert in, and get_or_create's insert (in a savepoint) waits
        # for it, fails, and re-reads and locks that row — so the later save applies over
        # the earlier, never an IntegrityError. Keep get_or_create (or that recovery) here:
        # tests/test_preferences_race.py.
        prefs, _ = NotificationPreferences.objects.select_for_update().get_or_create(
            user=user, defaults={"updated_at": now}
        )
        before = {"modes": prefs.modes, "digest_window_hours": prefs.digest_window_hours}
        after = {"modes": dict(sorted(chosen.items())), "digest_window_hours": digest_window_hours}
        if before == after:
            return prefs
        prefs.modes, prefs.digest_window_hours, prefs.updated_at = after["modes"], digest_window_hours, now
        prefs.save(update_fields=["modes", "digest_window_hours", "updated_at"])
        audit_record(
            action="notification.preferences", obj=prefs, actor=user, before=before, after=after, now=now
        )
    return prefs
