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
looping in its first test is stopped at that test's limit instead.  Each
test also has a limit of its own, from when it began: ``factor`` times its
seconds (and the largest one-time cost among the child's tests, which may
move to it), plus the constant.  Without it, a child hanging in a late test
ran for ten times all the tests before it: marko's runs past a hang, which
run every test but the one hung in, held 101 s of a 190 s phase.

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

Only what can move counts from the first test, though: a function-scoped
fixture, and pytest's own work around each test, cost every test the same
again, wherever it runs.  Counting those from the first test too made a
mutant of a helper all 1,407 of marko's tests run wait 11.6 s of CPU in its
first test (1.3 s of setups and teardowns under coverage, ten times over),
where its own tests took a millisecond: 15 such timeouts held 138 s of a
387 s phase.  So a test's fixture seconds are one-time costs only where they
stand out (``one_time``): past twice the typical test's among the mutant's
tests (the lower median), and by more than ``ONE_TIME_FROM``; what stands
out counts from the first test, and the typical part with its own test.
The last test's limit is the whole run's either way.

The baseline ran under coverage, which slows pure-Python code several
times over, and a mutant's child runs without it.  For a slow test that
inflates the limit by as much: more-itertools' ``test_primes`` took 60.9 s
in the baseline and 9.1 s in a plain run, so a mutant looping in it would
have run for ten minutes, and ``nth_prime``'s two looping mutants used 48 s
of CPU each where 9 would do.  So the slow tests are timed again without
coverage, before the mutants, and the mutants' limits count their plain
seconds (``plan_timing``, ``Limits.calibrated``): "10 x" means ten times what
the test takes when nothing measures it.  Only tests of a quarter of a
second and more are timed (on millisecond tests the constant sets the
limit), in the order of their seconds times the mutants that run them, and
the timing stops starting tests once it has spent a tenth of the
baseline's test seconds.  A figure only ever lowers a
limit; should it lower one too far, the timeout's evidence above runs the
mutant again with more time.
"""

from __future__ import annotations

import statistics
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from .pool import Outcome, Steps

#: seconds of CPU a child may use beyond ``factor`` times its tests' baseline
#: seconds: the fork's page copies, pytest's own work per test, a cold cache
CPU_CONSTANT = 0.25
#: a test whose baseline seconds reach this is timed again without coverage
TIMED_FROM = 0.25
#: the share of the baseline's test seconds the timing may spend, over all its children
TIMING_SHARE = 0.1
#: fixture seconds a test must have beyond twice the typical test's to hold a one-time cost
ONE_TIME_FROM = 0.001


@dataclass(frozen=True)
class Timing:
    """The slow tests to time without coverage, one group per child."""

    groups: tuple[tuple[str, ...], ...]
    #: seconds a child may spend before it starts no further test
    budget: float


def plan_timing(durations: Mapping[str, float], uses: Mapping[str, int], workers: int) -> Timing | None:
    """Which tests to time again, dealt to ``workers`` children by their
    baseline seconds (None: none is slow enough to matter).

    ``uses``: test -> how many mutants run it.  A test's figure is worth
    its seconds times its mutants (each of their limits counts it), so the
    tests go in that order and the budget runs out on the least useful:
    more-itertools' ``test_nth_prime_approximate`` (4.8 s, 88 mutants, two of
    them looping) comes before a threading test of 15 s that one mutant runs.
    """
    slow = [t for t in uses if durations.get(t, 0.0) >= TIMED_FROM]
    if not slow:
        return None
    slow.sort(key=lambda t: (-durations[t] * uses[t], t))
    loads = [0.0] * max(1, min(workers, len(slow)))
    groups: list[list[str]] = [[] for _ in loads]
    for test in slow:
        lightest = loads.index(min(loads))
        groups[lightest].append(test)
        loads[lightest] += durations[test]
    budget = TIMING_SHARE * sum(durations.values()) / len(groups)
    return Timing(tuple(tuple(g) for g in groups), budget)


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

    def calibrated(self, plain: Mapping[str, float]) -> Limits:
        """These limits, with the ``plain`` seconds of the tests timed without
        coverage where they are lower; a test's fixtures keep their share of it."""
        durations = dict(self.durations)
        fixtures = dict(self.fixtures)
        for test, seconds in plain.items():
            baseline = durations.get(test)
            if baseline is None or not 0.0 <= seconds < baseline:
                continue
            durations[test] = seconds
            if test in fixtures:
                fixtures[test] = fixtures[test] * seconds / baseline
        return replace(self, durations=durations, fixtures=fixtures)

    def steps(self, tests: Iterable[str], slack: float = 0.0) -> Steps:
        """Each test's limit, counted from the child's start (the last one is
        ``total``), each ``slack`` seconds later."""
        tests = list(tests)
        moving = one_time({t: self.fixtures.get(t, 0.0) for t in tests})
        spent = sum(moving.values())
        # a test's own limit: its seconds, and the largest one-time cost, which may move to it
        largest = max(moving.values(), default=0.0)
        # C doubles from the start: lists of floats first took 4 times the room, if briefly
        limits, cpu, own = array("d"), array("d"), array("d")
        for test in tests:
            recurring = max(0.0, self.durations.get(test, 0.0) - moving.get(test, 0.0))
            spent += recurring
            need = self.factor * spent + slack
            limits.append(need + self.constant)
            cpu.append(need + CPU_CONSTANT)
            own.append(self.factor * (recurring + largest) + slack + self.constant)
        return Steps(tests, limits, cpu, own)


def one_time(fixtures: Mapping[str, float]) -> dict[str, float]:
    """The one-time costs among tests' ``fixtures`` seconds: what a test's
    exceed the typical test's, where they stand out from it (past twice it,
    by more than ``ONE_TIME_FROM``).  The rest every test pays again."""
    if not fixtures:
        return {}
    typical = statistics.median_low(fixtures.values())
    return {t: s - typical for t, s in fixtures.items() if s > 2 * typical + ONE_TIME_FROM}


def timed_out(outcome: Outcome) -> str:
    """A timeout's reason: the limit it met, and the test still running then."""
    reason = f"no verdict after {outcome.limit:.1f} s" + (" of CPU" if outcome.by_cpu else "")
    if outcome.step is not None and outcome.by_step and outcome.step.own is not None:
        reason += f": still in {outcome.step.name}, past its own limit of {outcome.step.own:.1f} s"
    elif outcome.step is not None:
        reason += f": still in {outcome.step.name}, past the limit for the tests up to it"
    return reason
