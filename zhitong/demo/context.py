"""Shared context for the demo-city builders (`zhitong demo`)."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

DEMO_PASSWORD = "Zhitong@2026"
# The demo city's accounts of the roles with a second factor (settings.ZHITONG_TOTP_ROLES) are
# enrolled with this fixed TOTP secret, printed by `zhitong demo_logins` with the current code:
# add it to any authenticator app. Demo data only: a real account enrols its own secret.
DEMO_TOTP_SECRET = "ZHITONGDEMOTOTPSECRET234"


def _quiet(done: int, total: int) -> None:
    return None


@dataclass
class DemoContext:
    """Passed to each builder's `build(ctx)`. Deterministic: the same seed and `today`
    give the same city.

    `log` takes a finished line (a stage's counts); `tick(done, total)` reports progress
    inside a long stage (the orchestrator points it at its progress display)."""

    today: date
    now: datetime
    rng: random.Random = field(default_factory=lambda: random.Random(20260101))
    log: Callable[[str], None] = print
    tick: Callable[[int, int], None] = _quiet


def weighted(rng: random.Random, pairs):
    """One key of (key, weight) pairs, drawn with the demo's generator."""
    keys, weights = zip(*pairs, strict=True)
    return rng.choices(keys, weights=weights, k=1)[0]


def demo_pdf(name: str, salt: str) -> SimpleUploadedFile:
    """A minimal, valid one-page PDF; the salt makes each file's content (and hash) its own."""
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
        f"% {salt}\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, body.encode("latin-1", "replace"), content_type="application/pdf")


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def workday_before(day: date) -> date:
    """The day itself when it is a working day, else the working day before it."""
    from zhitong.workdays.services import is_workday  # models: not at the package's import

    while not is_workday(day):
        day -= timedelta(days=1)
    return day
