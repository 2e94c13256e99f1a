"""The Annex 1 ledger export of 10,000 rows (reports/annex1.py: the ledger's rows streamed into
its .xlsx, as the download does), in a child process so its peak memory is its own: wall time, peak RSS
(resource.getrusage) and the Python heap's peak (tracemalloc, which slows the run, so
timed separately)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from itertools import islice

from ..stats import Row

ROWS = 10_000


def export(rows_wanted: int = ROWS) -> dict:
    """Find the busiest ledger and a period giving at least `rows_wanted` rows; build them and the
    .xlsx. Returns what was built (in the child)."""
    from django.db.models import Count
    from django.utils import timezone

    from zhitong.appeals.models import Appeal
    from zhitong.assessment import counting
    from zhitong.organizations.models import Unit
    from zhitong.reports.annex1 import iter_ledger_rows, ledger_appeals, write_annex1_xlsx

    unit_id = (
        Appeal.objects.values("lead_unit")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("lead_unit", flat=True)
        .first()
    )
    unit = Unit.objects.get(pk=unit_id)
    end_month = counting.month_start(timezone.localdate().replace(day=1) - timedelta(days=1))
    month_end = counting.month_end(end_month)
    start = end_month
    while ledger_appeals(units=[unit], month_start=start, month_end=month_end).count() < rows_wanted:
        earlier = counting.prev_month(start)
        if earlier.year < end_month.year - 4:
            break
        start = earlier
    # As the download does it (reports/views.py): the rows streamed from the database into
    # the workbook written in constant_memory mode to a temporary file. The time spent
    # building rows is summed inside the stream.
    spent = {"rows": 0.0, "n": 0}

    def timed(rows):
        it = iter(rows)
        while True:
            t = time.perf_counter()
            try:
                row = next(it)
            except StopIteration:
                spent["rows"] += time.perf_counter() - t
                return
            spent["rows"] += time.perf_counter() - t
            spent["n"] += 1
            yield row

    t0, cpu0 = time.perf_counter(), time.process_time()
    rows = islice(iter_ledger_rows(unit=unit, month_start=start, month_end=month_end), rows_wanted)
    with tempfile.TemporaryFile() as f:
        write_annex1_xlsx(f, unit=unit, month=end_month, rows=timed(rows))
        size = f.tell()
    t_rows = spent["rows"]
    return {
        "rows": spent["n"],
        "bytes": size,
        "rows_s": t_rows,
        "total_s": time.perf_counter() - t0,
        # This process's CPU time for the same work: what the box's load does not inflate
        # (PostgreSQL's own work is not in it).
        "cpu_s": time.process_time() - cpu0,
        "unit": unit.name,
        "from": start.isoformat(),
        "to": month_end.isoformat(),
    }


def child(trace: bool) -> None:
    import resource
    import tracemalloc

    if trace:
        tracemalloc.start()
    out = export()
    if trace:
        out["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    out["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sys.stdout.write("ANNEX " + json.dumps(out) + "\n")


def _spawn(trace: bool) -> dict:
    cmd = [sys.executable, "-m", "zhitong", "bench", "annex-child"] + (["--trace"] if trace else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy(), timeout=1800)
    for line in proc.stdout.splitlines():
        if line.startswith("ANNEX "):
            return json.loads(line[6:])
    raise RuntimeError(f"annex child failed: {proc.stderr[-2000:]}")


def run(**_) -> list[Row]:
    timed = _spawn(False)
    traced = _spawn(True)
    return [
        Row(
            "annex",
            f"Annex 1 export, {timed['rows']:,} rows (s)",
            timed["total_s"],
            None,
            None,
            "",
            None,
            f"rows {timed['rows_s']:.2f} s; CPU {timed['cpu_s']:.2f} s; peak RSS {timed['maxrss_mb']:.0f} MB; Python heap peak "
            f"{traced['traced_peak_mb']:.0f} MB; {timed['bytes'] / 2**20:.1f} MB xlsx; {timed['unit']} "
            f"{timed['from']}–{timed['to']}",
        ),
    ]
