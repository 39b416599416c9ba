"""The mutation worker: a second pytest process that collects the tests once
with every target module served mutated, then forks a child per mutant.

Started by ``runner.py`` as ``python -m pytest_escape.execution.worker PLAN FD``.
It writes one JSON event per line to FD; its own pytest output goes to a log
file the main process shows only if something goes wrong.
"""

from __future__ import annotations

import gc
import json
import os
import re
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest
from _pytest.runner import runtestprotocol

from ..mutation import FORCED_FAILURE, activate
from ..mutation.import_hook import install
from .pool import DIED, REPORTED, TIMED_OUT, Job, Outcome, run_forked

WORKER_ENV = "PYTEST_ESCAPE_WORKER"


def _first_line(report: pytest.TestReport) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    message = getattr(crash, "message", None) or report.longreprtext or report.when
    return str(message).strip().splitlines()[0][:300] if str(message).strip() else report.when


def run_items(items: list[pytest.Item], mutant: str | None) -> dict[str, Any]:
    """Run ``items`` in order under ``mutant``; stop at the first failure."""
    activate(mutant)
    for index, item in enumerate(items):
        nextitem = items[index + 1] if index + 1 < len(items) else None
        for report in runtestprotocol(item, nextitem=nextitem, log=False):
            if report.failed:
                return {
                    "outcome": "failed",
                    "test": item.nodeid,
                    "message": _first_line(report),
                    "ran": index + 1,
                }
    return {"outcome": "passed", "ran": len(items)}


class Emitter:
    def __init__(self, fd: int) -> None:
        self._file = os.fdopen(fd, "w", buffering=1)

    def __call__(self, event: str, **data: Any) -> None:
        self._file.write(json.dumps({"event": event, **data}) + "\n")
        self._file.flush()


_AUTO_ID = re.compile(r"(?<=[\[-])([A-Za-z_]\w*?)\d+(?=[-\]])")


def _normalized(nodeid: str) -> str:
    """A nodeid with pytest's positional auto-ids (``expected11``) blanked out."""
    return _AUTO_ID.sub(r"\1#", nodeid)


def _match_items(session: pytest.Session, baseline_ids: list[str]) -> dict[str, pytest.Item]:
    """Baseline nodeid -> the same test in this collection.

    Parametrizing from a ``set`` gives the same cases different auto-ids in
    another process (hash randomization), so an id that is not found exactly is
    looked up with the auto-id numbers blanked out, if that is unambiguous on
    both sides.  Anything else (an id built from ``datetime.now()``) is missing:
    guessing would run the wrong test.
    """
    by_id = {item.nodeid: item for item in session.items}
    found = {nodeid: by_id[nodeid] for nodeid in baseline_ids if nodeid in by_id}
    unmatched_items = [item for item in session.items if item.nodeid not in found]
    groups: dict[str, list[pytest.Item]] = {}
    for item in unmatched_items:
        groups.setdefault(_normalized(item.nodeid), []).append(item)
    wanted: dict[str, list[str]] = {}
    for nodeid in baseline_ids:
        if nodeid not in found:
            wanted.setdefault(_normalized(nodeid), []).append(nodeid)
    for key, nodeids in wanted.items():
        items = groups.get(key, [])
        if len(nodeids) == 1 and len(items) == 1:
            found[nodeids[0]] = items[0]
    return found


