"""The budgeted-stage skeleton the witness search and the property checks share,
on a fake clock: the budget split, the deadline, and what a stopped child left."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_escape.execution import stage as stage_module
from pytest_escape.execution.pool import DIED, REPORTED, TIMED_OUT, Job, Outcome, run_forked
from pytest_escape.execution.protocol import MutantJob, WitnessFound, WitnessOptions, to_json
from pytest_escape.execution.stage import BudgetedStage, share, stopped, verification_runs
from pytest_escape.execution.witnesses import WitnessStage
from pytest_escape.inputs import sandbox
from pytest_escape.inputs.verify import verify_tests
from pytest_escape.model import WITNESSED, Witness


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


def test_the_automatic_witness_budget_gives_every_survivor_its_least_share() -> None:
    """The default budget grows with the survivors, from 60 s to 600 s: a
    fixed 60 s left half of a big project's survivors "not searched"."""
    from pytest_escape.config import parse_budget
    from pytest_escape.execution.protocol import WitnessOptions
    from pytest_escape.execution.witnesses import settled

    auto = WitnessOptions(budget=None, examples=200, seed=1, call_timeout=1.0, backend="hypothesis")
    assert settled(auto, 10, 2).seconds == 60  # the floor
    assert settled(auto, 610, 2).seconds == 191  # 0.5 s * 610 / (2 workers * 0.8), in whole seconds
    assert settled(auto, 610, 1).seconds == 382
    assert settled(auto, 10_000, 2).seconds == 600  # the ceiling
    assert parse_budget("auto", "x") is None and parse_budget("5", "x") == 5
    given = dataclasses.replace(auto, budget=30.0)
    assert settled(given, 610, 2) is given
    with pytest.raises(ValueError, match="settled once the survivors are known"):
        _ = auto.seconds


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
        assert job.collects  # a search runs for seconds: its cycles must be collected
        # each test gets two call limits and a second, the fresh interpreter half a minute
        tests = [("def test_x(): pass", "test_x")] * 3
        verify = searches.verification("verify m1 original", tests, None, ("v",))
        assert verify.timeout == pytest.approx((1.0 * 2 + 1) * 3 + 30)
    finally:
        searches.close()


def test_a_stopped_child_says_whether_it_hung_or_died() -> None:
    job = Job(key="witness m.f", timeout=42.4, run=lambda: {})
    assert stopped(job, Outcome(TIMED_OUT), " (a hint)") == "no answer after 42 s (a hint)"
    assert stopped(job, Outcome(DIED, detail="child killed by SIGSEGV")) == "child killed by SIGSEGV"
    silent = Outcome(TIMED_OUT, detail="no sign of life for 8 s")
    assert stopped(job, silent, " (a hint)") == "no sign of life for 8 s (a hint)"


def _stuck_in_c() -> dict[str, Any]:
    re.match(r"(a+)+b", "a" * 40)  # backtracks for hours, holding the interpreter
    return {}


def test_a_stage_s_child_stuck_in_c_code_is_stopped_by_its_silence() -> None:
    """A search or check child writes a sign of life while Python runs; one
    stuck in C code is silent, and stopped long before its work's limit."""
    stage = Searches(60.0, 40, 1, 1.0, lambda tests: None)
    try:
        job = stage.child("search m.f", 40, _stuck_in_c, ("witness",), 1.0)
        assert job.timeout == stage_module.SETUP_SECONDS + 1.5 * 40  # 75 s
        assert job.silent_limit == stage_module.SILENT_SECONDS
        outcomes: list[Outcome] = []
        run_forked([dataclasses.replace(job, silent_limit=1.0)], 1, lambda _j, o: outcomes.append(o))
        assert [(o.kind, o.detail) for o in outcomes] == [(TIMED_OUT, "no sign of life for 1 s")]
    finally:
        stage.close()


def test_a_verification_that_never_answered_is_a_failed_or_dead_run_of_each_test() -> None:
    answered: list[dict[str, Any]] = [{"outcome": "passed"}, {"outcome": "failed", "message": "x"}]
    assert verification_runs(Outcome(REPORTED, payload={"answers": answered}), 2) == answered
    assert (
        verification_runs(Outcome(TIMED_OUT), 2) == [{"outcome": "failed", "message": "did not finish"}] * 2
    )
    assert verification_runs(Outcome(DIED, detail="boom"), 1) == [{"outcome": "died", "message": "boom"}]


