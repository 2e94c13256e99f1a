"""The `zhitong demo` progress display: on a terminal, the running stage's line updates in
place ("[4/5] 诉求 240/400"); otherwise one line when a stage starts and one when it ends."""

import time

from . import Progress


class ConsoleProgress(Progress):
    def __init__(self, out, *, tty: bool | None = None):
        self.out = out  # a Django OutputWrapper (or any stream with write/flush)
        self.tty = out.isatty() if tty is None else tty
        self.head = ""
        self.shown = ""
        self.last_draw = 0.0
        self.lines: list[str] = []

    def _write(self, text: str, ending: str = "\n") -> None:
        try:
            self.out.write(text, ending=ending)
        except TypeError:  # a plain stream
            self.out.write(text + ending)
        self.out.flush()

    def _draw(self, text: str) -> None:
        pad = max(0, _width(self.shown) - _width(text))
        self._write("\r" + text + " " * pad, ending="")
        self.shown = text

    def stage(self, index: int, total: int, label: str) -> None:
        self.head = f"[{index}/{total}] {label}"
        self.lines = []
        if self.tty:
            self._draw(self.head + " …")
        else:
            self._write(self.head + " …")

    def tick(self, done: int, total: int) -> None:
        if not self.tty:
            return
        now = time.monotonic()
        if done < total and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        self._draw(f"{self.head} {done}/{total} …")

    def line(self, text: str) -> None:
        # The builders' count lines come at the end of their stage; shown after its head line.
        self.lines.append(text)

    def stage_done(self, seconds: float) -> None:
        done = f"{self.head}：完成（{seconds:.1f} 秒）"
        if self.tty:
            self._draw(done)
            self._write("")
            self.shown = ""
        else:
            self._write(done)
        for text in self.lines:
            self._write(text)
        self.lines = []


def _width(s: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(c) > 0x2E80 else 1 for c in s)