class WorkerPlugin:
    def __init__(self, plan: dict[str, Any], emit: Emitter) -> None:
        self.plan = plan
        self.emit = emit
        self._last = time.monotonic()

    def _timeout(self, tests: list[str]) -> float:
        durations = self.plan["durations"]
        budget = sum(durations.get(t, 0.0) for t in tests)
        return float(self.plan["timeout_factor"] * budget + self.plan["timeout_constant"])

    def _run(self, jobs: list[Job], on_outcome: Callable[[Job, Outcome], None]) -> None:
        run_forked(jobs, self.plan["workers"], on_outcome)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool:
        factory = getattr(session.config, "_tmp_path_factory", None)
        if factory is not None:
            factory.getbasetemp()  # one base dir, made before forking, shared by children
        items = _match_items(session, self.plan["tests"])
        missing = [t for t in self.plan["tests"] if t not in items]
        self.emit("collected", count=len(session.items), missing=missing)
        self._phase("collect")
        gc.collect()
        gc.freeze()  # children then leave the parent's objects alone: fewer copy-on-write faults
        excluded = self._clean_check(items)
        self._phase("clean check")
        reachable = self._probe(items, excluded)
        self._phase("forced failure")
        if reachable:
            self._mutants(items, excluded)
            self._phase("mutants")
            self.emit("done")
        return True

    def _phase(self, name: str) -> None:
        now = time.monotonic()
        self.emit("phase", name=name, seconds=round(now - self._last, 3))
        self._last = now

    def _clean_check(self, items: dict[str, pytest.Item]) -> set[str]:
        """Every selected test, alone in a child with no mutant, must pass."""
        excluded: set[str] = set()

        def on_outcome(job: Job, outcome: Outcome) -> None:
            if outcome.kind == REPORTED and outcome.payload.get("outcome") == "passed":
                return
            reason = {
                TIMED_OUT: "timed out",
                DIED: outcome.detail,
            }.get(outcome.kind, f"fails when run alone: {outcome.payload.get('message', '')}")
            excluded.add(job.key)
            self.emit("excluded", test=job.key, reason=reason)

        jobs = [
            Job(key=t, timeout=self._timeout([t]), run=lambda item=items[t]: run_items([item], None))
            for t in self.plan["clean_check"]
            if t in items
        ]
        self._run(jobs, on_outcome)
        return excluded

    def _probe(self, items: dict[str, pytest.Item], excluded: set[str]) -> bool:
        """With the forced-failure mutant active, a covering test of each module must fail.

        Up to three tests per module are tried: one test may swallow every
        exception (``pytest.raises(Exception)``) and pass legitimately.
        """
        reached: set[str] = set()
        tried: dict[str, str] = {}

        def on_outcome(job: Job, outcome: Outcome) -> None:
            module = job.key.split("\0", 1)[0]
            if not (outcome.kind == REPORTED and outcome.payload.get("outcome") == "passed"):
                reached.add(module)

        jobs = []
        for module, tests in self.plan["probes"].items():
            usable = [t for t in tests if t in items and t not in excluded][:3]
            if usable:
                tried[module] = usable[0]
            for test in usable:
                jobs.append(
                    Job(
                        key=f"{module}\0{test}",
                        timeout=self._timeout([test]),
                        run=lambda item=items[test]: run_items([item], FORCED_FAILURE),
                    )
                )
        self._run(jobs, on_outcome)
        unreachable = sorted(set(tried) - reached)
        for module in unreachable:
            self.emit("unreachable", module=module, test=tried[module])
        return not unreachable

    def _mutants(self, items: dict[str, pytest.Item], excluded: set[str]) -> None:
        def on_outcome(job: Job, outcome: Outcome) -> None:
            result: dict[str, Any] = {"id": job.key, "duration": round(outcome.duration, 4)}
            if outcome.kind == REPORTED:
                payload = outcome.payload
                result["tests_run"] = payload.get("ran", 0)
                if payload["outcome"] == "failed":
                    result.update(
                        status="killed", killed_by=payload["test"], reason=payload.get("message")
                    )
                else:
                    result["status"] = "survived"
            elif outcome.kind == TIMED_OUT:
                result.update(status="timeout", reason=f"no verdict after {job.timeout:.1f} s")
            else:
                result.update(status="error", reason=outcome.detail)
            self.emit("result", **result)

        jobs = []
        for entry in self.plan["jobs"]:
            tests = [t for t in entry["tests"] if t in items and t not in excluded]
            if not tests:
                self.emit(
                    "result",
                    id=entry["id"],
                    status="no coverage",
                    reason="its covering tests were excluded by the self-check",
                    tests_run=0,
                    duration=0.0,
                )
                continue
            selected = [items[t] for t in tests]
            jobs.append(
                Job(
                    key=entry["id"],
                    timeout=self._timeout(tests),
                    run=lambda selected=selected, mutant=entry["id"]: run_items(selected, mutant),
                )
            )
        self._run(jobs, on_outcome)


def main(argv: list[str]) -> int:
    plan_path, fd = argv[0], int(argv[1])
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    emit = Emitter(fd)
    os.environ[WORKER_ENV] = "1"
    sys.path[:] = plan["sys_path"]
    install({name: (path, code) for name, (path, code) in plan["modules"].items()})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(2))
    try:
        code = pytest.main(plan["args"], plugins=[WorkerPlugin(plan, emit)])
    except BrokenPipeError:
        return 3  # the main process went away: stop quietly
    return int(code)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
