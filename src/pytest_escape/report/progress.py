"""The progress line of the mutation phase: live on a terminal, periodic in CI logs."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable


class Progress:
    def __init__(self, total: int, live: bool, write: Callable[[str], None], every: float = 10.0) -> None:
        self.total = total
        self.live = live
        self._write = write
        self._every = every
        self._done = 0
        self._counts: Counter[str] = Counter()
        self._started = time.monotonic()
        self._last = self._started

    def line(self) -> str:
        elapsed = max(time.monotonic() - self._started, 1e-9)
        rate = self._done / elapsed
        left = (self.total - self._done) / rate if rate > 0 else 0.0
        return (
            f"escape: {self._done}/{self.total} mutants, {self._counts['killed']} killed, "
            f"{self._counts['survived']} survived, {rate:.1f}/s, ETA {left:.0f} s"
        )

    def update(self, status: str) -> None:
        self._done += 1
        self._counts[status] += 1
        now = time.monotonic()
        every = 0.1 if self.live else self._every
        if now - self._last >= every or self._done == self.total:
            self._last = now
            self._write(self.line())
