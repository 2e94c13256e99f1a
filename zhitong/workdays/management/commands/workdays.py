"""`zhitong workdays add|sub|between|import|missing|seed|compare` — the working-day calendar."""

from datetime import date

from django.core.management.base import CommandError

from zhitong.core.commands import OperationalCommand
from zhitong.core.errors import ServiceError
from zhitong.workdays import services


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"“{value}”不是有效日期，应为 YYYY-MM-DD")


def _n(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise CommandError(f"“{value}”不是整数")
    if n < 0:
        raise CommandError("工作日数须为非负整数")
    return n


def _line(result: services.WorkdayResult) -> str:
    return result.date.isoformat() + (" provisional" if result.provisional else "")


class Command(OperationalCommand):
    help = "Working-day calendar: deadline arithmetic, CSV import, missing years, re-seed."

    def add_actions(self, sub):
        p = sub.add_parser("add", help="START + N working days (START not counted)")
        p.add_argument("start")
        p.add_argument("n")
        p = sub.add_parser("sub", help="N working days before END (END not counted)")
        p.add_argument("end")
        p.add_argument("n")
        p = sub.add_parser("between", help="working days in (START, END]")
        p.add_argument("start")
        p.add_argument("end")
        p = sub.add_parser("import", help="load a CSV of date,kind,name (all or nothing)")
        p.add_argument("file")
        p.add_argument("--merge", action="store_true", help="keep the year's other rows")
        sub.add_parser("missing", help="list the years without an official schedule")
        p = sub.add_parser("seed", help="re-load the years the chinesecalendar package covers")
        p.add_argument("years", nargs="*", type=int)
        p = sub.add_parser(
            "compare", help="compare the provisional-year prediction with past official schedules (Markdown)"
        )
        p.add_argument("--out", help="write to this file (default: standard output)")
        p.add_argument("--since", type=int, default=None, help="first year compared (default 2015)")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"do_{action}")(**options)
        except ServiceError as exc:
            raise CommandError(exc.message)

    def do_add(self, *, start, n, **_):
        start, n = _date(start), _n(n)
        result = services.add_workdays(start, n)
        if result.provisional:
            self.stderr.write(
                "注意：涉及尚未导入官方节假日安排的年度，结果按《全国年节及纪念日放假办法》推算的预测日历计算。"
            )
        self.stdout.write(_line(result))

    def do_sub(self, *, end, n, **_):
        result = services.subtract_workdays(_date(end), _n(n))
        self.stdout.write(_line(result))

    def do_between(self, *, start, end, **_):
        self.stdout.write(str(services.workdays_between(_date(start), _date(end))))

    def do_import(self, *, file, merge, **_):
        try:
            fileobj = open(file, "rb")
        except OSError as exc:
            raise CommandError(f"无法打开文件 {file}：{exc.strerror}")
        with fileobj:
            result = services.calendar_import_csv(fileobj=fileobj, actor=None, replace_year=not merge)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"导入失败：{len(result.errors)} 处错误，未导入任何数据。")
        years = "、".join(map(str, result.years))
        self.stdout.write(f"已导入 {years} 年度官方安排，共 {result.days} 天。")

    def do_missing(self, **_):
        missing = services.missing_years()
        official = services.official_years()
        if official:
            self.stdout.write(f"官方年度：{official[0]}–{official[-1]}（共 {len(official)} 个）")
        if missing:
            self.stdout.write("缺少官方安排的年度（按预测日历计算）：" + "、".join(map(str, missing)))
        else:
            self.stdout.write("今年和明年的官方安排均已导入。")

    def do_seed(self, *, years, **_):
        loaded = services.calendar_seed_from_package(years=years or None)
        if not loaded:
            raise CommandError("chinesecalendar 包中没有所请求年度的安排。")
        skipped = sorted(set(years) - set(loaded))
        self.stdout.write(f"已从 chinesecalendar 载入 {loaded[0]}–{loaded[-1]} 年度（{len(loaded)} 个）。")
        if skipped:
            self.stderr.write("包中没有这些年度：" + "、".join(map(str, skipped)))

    def do_compare(self, *, out, since, **_):
        from zhitong.workdays.compare import FIRST_YEAR, official_years, render_markdown

        years = [y for y in official_years() if y >= (since or FIRST_YEAR)]
        if not years:
            raise CommandError("chinesecalendar 包中没有可对比的官方年度。")
        text = render_markdown(years)
        if out:
            with open(out, "w", encoding="utf-8") as f:
                f.write(text)
            self.stdout.write(f"已写入 {out}（{years[0]}–{years[-1]}）。")
        else:
            self.stdout.write(text)
