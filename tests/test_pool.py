"""The forked-job pool: what the parent learns when a child ends without a verdict."""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path
from typing import Any

import pytest

from pytest_escape.execution import pool
from pytest_escape.execution.limits import timed_out
from pytest_escape.execution.pool import (
    DIED,
    REPORTED,
    TIMED_OUT,
    Job,
    Outcome,
    Step,
    heartbeat,
    run_forked,
    step,
    stream,
)


def _run(job: Job, memory_limit: int = 0) -> Outcome:
    outcomes: list[Outcome] = []
    run_forked([job], workers=1, on_outcome=lambda _job, o: outcomes.append(o), memory_limit=memory_limit)
    (outcome,) = outcomes
    return outcome


def _streams_then_fails() -> dict[str, Any]:
    stream({"property": "crash", "outcome": "held"})
    return {}["missing"]  # type: ignore[no-any-return]


def test_a_child_ended_by_an_exception_names_it_and_keeps_what_it_streamed() -> None:
    outcome = _run(Job("k", 30.0, _streams_then_fails))
    assert outcome.kind == DIED
    assert outcome.detail.startswith("child exited with code 70 without reporting: KeyError: 'missing' (at ")
    assert outcome.detail.endswith(f"test_pool.py:{_streams_then_fails.__code__.co_firstlineno + 2})")
    assert outcome.streamed == [{"property": "crash", "outcome": "held"}]


def _fails_on_two_lines() -> dict[str, Any]:
    raise SystemExit("usage: tool\nerror: bad flag")


def test_last_words_are_one_line_and_come_only_from_an_exception() -> None:
    """A message on two lines must not split the parent's line protocol; a
    child that simply exits has nothing to add to its exit code."""
    words = _run(Job("k", 30.0, _fails_on_two_lines)).detail
    assert words.startswith(
        "child exited with code 70 without reporting: SystemExit: usage: tool error: bad flag"
    )
    assert "\n" not in words
    silent = _run(Job("k", 30.0, lambda: os._exit(3)))  # type: ignore[no-any-return]
    assert silent.kind == DIED
    assert silent.detail == "child exited with code 3 without reporting"


def _closes_its_pipe_and_hangs() -> dict[str, Any]:
    os.closerange(3, 65536)  # what daemonising code does before it goes on working
    time.sleep(60)
    return {}


def _closes_its_pipe_and_exits() -> dict[str, Any]:
    os.closerange(3, 65536)
    os._exit(0)


def test_a_child_that_closes_its_pipe_and_runs_on_is_timed_out() -> None:
    """A closed pipe used to mean "done": the parent then waited for the child
    to end, beyond its timeout, and the whole run hung with it."""
    outcome = _run(Job("k", 1.0, _closes_its_pipe_and_hangs))
    assert outcome.kind == TIMED_OUT  # waiting it out, the child ended on its own: "died"
    ended = _run(Job("k", 30.0, _closes_its_pipe_and_exits))
    assert (ended.kind, ended.detail) == (DIED, "child exited with code 0 without reporting")


def test_many_quick_children_each_get_their_own_verdict() -> None:
    """Verdicts arrive as pipes close, children end a moment later: every one
    is matched to its job, none is lost or counted twice."""
    seen: list[tuple[str, Outcome]] = []
    jobs = [Job(str(n), 30.0, functools.partial(dict, n=n)) for n in range(40)]
    run_forked(jobs, workers=2, on_outcome=lambda job, outcome: seen.append((job.key, outcome)))
    assert sorted(key for key, _ in seen) == sorted(str(n) for n in range(40))
    assert all(o.kind == REPORTED and o.payload == {"n": int(key)} for key, o in seen)


def _hoards() -> dict[str, Any]:
    hoard = [bytearray(1 << 20) for _ in range(4096)]  # 4 GiB: far past the limit, within the machine
    return {"kept": len(hoard)}


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="the memory limit needs /proc")
def test_a_child_past_its_memory_limit_outside_any_test_says_so() -> None:
    """Exit 71 is the pool's own code for a MemoryError no test caught."""
    outcome = _run(Job("k", 30.0, _hoards), 64 << 20)
    assert outcome.kind == DIED
    assert outcome.detail == "child ran out of memory (limit 64 MiB per child) without reporting"


