from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from zhitong.common.pages import month_param
from zhitong.projects.dispatch.digest import leader_digests_send


class Command(BaseCommand):
    help = "发送市领导联系重点项目月报（默认上月；每位领导每月一条，可重复运行；beat 每月1—5日自动运行）"

    def add_arguments(self, parser):
        parser.add_argument("--month", help="月报所属月份（YYYY-MM），默认上月")
        parser.add_argument("--now", help="以指定时间运行（ISO 8601，带时区），用于补跑")

    def handle(self, *args, **opts):
        now = parse_datetime(opts["now"]) if opts.get("now") else None
        month = None
        if opts.get("month"):
            month = month_param(opts["month"], None)
            if month is None:
                raise CommandError("月份格式应为 YYYY-MM")
        self.stdout.write(f"已排队的领导月报：{leader_digests_send(month=month, now=now)}")
