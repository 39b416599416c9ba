"""The forked-job pool: what the parent learns when a child ends without a verdict."""

from __future__ import annotations

import os
from typing import Any

from pytest_escape.execution.pool import DIED, Job, Outcome, run_forked, stream


def _run(job: Job) -> Outcome:
    outcomes: list[Outcome] = []
    run_forked([job], workers=1, on_outcome=lambda _job, outcome: outcomes.append(outcome))
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
