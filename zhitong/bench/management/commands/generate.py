"""`zhitong generate --scale tiny|city|province`: a realistic data set for benchmarks
(docs/performance.md). Writes into the configured database (or --database-url)."""

import os

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Generate a working city's data (enterprises, projects, appeals with timelines, audit chain)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["tiny", "city", "province"], default="city")
        parser.add_argument("--seed", type=int, default=14)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--database-url", help="run against this database (migrated first)")
        parser.add_argument("--no-migrate", action="store_true")
        parser.add_argument(
            "--finish", action="store_true", help="only the closing step (after an interrupted run)"
        )

    def handle(self, *args, scale, seed, years, database_url=None, no_migrate=False, finish=False, **opts):
        if database_url:
            # Settings are read at start-up: re-run ourselves with the URL in the environment.
            import subprocess
            import sys

            env = {**os.environ, "DATABASE_URL": database_url}
            cmd = [
                sys.executable,
                "-m",
                "zhitong",
                "generate",
                "--scale",
                scale,
                "--seed",
                str(seed),
                "--years",
                str(years),
            ] + (["--no-migrate"] if no_migrate else [])
            raise SystemExit(subprocess.call(cmd, env=env))
        from django.core.management import call_command

        from zhitong.bench.generate import SCALES, generate
        from zhitong.bench.progress import Progress

        if finish:
            from zhitong.bench.generate import finish as finish_run

            finish_run()
            self.stdout.write("counters, sequences and statistics brought up to date")
            return
        if years < 1 or years > 10:
            raise CommandError("--years must be between 1 and 10")
        if not no_migrate:
            call_command("migrate", verbosity=0)
        result = generate(scale=SCALES[scale], seed=seed, years=years, progress=Progress())
        self.stdout.write(f"generated {result['appeals']:,} appeals in {result['seconds']:.1f} s")
        for name, seconds, rows in result["stages"]:
            self.stdout.write(f"  {name:<24} {seconds:8.1f} s {rows:>12,} rows")
