"""Home panel (common.panels protocol): tells whoever may read the outbox in the admin that
messages failed or were given up, each count linking to the admin's list of those rows."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhitong.common.panels import HomeCount, HomePanel

from .choices import OutboxStatus
from .selectors import outbox_counts


def home_panels(user, *, today: date) -> list[HomePanel]:
    # The panel's links open the admin, so the admin's own permission decides.
    if not (user.is_active and user.is_staff and user.has_perm("outbox.view_outboxmessage")):
        return []
    counts = outbox_counts()
    if not (counts[OutboxStatus.DEAD] or counts[OutboxStatus.FAILED]):
        return []
    rows = reverse("admin:outbox_outboxmessage_changelist")
    return [
        HomePanel(
            title=_("消息投递异常"),
            template="outbox/_home.html",
            order=15,
            counts=(
                HomeCount(
                    _("已放弃"),
                    counts[OutboxStatus.DEAD],
                    f"{rows}?status__exact=dead",
                    "red",
                    key="outbox_dead",
                ),
                HomeCount(
                    _("失败待重试"),
                    counts[OutboxStatus.FAILED],
                    f"{rows}?status__exact=failed",
                    "yellow",
                    key="outbox_failed",
                ),
            ),
        )
    ]
