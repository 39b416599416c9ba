"""The skeleton of a budgeted stage after the mutants, shared by the witness
search and the property checks.

Both stages take a wall-clock budget, split it among their items (survivors,
functions), run one sandboxed child per group of items that records the
tests' arguments and then streams a finding per item, verify each emitted
regression test in fresh children, and report what a child that hung or
died left unfinished.  What differs is what an item is and what a finding
says: ``witnesses.WitnessStage`` and ``properties.PropertyStage`` fill that in.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from typing import Any, ClassVar

from ..inputs.hypothesis_home import warm_up
from ..inputs.sandbox import Allowance
from ..inputs.verify import Test, verify_tests
from ..lifetime import scratch
from .pool import REPORTED, TIMED_OUT, Job, Outcome, heartbeat

#: tests run per item to record the arguments they pass
OBSERVE_TESTS = 10
#: a child's allowance for recording arguments and setting up, on top of its work
SETUP_SECONDS = 15.0
#: a search or check child writes a sign of life this often; silent for
#: ``SILENT_SECONDS`` (or ``SILENT_CALLS`` calls' time limit, if longer), it is
#: stuck in C code that no call's time limit reaches (``pool.heartbeat``)
BEAT_EVERY = 0.5
SILENT_SECONDS = 8.0
SILENT_CALLS = 4
#: the share of the budget the items' work gets: the rest goes on recording
#: arguments, forking and verifying
WORK_SHARE = 0.8


def share(budget: float, items: int, workers: int, least: float, most: float) -> float:
    """Each item's seconds: the working part of the budget over the items, on
    ``workers`` children at once, never below ``least`` nor above ``most``."""
    return min(max(WORK_SHARE * budget * workers / max(items, 1), least), most)


def verification_runs(outcome: Outcome, count: int) -> list[dict[str, Any]]:
    """A verification job's outcome as ``verify_tests``'s answers, one per test,
    also when its child never answered (it hung, or died)."""
    if outcome.kind == REPORTED:
        return [dict(answer) for answer in outcome.payload["answers"]]
    if outcome.kind == TIMED_OUT:
        return [{"outcome": "failed", "message": "did not finish"}] * count
    return [{"outcome": "died", "message": outcome.detail}] * count


def stopped(job: Job, outcome: Outcome, hint: str = "") -> str:
    """Why a child left items unfinished: it ran out of time, or died."""
    if outcome.kind == TIMED_OUT:
        # silent for too long (``Job.silent_limit``), or out of time
        return f"{outcome.detail or f'no answer after {job.timeout:.0f} s'}{hint}"
    return outcome.detail


class BudgetedStage:
    """Budget split, deadline, scratch directory, warm-up and job shapes; a
    stage adds ``jobs`` and ``settle`` for the worker's pool."""

    #: an item's seconds never go below this, whatever the budget says
    MIN_SHARE: ClassVar[float]
    #: nor above this: past it, more time rarely finds what 200 examples did not
    MAX_SHARE: ClassVar[float]
    #: the scratch directory's name
    PREFIX: ClassVar[str]

    def __init__(
        self,
        budget: float,
        items: int,
        workers: int,
        call_timeout: float,
        run_tests: Callable[[list[str]], object],
    ) -> None:
        self.budget = budget
        self.workers = workers
        self.call_timeout = call_timeout
        self.run_tests = run_tests
        root = scratch(self.PREFIX)
        self.allowance = Allowance(
            share(budget, items, workers, self.MIN_SHARE, self.MAX_SHARE), time.monotonic() + budget, root
        )
        warm_up(os.path.join(root, "hypothesis"))

    def close(self) -> None:
        shutil.rmtree(self.allowance.sandbox_root, ignore_errors=True)

    def jobs(self) -> list[Job]:
        raise NotImplementedError

    def settle(self, job: Job, outcome: Outcome) -> list[Job] | None:
        raise NotImplementedError

    def child(
        self,
        key: str,
        items: int,
        run: Callable[[], dict[str, Any]],
        tag: tuple[Any, ...],
        seconds_each: float | None = None,
    ) -> Job:
        """A search or check child for ``items`` items: its set-up, then each
        item's share (``seconds_each``, else the stage's) and half again."""
        each = self.allowance.seconds_each if seconds_each is None else seconds_each
        timeout = SETUP_SECONDS + each * 1.5 * items

        def beating() -> dict[str, Any]:
            heartbeat(BEAT_EVERY)
            return run()

        silent = max(SILENT_SECONDS, SILENT_CALLS * self.call_timeout)
        return Job(key=key, timeout=timeout, run=beating, tag=tag, collects=True, silent_limit=silent)

    def verification(self, key: str, tests: list[Test], mutant: str | None, tag: tuple[Any, ...]) -> Job:
        """Run emitted tests under ``mutant`` in a fresh child, or (None) on the
        original in a fresh interpreter: ``verify_tests``."""
        call_timeout, root = self.call_timeout, self.allowance.sandbox_root
        return Job(
            key=key,
            timeout=(call_timeout * 2 + 1) * len(tests) + 30,
            run=lambda: {"answers": verify_tests(tests, mutant, call_timeout, root)},
            tag=tag,
        )
