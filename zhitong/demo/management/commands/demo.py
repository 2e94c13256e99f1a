"""`zhitong demo`: build the demo city 榕城市 (see zhitong/demo/)."""

import random
from datetime import date, datetime
from datetime import time as dtime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zhitong.demo import DemoContext, build_demo
from zhitong.demo.progress import ConsoleProgress

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
        ctx = DemoContext(today=today, now=now, rng=random.Random(opts["seed"]))
        self.stdout.write(f"建立演示城市“榕城市”（今天 = {today.isoformat()}，种子 = {opts['seed']}）")
        seconds = build_demo(ctx, progress=ConsoleProgress(self.stdout), seed=opts["seed"])
        self.stdout.write(self.style.SUCCESS(f"演示城市已建立，用时 {seconds:.1f} 秒。"))