def test_the_original_side_runs_in_a_fresh_interpreter_with_nothing_of_the_search_loaded(
    tmp_path: Path,
) -> None:
    """The tests see the module as a plain run imports it, not as the search's
    process holds it: a module-level cache this process filled, or a name it
    planted, is not there; each test gets its own answer, a crash in one
    costs the others nothing."""
    (tmp_path / "counter_mod.py").write_text(
        "SEEN = []\n\ndef count(x):\n    SEEN.append(x)\n    return len(SEEN)\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        import counter_mod

        counter_mod.count(1)  # the search's process has called it already
        counter_mod.PLANTED = True
        tests = [
            ("import counter_mod\n\ndef test_a():\n    assert counter_mod.count(5) == 1\n", "test_a"),
            (
                "import counter_mod\n\ndef test_b():\n    assert not hasattr(counter_mod, 'PLANTED')\n",
                "test_b",
            ),
            ("def test_c():\n    raise SystemExit(3)\n", "test_c"),
            ("def test_d(:\n", "test_d"),
            ("import sys\n\ndef test_e():\n    assert 'mutmut' not in sys.modules\n", "test_e"),
        ]
        answers = verify_tests(tests, None, 1.0, str(tmp_path))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("counter_mod", None)
    assert [a["outcome"] for a in answers] == ["passed", "passed", "failed", "broken", "passed"], answers
    assert answers[2]["message"] == "SystemExit: 3"


def test_a_fresh_interpreter_s_sandbox_leaves_hypothesis_unimported_and_its_home_inside(
    tmp_path: Path,
) -> None:
    """The interpreter that runs emitted tests on the original never needs
    Hypothesis: entering the sandbox does not import it (a fifth of a second
    of each such interpreter), and one the project imports later still keeps
    its home in the scratch directory, never in the project."""
    code = (
        "import sys\n"
        "from pytest_escape.inputs import sandbox\n"
        "scratch = sandbox.enter(cpu_seconds=30, root=sys.argv[1])\n"
        "print('hypothesis' in sys.modules)\n"
        "from hypothesis.configuration import storage_directory\n"
        "print(storage_directory('x').path.is_relative_to(scratch))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True"]
    assert not (tmp_path / ".hypothesis").exists()


def _survivor(mutant_id: str) -> MutantJob:
    return MutantJob(mutant_id, ("test_x",), "m", "f", 1, False, "", False, False)


def _searched(stage: WitnessStage, job: Job, *findings: tuple[str, Witness]) -> list[Job]:
    streamed = [to_json(WitnessFound(mutant_id, finding)) for mutant_id, finding in findings]
    return stage.settle(job, Outcome(REPORTED, streamed=streamed)) or []


def test_a_witness_held_for_the_deeper_round_has_its_test_verified_when_released(clock: Clock) -> None:
    """A witness only outside what the tests passed waits for the deeper
    round; with no time left for that round it is released as it is, its
    test first verified like any other's (released straight to the report,
    it was given unverified); a stage stopped first drops its test."""
    options = WitnessOptions(budget=1.0, examples=10, seed=0, call_timeout=1.0, backend="hypothesis")
    emitted: list[tuple[str, Witness]] = []
    stage = WitnessStage(
        options, [_survivor("m1")], 1, lambda tests: None, lambda i, w: emitted.append((i, w))
    )
    try:
        (search,) = stage.jobs()
        outside = Witness(
            WITNESSED, test="def test_k():\n    assert True\n", test_name="test_k", outside="x = 0"
        )
        clock.now += 5.0  # the budget is spent
        more = _searched(stage, search, ("m1", outside))
        assert emitted == [] and sorted(j.key for j in more) == ["verify held original", "verify m1 mutant"]
    finally:
        stage.close()
    options = dataclasses.replace(options, budget=10.0)
    stopped_stage = WitnessStage(
        options, [_survivor("m2")], 1, lambda tests: None, lambda i, w: emitted.append((i, w))
    )
    (search,) = stopped_stage.jobs()
    stage_jobs = _searched(stopped_stage, search, ("m2", dataclasses.replace(outside, outside="y = 1")))
    assert [j.key for j in stage_jobs] == ["witness m.f deeper"]  # time is left: the deeper round
    stopped_stage.close()
    ((mutant_id, finding),) = emitted
    assert (
        mutant_id == "m2"
        and finding.test is None
        and finding.test_dropped == "not verified: the run stopped first"
    )
