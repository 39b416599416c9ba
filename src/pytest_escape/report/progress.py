"""The progress line of the mutation phase: live on a terminal, periodic in CI logs."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping

#: what a mutant costs besides its tests: a forked child, the switch, the
#: report (about 6 ms of CPU measured by ``benchmarks/fork_cost.py``)
PER_MUTANT = 0.01


def remaining_seconds(elapsed: float, done_cost: float, left_cost: float) -> float:
    """How long what is left will take: its cost, at the seconds per unit of
    cost the mutants done so far took.

    A mutant's cost is what its covering tests took in the baseline, plus
    ``PER_MUTANT``.  An average rate (mutants per second) assumes the
    mutants left cost what the first ones did: on a project whose one slow
    test covers only the later modules it was off by ten times.  The ratio
    of real seconds to baseline seconds (the workers running in parallel, a
    killed mutant stopping at its first failing test, the baseline's
    coverage overhead) is learned from the mutants done, not assumed.
    """
    if done_cost <= 0:
        return 0.0
    return elapsed * left_cost / done_cost


class Progress:
    def __init__(
        self,
        costs: Mapping[str, float],
        live: bool,
        write: Callable[[str], None],
        every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``costs``: each mutant to run -> what its covering tests took in the baseline."""
        self.total = len(costs)
        self.live = live
        self._costs = {mutant: PER_MUTANT + seconds for mutant, seconds in costs.items()}
        self._left = sum(self._costs.values())
        self._done_cost = 0.0
        self._write = write
        self._every = every
        self._clock = clock
        self._done = 0
        self._counts: Counter[str] = Counter()
        self._started = clock()
        self._last = self._started

    def line(self) -> str:
        elapsed = max(self._clock() - self._started, 1e-9)
        rate = self._done / elapsed
        left = remaining_seconds(elapsed, self._done_cost, self._left)
        return (
            f"escape: {self._done}/{self.total} mutants, {self._counts['killed']} killed, "
            f"{self._counts['survived']} survived, {rate:.1f}/s, ETA {left:.0f} s"
        )

    def update(self, mutant: str, status: str) -> None:
        cost = self._costs.pop(mutant, None)
        if cost is None:
            return  # a second verdict (a re-run), or a mutant not counted
        self._left -= cost
        self._done_cost += cost
        self._done += 1
        self._counts[status] += 1
        now = self._clock()
        every = 0.1 if self.live else self._every
        if now - self._last >= every or self._done == self.total:
            self._last = now
            self._write(self.line())
