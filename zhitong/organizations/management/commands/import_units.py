"""`zhitong import_units FILE.xlsx [--good-rows-only]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from zhitong.core import context


def run_import_command(cmd: BaseCommand, importer, path: str, good_rows_only: bool) -> None:
    """Shared by import_units and import_enterprises: print the report; exit non-zero when
    the file was refused (bad rows and no --good-rows-only, or a fatal error)."""
    p = Path(path)
    if not p.is_file():
        raise CommandError(f"文件不存在：{path}")
    token = context.set_current(context.RequestInfo(via="cli"))
    try:
        with p.open("rb") as f:
            report = importer(f, actor=None, good_rows_only=good_rows_only)
    finally:
        context.reset(token)
    cmd.stdout.write(report.as_text())
    if not report.imported and (report.fatal or report.errors):
        raise CommandError(
            "未导入任何数据。"
            if report.fatal
            else "文件有误，未导入任何数据（可加 --good-rows-only 仅导入无误的行）。"
        )


class ImportCommand(BaseCommand):
    """`zhitong <command> FILE.xlsx [--good-rows-only]` for one importer, named by its dotted
    path in `importer` (imported only when the command runs)."""

    importer = ""

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--good-rows-only", action="store_true", help="跳过有误的行，只导入无误的行")

    def handle(self, *args, **opts):
        run_import_command(self, import_string(self.importer), opts["file"], opts["good_rows_only"])


class Command(ImportCommand):
    help = "从 .xlsx 批量导入单位（默认全部无误才导入；--good-rows-only 仅导入无误的行）。"
    importer = "zhitong.organizations.imports.units_import"
