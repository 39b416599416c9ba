"""Run jobs in forked children, a few at a time, each with a wall-clock limit.

A job made of steps (a mutant's tests, one after another) has a limit for
each: the child says when it starts the next step (``step()``), and the
parent holds it to that step's limit, counted from the child's start.  A
child stuck in its first test is stopped at that test's limit, not at the
sum of all its tests' limits (pygtrie: one mutant looping in the first of
372 tests waited 54 s).

A step may also have a limit of its own, counted from when it began: a
child that hangs in the 1,300th of its tests is stopped that test's own
limit after it began, not ten times the 1,299 before it later (marko: a
run past a hang waited 23 s, where its tests had taken 2 s).  The parent
learns that a step began when it reads the child's pipe (at least every
``_DRAIN_EVERY`` seconds), so a step's own limit counts from then: late,
never early.

A step may also have a limit on the child's CPU seconds (Linux: read from
``/proc``).  A loaded machine stretches wall-clock, not CPU time, so that
limit can be tight where a wall-clock one cannot: a mutant that loops
forever in a millisecond test is stopped after a fraction of a second of
CPU, not after the seconds of slack a wall-clock limit must leave for a
busy machine.  The wall-clock limit stays, for a child that hangs without
using the CPU (a lock, a sleep).  CPU time cannot grow faster than wall
time in one thread, so the parent reads it only when the limit could have
been reached: no polling.

A job may also be held to a limit on silence (``Job.silent_limit``): its
child writes a sign of life from a thread of its own (``heartbeat``), which
runs whenever Python does.  A call stuck in C code that holds the
interpreter (a regular expression backtracking without end) stops that
thread, and no signal reaches the call either; the parent stops such a
child after that much silence, not at the end of all its work's limits (a
search child's: up to 23 s, for ten survivors' shares of 0.5 s).

A child must report its verdict explicitly through a pipe: a child that dies,
or exits 0 without writing, is ``died`` (an ``error`` mutant), never a pass.
Each child leads its own process group, and the group is killed when the child
is done (or out of time), so whatever the test started ends with it.  A
memory limit keeps one runaway mutant from taking the machine down.  A child
dies with the process that forked it, and ``end_children`` lets that process
stop them all from a signal handler.
"""

from __future__ import annotations

import gc
import json
import math
import os
import resource
import select
import signal
import threading
import time
import traceback
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from ..lifetime import die_with_parent
from ..model import StrEnum
from ..process_memory import status_bytes


class Ending(StrEnum):
    """How a child ended: it sent its verdict, ran out of time, or died without one.

    Whether the tests in it passed or failed is the verdict's business
    (``protocol.TestRun``): the pool only knows whether one arrived.
    """

    REPORTED = "reported"
    TIMED_OUT = "timeout"
    DIED = "died"


REPORTED = Ending.REPORTED
TIMED_OUT = Ending.TIMED_OUT
DIED = Ending.DIED
#: returned by ``on_outcome`` to drop every job still pending
STOP: list[Job] = []
#: a child's exit code when a MemoryError ended it outside any test
_OUT_OF_MEMORY = 71


@dataclass(frozen=True)
class Step:
    """One step of a job, with the seconds from the child's start by which it must be done."""

    name: str
    limit: float
    #: the CPU seconds the child may have used by the step's end (None: no such limit)
    cpu: float | None = None
    #: seconds the step may take from its own start (None: no such limit)
    own: float | None = None


