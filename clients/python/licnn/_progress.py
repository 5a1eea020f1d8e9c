"""The progress display of explain_many: a bar on a terminal, plain lines otherwise."""
from __future__ import annotations

import sys
import time
from typing import IO, Optional


class Progress:
    """Counts finished requests; draws a one-line bar on a TTY, else prints about ten lines."""

    def __init__(self, total: Optional[int], enabled: bool = True, stream: Optional[IO[str]] = None,
                 label: str = "explain") -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.tty = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self.label = label
        self.done = 0
        self.failed = 0
        self.start = time.monotonic()
        self._last_line = -1

    def step(self, ok: bool = True) -> None:
        self.done += 1
        self.failed += 0 if ok else 1
        if not self.enabled:
            return
        if self.tty:
            self._bar()
            return
        every = max(1, (self.total or 100) // 10)
        if self.done % every == 0 or self.done == self.total:
            self._line()

    def _rate(self) -> float:
        elapsed = time.monotonic() - self.start
        return self.done / elapsed if elapsed > 0 else 0.0

    def _bar(self) -> None:
        width = 30
        if self.total:
            filled = width * self.done // self.total
            bar = "#" * filled + "." * (width - filled)
            text = f"\r{self.label} [{bar}] {self.done}/{self.total}"
        else:
            text = f"\r{self.label} {self.done}"
        if self.failed:
            text += f" ({self.failed} failed)"
        self.stream.write(text + f" {self._rate():.1f}/s")
        self.stream.flush()

    def _line(self) -> None:
        total = f"/{self.total}" if self.total else ""
        failed = f", {self.failed} failed" if self.failed else ""
        self.stream.write(f"{self.label}: {self.done}{total} done{failed} ({self._rate():.1f}/s)\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.done:
            self.stream.write("\n")
            self.stream.flush()
