"""Reads of the signed-in user's own notifications (the recipient filter is the whole
access rule): the hub's groups and counts, the digest pages, the preferences."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Count, F, Max, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from .kinds import DIGEST, KINDS, Delivery, NoticeKind, Section, kind_label
from .models import DigestItem, Notification, NotificationPreferences


class State:
    """The hub's read filter (?state=…); unread is the default view, the one the header's
    unread badge links to."""

    UNREAD, READ, ALL = "unread", "read", "all"
    CHOICES = ((UNREAD, "未读"), (READ, "已读"), (ALL, "全部"))


def notifications_for(
    *, user, state: str = State.ALL, kind: str = "", subject: str | None = None
) -> QuerySet[Notification]:
    """`user`'s messages in one of the hub's lists: by read state, kind and object."""
    qs = Notification.objects.filter(recipient=user)
    if state == State.UNREAD:
        qs = qs.filter(read_at__isnull=True)
    elif state == State.READ:
        qs = qs.filter(read_at__isnull=False)
    if kind:
        qs = qs.filter(kind=kind)
    if subject is not None:
        qs = qs.filter(subject=subject)
    return qs.order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    """The header badge: the length of the hub's unread list (notifications_for, state unread)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_kind_counts(*, user, state: str) -> list[dict]:
    """The hub's kind filters, "超期提醒 (37)": messages per kind in the `state` list, the
    most recent kind first. Each count is the length of the list its filter shows."""
    rows = (
        notifications_for(user=user, state=state)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"), latest=Max("created_at"))
        .order_by("-latest", "kind")
    )
    return [{"kind": r["kind"], "label": kind_label(r["kind"]), "count": r["n"]} for r in rows]


def notification_groups(*, user, state: str, kind: str = "") -> QuerySet:
    """The hub's rows: one per kind and object — how many messages, how many unread, when
    the latest came — the latest first (a values queryset, paginated by the view)."""
    return (
        notifications_for(user=user, state=state, kind=kind)
        .order_by()
        .values("kind", "subject")
        .annotate(
            count=Count("id"),
            unread=Count("id", filter=Q(read_at__isnull=True)),
            latest_at=Max("created_at"),
            latest_id=Max("id"),
        )
        .order_by("-latest_at", "-latest_id")
    )


@dataclass
class Group:
    kind: str
    subject: str
    count: int
    unread: int
    latest_at: object
    label: str = ""
    messages: list[Notification] = field(default_factory=list)  # the latest few

    @property
    def latest(self) -> Notification | None:
        return self.messages[0] if self.messages else None

    @property
    def more(self) -> int:
        return self.count - len(self.messages)


def notification_group_rows(*, user, state: str, groups, per_group: int = 5) -> list[Group]:
    """The rows of one page of groups with each group's latest `per_group` messages, in
    one query whatever the page holds (a window function numbers each group's messages)."""
    rows = [Group(**{k: g[k] for k in ("kind", "subject", "count", "unread", "latest_at")}) for g in groups]
    if not rows:
        return rows
    which = reduce(or_, (Q(kind=r.kind, subject=r.subject) for r in rows))
    ranked = (
        notifications_for(user=user, state=state)
        .filter(which)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("kind"), F("subject")],
                order_by=[F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(rank__lte=per_group)
        .order_by("-created_at", "-id")
    )
    by_key = {(r.kind, r.subject): r for r in rows}
    for n in ranked:
        by_key[(n.kind, n.subject)].messages.append(n)
    for r in rows:
        r.label = kind_label(r.kind)
    return rows


def notification_digest_get_for_user(*, user, digest_id: int) -> Notification | None:
    """One of `user`'s digest messages (None for a missing one and another user's alike)."""
    return Notification.objects.filter(recipient=user, kind=DIGEST, pk=digest_id).first()


def digest_items(*, digest: Notification) -> QuerySet[DigestItem]:
    return DigestItem.objects.filter(digest=digest, recipient_id=digest.recipient_id).order_by(
        "created_at", "id"
    )


def digest_waiting_count(*, user) -> int:
    """Notices held for `user`'s next digest."""
    return DigestItem.objects.filter(recipient=user, digest__isnull=True).count()


# ---------------------------------------------------------------------------------------
# Preferences
# ---------------------------------------------------------------------------------------


def notification_preferences_for(*, user) -> NotificationPreferences:
    """The user's row, or the defaults (unsaved) when they never chose."""
    return NotificationPreferences.objects.filter(user=user).first() or NotificationPreferences(
        user=user, updated_at=timezone.now()
    )


@dataclass
class KindChoice:
    kind: NoticeKind
    mode: str
    mandatory: bool


def notification_kind_choices(*, user, prefs: NotificationPreferences) -> list[tuple[str, list[KindChoice]]]:
    """The kinds on `user`'s preferences page, by section: those sent to their role and
    any they have received, each with its current delivery (mandatory ones: at once)."""
    role = getattr(user, "role", None)
    received = set(Notification.objects.filter(recipient=user).values_list("kind", flat=True).distinct())
    sections: dict[str, list[KindChoice]] = {s: [] for s in Section.values}
    for code, k in KINDS.items():
        if code == DIGEST or not (k.for_role(role) or code in received):
            continue
        mandatory = k.is_mandatory(role)
        mode = Delivery.IMMEDIATE if mandatory else prefs.modes.get(code, k.default)
        sections[k.section].append(KindChoice(k, mode, mandatory))
    return [(Section(s).label, rows) for s, rows in sections.items() if rows]
