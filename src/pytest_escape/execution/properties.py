"""The property stage, run by the mutation worker last: jobs for the pool.

One check job per function under test (its child records the tests'
arguments once, then checks each property in turn, streaming results), and
one verification job for each regression test a check writes: run in a
fresh child, the test's body must fail today with the exception its
``xfail(raises=...)`` names.  Otherwise the test is dropped, with the reason,
and the violation is reported without it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from typing import Any

from ..model import CRASH, NOT_CHECKED
from ..properties.check import check_function
from ..witness.job import verify_test, warm_up
from .pool import REPORTED, TIMED_OUT, Job, Outcome, stream
from .protocol import PropertyFinding, PropertyOptions, decode, to_json
from .witnesses import verification_run

#: a function's checks never get less than this, whatever the budget says
MIN_SHARE = 1.0
#: nor more than this
MAX_SHARE = 30.0
#: tests run per function to record the arguments they pass
OBSERVE_TESTS = 10
#: the child's allowance for recording arguments and setting up, on top of the checks
SETUP_SECONDS = 15.0


def drop_reason(expected: str, run: dict[str, Any]) -> str | None:
    """Why a property's test is not shown, from its one run today: it must fail
    with the exception its ``xfail(raises=...)`` names (or a subclass)."""
    if run["outcome"] == "passed":
        return "dropped: it passes today"
    if expected not in run.get("exceptions", ()):
        return f"dropped: it fails today with {run.get('message', run['outcome'])}, not {expected}"
    return None


class PropertyStage:
    """Schedules checks and verifications; ``emit`` gets one final result per property."""

    def __init__(
        self,
        options: PropertyOptions,
        workers: int,
        run_tests: Callable[[list[str]], object],
        emit: Callable[[PropertyFinding], None],
    ) -> None:
        self.options: dict[str, Any] = to_json(options)
        self.functions: list[dict[str, Any]] = self.options["functions"]
        self.run_tests = run_tests
        self._emit = emit
        budget = options.budget
        share = 0.8 * budget * workers / max(len(self.functions), 1)
        self.options["seconds_per_function"] = min(max(share, MIN_SHARE), MAX_SHARE)
        self.deadline = time.monotonic() + budget
        self.options["deadline"] = self.deadline
        self.root = tempfile.mkdtemp(prefix="pytest-escape-properties-")
        self.options["sandbox_root"] = self.root
        warm_up(os.path.join(self.root, "hypothesis"))
        #: verification job key -> the result waiting for it
        self.pending: dict[str, dict[str, Any]] = {}

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def emit(self, result: dict[str, Any]) -> None:
        self._emit(decode(PropertyFinding, result))

    def jobs(self) -> list[Job]:
        return [self._check(entry) for entry in self.functions]

    def _check(self, entry: dict[str, Any]) -> Job:
        options = self.options
        tests = entry["tests"][:OBSERVE_TESTS]

        def run() -> dict[str, Any]:
            return check_function(entry, lambda: self.run_tests(tests), options, stream)

        timeout = SETUP_SECONDS + float(options["seconds_per_function"]) * 1.5
        return Job(
            key=f"properties {entry['module']}.{entry['function']}",
            timeout=timeout,
            run=run,
            tag=("check", entry),
        )

    def _verify(self, key: str, result: dict[str, Any]) -> Job:
        source, name = result["test"], result["test_name"]
        call_timeout = float(self.options["call_timeout"])
        root = self.root
        return Job(
            key=key,
            timeout=call_timeout * 4 + 10,
            run=lambda: verify_test(source, name, None, call_timeout, root),
            tag=("verify", key),
        )

    def settle(self, job: Job, outcome: Outcome) -> list[Job] | None:
        if job.tag[0] == "verify":
            self._settle_verify(job, outcome)
            return None
        entry: dict[str, Any] = job.tag[1]
        where = {"module": entry["module"], "function": entry["function"]}
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
                key = f"verify {entry['module']}.{entry['function']} {result['property']}"
                self.pending[key] = result
                more.append(self._verify(key, result))
            else:
                self.emit(result)
        if outcome.kind != REPORTED:
            how = f"no answer after {job.timeout:.0f} s" if outcome.kind == TIMED_OUT else outcome.detail
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
