"""Turn SlipCover's JSON (the lines each file executed) into a coverage.py data file, so that
`coverage report` prints and enforces the floor exactly as before.

Why: coverage.py's tracer on Python 3.11 (sys.settrace, C tracer) makes *every* line the
interpreter runs call back into it, Django's and the standard library's included: the page
crawl took 294 s of CPU traced against 181 s untraced (+63%), and the SQLite run carried
that on every test. SlipCover (PyPI `slipcover`, UMass PLASMA) instruments the bytecode of
the measured files only and removes each probe once its line has run: the same crawl took
161 s. It measures lines; coverage.py, which keeps reading pyproject.toml's
[tool.coverage.*] (omit, exclusions), maps them onto its statements. On the crawl, both ways
gave the same 12,580 missed statements of 32,135, file by file and line by line
(docs/performance.md, "Stop 25").

Usage: python tools/coverage_from_slipcover.py SLIPCOVER_JSON [COVERAGE_DATA_FILE]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from coverage import CoverageData


def convert(source: Path, target: Path) -> int:
    files = json.loads(source.read_text())["files"]
    target.unlink(missing_ok=True)
    data = CoverageData(basename=str(target))
    data.add_lines({str(Path(name).resolve()): entry["executed_lines"] for name, entry in files.items()})
    data.write()
    return len(files)


if __name__ == "__main__":
    source = Path(sys.argv[1])
    target = Path(sys.argv[2] if len(sys.argv) > 2 else ".coverage")
    count = convert(source, target)
    print(f"coverage data: {count} files measured by SlipCover -> {target}")
