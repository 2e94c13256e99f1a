"""`zhitong import_enterprises FILE.xlsx [--good-rows-only]`."""

from zhitong.organizations.management.commands.import_units import ImportCommand


class Command(ImportCommand):
    help = "从 .xlsx 批量导入企业（默认全部无误才导入；--good-rows-only 仅导入无误的行）。"
    importer = "zhitong.enterprises.imports.enterprises_import"
