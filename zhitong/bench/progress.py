"""A progress line on stderr: the stage, rows written and rows per second."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, stream=None, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.started = time.monotonic()
        self.stage_name, self.stage_t0, self.rows = "", 0.0, 0
        self.timings: list[tuple[str, float, int]] = []

    def stage(self, name: str) -> None:
        self.end()
        self.stage_name, self.stage_t0, self.rows = name, time.monotonic(), 0
        self._line()

    def add(self, rows: int, done: int | None = None, total: int | None = None) -> None:
        self.rows += rows
        self._line(done, total)

    def _line(self, done=None, total=None) -> None:
        if self.quiet:
            return
        dt = max(time.monotonic() - self.stage_t0, 1e-6)
        part = f" {done}/{total}" if total else ""
        bar = ""
        if total:
            filled = int(30 * done / total)
            bar = " [" + "#" * filled + "." * (30 - filled) + "]"
        self.stream.write(
            f"\r{self.stage_name}{bar}{part} {self.rows:,} rows {self.rows / dt:,.0f} rows/s   "
        )
        self.stream.flush()

    def end(self) -> None:
        if self.stage_name:
            dt = time.monotonic() - self.stage_t0
            self.timings.append((self.stage_name, dt, self.rows))
            if not self.quiet:
                self.stream.write(f"\r{self.stage_name}: {self.rows:,} rows in {dt:.1f} s{' ' * 30}\n")
            self.stage_name = ""
