"""The baseline's failing tests, run again without coverage.

The baseline is the user's own test run under coverage's tracer.  A test
that asserts on memory (``tracemalloc``), on timing or on
``sys.gettrace()`` can fail there and pass in a plain run: more-itertools'
bounded-memory test retained coverage's data and failed, and the run
stopped with "1 failed", sending the user after a bug that is not there.
So before a failing baseline stops the run, its failing tests run once
more, in a forked child of the main process (coverage stopped, nothing
switched on), in the baseline's order.  Those that pass there failed only
under coverage: the run goes on with them (``coverage_map.BaselineRecorder.admit``).
A test that fails there too is a real failure, and stops the run as before.

Every failing test runs again, however many: snoop's suite asserts
``sys.gettrace() is None`` after each of its 33 samples, so all 33 fail
under coverage, and a run again costs at most what they took in the
baseline, under coverage, which is more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from .limits import Limits, timed_out
from .pool import REPORTED, TIMED_OUT, Job, Outcome, run_forked


@dataclass(frozen=True)
class Recheck:
    """What the failing tests did without coverage."""

    #: passed without coverage: they failed only while it measured, in the baseline's order
    coverage_only: tuple[str, ...] = ()
    #: failed without coverage too (or did not finish): test -> the failure's first line
    failing: dict[str, str] = field(default_factory=dict)


def recheck(tests: Sequence[tuple[str, pytest.Item]], limits: Limits) -> Recheck:
    """Run ``tests`` again in one forked child, without coverage, each
    held to its limit (``limits``: the baseline's seconds, measured under
    coverage, so generous); a test the child did not report on is failing."""
    # imported here: the worker's module loads the stages' machinery, which
    # a run whose baseline passed never needs in this process
    from .worker import run_items

    steps = limits.steps(test for test, _ in tests)

    def run() -> dict[str, Any]:
        ran = run_items(list(tests), None, keep_going=True)
        return {"passed": list(ran.passed), "failing": {k.test: k.message for k in ran.kills}}

    outcomes: list[Outcome] = []
    job = Job(key="recheck", timeout=steps[-1].limit, run=run, steps=steps)
    run_forked([job], 1, lambda _job, outcome: outcomes.append(outcome))
    return of_outcome([test for test, _ in tests], outcomes[0])


def of_outcome(tests: Sequence[str], outcome: Outcome) -> Recheck:
    """The ``Recheck`` a child's ``outcome`` says, for ``tests`` in their order."""
    payload = outcome.payload if outcome.kind == REPORTED else {}
    passed = set(payload.get("passed", ()))
    failing: dict[str, str] = dict(payload.get("failing", {}))
    if outcome.kind == TIMED_OUT:
        unfinished = f"did not finish without coverage ({timed_out(outcome)})"
    else:
        unfinished = f"did not finish without coverage ({outcome.detail or 'no verdict'})"
    for test in tests:
        if test not in passed and test not in failing:
            failing[test] = unfinished
    return Recheck(tuple(t for t in tests if t in passed), {t: failing[t] for t in tests if t in failing})
