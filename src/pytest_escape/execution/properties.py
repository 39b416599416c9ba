"""The property stage, run by the mutation worker last: jobs for the pool.

One check job per function under test (its child records the tests'
arguments once, then checks each property in turn, streaming results), and
one verification job for each regression test a check writes: run in a
fresh child, the test's body must fail today with the exception its
``xfail(raises=...)`` names.  Otherwise the test is dropped, with the reason,
and the violation is reported without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model import CRASH, NOT_CHECKED, PropertyResult
from ..properties.check import check_function
from .pool import REPORTED, Job, Outcome, stream
from .protocol import PropertyCheck, PropertyOptions, decode
from .stage import OBSERVE_TESTS, BudgetedStage, stopped, verification_run


def drop_reason(expected: str, run: dict[str, Any]) -> str | None:
    """Why a property's test is not shown, from its one run today: it must fail
    with the exception its ``xfail(raises=...)`` names (or a subclass)."""
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
    ) -> None:
        super().__init__(options.budget, len(options.functions), workers, options.call_timeout, run_tests)
        self.options = options
        self._emit = emit
        #: verification job key -> the result waiting for it
        self.pending: dict[str, dict[str, Any]] = {}

    def emit(self, result: dict[str, Any]) -> None:
        """A property's final result; ``retry`` in it says the cache must not keep it."""
        fields = dict(result)
        retry = bool(fields.pop("retry", False))
        self._emit(decode(PropertyResult, fields), retry)

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
        where = {"module": entry.module, "function": entry.function}
        planned: list[str] = []
        done: set[str] = set()
        more: list[Job] = []
        for item in outcome.streamed:
            if "plan" in item:
                planned = item["plan"]
                continue
            result = {**where, **item}
            done.add(result["property"])
            if result.get("test"):
                key = f"verify {entry.module}.{entry.function} {result['property']}"
                self.pending[key] = result
                more.append(
                    self.verification(key, result["test"], result["test_name"], None, ("verify", key))
                )
            else:
                self.emit(result)
        if outcome.kind != REPORTED:
            how = stopped(job, outcome)
            # a child that died before its plan still leaves the function in the report
            for prop in planned or [CRASH]:
                if prop not in done:
                    self.emit(
                        {
                            **where,
                            "property": prop,
                            "outcome": NOT_CHECKED,
                            "reason": f"the check stopped: {how}",
                            "retry": True,
                        }
                    )
        return more or None

    def _settle_verify(self, job: Job, outcome: Outcome) -> None:
        """The test's run is in: keep it if it failed the way its mark says."""
        result = self.pending.pop(job.tag[1])
        reason = drop_reason(result.pop("raises", "AssertionError"), verification_run(outcome))
        if reason:
            result.update(test=None, test_name=None, test_dropped=reason)
            if outcome.kind != REPORTED:
                result["retry"] = True  # the test may well be good: its run hung or died
        self.emit(result)
