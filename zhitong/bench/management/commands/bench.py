"""`zhitong bench [intake|reads|scorecard|annex|workdays|peer|all] --scale city|province`: measure
and print a table (median, p95, queries, ratio against the baseline). Runs on the configured
database (or --database-url): generate it first (`zhitong generate`). docs/performance.md."""

import json
import os
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError

SECTIONS = ["workdays", "reads", "scorecard", "annex", "peer"]
OTHER = ["intake"]  # ours and the bare view only (peer runs both with the peer)


class Command(BaseCommand):
    help = (
        "Benchmarks: intake throughput, read pages, the monthly scorecard, the Annex 1 export, the calendar."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "section", nargs="?", default="all", choices=[*SECTIONS, *OTHER, "all", "annex-child"]
        )
        parser.add_argument(
            "--scale", default="city", help="the label of the data set measured (city, province, tiny)"
        )
        parser.add_argument("--database-url", help="run against this database")
        parser.add_argument("--runs", type=int, default=15, help="timed runs per page")
        parser.add_argument("--n", type=int, default=1_000_000, help="working-day computations (workdays)")
        parser.add_argument("--seconds", type=float, default=15, help="seconds per load run (intake)")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (intake)")
        parser.add_argument("--json", dest="json_out", help="also write the rows to this file")
        parser.add_argument("--trace", action="store_true", help="(annex-child) trace the Python heap")

    def handle(self, *args, section, scale, database_url=None, **opts):
        if database_url:
            env = {**os.environ, "DATABASE_URL": database_url}
            argv = [a for a in sys.argv[1:] if not a.startswith("--database-url")]
            if "--database-url" in argv:
                i = argv.index("--database-url")
                del argv[i : i + 2]
            raise SystemExit(subprocess.call([sys.executable, "-m", "zhitong", *argv], env=env))
        if section == "annex-child":
            from zhitong.bench.sections.annex import child

            child(opts["trace"])
            return
        if opts["runs"] < 1 or opts["n"] < 1 or opts["seconds"] <= 0:
            raise CommandError("--runs, --n and --seconds must be positive")
        from importlib import import_module

        from django.db import connection

        from zhitong.bench.stats import table

        chosen = SECTIONS if section == "all" else [section]
        rows = []
        started = time.monotonic()
        for name in chosen:
            module = import_module(f"zhitong.bench.sections.{name}")
            self.stderr.write(f"bench {name} …")
            rows.extend(
                module.run(runs=opts["runs"], n=opts["n"], seconds=opts["seconds"], workers=opts["workers"])
            )
        from zhitong.appeals.models import Appeal

        self.stdout.write(
            f"zhitong bench — scale {scale} ({Appeal.objects.count():,} appeals), {connection.vendor}, "
            f"{os.cpu_count()} cores, {time.monotonic() - started:.0f} s"
        )
        self.stdout.write("times in ms unless the measure says otherwise")
        self.stdout.write(table(rows))
        if opts["json_out"]:
            with open(opts["json_out"], "w") as f:
                json.dump([r.__dict__ for r in rows], f, ensure_ascii=False, indent=1, default=str)
