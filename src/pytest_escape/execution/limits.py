"""How long a child may run its tests before it is stopped as a timeout.

A mutant's limit comes from the baseline's durations of the tests it runs:
``factor`` times their seconds, plus ``constant`` seconds for what a run
costs whatever its tests (the fork, a slow first import, a loaded machine).
A timeout counts as a kill, so a limit too tight turns a slow survivor into
a false kill; one too loose makes every mutant that loops forever cost it
in full.

The limit is checked test by test (``pool.Step``): by the end of a test, the
child may have used ``factor`` times the seconds of the tests up to it, plus
the constant.  The last test's limit is the whole run's, as before; a child
looping in its first test is stopped at that test's limit instead.

Each step has a second limit, on the child's CPU seconds: the same
``factor`` times the same seconds, plus ``CPU_CONSTANT`` (a quarter of a
second) instead of the wall-clock constant.  The wall-clock constant is
there for what a loaded machine does to a child (it waits for a core), and
a loaded machine stretches wall-clock, not CPU time; so the CPU limit can
do without most of it.  On tests of a millisecond, a mutant that loops
forever used to cost 2.8 s (webcolors: 3 of them, 4.1 s of a 14 s mutants
phase; 1.4 s now).  The wall-clock limit stays, for what hangs without
using the CPU.

A timeout is a kill, so it needs the same evidence: the tests the child
had begun, up to the one it hung in, are run again without the mutant
(``worker``), under a limit that only a hang meets.  Done within the limit
the mutant met, they confirm the timeout; done later, the limit was too
tight there (a one-time cost this table could not foresee, a loaded
machine) and the mutant runs again with those seconds added to its limits.

Fixtures move: a module- or session-scoped fixture is set up by the first
test that needs it, and that test is not the same one in the baseline (the
user's order) and in a child (fewest lines first).  So the seconds every
test spent in setup and teardown count from the first test on; only the
calls' seconds accumulate test by test.  Other one-time costs (a module
imported inside a function, a cache filled) move too, and may have been
paid in the baseline by a test that is not even in the child: no table of
durations foresees them, so the evidence above catches them.  Counting the
slowest call from the first test as well was tried: one slow test among a
mutant's tests then set every test's limit (pygtrie under load: mutants
looping in their first test ran for 106-109 s instead of 2-4 s).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .pool import Outcome, Step

#: seconds of CPU a child may use beyond ``factor`` times its tests' baseline
#: seconds: the fork's page copies, pytest's own work per test, a cold cache
CPU_CONSTANT = 0.25


@dataclass(frozen=True)
class Limits:
    factor: float
    constant: float
    #: test -> baseline seconds, setup, call and teardown together
    durations: Mapping[str, float]
    #: test -> baseline seconds of its setup and teardown (its fixtures)
    fixtures: Mapping[str, float]

    def total(self, tests: Iterable[str]) -> float:
        """The seconds ``tests`` may take together, from the child's start."""
        return self.factor * sum(self.durations.get(t, 0.0) for t in tests) + self.constant

    def steps(self, tests: Iterable[str], slack: float = 0.0) -> tuple[Step, ...]:
        """Each test's limit, counted from the child's start (the last one is
        ``total``), each ``slack`` seconds later."""
        tests = list(tests)
        spent = sum(self.fixtures.get(t, 0.0) for t in tests)
        steps = []
        for test in tests:
            spent += max(0.0, self.durations.get(test, 0.0) - self.fixtures.get(test, 0.0))
            need = self.factor * spent + slack
            steps.append(Step(test, need + self.constant, cpu=need + CPU_CONSTANT))
        return tuple(steps)


def timed_out(outcome: Outcome) -> str:
    """A timeout's reason: the limit it met, and the test still running then."""
    reason = f"no verdict after {outcome.limit:.1f} s" + (" of CPU" if outcome.by_cpu else "")
    if outcome.step is not None:
        reason += f": still in {outcome.step.name}, past the limit for the tests up to it"
    return reason
