from django.core.management.base import BaseCommand
from django.utils.dateparse import parse_datetime

from zhitong.appeals.jobs import appeal_clock_recompute, run_appeal_clock


class Command(BaseCommand):
    help = "运行诉求计时任务：临期提醒、超期通知、评价提醒与未评价关闭（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--now", help="以指定时间运行（ISO 8601，带时区），用于补跑")
        parser.add_argument(
            "--recompute",
            metavar="YEAR",
            type=int,
            nargs="+",
            help="按当前工作日历重算这些年份内未结诉求的期限（日历变更后自动进行，此处用于补做）",
        )

    def handle(self, *args, **opts):
        now = parse_datetime(opts["now"]) if opts.get("now") else None
        if opts.get("recompute"):
            n = appeal_clock_recompute(years=opts["recompute"], now=now)
            self.stdout.write(f"已重算期限的诉求：{n}")
            return
        report = run_appeal_clock(now=now)
        self.stdout.write(str(report))
