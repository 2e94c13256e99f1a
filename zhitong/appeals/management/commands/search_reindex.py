from django.core.management.base import BaseCommand

from zhitong.appeals.search import appeal_search_refresh


class Command(BaseCommand):
    help = "重建诉求检索文档（批量导入或生成数据后运行；docs/search.md）"

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="只补建尚无检索文档的诉求")

    def handle(self, *args, **opts):
        n = appeal_search_refresh(missing_only=opts["missing"])
        self.stdout.write(f"已重建检索文档的诉求：{n}")
