"""The main process's side of the mutation phase: start the worker, stream its
events, and stop it (and every child it forked) if the run is interrupted."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Evidence, Witness
from . import WORKER_ENV
from .protocol import (
    Collected,
    Done,
    PhaseDone,
    PropertiesChecked,
    PropertyChecked,
    Stage,
    StageStarted,
    TestEvidence,
    TestExcluded,
    Unreachable,
    Verdict,
    VerdictReached,
    WitnessFound,
    WorkerEvent,
    WorkerPlan,
    WorkerWarning,
    decode_event,
    encode_event,
    encode_plan,
)


@dataclass
class WorkerReport:
    """What the worker sent, gathered: the input of ``assemble``."""

    results: dict[str, Verdict] = field(default_factory=dict)
    excluded: dict[str, str] = field(default_factory=dict)
    #: test -> the proof that it only confirms (the evidence phase)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    unreachable: list[Unreachable] = field(default_factory=list)
    #: things the user should know that did not stop the run
    warnings: list[str] = field(default_factory=list)
    #: mutant id -> the witness stage's finding for that survivor
    witnesses: dict[str, Witness] = field(default_factory=dict)
    #: seconds per worker phase (collect, clean check, forced failure, mutants)
    phases: dict[str, float] = field(default_factory=dict)
    done: bool = False
    properties: list[PropertyChecked] = field(default_factory=list)
    #: stopped by Ctrl-C: ``results`` holds the verdicts that landed before
    interrupted: bool = False
    #: the budgeted stage the worker was in last (None: the mutants' own runs)
    stage: Stage | None = None
    #: (module, function) whose every property result is in ``properties``
    properties_done: set[tuple[str, str]] = field(default_factory=set)
    returncode: int = 0
    log_tail: str = ""


def run_worker(plan: WorkerPlan, cwd: Path, on_event: Callable[[WorkerEvent], None]) -> WorkerReport:
    """Run the mutation worker to the end, or until Ctrl-C (``interrupted``);
    ``on_event`` sees each event as it lands (verdicts, witness findings, stage starts)."""
    report = WorkerReport()
    tmp = Path(tempfile.mkdtemp(prefix="pytest-escape-"))
    try:
        plan_path = tmp / "plan.json"
        plan = dataclasses.replace(plan, parent=os.getpid())
        text, shared = encode_plan(plan)
        plan_path.write_text(text, encoding="utf-8")
        del text
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
            whole = EventsWhole()
            with os.fdopen(read_fd, "r", encoding="utf-8") as events, whole.installed():
                for line in events:
                    with whole.event():
                        event = decode_event(line, shared)
                        on_event(event)
                        gather(event, report)
                        if trace:
                            # after the event is handled (a verdict or
                            # witness cached): what the trace shows, the
                            # summary and the cache hold; every string
                            # written out (the pipe names the plan's by index)
                            with open(trace, "a", encoding="utf-8") as out:
                                out.write(encode_event(event) + "\n")
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


class EventsWhole:
    """Ctrl-C lands between two worker events, never inside one.

    An event is handled in steps: the caller's ``on_event`` (which caches
    a verdict or a witness), ``gather`` (the report the interrupted
    summary is built from), the developer's trace.  A KeyboardInterrupt
    raised between two of them left a witness cached but missing from the
    summary, or in the summary but not in the trace (the interrupt test
    failed that way now and then).  While ``event()`` runs, a SIGINT is
    noted and raised as KeyboardInterrupt when it ends.

    Only pytest's own handler (``signal.default_int_handler``) in the main
    thread is replaced: a handler of the user's stays as it is.
    """

    def __init__(self) -> None:
        self.busy = False
        self.noted = False

    @contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread() or (
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler
        ):
            yield
            return
        signal.signal(signal.SIGINT, self._on_sigint)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)

    def _on_sigint(self, signum: int, frame: types.FrameType | None) -> None:
        if not self.busy:
            raise KeyboardInterrupt
        self.noted = True

    @contextmanager
    def event(self) -> Iterator[None]:
        self.busy = True
        try:
            yield
        finally:
            self.busy = False
        if self.noted:
            self.noted = False
            raise KeyboardInterrupt


def gather(event: WorkerEvent, report: WorkerReport) -> None:
    """One event into the report (the last verdict of a mutant stands)."""
    if isinstance(event, VerdictReached):
        report.results[event.verdict.id] = event.verdict
    elif isinstance(event, WitnessFound):
        report.witnesses[event.id] = event.witness
    elif isinstance(event, PropertyChecked):
        report.properties.append(event)
    elif isinstance(event, WorkerWarning):
        report.warnings.append(event.message)
    elif isinstance(event, TestExcluded):
        report.excluded[event.test] = event.reason
    elif isinstance(event, TestEvidence):
        if event.evidence is not None:
            report.evidence[event.test] = event.evidence
    elif isinstance(event, Collected):
        report.missing = event.missing
    elif isinstance(event, Unreachable):
        report.unreachable.append(event)
    elif isinstance(event, PhaseDone):
        report.phases[event.name] = event.seconds
    elif isinstance(event, StageStarted):
        report.stage = event.stage
    elif isinstance(event, PropertiesChecked):
        report.properties_done.add((event.module, event.function))
    elif isinstance(event, Done):
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
