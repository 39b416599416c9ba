"""The forked-job pool: what the parent learns when a child ends without a verdict."""

from __future__ import annotations

import functools
import os
import time
from pathlib import Path
from typing import Any

import pytest

from pytest_escape.execution.pool import DIED, REPORTED, TIMED_OUT, Job, Outcome, run_forked, stream


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