#: a process that runs two children which each note their pid (and, with
#: "group", a grandchild's) and sleep; a SIGTERM ends it as the worker's does
_PARENT = """
import os, signal, subprocess, sys, time
from pathlib import Path
from pytest_escape.execution.pool import Job, end_children, run_forked

out = Path(sys.argv[1])

def sleeper(n):
    def run():
        pids = [os.getpid()]
        if sys.argv[2] == "group":
            pids.append(subprocess.Popen(["sleep", "60"]).pid)
        (out / f"{n}.tmp").write_text(" ".join(map(str, pids)))
        (out / f"{n}.tmp").rename(out / f"{n}.pids")
        time.sleep(60)
        return {}
    return run

def on_sigterm(*_):
    end_children()
    os._exit(2)

signal.signal(signal.SIGTERM, on_sigterm)
run_forked([Job(str(n), 120.0, sleeper(n)) for n in range(2)], workers=2, on_outcome=lambda *_: None)
"""


def _alive(pid: int) -> bool:
    """Running, not a zombie left for a container's init to reap."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _start_parent(tmp_path: Path, mode: str) -> tuple[subprocess.Popen[bytes], list[int]]:
    script = tmp_path / "parent.py"
    script.write_text(_PARENT)
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path), mode])
    deadline = time.monotonic() + 30
    while len(found := sorted(tmp_path.glob("*.pids"))) < 2:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    return proc, [int(pid) for f in found for pid in f.read_text().split()]


def _gone(pids: list[int]) -> list[int]:
    """The pids still alive after a few seconds' grace (for a loaded machine)."""
    deadline = time.monotonic() + 10
    while any(map(_alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return [pid for pid in pids if _alive(pid)]


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_children_die_with_a_sigkilled_parent(tmp_path: Path) -> None:
    """pytest SIGKILLs a worker that ignores its SIGTERM for 5 s; the worker's
    children used to live on, each to the end of its test (here 60 s)."""
    proc, pids = _start_parent(tmp_path, "alone")
    proc.kill()
    proc.wait()
    assert _gone(pids) == []


@pytest.mark.skipif(sys.platform != "linux", reason="needs /proc")
def test_end_children_stops_every_child_and_what_it_started(tmp_path: Path) -> None:
    """The worker's SIGTERM handler leaves through os._exit at once, so
    nothing unwinds to stop the children: ``end_children`` kills each one's
    group, grandchildren too (which no death signal reaches)."""
    proc, pids = _start_parent(tmp_path, "group")
    assert len(pids) == 4
    proc.terminate()
    assert proc.wait() == 2
    assert _gone(pids) == []


def _steps_then_hangs(steps: int) -> dict[str, Any]:
    for _ in range(steps):
        step()
    time.sleep(60)
    return {}


def test_a_child_is_held_to_the_limit_of_the_step_it_is_in() -> None:
    """A job of steps ends at the limit of the step its child was in, and
    says which: not at the last step's limit (its ``timeout``)."""
    steps = (Step("first", 0.3), Step("second", 0.6), Step("third", 60.0))
    for started, expected in [(0, None), (1, steps[0]), (2, steps[1])]:
        job = Job("k", 60.0, functools.partial(_steps_then_hangs, started), steps=steps)
        outcome = _run(job)
        assert outcome.kind == TIMED_OUT
        assert outcome.step == expected
        assert outcome.limit == (expected or steps[0]).limit
    # a job without steps keeps its one limit, whatever its child announces
    outcome = _run(Job("k", 0.3, functools.partial(_steps_then_hangs, 2)))
    assert (outcome.kind, outcome.step, outcome.limit) == (TIMED_OUT, None, 0.3)


def _steps_then_sleeps(seconds: float) -> dict[str, Any]:
    step()
    time.sleep(0.4)  # the first step takes its time
    step()
    time.sleep(seconds)
    return {"done": True}


def test_a_child_hanging_in_a_late_step_meets_that_step_s_own_limit() -> None:
    """A step's own limit counts from when it began: a child hanging in its
    second step is stopped there, long before the limit counted from its
    start (ten times every test before it, on a real suite)."""
    steps = (Step("first", 60.0, own=30.0), Step("second", 60.0, own=0.3))
    outcome = _run(Job("k", 60.0, functools.partial(_steps_then_sleeps, 60.0), steps=steps))
    assert (outcome.kind, outcome.step, outcome.by_step) == (TIMED_OUT, steps[1], True)
    # in seconds from the child's start: the first step's time, then the second's own 0.3 s
    assert 0.3 + 0.4 <= outcome.limit < 60.0
    assert timed_out(outcome).endswith("still in second, past its own limit of 0.3 s")
    # a step within its own limit is not stopped by it
    steps = (Step("first", 60.0, own=30.0), Step("second", 60.0, own=30.0))
    outcome = _run(Job("k", 60.0, functools.partial(_steps_then_sleeps, 0.1), steps=steps))
    assert (outcome.kind, outcome.payload) == (REPORTED, {"done": True})


def test_a_step_mark_in_last_words_does_not_count_as_a_step() -> None:
    def fails() -> dict[str, Any]:
        raise ValueError("\x1d\n\x1d")

    outcome = _run(Job("k", 30.0, fails, steps=(Step("only", 30.0),)))
    assert outcome.kind == DIED
    assert "\x1d" not in outcome.detail


def _busy(seconds: float) -> dict[str, Any]:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass
    return {"done": True}


def _sleeps(seconds: float) -> dict[str, Any]:
    time.sleep(seconds)
    return {"done": True}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="CPU seconds are read from /proc")
def test_a_child_that_spins_is_stopped_at_its_cpu_limit_long_before_its_wall_clock_one() -> None:
    """A loaded machine stretches wall-clock, not CPU time: the CPU limit can be
    tight where the wall-clock one leaves slack."""
    outcome = _run(Job("k", 60.0, functools.partial(_busy, 60.0), steps=(Step("only", 60.0, cpu=0.3),)))
    assert (outcome.kind, outcome.by_cpu, outcome.limit) == (TIMED_OUT, True, 0.3)
    assert outcome.duration < 10.0  # not the 60 s wall-clock limit


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="CPU seconds are read from /proc")
def test_a_child_that_waits_without_the_cpu_meets_its_wall_clock_limit() -> None:
    outcome = _run(Job("k", 60.0, functools.partial(_sleeps, 60.0), steps=(Step("only", 0.5, cpu=0.1),)))
    assert (outcome.kind, outcome.by_cpu, outcome.limit) == (TIMED_OUT, False, 0.5)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="CPU seconds are read from /proc")
