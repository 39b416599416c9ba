"""The progress line's ETA: what is left, weighed by what its tests cost."""

from __future__ import annotations

import pytest

from pytest_escape.report.progress import PER_MUTANT, Progress, remaining_seconds


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _eta(line: str) -> float:
    return float(line.rpartition("ETA ")[2].removesuffix(" s"))


def test_one_slow_test_left_is_in_the_eta_from_the_start() -> None:
    """Nine hundred mutants of fast tests, then a hundred covered by a 25 s
    test: an average rate promises the slow hundred at the fast ones' pace."""
    costs = {f"fast{i}": 0.01 for i in range(900)} | {f"slow{i}": 25.0 for i in range(100)}
    clock, lines = Clock(), []
    progress = Progress(costs, live=False, write=lines.append, every=0.0, clock=clock)
    # at 10 % done: a hundred fast mutants in 2 s (2 workers, 0.02 s of real time each)
    for i in range(100):
        clock.now += 0.02
        progress.update(f"fast{i}", "killed")
    eta = _eta(lines[-1])
    # what is left, at the seconds per baseline second the fast ones showed
    # (0.02 s for 0.01 s of tests and PER_MUTANT): 800 fast, and the slow hundred
    expected = 800 * 0.02 + 100 * (25.0 + PER_MUTANT)
    assert eta == pytest.approx(expected, rel=0.01)
    # an average rate promised the 900 left at 50 a second: 18 s
    assert eta > 100 * (900 / 50)


def test_a_verdict_counted_once_and_an_unknown_one_not_at_all() -> None:
    clock, lines = Clock(), []
    progress = Progress({"a": 1.0, "b": 1.0}, live=False, write=lines.append, every=0.0, clock=clock)
    clock.now += 2
    progress.update("a", "survived")
    progress.update("a", "killed")  # a re-run's verdict
    progress.update("z", "killed")  # a mutant the cache spared
    assert lines == ["escape: 1/2 mutants, 0 killed, 1 survived, 0.5/s, ETA 2 s"]


def test_nothing_done_yet_promises_nothing() -> None:
    assert remaining_seconds(5.0, 0.0, 10.0) == 0.0
    assert remaining_seconds(5.0, 1.0, 3.0) == 15.0
