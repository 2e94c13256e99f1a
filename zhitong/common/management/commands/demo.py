"""`zhitong demo`: build the demo city 榕城市 (see zhitong/common/demo.py)."""

import importlib
import random
import time
from datetime import date, datetime
from datetime import time as dtime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from zhitong.audit.services import audit_record
from zhitong.common.demo import DemoContext

# Each app's builder runs in this order; later ones find earlier data by its codes.
APPS = ["organizations", "enterprises", "projects", "appeals", "coordination"]
DEFAULT_SEED = 20260101


def demo_city_exists() -> bool:
    from zhitong.organizations.models import Unit

    return Unit.objects.filter(code="SZF").exists()


class Command(BaseCommand):
    help = "建立演示城市“榕城市”（单位、账号、企业、项目、诉求……）。"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="演示城市已存在时什么也不做")
        parser.add_argument("--today", help="演示数据的“今天”（YYYY-MM-DD），默认为本地今天")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="随机种子（同一种子生成同一座城市）"
        )

    def handle(self, *args, **opts):
        if demo_city_exists():
            if opts["once"]:
                self.stdout.write("演示城市已存在（单位 SZF），跳过。")
                return
            raise CommandError("演示城市已存在（单位 SZF）。如需重建，请先清空数据库（make demo-reset）。")
        if opts["today"]:
            try:
                today = date.fromisoformat(opts["today"])
            except ValueError:
                raise CommandError(f"--today 应为 YYYY-MM-DD 格式的日期，收到“{opts['today']}”")
            # Late afternoon of that day, so "today's" demo events are all in the past.
            now = timezone.make_aware(datetime.combine(today, dtime(17, 30)))
        else:
            now = timezone.now()
            today = timezone.localdate(now)
        ctx = DemoContext(
            today=today, now=now, rng=random.Random(opts["seed"]), log=lambda msg: self.stdout.write(msg)
        )
        self.stdout.write(f"建立演示城市“榕城市”（今天 = {today.isoformat()}，种子 = {opts['seed']}）")
        started = time.monotonic()
        for app in APPS:
            module_name = f"zhitong.{app}.demo"
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name != module_name:
                    raise  # a missing dependency inside the builder is a real error
                self.stdout.write(f"- {app}: 尚无演示数据构建器，跳过")
                continue
            t0 = time.monotonic()
            self.stdout.write(f"- {app} …")
            with transaction.atomic():
                module.build(ctx)
                # Bulk-loaded demo rows bypass the services, so one event says where they came from.
                audit_record(
                    action="demo.build",
                    object_type="demo",
                    object_id=app,
                    after={"today": today.isoformat(), "seed": opts["seed"]},
                )
            self.stdout.write(f"  完成（{time.monotonic() - t0:.1f} 秒）")
        self.stdout.write(self.style.SUCCESS(f"演示城市已建立，用时 {time.monotonic() - started:.1f} 秒。"))