def test_a_child_within_its_cpu_limit_reports_the_cpu_seconds_it_used() -> None:
    outcome = _run(Job("k", 60.0, functools.partial(_busy, 0.2), steps=(Step("only", 60.0, cpu=5.0),)))
    assert (outcome.kind, outcome.payload) == (REPORTED, {"done": True})
    assert outcome.cpu is not None and 0.15 <= outcome.cpu < 2.0  # /proc counts in 10 ms ticks


def _stuck_in_c() -> dict[str, Any]:
    heartbeat(0.05)
    time.sleep(0.3)  # signs of life while Python runs
    re.match(r"(a+)+b", "a" * 40)  # backtracks for hours, holding the interpreter all along
    return {"done": True}


def _beats_and_streams(seconds: float) -> dict[str, Any]:
    heartbeat(0.001)
    end = time.monotonic() + seconds
    sent = 0
    while time.monotonic() < end:
        stream({"n": sent, "padding": "x" * 100_000})  # longer than a pipe takes in one write
        sent += 1
    return {"sent": sent}


def test_a_child_silent_past_its_limit_is_stopped_and_one_that_beats_is_not() -> None:
    """A call stuck in C code holds the interpreter: no call's time limit
    reaches it, and its child went on to the end of all its work's limits
    (a Markdown parser's searches: 23 s each).  Silence stops it sooner."""
    outcome = _run(Job("k", 30.0, _stuck_in_c, silent_limit=1.0))
    assert (outcome.kind, outcome.detail) == (TIMED_OUT, "no sign of life for 1 s")
    # Python that runs for longer than that beats all along, and what it streams
    # arrives whole, the signs of life between its lines
    outcome = _run(Job("k", 30.0, functools.partial(_beats_and_streams, 1.5), silent_limit=1.0))
    assert outcome.kind == REPORTED, outcome
    assert [item["n"] for item in outcome.streamed] == list(range(outcome.payload["sent"]))
    assert all(len(item["padding"]) == 100_000 for item in outcome.streamed)


