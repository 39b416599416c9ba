"""The progress line of the mutation phase: live on a terminal, periodic in CI logs.

The ETA is the mutants left times the mean seconds the mutants done so far
held their child, over the workers.  The average rate (mutants left over the
mutants per second so far) counts what comes early and less often later:
the killers' self-checks come with the first kills, and the first
mutants' children start cold.  On pygtrie it was +287 % at 10 % done, in
the plan's order, where one module's costly mutants come together.  The
mean is only as true as the mutants done are a sample of those left: the
worker spreads each cost class evenly over the run (``execution.schedule``),
which is what makes it hold on projects whose cost sits in a few functions.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable


class Progress:
    def __init__(
        self,
        total: int,
        live: bool,
        write: Callable[[str], None],
        every: float = 10.0,
        workers: int = 1,
        clock: Callable[[], float] = time.monotonic,
        extremes: int = 0,
    ) -> None:
        self.total = total
        #: of ``total``, the extreme mutants: counted apart, as the score leaves them out
        self.extremes = extremes
        self._extremes_done = 0
        self.live = live
        self._write = write
        self._every = every
        self._workers = max(1, workers)
        self._clock = clock
        self._done = 0
        self._child_seconds = 0.0
        self._counts: Counter[str] = Counter()
        self._started = clock()
        self._last = self._started

    def eta(self) -> float:
        """Seconds left: the mutants left at the mean child seconds so far, over the workers."""
        if not self._done:
            return 0.0
        return (self.total - self._done) * (self._child_seconds / self._done) / self._workers

    def line(self) -> str:
        elapsed = max(self._clock() - self._started, 1e-9)
        rate = self._done / elapsed
        regular = self.total - self.extremes
        extreme = f"; {self._extremes_done}/{self.extremes} extreme" if self.extremes else ""
        return (
            f"escape: {self._done - self._extremes_done}/{regular} mutants, {self._counts['killed']} killed, "
            f"{self._counts['survived']} survived{extreme}; {rate:.1f}/s, ETA {self.eta():.0f} s"
        )

    def update(self, status: str, seconds: float = 0.0, extreme: bool = False) -> None:
        """One more verdict, whose child ran ``seconds``; an extreme mutant's
        verdict counts apart, so the killed and survived counts are the table's."""
        self._done += 1
        self._child_seconds += seconds
        if extreme:
            self._extremes_done += 1
        else:
            self._counts[status] += 1
        now = self._clock()
        every = 0.1 if self.live else self._every
        if now - self._last >= every or self._done == self.total:
            self._last = now
            self._write(self.line())
