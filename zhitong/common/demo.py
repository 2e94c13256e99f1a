"""Shared context for the demo-city builders (`zhitong demo`)."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

DEMO_PASSWORD = "Zhitong@2026"


@dataclass
class DemoContext:
    """Passed to each app's `demo.build(ctx)`. Deterministic: the same seed and `today`
    give the same city."""

    today: date
    now: datetime
    rng: random.Random = field(default_factory=lambda: random.Random(20260101))
    log: Callable[[str], None] = print
