"""Delivery backends: e-mail (Django's e-mail framework), SMS (a gateway interface with a
log-table default and an HTTP example) and group robots (企业微信 / 钉钉 JSON POST).

A backend raises to fail: `PermanentFailure` (the outbox's `Undeliverable`: the gateway
refused the message, no retry helps) or any other exception (retried with backoff)."""
