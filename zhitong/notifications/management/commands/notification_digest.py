from django.core.management.base import BaseCommand
from django.utils.dateparse import parse_datetime

from zhitong.notifications.services import notification_digests_send


class Command(BaseCommand):
    help = "发送今天的每日消息汇总（每人每天一条，可重复运行；beat 每天早上自动运行）"

    def add_arguments(self, parser):
        parser.add_argument("--now", help="以指定时间运行（ISO 8601，带时区），用于补跑")

    def handle(self, *args, **opts):
        now = parse_datetime(opts["now"]) if opts.get("now") else None
        self.stdout.write(f"已排队的每日汇总：{notification_digests_send(now=now)}")
