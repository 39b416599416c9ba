"""The property stage, run by the mutation worker last: jobs for the pool.

One check job per function under test (its child records the tests'
arguments once, then checks each property in turn, streaming results), and
one verification job for each regression test a check writes: run in a
fresh child, the test's body must fail today with the exception its
``xfail(raises=...)`` names.  Otherwise the test is dropped, with the reason,
and the violation is reported without it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from ..inputs.verify import writes_files
from ..model import CRASH, NOT_CHECKED, PropertyKind, PropertyResult
from ..properties.check import check_function
from .pool import REPORTED, Job, Outcome, stream
from .protocol import PropertiesPlanned, PropertyCheck, PropertyFound, PropertyOptions, decode
from .stage import OBSERVE_TESTS, BudgetedStage, stopped, verification_runs


def drop_reason(expected: str, run: dict[str, Any]) -> str | None:
    """Why a property's test is not shown, from its one run today: it must fail
    with the exception its ``xfail(raises=...)`` names (or a subclass)."""
    if written := writes_files(run):
        return written
    if run["outcome"] == "passed":
        return "dropped: it passes today"
    if expected not in run.get("exceptions", ()):
        return f"dropped: it fails today with {run.get('message', run['outcome'])}, not {expected}"
    return None


class PropertyStage(BudgetedStage):
    """Schedules checks and verifications; ``emit`` gets one final result per
    property, and whether the cache must leave it out (``PropertyChecked.retry``)."""

    MIN_SHARE = 1.0
    MAX_SHARE = 30.0
    PREFIX = "pytest-escape-properties-"

    def __init__(
        self,
        options: PropertyOptions,
        workers: int,
        run_tests: Callable[[list[str]], object],
        emit: Callable[[PropertyResult, bool], None],
        finished: Callable[[str, str], None] = lambda module, function: None,
    ) -> None:
        super().__init__(options.budget, len(options.functions), workers, options.call_timeout, run_tests)
        self.options = options
        self.emit = emit
        #: told (module, function) once every result of that function is emitted
        self.finished = finished
        #: verification job key -> the finding waiting for it
        self.pending: dict[str, PropertyFound] = {}

    def jobs(self) -> list[Job]:
        return [self._check(entry) for entry in self.options.functions]

    def _check(self, entry: PropertyCheck) -> Job:
        options, allowance = self.options, self.allowance
        tests = list(entry.tests[:OBSERVE_TESTS])

        def run() -> dict[str, Any]:
            return check_function(entry, lambda: self.run_tests(tests), options, allowance, stream)

        return self.child(f"properties {entry.module}.{entry.function}", 1, run, ("check", entry))

    def settle(self, job: Job, outcome: Outcome) -> list[Job] | None:
        if job.tag[0] == "verify":
            self._settle_verify(job, outcome)
            return None
        entry: PropertyCheck = job.tag[1]
        planned: tuple[PropertyKind, ...] = ()
        done: set[str] = set()
        more: list[Job] = []
        keys: list[str] = []
        for item in outcome.streamed:
            if "properties" in item:
                planned = decode(PropertiesPlanned, item).properties
                continue
            found = decode(PropertyFound, item)
            result = found.result
            done.add(result.property)
            if result.test and result.test_name:
                key = f"verify {entry.module}.{entry.function} {result.property}"
                self.pending[key] = found
                keys.append(key)
            else:
                self.emit(result, found.retry)
        if keys:
            tests = [
                (self.pending[k].result.test or "", self.pending[k].result.test_name or "") for k in keys
            ]
            more.append(self.verification(f"verify {job.key}", tests, None, ("verify", *keys)))
        if outcome.kind != REPORTED:
            how = stopped(job, outcome)
            # a child that died before its plan still leaves the function in the report
            for prop in planned or (CRASH,):
                if prop not in done:
                    reason = f"the check stopped: {how}"
                    self.emit(PropertyResult(entry.module, entry.function, prop, NOT_CHECKED, reason), True)
        if not keys:
            self.finished(entry.module, entry.function)
        return more or None

    def _settle_verify(self, job: Job, outcome: Outcome) -> None:
        """The tests' runs are in: keep each that failed the way its mark says."""
        keys: tuple[str, ...] = job.tag[1:]
        for key, answer in zip(keys, verification_runs(outcome, len(keys)), strict=True):
            found = self.pending.pop(key)
            reason = drop_reason(found.raises or "AssertionError", answer)
            if not reason:
                self.emit(found.result, found.retry)
                continue
            dropped = dataclasses.replace(found.result, test=None, test_name=None, test_dropped=reason)
            # the test may well be good when its run hung or died: check again next run
            self.emit(dropped, found.retry or outcome.kind != REPORTED)
        # one verification job holds every test of its function: with it, the function is done
        if keys:
            self.finished(found.result.module, found.result.function)