def _floods(items: int, steps: int) -> dict[str, Any]:
    for _ in range(steps):
        step()
    for n in range(items):
        stream({"n": n, "padding": "x" * 1000})
    return {"done": items}


def test_a_child_that_writes_more_than_its_pipe_holds_is_read_while_it_runs() -> None:
    """The worker waits for a child's end, not for each line it writes: a
    child that fills its pipe (64 KiB) before it ends must still be read,
    or it would block until its timeout."""
    steps = tuple(Step(f"s{n}", 20.0) for n in range(5000))
    outcome = _run(Job("k", 20.0, functools.partial(_floods, 500, 5000), steps=steps))
    assert (outcome.kind, outcome.payload) == (REPORTED, {"done": 500})
    assert [item["n"] for item in outcome.streamed] == list(range(500))


def _leaves_a_cycle() -> dict[str, Any]:
    class Node:
        me: Any = None

    node = Node()
    node.me = node  # only a collection can free it
    ref = weakref.ref(node)
    del node
    kept = [[] for _ in range(20_000)]  # enough new containers for collections to run
    return {"collected": ref() is None, "kept": len(kept)}


def test_a_long_lived_child_collects_its_cycles_and_a_mutant_s_child_does_not() -> None:
    """A search child made cycles for seconds with the collector off: semver's
    grew by 43 MiB a survivor, to 530 MiB.  A mutant's child keeps it off: it
    exits before garbage matters, and a collection writes to every page it
    shares with the worker."""
    collecting = _run(Job("k", 30.0, _leaves_a_cycle, collects=True))
    assert collecting.payload["collected"] is True
    plain = _run(Job("k", 30.0, _leaves_a_cycle))
    assert plain.payload["collected"] is False


def test_without_a_pidfd_the_worker_waits_on_the_pipes_and_still_gets_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where the system has no pidfd (not Linux, or before 5.3), the worker
    waits on each child's pipe: the verdicts, a full pipe and the step
    limits must hold there too."""
    monkeypatch.setattr(pool, "_exit_fd", lambda pid: None)
    seen: list[tuple[str, Outcome]] = []
    jobs = [Job(str(n), 30.0, functools.partial(dict, n=n)) for n in range(20)]
    run_forked(jobs, workers=2, on_outcome=lambda job, outcome: seen.append((job.key, outcome)))
    assert sorted((key, o.payload["n"]) for key, o in seen) == sorted((str(n), n) for n in range(20))
    flood = _run(Job("k", 20.0, functools.partial(_floods, 500, 100), steps=(Step("s", 20.0),) * 100))
    assert [item["n"] for item in flood.streamed] == list(range(500))
    steps = (Step("first", 0.3), Step("second", 0.6), Step("third", 60.0))
    held = _run(Job("k", 60.0, functools.partial(_steps_then_hangs, 2), steps=steps))
    assert (held.kind, held.step) == (TIMED_OUT, steps[1])


def _starts_threads() -> dict[str, Any]:
    """100 threads at once, as a concurrency test starts them: each maps a
    stack of 8 MiB that RLIMIT_DATA counts whole, though few pages are touched."""
    release = threading.Event()
    threads = [threading.Thread(target=release.wait) for _ in range(100)]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join()
    return {"started": len(threads)}


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="the memory limit needs /proc")
def test_a_child_under_its_memory_limit_starts_as_many_threads_as_a_test_needs() -> None:
    """Under 256 MiB a child could start 31 threads: a test starting 100
    failed in every child ("can't start new thread"), which made false kills."""
    outcome = _run(Job("k", 30.0, _starts_threads), 256 << 20)
    assert (outcome.kind, outcome.payload) == (REPORTED, {"started": 100})
    # the limit still holds for what the threads' code allocates
    assert _run(Job("k", 30.0, _hoards), 256 << 20).kind == DIED
