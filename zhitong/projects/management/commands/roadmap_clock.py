from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from zhitong.projects.roadmap.jobs import run_roadmap_clock


class Command(BaseCommand):
    help = "运行推进路径图计时任务：向代办员和牵头单位发送节点临期、超期提醒（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--now", help="以指定时间运行（ISO 8601，带时区），用于补跑")

    def handle(self, *args, **opts):
        now = None
        if opts.get("now"):
            now = parse_datetime(opts["now"])
            if now is None or now.tzinfo is None:
                raise CommandError("--now 须为带时区的 ISO 8601 时间，例如 2026-10-09T08:00:00+08:00")
        self.stdout.write(str(run_roadmap_clock(now=now)))
