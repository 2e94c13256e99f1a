from __future__ import annotations

from zhitong.outbox.services import Undeliverable


class PermanentFailure(Undeliverable):
    """The gateway refused the message for good (a bad number, a 4xx): no retry."""


class SendFailure(Exception):
    """A failure worth retrying (the gateway down, a timeout, a 5xx)."""
