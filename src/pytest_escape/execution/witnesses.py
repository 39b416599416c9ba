"""The witness stage, run by the mutation worker after the mutants: jobs for the pool.

One search job per function with survivors (its child records the tests'
arguments once, then searches each survivor in turn, streaming findings),
and, for each regression test a search emits, two verification jobs in fresh
children: the test must pass on the original and fail on the mutant.  Only
then is it reported as verified; otherwise it is dropped, with the reason.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from typing import Any

from ..model import UNSAFE, Witness, witness_from_dict
from ..witness.job import not_searched, search_function, verify_test, warm_up
from .pool import REPORTED, TIMED_OUT, Job, Outcome, stream
from .protocol import MutantJob, WitnessOptions, to_json

#: a survivor's search never gets less than this, whatever the budget says
MIN_SHARE = 0.5
#: nor more than this: past it, more time rarely finds what 200 examples did not
MAX_SHARE = 20.0
#: tests run per function to record the arguments they pass
OBSERVE_TESTS = 10
#: survivors one search child takes on
SURVIVORS_PER_CHILD = 10
#: the child's allowance for recording arguments and setting up, on top of the searches
SETUP_SECONDS = 15.0


def verification_run(outcome: Outcome) -> dict[str, Any]:
    """A verification job's outcome as ``verify_test``'s answer, also when its child
    never answered (it hung, or died)."""
    if outcome.kind == REPORTED:
        return dict(outcome.payload)
    if outcome.kind == TIMED_OUT:
        return {"outcome": "failed", "message": "did not finish"}
    return {"outcome": "died", "message": outcome.detail}


class WitnessStage:
    """Schedules searches and verifications; ``emit`` gets one final finding per survivor."""

    def __init__(
        self,
        options: WitnessOptions,
        survivors: list[MutantJob],
        workers: int,
        run_tests: Callable[[list[str]], object],
        emit: Callable[[str, Witness], None],
    ) -> None:
        self.options: dict[str, Any] = to_json(options)
        self.survivors = [to_json(s) for s in survivors]
        self.run_tests = run_tests
        self._emit = emit
        budget = options.budget
        # a fifth of the budget goes on recording arguments, forking and verifying
        share = 0.8 * budget * workers / max(len(survivors), 1)
        self.options["seconds_per_survivor"] = min(max(share, MIN_SHARE), MAX_SHARE)
        self.deadline = time.monotonic() + budget
        self.options["deadline"] = self.deadline  # CLOCK_MONOTONIC: the same clock in the children
        self.root = tempfile.mkdtemp(prefix="pytest-escape-witness-")
        self.options["sandbox_root"] = self.root
        warm_up(os.path.join(self.root, "hypothesis"))
        #: mutant id -> the finding waiting for its test's two verification runs
        self.pending: dict[str, dict[str, Any]] = {}
        self.checks: dict[str, dict[str, dict[str, Any]]] = {}

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def emit(self, mutant_id: str, finding: dict[str, Any]) -> None:
        self._emit(mutant_id, witness_from_dict(finding))

    def jobs(self) -> list[Job]:
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for survivor in self.survivors:
            groups.setdefault((survivor["module"], survivor["function"]), []).append(survivor)
        # a long-lived search child grows (Hypothesis's engines, captured output)
        # until its memory limit: a fresh child every few survivors
        return [
            self._search(module, function, group[start : start + SURVIVORS_PER_CHILD])
            for (module, function), group in groups.items()
            for start in range(0, len(group), SURVIVORS_PER_CHILD)
        ]

    def _search(self, module: str, function: str, group: list[dict[str, Any]]) -> Job:
        tests: list[str] = []
        for survivor in group:
            tests += [t for t in survivor["tests"] if t not in tests]
        tests = tests[:OBSERVE_TESTS]
        options, deadline = self.options, self.deadline

        def run() -> dict[str, Any]:
            if time.monotonic() > deadline:
                for survivor in group:
                    stream({"id": survivor["id"], "witness": not_searched(options["budget"])})
                return {"done": True}
            return search_function(module, function, group, lambda: self.run_tests(tests), options, stream)

        timeout = SETUP_SECONDS + float(options["seconds_per_survivor"]) * 1.5 * len(group)
        return Job(key=f"witness {module}.{function}", timeout=timeout, run=run, tag=("witness", group))

    def _verify(self, mutant_id: str, finding: dict[str, Any], mutant: str | None) -> Job:
        source, name = finding["test"], finding["test_name"]
        call_timeout = float(self.options["call_timeout"])
        root = self.root
        return Job(
            key=f"verify {mutant_id} {'mutant' if mutant else 'original'}",
            timeout=call_timeout * 4 + 10,
            run=lambda: verify_test(source, name, mutant, call_timeout, root),
            tag=("verify", mutant_id, "mutant" if mutant else "original"),
        )

    def settle(self, job: Job, outcome: Outcome) -> list[Job] | None:
        if job.tag[0] == "verify":
            self._settle_verify(job, outcome)
            return None
        group: list[dict[str, Any]] = job.tag[1]
        more: list[Job] = []
        seen: set[str] = set()
        for item in outcome.streamed:
            mutant_id, finding = item["id"], item["witness"]
            seen.add(mutant_id)
            if finding.get("test"):
                self.pending[mutant_id] = finding
                more += [self._verify(mutant_id, finding, None), self._verify(mutant_id, finding, mutant_id)]
            else:
                self.emit(mutant_id, finding)
        left = [s for s in group if s["id"] not in seen]
        if left and outcome.kind != REPORTED:
            # the survivor being searched took the child down; the rest get a new child
            stuck = left.pop(0)
            how = (
                f"no answer after {job.timeout:.0f} s (a call that does not return to Python?)"
                if outcome.kind == TIMED_OUT
                else outcome.detail
            )
            self.emit(stuck["id"], {"verdict": UNSAFE, "reason": f"the search stopped: {how}"})
            if left:
                more.append(self._search(left[0]["module"], left[0]["function"], left))
        return more or None

    def _settle_verify(self, job: Job, outcome: Outcome) -> None:
        """Both runs in: report the finding, with its test only if it proved itself."""
        _, mutant_id, side = job.tag
        checks = self.checks.setdefault(mutant_id, {})
        checks[side] = verification_run(outcome)
        if len(checks) < 2:
            return
        finding = self.pending.pop(mutant_id)
        original, mutant = checks["original"], checks["mutant"]
        if original["outcome"] != "passed":
            reason = f"dropped: fails on the original ({original.get('message', original['outcome'])})"
        elif mutant["outcome"] != "failed":
            reason = f"dropped: does not fail on the mutant ({mutant['outcome']})"
        else:
            reason = None
        if reason:
            finding.update(test=None, test_name=None, test_dropped=reason)
        self.emit(mutant_id, finding)
