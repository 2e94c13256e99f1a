from django.core.management.base import BaseCommand
from django.utils.dateparse import parse_datetime

from zhitong.appeals.clock import run_appeal_clock


class Command(BaseCommand):
    help = "运行诉求计时任务：临期提醒、超期通知、评价提醒与未评价关闭（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--now", help="以指定时间运行（ISO 8601，带时区），用于补跑")

    def handle(self, *args, **opts):
        now = parse_datetime(opts["now"]) if opts.get("now") else None
        report = run_appeal_clock(now=now)
        self.stdout.write(str(report))
