"""The budgeted-stage skeleton the witness search and the property checks share,
on a fake clock: the budget split, the deadline, and what a stopped child left."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pytest_escape.execution import stage as stage_module
from pytest_escape.execution.pool import DIED, REPORTED, TIMED_OUT, Job, Outcome
from pytest_escape.execution.stage import BudgetedStage, share, stopped, verification_run
from pytest_escape.inputs import sandbox


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock()
    monkeypatch.setattr(sandbox.time, "monotonic", fake)
    monkeypatch.setattr(stage_module.time, "monotonic", fake)
    yield fake


class Searches(BudgetedStage):
    MIN_SHARE = 0.5
    MAX_SHARE = 20.0
    PREFIX = "pytest-escape-test-stage-"

    def jobs(self) -> list[Job]:
        return []


def test_the_budget_is_split_among_the_items_within_the_bounds() -> None:
    # four fifths of 60 s on 2 workers at once, over 8 items
    assert share(60, 8, 2, 0.5, 20) == pytest.approx(12.0)
    assert share(60, 1, 2, 0.5, 20) == 20  # never more than the cap
    assert share(1, 100, 2, 0.5, 20) == 0.5  # never less than the floor
    assert share(60, 0, 2, 0.5, 20) == 20  # no items: no division by zero


def test_the_deadline_is_the_budget_from_the_start_on_the_children_s_clock(clock: Clock) -> None:
    searches = Searches(budget=30, items=6, workers=2, call_timeout=1.0, run_tests=lambda tests: None)
    try:
        allowance = searches.allowance
        assert allowance.deadline == 1030.0 and allowance.seconds_each == pytest.approx(8.0)
        assert not allowance.spent() and allowance.left() == 30.0
        clock.now += 31
        assert allowance.spent() and allowance.left() == pytest.approx(-1.0)
        # a child for three items: its set-up, then each item's share and half again
        job = searches.child("witness m.f", 3, lambda: {}, ("witness",))
        assert job.timeout == pytest.approx(stage_module.SETUP_SECONDS + 8.0 * 1.5 * 3)
        verify = searches.verification("verify m1 original", "def test_x(): pass", "test_x", None, ("v",))
        assert verify.timeout == pytest.approx(1.0 * 4 + 10)
    finally:
        searches.close()


def test_a_stopped_child_says_whether_it_hung_or_died() -> None:
    job = Job(key="witness m.f", timeout=42.4, run=lambda: {})
    assert stopped(job, Outcome(TIMED_OUT), " (a hint)") == "no answer after 42 s (a hint)"
    assert stopped(job, Outcome(DIED, detail="child killed by SIGSEGV")) == "child killed by SIGSEGV"


def test_a_verification_that_never_answered_is_a_failed_or_dead_run() -> None:
    answered: dict[str, Any] = {"outcome": "passed"}
    assert verification_run(Outcome(REPORTED, payload=answered)) == answered
    assert verification_run(Outcome(TIMED_OUT)) == {"outcome": "failed", "message": "did not finish"}
    assert verification_run(Outcome(DIED, detail="boom")) == {"outcome": "died", "message": "boom"}
