"""The catalog of notice kinds: what each is called in the hub, whether a user may mute it,
and how it is delivered when the user has not chosen.

The apps that send notices declare their kinds here in their `AppConfig.ready` (this app
sits below them and does not import them). A kind nobody declared still works: it is shown
as "其他消息", delivered at once and may be muted.

A *mandatory* kind (必收) is one a seed or the job itself requires to be given: it is
always delivered at once, every time — never muted, never held for the digest. It may be
mandatory for some roles only (the enterprise must be told its appeal was signed for;
for the clerk who registered it that is news, not a duty).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("立即")
    DIGEST = "digest", _("每日汇总")
    OFF = "off", _("不接收")


class Section(models.TextChoices):
    """Where a kind is listed on the preferences page."""

    APPEALS = "appeals", _("诉求办理")
    CLOCK = "clock", _("期限提醒")
    COORDINATION = "coordination", _("协调调度")
    EVENTS = "events", _("面对面活动")
    OTHER = "other", _("其他")


# The in-app message that carries the day's collected repeats (services.notification_digest_deliver).
DIGEST = "digest"
# How long after a notice of a kind about an object a repeat is held for the digest, by
# default and as offered on the preferences page (hours).
DIGEST_WINDOW_HOURS = 24 * 7
WINDOW_CHOICES = [
    (24, _("1天内")),
    (24 * 3, _("3天内")),
    (24 * 7, _("7天内")),
]


@dataclass(frozen=True)
class NoticeKind:
    code: str
    label: str
    section: str = Section.OTHER
    default: str = Delivery.IMMEDIATE
    # Mandatory for everyone, or only for recipients with one of `mandatory_roles`.
    mandatory: bool = False
    mandatory_roles: frozenset[str] = frozenset()
    # The roles that receive it (the preferences page lists these; a kind a user has
    # received is listed whatever their role). Empty: everyone.
    roles: frozenset[str] = frozenset()
    basis: str = ""  # why it is mandatory: the seed and clause, shown on the page

    def is_mandatory(self, role: str | None) -> bool:
        return self.mandatory or (role in self.mandatory_roles)

    def for_role(self, role: str | None) -> bool:
        return not self.roles or role in self.roles


KINDS: dict[str, NoticeKind] = {}


def kind(
    code: str,
    label: str,
    section: str = Section.OTHER,
    *,
    default: str = Delivery.IMMEDIATE,
    mandatory: bool = False,
    mandatory_roles=(),
    roles=(),
    basis: str = "",
) -> NoticeKind:
    """A kind declaration (for `register_kinds`)."""
    return NoticeKind(
        code,
        label,
        section,
        default=default,
        mandatory=mandatory,
        mandatory_roles=frozenset(mandatory_roles),
        roles=frozenset(roles),
        basis=basis,
    )


def register_kinds(*kinds: NoticeKind) -> None:
    """Declare the kinds an app sends (called in its AppConfig.ready). Declaring the same
    kind twice with other properties is a programming error."""
    for k in kinds:
        known = KINDS.get(k.code)
        if known is not None and known != k:
            raise ValueError(f"notice kind {k.code!r} is already declared differently")
        if k.is_mandatory(None) and k.default != Delivery.IMMEDIATE:
            raise ValueError(f"notice kind {k.code!r}: a mandatory kind is delivered at once")
        KINDS[k.code] = k


register_kinds(kind(DIGEST, _("每日汇总"), Section.OTHER, mandatory=True))


def kind_of(code: str) -> NoticeKind:
    return KINDS.get(code) or NoticeKind(code, _("其他消息"))


def kind_label(code: str) -> str:
    return str(kind_of(code).label)