class Steps(Sequence[Step]):
    """A job's steps as columns, each made a ``Step`` only when asked for.

    A mutant's job has a step per covering test, and the worker makes every
    job before it runs the first.  On a suite whose helpers every test runs
    that was 1.07 million ``Step`` objects on wcwidth, 215 of the worker's
    306 MiB.  As columns (the names shared with the plan, the seconds as C
    doubles, NaN for "no such limit") a step takes 32 bytes."""

    __slots__ = ("_cpu", "_limits", "_names", "_own")

    def __init__(
        self, names: Sequence[str], limits: Iterable[float], cpu: Iterable[float], own: Iterable[float]
    ):
        self._names = tuple(names)
        self._limits, self._cpu, self._own = _doubles(limits), _doubles(cpu), _doubles(own)
        if not len(self._names) == len(self._limits) == len(self._cpu) == len(self._own):
            raise ValueError("a job's steps need a name and three limits each")

    def __len__(self) -> int:
        return len(self._names)

    @overload
    def __getitem__(self, index: int) -> Step: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Step, ...]: ...
    def __getitem__(self, index: int | slice) -> Step | tuple[Step, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        cpu, own = self._cpu[index], self._own[index]
        return Step(
            self._names[index],
            self._limits[index],
            None if math.isnan(cpu) else cpu,
            None if math.isnan(own) else own,
        )

    def __repr__(self) -> str:
        return f"Steps({list(self)!r})"


def _doubles(values: Iterable[float]) -> array[float]:
    return values if isinstance(values, array) and values.typecode == "d" else array("d", values)


@dataclass
class Job:
    key: str
    #: seconds from the child's start to its verdict (with ``steps``: the last step's limit)
    timeout: float
    #: runs in the child; returns a JSON-serialisable verdict
    run: Callable[[], dict[str, Any]]
    #: what the caller needs to interpret the outcome
    tag: tuple[Any, ...] = ()
    #: the steps the child announces, in order, each with its cumulative limit
    steps: Sequence[Step] = ()
    #: seconds the child may be silent, with ``heartbeat`` started (None: no such limit)
    silent_limit: float | None = None
    #: the child collects its cyclic garbage.  A mutant's child runs its tests
    #: and exits: a collection would only touch (and copy) the pages it shares
    #: with the worker.  A search runs for seconds, making engines, spans and
    #: tracebacks that refer to each other: without collections, semver's
    #: search children grew by 43 MiB a survivor, to 530 MiB each.
    collects: bool = False

    def limit(self, started: int) -> float:
        """The seconds from the child's start by which it must be done, once
        it has started ``started`` steps (before the first: the first's)."""
        if not self.steps:
            return self.timeout
        return self.steps[min(max(started, 1), len(self.steps)) - 1].limit

    def cpu_limit(self, started: int) -> float | None:
        """``limit``'s counterpart for the child's CPU seconds (None: none)."""
        if not self.steps:
            return None
        return self.steps[min(max(started, 1), len(self.steps)) - 1].cpu

    def own_limit(self, started: int) -> float | None:
        """The seconds the step the child is in may take from its own start
        (None: none, or it has started no step)."""
        return self.steps[min(started, len(self.steps)) - 1].own if self.steps and started else None

    def step_at(self, started: int) -> Step | None:
        """The step the child was in, once it had started ``started`` steps."""
        return self.steps[min(started, len(self.steps)) - 1] if self.steps and started else None


@dataclass
class Outcome:
    kind: Ending
    payload: dict[str, Any] = field(default_factory=dict)
    detail: str = ""
    duration: float = 0.0
    #: what the child sent with ``stream`` before its verdict (kept even if it was killed)
    streamed: list[dict[str, Any]] = field(default_factory=list)
    #: timed out or died: the step it was in (None: it had started none, or the job has none)
    step: Step | None = None
    #: timed out: the limit it was held to, in seconds from its start
    limit: float = 0.0
    #: timed out: the limit was on its CPU seconds, not its wall-clock ones
    by_cpu: bool = False
    #: timed out: the limit was its step's own, counted from when the step began
    #: (``limit`` is still in seconds from the child's start)
    by_step: bool = False
    #: reported or died: the CPU seconds the child used (None: cannot tell)
    cpu: float | None = None
    #: died: a MemoryError past its memory limit ended it outside any test
    out_of_memory: bool = False


@dataclass
class _Running:
    job: Job
    pid: int
    fd: int
    started: float
    buffer: bytearray = field(default_factory=bytearray)
    #: when the child's pipe reached its end (the child may not have ended yet)
    closed_at: float | None = None
    #: the child's wait status, once it is reaped
    status: int | None = None
    #: how many steps the child has said it started
    steps: int = 0
    #: when the parent learnt that the child's current step began
    step_began: float = 0.0
    #: the child's CPU seconds when last read, and when that was
    cpu_used: float = 0.0
    cpu_read_at: float = 0.0
    #: readable once the child has ended (a pidfd; None: this system has none)
    exit_fd: int | None = None
    #: when its pipe was last read
    drained_at: float = 0.0
    #: when the child last wrote anything (a sign of life, a step, a finding)
    heard_at: float = 0.0

    def silent(self) -> bool:
        """Whether its limit on silence, not its limit on time, is the one it is past."""
        limit = self.job.silent_limit
        heard = max(self.heard_at, self.started)
        return limit is not None and heard + limit < self.started + self.job.limit(self.steps)

    def watched(self) -> list[int]:
        """What select waits on for this child.  With a pidfd, only its end:
        its pipe carries a mark per test, and waking for each one cost the
        worker more CPU than the children's tests on suites of millisecond
        tests; the marks are read when a limit falls due (``_past_limit``),
        every ``_DRAIN_EVERY`` seconds (a full pipe would stall the child),
        and at its end."""
        if self.exit_fd is not None:
            return [self.exit_fd]
        return [self.fd] if self.closed_at is None else []

    def read_due(self, ready: list[int], now: float) -> bool:
        """Whether its pipe is to be read now."""
        if self.closed_at is not None:
            return False
        ended = self.exit_fd is not None and self.exit_fd in ready
        return ended or self.fd in ready or now >= self.drained_at + _DRAIN_EVERY

    @property
    def step_deadline(self) -> float:
        """When the step the child is in is past its own limit (inf: it has none)."""
        own = self.job.own_limit(self.steps)
        return float("inf") if own is None else self.step_began + own

    @property
    def deadline(self) -> float:
        ends = min(self.started + self.job.limit(self.steps), self.step_deadline)
        if self.job.silent_limit is not None:
            ends = min(ends, max(self.heard_at, self.started) + self.job.silent_limit)
        return ends

    @property
    def cpu_check(self) -> float:
        """The first moment the child could have used up its CPU limit."""
        limit = self.job.cpu_limit(self.steps)
        if limit is None or not _CAN_READ_CPU:
            return float("inf")
        # at least 20 ms apart: a child that waits with its CPU seconds just under the
        # limit would otherwise be read in a busy loop (the ticks are 10 ms anyway)
        return max(self.cpu_read_at, self.started) + max(_CPU_RECHECK, limit - self.cpu_used)

    def out_of_cpu(self, now: float) -> bool:
        """Whether the child has used more CPU seconds than its step allows
        (read only once it could have)."""
        limit = self.job.cpu_limit(self.steps)
        if limit is None:
            return False
        if self.cpu_used > limit:  # as last read (a step begun since may have raised the limit)
            return True
        if now < self.cpu_check:
            return False
        used = cpu_seconds(self.pid)
        if used is None:
            return False
        self.cpu_used, self.cpu_read_at = used, now
        return used > limit


#: clock ticks per second of ``/proc/<pid>/stat``'s times
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_CAN_READ_CPU = Path("/proc/self/stat").exists()
_CPU_RECHECK = 0.02
#: how often a child's pipe is read while it runs, when its end wakes the worker by itself
_DRAIN_EVERY = 0.1


def cpu_seconds(pid: int) -> float | None:
    """The user + system CPU seconds process ``pid`` has used (None: cannot tell)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rpartition(b")")[2].split()
    except OSError:
        return None
    # after the command's closing parenthesis: state is field 3, utime 14 and stime 15
    return (int(fields[11]) + int(fields[12])) / _TICKS


#: the children started and not yet reaped, for ``end_children``
_live: set[int] = set()
#: in a child: where ``stream`` writes
_stream_fd: int | None = None
#: a streamed line starts with this byte; the verdict line does not
_STREAM_MARK = b"\x1e"
#: a child's last words: the exception that ended it without a verdict
_LAST_WORDS_MARK = b"\x1f"
#: a child starts its next step (a line of its own; JSON escapes the byte, last words drop it)
_STEP_MARK = b"\x1d"
#: a child's sign of life (``heartbeat``): a line of its own, dropped when read
_BEAT_MARK = b"\x1c"
#: a child's writes to its pipe take turns: a sign of life written between two
#: parts of a long line would cut the line in two
_write_lock = threading.Lock()


def _new_write_lock() -> None:
    global _write_lock
    _write_lock = threading.Lock()  # a fork may have happened while the beat held it


os.register_at_fork(after_in_child=_new_write_lock)


def _write_all(fd: int, data: bytes) -> None:
    with _write_lock:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]


def heartbeat(every: float) -> None:
    """From inside a job: write a sign of life every ``every`` seconds for as
    long as Python runs (``Job.silent_limit``)."""
    fd = _stream_fd
    if fd is None:
        return

    def beat() -> None:
        while True:
            time.sleep(every)
            try:
                _write_all(fd, _BEAT_MARK + b"\n")
            except OSError:
                return  # the parent has gone

    threading.Thread(target=beat, name="pytest-escape-heartbeat", daemon=True).start()


def stream(data: dict[str, Any]) -> None:
    """From inside a job: send a partial finding to the parent now."""
    if _stream_fd is None:
        raise RuntimeError("stream() called outside a forked job")
    _write_all(_stream_fd, _STREAM_MARK + json.dumps(data).encode() + b"\n")


def step() -> None:
    """From inside a job: the next of its steps starts now (``Job.steps``)."""
    if _stream_fd is not None:
        _write_all(_stream_fd, _STEP_MARK + b"\n")


def _limit_memory(extra: int) -> None:
    """Let this child's data segment grow ``extra`` bytes beyond what it inherited.

    RLIMIT_DATA rather than RLIMIT_AS: it counts what is written to (heap,
    anonymous mappings), not the address space glibc reserves without
    using, which trips RLIMIT_AS long before memory runs short.  Past the
    limit, an allocation fails and Python raises MemoryError.  Without
    /proc (not Linux) there is no base to add to, and no limit.

    A thread's stack is a private writable mapping, so RLIMIT_DATA counts
    it whole (8 MiB, most of it never touched): under the default 512 MiB a
    child could start 63 threads, and a test that starts 100 (more-itertools'
    ``concurrent_tee`` test) failed with "can't start new thread" in every
    child, which made false kills of its mutants, or excluded it as failing
    alone.  Each thread's stack is added to the limit while it runs
    (``_room_for_threads``).
    """
    base = status_bytes("VmData")  # the data segment: heap and private writable mappings
    if extra <= 0 or base is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    soft = base + extra if hard == resource.RLIM_INFINITY else min(base + extra, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
    _room_for_threads()


#: what a thread's stack takes when RLIMIT_STACK does not say (glibc's default on x86-64)
_DEFAULT_STACK = 8 << 20
#: the guard page and glibc's thread descriptor, on top of the stack
_STACK_MARGIN = 64 << 10


def _thread_stack() -> int:
    """The bytes a new thread's stack maps: ``threading.stack_size`` if set,
    else glibc's default, RLIMIT_STACK's soft limit."""
    size = threading.stack_size()
    if not size:
        soft, _ = resource.getrlimit(resource.RLIMIT_STACK)
        size = soft if 0 < soft != resource.RLIM_INFINITY else _DEFAULT_STACK
    return size + _STACK_MARGIN


def _grow_data_limit(by: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if soft == resource.RLIM_INFINITY:
        return
    soft = max(0, soft + by)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _room_for_threads() -> None:
    """Wrap how ``threading`` starts a thread (3.13: ``_start_joinable_thread``,
    before: ``_start_new_thread``) so that the data limit grows by the
    thread's stack before it starts, and shrinks again as its function
    returns.  Only in a child: the code under test sees the same threads."""
    lock = threading.Lock()

    def grow(by: int) -> None:
        with lock:
            _grow_data_limit(by)

    def wrapped(start: Callable[..., Any]) -> Callable[..., Any]:
        def started(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
            stack = _thread_stack()
            grow(stack)

            def run(*inner: Any, **named: Any) -> Any:
                try:
                    return function(*inner, **named)
                finally:
                    grow(-stack)

            try:
                return start(run, *args, **kwargs)
            except BaseException:
                grow(-stack)
                raise

        return started

    for name in ("_start_joinable_thread", "_start_new_thread"):
        start = getattr(threading, name, None)
        if start is not None:
            setattr(threading, name, wrapped(start))


def _child(
    job: Job, write_fd: int, memory_limit: int, parent: int, on_fork: Callable[[], None] | None
) -> None:
    """Never returns: runs the job and leaves through ``os._exit``."""
    global _stream_fd
    code = 70
    _stream_fd = write_fd
    try:
        # a short-lived child never needs a collection; each one touches every page
        gc.enable() if job.collects else gc.disable()
        os.setpgid(0, 0)
        # A parent SIGKILLed (by pytest, after its 5 s of grace, or by the
        # kernel out of memory) cannot kill us: the kernel does.
        die_with_parent(parent)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})  # held by ``_start``
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        _limit_memory(memory_limit)
        if on_fork is not None:
            on_fork()
        _write_all(write_fd, json.dumps(job.run()).encode() + b"\n")
        code = 0
    except MemoryError:
        code = _OUT_OF_MEMORY
    except BaseException as e:  # noqa: BLE001 - anything a mutant raises ends the child
        code = 70
        _last_words(write_fd, e)
    finally:
        os._exit(code)


def _last_words(fd: int, error: BaseException) -> None:
    """Say which exception ended the child, and where: "exited with code 70"
    alone sends whoever reads the report to a debugger."""
    try:
        where = traceback.extract_tb(error.__traceback__)[-1]
        words = f"{type(error).__name__}: {error}"[:300] + f" (at {Path(where.filename).name}:{where.lineno})"
        line = words.encode("utf-8", "replace").replace(b"\n", b" ").replace(_STEP_MARK, b" ")
        _write_all(fd, _LAST_WORDS_MARK + line + b"\n")
    except BaseException:  # noqa: BLE001 - the exit code still says the child failed
        pass


def _start(job: Job, memory_limit: int, on_fork: Callable[[], None] | None = None) -> _Running:
    read_fd, write_fd = os.pipe()
    parent = os.getpid()
    # A SIGTERM handler that ran between the fork and ``_live.add`` would
    # not know this child: the signal waits until it is known.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    try:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child, which never returns
            os.close(read_fd)
            _child(job, write_fd, memory_limit, parent, on_fork)
        _live.add(pid)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    os.close(write_fd)
    os.set_blocking(read_fd, False)
    now = time.monotonic()
    return _Running(job=job, pid=pid, fd=read_fd, started=now, exit_fd=_exit_fd(pid), drained_at=now)


def _exit_fd(pid: int) -> int | None:
    """A descriptor that select finds readable once child ``pid`` has ended
    (Linux 5.3+), or None."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _close(run: _Running) -> None:
    os.close(run.fd)
    if run.exit_fd is not None:
        os.close(run.exit_fd)


def _describe_exit(status: int, memory_limit: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = str(sig)
        return f"child killed by {name} without reporting"
    code = os.WEXITSTATUS(status)
    if code == _OUT_OF_MEMORY and memory_limit > 0:
        return f"child ran out of memory (limit {memory_limit >> 20} MiB per child) without reporting"
    return f"child exited with code {code} without reporting"


def _parse(buffer: bytes) -> tuple[list[dict[str, Any]], dict[str, Any] | None, str]:
    """(streamed findings, the verdict or None, last words) from a child's complete lines."""
    streamed: list[dict[str, Any]] = []
    verdict = None
    words = ""
    for line in buffer.split(b"\n")[:-1]:
        try:
            if line.startswith((_STEP_MARK, _BEAT_MARK)):
                continue
            if line.startswith(_LAST_WORDS_MARK):
                words = line[1:].decode("utf-8", "replace")
            elif line.startswith(_STREAM_MARK):
                streamed.append(json.loads(line[1:]))
            elif verdict is None and line:
                verdict = json.loads(line)
        except ValueError:
            continue
    return streamed, verdict, words


def _drain(run: _Running) -> bool:
    """Read what the child has written so far; True once its pipe is closed."""
    while True:
        try:
            chunk = os.read(run.fd, 65536)
        except BlockingIOError:
            return False
        if not chunk:
            return True
        run.buffer += chunk
        run.heard_at = time.monotonic()
        if began := chunk.count(_STEP_MARK):
            run.steps += began
            run.step_began = run.heard_at


def _end_group(pid: int) -> None:
    """Kill what a child left running in its process group (a server a test
    started, a grandchild holding its pipe open).  The group's id cannot be
    reused while any member lives, so this never reaches a stranger."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass  # nothing left, or the child never made its group


def _reap(run: _Running, memory_limit: int) -> Outcome:
    """The outcome of a child that has ended (``_ended``)."""
    # an ended child not reaped yet still shows its CPU seconds (``_ended`` peeks where it can)
    cpu = cpu_seconds(run.pid) if run.status is None else None
    _end_group(run.pid)
    _live.discard(run.pid)  # before its pid is free for a stranger to take
    if run.status is None:
        _, run.status = os.waitpid(run.pid, 0)  # it has ended: this does not block
    _drain(run)
    _close(run)
    duration = time.monotonic() - run.started
    streamed, verdict, words = _parse(bytes(run.buffer))
    if verdict is not None:
        return Outcome(REPORTED, payload=verdict, duration=duration, streamed=streamed, cpu=cpu)
    detail = _describe_exit(run.status, memory_limit) + (f": {words}" if words else "")
    step = run.job.step_at(run.steps)
    memory = os.WIFEXITED(run.status) and os.WEXITSTATUS(run.status) == _OUT_OF_MEMORY and memory_limit > 0
    return Outcome(
        DIED, detail=detail, duration=duration, streamed=streamed, step=step, out_of_memory=memory, cpu=cpu
    )


#: waitid can look at an ended child without reaping it (not on every system)
_CAN_PEEK = hasattr(os, "waitid") and hasattr(os, "WNOWAIT")


def _ended(run: _Running) -> bool:
    """Whether the child has ended.  Where waitid can, it stays unreaped, so
    its pid, which is its group's id, is not free for a stranger to take
    before ``_reap`` kills the group."""
    if _CAN_PEEK:
        return os.waitid(os.P_PID, run.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    pid, status = os.waitpid(run.pid, os.WNOHANG)
    if pid:
        run.status = status
    return bool(pid)


def _poll_interval(running: Iterable[_Running], now: float) -> float:
    """How long select may wait for the next event.

    A child whose pipe closed is not watched by select any more, only polled
    until it ends: at once after the close (a child that wrote its verdict
    ends within microseconds), more slowly after that (a child that closed
    its pipe by hand and went on running has its timeout to reach).
    """
    interval = 0.5
    for run in running:
        interval = min(interval, run.deadline - now, run.cpu_check - now)
        if run.exit_fd is not None:  # its end wakes select: only its pipe is read on time
            if run.closed_at is None:
                interval = min(interval, run.drained_at + _DRAIN_EVERY - now)
        elif run.closed_at is not None:
            interval = min(interval, 0.001 if now - run.closed_at < 0.1 else 0.05)
    return max(0.0, interval)


def _kill(pid: int) -> None:
    """Kill a child with its group (or alone, if it has not made its group yet)."""
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
            break
        except (ProcessLookupError, PermissionError):
            continue


def end_children() -> None:
    """Kill every running child with its group, from a SIGTERM handler of a
    process about to leave through ``os._exit`` (nothing else will)."""
    for pid in list(_live):
        _kill(pid)


def run_forked(
    jobs: Iterable[Job],
    workers: int,
    on_outcome: Callable[[Job, Outcome], Iterable[Job] | None],
    memory_limit: int = 0,
    on_fork: Callable[[], None] | None = None,
) -> None:
    """Run every job in its own forked child, ``workers`` at a time.

    ``on_outcome`` may return follow-up jobs; they run before the remaining
    ones.  Returning ``STOP`` drops everything still pending.  A child may
    allocate ``memory_limit`` bytes beyond what it inherits (0: no limit).
    ``on_fork`` runs in each child before its job.
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
                run = _start(pending.pop(), memory_limit, on_fork)
                running[run.fd] = run
            watched = [fd for run in running.values() for fd in run.watched()]
            ready, _, _ = select.select(watched, [], [], _poll_interval(running.values(), time.monotonic()))
            now = time.monotonic()
            for fd, run in list(running.items()):
                if run.read_due(ready, now):
                    run.drained_at = now
                    if _drain(run):
                        run.closed_at = now
                # Done when the child has ended, whatever its pipe says: one
                # may end while something it started still holds the pipe
                # (its verdict is in the pipe, the rest dies with its group),
                # or close its pipe and go on running into its timeout.
                if _ended(run):
                    del running[fd]
                    settle(run.job, _reap(run, memory_limit))
            now = time.monotonic()
            for fd, run in list(running.items()):
                by_cpu = _past_limit(run, now)
                if by_cpu is not None:
                    del running[fd]
                    job, started, silent = run.job, run.steps, not by_cpu and run.silent()
                    own = run.step_deadline
                    by_step = (
                        not by_cpu and not silent and own < run.started + job.limit(started) and now > own
                    )
                    limit = job.limit(started)
                    if by_cpu:
                        limit = job.cpu_limit(started) or 0.0
                    elif by_step:
                        limit = own - run.started
                    _stop(run)
                    streamed, _, _ = _parse(bytes(run.buffer))
                    timed_out = Outcome(
                        TIMED_OUT,
                        duration=now - run.started,
                        streamed=streamed,
                        step=job.step_at(started),
                        limit=limit,
                        by_cpu=by_cpu,
                        by_step=by_step,
                        detail=f"no sign of life for {job.silent_limit:g} s" if silent else "",
                    )
                    settle(job, timed_out)
    finally:
        for run in running.values():
            _stop(run)


def _past_limit(run: _Running, now: float) -> bool | None:
    """Whether a child is out of time: None if not, else whether its CPU
    limit (rather than its wall-clock one) is what it passed.  A step it
    began just now moves its limits, so its pipe is read before it is judged."""
    if now <= run.deadline and not run.out_of_cpu(now):
        return None
    if run.closed_at is None and _drain(run):
        run.closed_at = now  # it is ending: the next round reaps it
        return None
    if now > run.deadline:
        return False
    return True if run.out_of_cpu(now) else None


def _stop(run: _Running) -> None:
    """Kill a child that has not ended (out of time, or the run is over), with
    its group, and keep what it wrote."""
    _kill(run.pid)
    _live.discard(run.pid)
    try:
        os.waitpid(run.pid, 0)
    except ChildProcessError:
        pass  # reaped already (an exception cut in after ``_ended`` reaped it)
    _drain(run)
    _close(run)
