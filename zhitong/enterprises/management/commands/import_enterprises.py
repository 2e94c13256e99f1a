"""`zhitong import_enterprises FILE.xlsx [--good-rows-only]`."""

from django.core.management.base import BaseCommand

from zhitong.organizations.management.commands.import_units import run_import_command


class Command(BaseCommand):
    help = "从 .xlsx 批量导入企业（默认全部无误才导入；--good-rows-only 仅导入无误的行）。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--good-rows-only", action="store_true", help="跳过有误的行，只导入无误的行")

    def handle(self, *args, **opts):
        from zhitong.enterprises.imports import enterprises_import

        run_import_command(self, enterprises_import, opts["file"], opts["good_rows_only"])
