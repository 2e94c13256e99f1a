"""The demo city 榕城市: units, people, enterprises, projects, six months of appeals and
a year of coordination, built by `zhitong demo`.

This package sits on top of the domain apps: it imports their models and services, and
no app imports it. Reference data (units, users, windows, enterprises, contacts, teams,
projects) is bulk-loaded; the appeals' and the coordination's lives are driven through
the real services with `now=` set to their historical moments, so timelines, audit
events, deadlines and counting facts are what the system would have produced.
"""

import importlib
import time
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction

from .context import DEMO_PASSWORD, DEMO_TOTP_SECRET, DemoContext

__all__ = ["DEMO_PASSWORD", "DEMO_TOTP_SECRET", "STAGES", "DemoContext", "Progress", "build_demo"]

# The demo's history is written today: only its last weeks reach the users' inboxes (the
# notifications of older steps would be months-old unread noise, and cost a tenth of the build).
NOTIFY_DAYS = 30

# (module, label): each builder runs in this order; later ones find earlier data by its codes.
STAGES = [
    ("organizations", "单位、账号、服务窗口"),
    ("enterprises", "企业、联系人、服务团队"),
    ("projects", "重大项目（阶段、团队、路径图、月报、调度）"),
    ("public", "服务承诺、惠企政策、政府承诺"),
    ("appeals", "诉求（件）"),
    ("coordination", "协调机制（逐月推进）"),
    ("supervision", "督查督办"),
    ("assessment", "月度结账与成绩单"),
]


class Progress:
    """What the orchestrator reports; the default only forwards the builders' lines."""

    def __init__(self, log: Callable[[str], None] = print):
        self.log = log

    def stage(self, index: int, total: int, label: str) -> None:
        return None

    def tick(self, done: int, total: int) -> None:
        return None

    def line(self, text: str) -> None:
        self.log(text)

    def stage_done(self, seconds: float) -> None:
        return None


def build_demo(ctx: DemoContext, *, progress: Progress | None = None, seed: int | None = None) -> float:
    """Build every stage, each in its own transaction; returns the seconds it took."""
    from zhitong.audit.services import audit_batch, audit_record
    from zhitong.notifications.services import notifications_quiet_before

    progress = progress or Progress(ctx.log)
    ctx.log, ctx.tick = progress.line, progress.tick
    started = time.monotonic()
    with notifications_quiet_before(ctx.now - timedelta(days=NOTIFY_DAYS)):
        for index, (name, label) in enumerate(STAGES, start=1):
            module = importlib.import_module(f"{__name__}.{name}")
            progress.stage(index, len(STAGES), label)
            t0 = time.monotonic()
            # One chain-head read and write per stage for its thousands of audit events.
            with transaction.atomic(), audit_batch():
                module.build(ctx)
                # Bulk-loaded demo rows bypass the services, so one event says where they came from.
                audit_record(
                    action="demo.build",
                    object_type="demo",
                    object_id=name,
                    after={"today": ctx.today.isoformat(), "seed": seed},
                )
            progress.stage_done(time.monotonic() - t0)
    return time.monotonic() - started
