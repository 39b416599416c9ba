"""The main process's side of the mutation phase: start the worker, stream its
events, and stop it (and every child it forked) if the run is interrupted."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..plugin import WORKER_ENV


@dataclass
class WorkerReport:
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    excluded: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    unreachable: list[dict[str, str]] = field(default_factory=list)
    #: things the user should know that did not stop the run
    warnings: list[str] = field(default_factory=list)
    #: mutant id -> the witness stage's finding for that survivor
    witnesses: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: seconds per worker phase (collect, clean check, forced failure, mutants)
    phases: dict[str, float] = field(default_factory=dict)
    done: bool = False
    #: property results, as the fields of ``model.PropertyResult`` without file and line
    properties: list[dict[str, Any]] = field(default_factory=list)
    #: stopped by Ctrl-C: ``results`` holds the verdicts that landed before
    interrupted: bool = False
    returncode: int = 0
    log_tail: str = ""


def run_worker(
    plan: dict[str, Any],
    cwd: Path,
    on_event: Callable[[str, dict[str, Any]], None],
) -> WorkerReport:
    """Run the mutation worker to the end, or until Ctrl-C (``interrupted``);
    ``on_event`` sees each verdict ("result", or "rerun" when it revises one),
    witness finding and stage start as it lands."""
    report = WorkerReport()
    tmp = Path(tempfile.mkdtemp(prefix="pytest-escape-"))
    try:
        plan_path = tmp / "plan.json"
        plan_path.write_text(json.dumps({**plan, "parent": os.getpid()}), encoding="utf-8")
        read_fd, write_fd = os.pipe()
        env = dict(os.environ, **{WORKER_ENV: "1"})
        env.pop("MUTANT_UNDER_TEST", None)
        with (tmp / "worker.log").open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "pytest_escape.execution.worker", str(plan_path), str(write_fd)],
                pass_fds=[write_fd],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                env=env,
                start_new_session=True,
            )
        os.close(write_fd)
        try:
            trace = os.environ.get("PYTEST_ESCAPE_TRACE")  # developer aid: raw worker events
            with os.fdopen(read_fd, "r", encoding="utf-8") as events:
                for line in events:
                    if trace:
                        with open(trace, "a", encoding="utf-8") as out:
                            out.write(line)
                    _handle(json.loads(line), report, on_event)
            report.returncode = proc.wait()
        except KeyboardInterrupt:
            # Ctrl-C: the verdicts that landed are the partial result
            _stop(proc)
            report.interrupted = True
            return report
        except BaseException:
            _stop(proc)
            raise
        if not report.done:
            text = (tmp / "worker.log").read_text(encoding="utf-8", errors="replace")
            report.log_tail = "\n".join(text.strip().splitlines()[-15:])
        return report
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _handle(
    event: dict[str, Any], report: WorkerReport, on_event: Callable[[str, dict[str, Any]], None]
) -> None:
    kind = event.pop("event")
    if kind == "result":
        # a rerun revises a verdict already counted (second chances, excluded killers)
        rerun = event.pop("rerun", False)
        report.results[event["id"]] = event
        on_event("rerun" if rerun else kind, event)
    elif kind == "witness":
        report.witnesses[event["id"]] = event["finding"]
        on_event(kind, event)
    elif kind in ("witnesses", "properties"):
        on_event(kind, event)
    elif kind == "property":
        report.properties.append(event["result"])
    elif kind == "warning":
        report.warnings.append(event["message"])
    elif kind == "excluded":
        report.excluded[event["test"]] = event["reason"]
    elif kind == "collected":
        report.missing = event["missing"]
    elif kind == "unreachable":
        report.unreachable.append(event)
    elif kind == "phase":
        report.phases[event["name"]] = event["seconds"]
    elif kind == "done":
        report.done = True


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM lets the worker kill its children; SIGKILL the group if it lingers."""
    try:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=5)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
