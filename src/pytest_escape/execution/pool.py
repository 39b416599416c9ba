"""Run jobs in forked children, a few at a time, each with a wall-clock limit.

A child must report its verdict explicitly through a pipe: a child that dies,
or exits 0 without writing, is ``died`` (an ``error`` mutant), never a pass.
Each child leads its own process group, so a timeout kills whatever the test
started too.
"""

from __future__ import annotations

import gc
import json
import os
import select
import signal
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

REPORTED = "reported"
#: returned by ``on_outcome`` to drop every job still pending
STOP: list[Job] = []
TIMED_OUT = "timeout"
DIED = "died"


@dataclass
class Job:
    key: str
    timeout: float
    #: runs in the child; returns a JSON-serialisable verdict
    run: Callable[[], dict[str, Any]]
    #: what the caller needs to interpret the outcome
    tag: tuple[Any, ...] = ()


@dataclass
class Outcome:
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)
    detail: str = ""
    duration: float = 0.0
    #: what the child sent with ``stream`` before its verdict (kept even if it was killed)
    streamed: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Running:
    job: Job
    pid: int
    fd: int
    started: float
    buffer: bytearray = field(default_factory=bytearray)


#: in a child: where ``stream`` writes
_stream_fd: int | None = None
#: a streamed line starts with this byte; the verdict line does not
_STREAM_MARK = b"\x1e"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def stream(data: dict[str, Any]) -> None:
    """From inside a job: send a partial finding to the parent now."""
    if _stream_fd is None:
        raise RuntimeError("stream() called outside a forked job")
    _write_all(_stream_fd, _STREAM_MARK + json.dumps(data).encode() + b"\n")


def _child(job: Job, write_fd: int) -> None:
    """Never returns: runs the job and leaves through ``os._exit``."""
    global _stream_fd
    code = 70
    _stream_fd = write_fd
    try:
        gc.disable()  # a short-lived child never needs a collection; each one touches every page
        os.setpgid(0, 0)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        _write_all(write_fd, json.dumps(job.run()).encode() + b"\n")
        code = 0
    except BaseException:  # noqa: BLE001 - anything a mutant raises ends the child
        code = 70
    finally:
        os._exit(code)


def _start(job: Job) -> _Running:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        os.close(read_fd)
        _child(job, write_fd)
    os.close(write_fd)
    return _Running(job=job, pid=pid, fd=read_fd, started=time.monotonic())


def _describe_exit(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        return f"child killed by {name} without reporting"
    return f"child exited with code {os.WEXITSTATUS(status)} without reporting"


def _parse(buffer: bytes) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """(streamed findings, the verdict or None) from a child's complete lines."""
    streamed: list[dict[str, Any]] = []
    verdict = None
    for line in buffer.split(b"\n")[:-1]:
        try:
            if line.startswith(_STREAM_MARK):
                streamed.append(json.loads(line[1:]))
            elif verdict is None and line:
                verdict = json.loads(line)
        except ValueError:
            continue
    return streamed, verdict


def _reap(run: _Running) -> Outcome:
    _, status = os.waitpid(run.pid, 0)
    os.close(run.fd)
    duration = time.monotonic() - run.started
    streamed, verdict = _parse(bytes(run.buffer))
    if verdict is not None:
        return Outcome(REPORTED, payload=verdict, duration=duration, streamed=streamed)
    return Outcome(DIED, detail=_describe_exit(status), duration=duration, streamed=streamed)


def _kill(run: _Running) -> None:
    for kill in (os.killpg, os.kill):
        try:
            kill(run.pid, signal.SIGKILL)
            break
        except (ProcessLookupError, PermissionError):
            continue


def run_forked(
    jobs: Iterable[Job],
    workers: int,
    on_outcome: Callable[[Job, Outcome], Iterable[Job] | None],
) -> None:
    """Run every job in its own forked child, ``workers`` at a time.

    ``on_outcome`` may return follow-up jobs; they run before the remaining
    ones.  Returning ``STOP`` drops everything still pending.
    """
    pending = list(jobs)
    pending.reverse()
    running: dict[int, _Running] = {}

    def settle(job: Job, outcome: Outcome) -> None:
        more = on_outcome(job, outcome)
        if more is STOP:
            pending.clear()
        elif more:
            pending.extend(reversed(list(more)))

    try:
        while pending or running:
            while pending and len(running) < workers:
                run = _start(pending.pop())
                running[run.fd] = run
            now = time.monotonic()
            wait = min(r.started + r.job.timeout for r in running.values()) - now
            ready, _, _ = select.select(list(running), [], [], max(0.0, min(wait, 0.5)))
            for fd in ready:
                run = running[fd]
                chunk = os.read(fd, 65536)
                if chunk:
                    run.buffer += chunk
                    continue
                del running[fd]
                settle(run.job, _reap(run))
            now = time.monotonic()
            for fd, run in list(running.items()):
                if now - run.started > run.job.timeout:
                    _kill(run)
                    del running[fd]
                    os.waitpid(run.pid, 0)
                    os.close(run.fd)
                    streamed, _ = _parse(bytes(run.buffer))
                    settle(run.job, Outcome(TIMED_OUT, duration=now - run.started, streamed=streamed))
    finally:
        for run in running.values():
            _kill(run)
            try:
                os.waitpid(run.pid, 0)
            except ChildProcessError:
                pass
