"""The forked-job pool: what the parent learns when a child ends without a verdict."""

from __future__ import annotations

from typing import Any

from pytest_escape.execution.pool import DIED, REPORTED, Job, Outcome, run_forked, stream


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


def test_a_child_that_reports_has_no_last_words() -> None:
    outcome = _run(Job("k", 30.0, lambda: {"status": "killed"}))
    assert outcome.kind == REPORTED
    assert outcome.payload == {"status": "killed"}
    assert outcome.detail == ""
