"""Scores follow Stryker's definitions and never claim what was not measured;
targets are named the way the tests import them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from pytest_escape import model
from pytest_escape.gate import EscapeExit, judge
from pytest_escape.model import (
    FunctionResult,
    Kill,
    MutantResult,
    Results,
    SmellInfo,
    Tally,
    Witness,
)
from pytest_escape.targets import find_candidates, module_name_from_path, why_test_file


def mutant(status: str) -> MutantResult:
    return MutantResult(
        id=f"m.x_f__mutmut_{status}", module="m", file="m.py", function="f", operator="number",
        line=1, column=0, end_line=1, end_column=1, original="1", replacement="2",
        before=["x = 1"], after=["x = 2"], status=status,
    )  # fmt: skip


def results(*statuses: str, fail_under: float | None = None) -> Results:
    return Results("/p", "0", "3.8.1", mutants=[mutant(s) for s in statuses], fail_under=fail_under)


def test_scores_follow_strykers_definitions() -> None:
    tally = Tally.of(results("killed", "timeout", "survived", "no coverage", "error").mutants)
    assert (tally.detected, tally.measured) == (2, 3)
    assert tally.score == pytest.approx(100 * 2 / 4)  # errors are not in the denominator
    assert tally.covered_score == pytest.approx(100 * 2 / 3)


def test_the_one_line_diff_names_the_line_changed_or_joins_a_call_that_lost_one() -> None:
    """A dropped line shown line by line named the next one as replacing it
    (``- host=self.host,`` / ``+ port=self.port,``): where the mutant has
    another number of lines, each side is joined into one."""
    one = dataclasses.replace(mutant("survived"), before=["a = 1", "b = 2"], after=["a = 1", "b = 3"])
    assert one.diff_lines() == ("b = 2", "b = 3")
    call = ["return Builder(", "    host=self.host,", "    port=self.port,", ")"]
    dropped = dataclasses.replace(one, before=call, after=[call[0], call[2], call[3]])
    assert dropped.diff_lines() == (
        "return Builder(host=self.host, port=self.port)",
        "return Builder(port=self.port)",
    )


def test_nothing_measured_is_no_score_and_fails_the_gate() -> None:
    only_uncovered = results("no coverage", "no coverage", "error")
    assert only_uncovered.tally().score is None
    verdict = judge(only_uncovered)
    assert verdict.exit == EscapeExit.NO_MUTANTS_MEASURED
    assert verdict.message is not None and "no mutants measured" in verdict.message
    assert judge(results()).exit == EscapeExit.NO_MUTANTS_MEASURED


def test_gate_compares_the_mutation_score_with_the_threshold() -> None:
    assert judge(results("killed", "survived", fail_under=50)).exit == EscapeExit.OK
    assert judge(results("killed", "survived", fail_under=50.1)).exit == EscapeExit.SCORE_BELOW_THRESHOLD


def test_gate_fails_on_the_findings_named_in_fail_on() -> None:
    found = results("killed", "survived")
    found.functions = [FunctionResult("m", "m.py", "f", 1, "pseudo-tested", ["t.py::test_a"])]
    found.tests = [model.TestInfo("t.py::test_a", "t.py", 0.1, verdict="confirming-only")]
    assert judge(found).exit == EscapeExit.OK  # findings are reported, not gated, by default
    found.fail_on = ["confirming-only"]
    verdict = judge(found)
    assert verdict.exit == EscapeExit.FINDINGS == 13
    assert verdict.message == (
        "escape: 1 confirming-only test (t.py::test_a) and --escape-fail-on confirming-only"
    )
    found.fail_on = ["pseudo-tested", "confirming-only"]
    assert judge(found).message is not None and len(judge(found).message.splitlines()) == 2
    found.fail_under = 90  # both gates fail: both reasons shown, the score's exit code
    both = judge(found)
    assert both.exit == EscapeExit.SCORE_BELOW_THRESHOLD and both.message is not None
    assert (
        len(both.message.splitlines()) == 3
        and "is below 90%, the score the gate asks for (--escape-fail-under)" in both.message
    )
    found.fail_under = None
    found.tests[0].verdict = "checks"
    found.functions[0].label = "tested"
    assert judge(found).exit == EscapeExit.OK


def test_results_round_trip_through_a_dict() -> None:
    original = results("killed", "survived")
    original.mutants[0].kills = [Kill("t.py::test_a", "AssertionError", 3, by_check=True)]
    original.mutants[1].passed_by = ["t.py::test_a"]
    original.mutants[1].covered_by = ["t.py::test_a", "t.py::test_gone"]  # not in ``tests``
    original.mutants[1].witness = Witness("likely equivalent", reason="200 inputs")
    extreme = mutant("survived")
    extreme.operator = "extreme"
    extreme.covered_by = ["t.py::test_a"]
    original.functions = [
        FunctionResult("m", "m.py", "f", 1, "pseudo-tested", ["t.py::test_a"], extreme=extreme)
    ]
    original.tests = [
        model.TestInfo(
            "t.py::test_a", "t.py", 0.1, verdict="checks", smells=[SmellInfo("weak oracle", 4, "len")]
        )
    ]
    original.fail_on = ["pseudo-tested"]
    data = original.to_dict()
    # tests are named by their index in ``tests`` (a report's size), or by name
    assert data["mutants"][1]["covered_by"] == [0, "t.py::test_gone"] and data["mutants"][1]["passed_by"] == [
        0
    ]
    assert data["functions"][0]["covered_by"] == [0]
    assert data["functions"][0]["extreme"]["covered_by"] == [0]
    back = Results.from_dict(data)
    assert back == original
    # a model of version 11 named its tests: it still reads
    named = original.to_dict()
    named["mutants"][1]["covered_by"] = ["t.py::test_a", "t.py::test_gone"]
    assert (
        Results.from_dict({**named, "model_version": 11}).mutants[1].covered_by
        == original.mutants[1].covered_by
    )
    assert isinstance(back.mutants[0].kills[0], Kill) and isinstance(back.functions[0].extreme, MutantResult)
    with pytest.raises(ValueError, match="model version"):
        Results.from_dict({**original.to_dict(), "model_version": 99})


def test_module_names_count_package_directories(tmp_path: Path) -> None:
    (tmp_path / "src" / "pkg" / "sub").mkdir(parents=True)
    for init in ("src/pkg/__init__.py", "src/pkg/sub/__init__.py"):
        (tmp_path / init).write_text("")
    (tmp_path / "src" / "pkg" / "sub" / "mod.py").write_text("")
    assert module_name_from_path(tmp_path / "src" / "pkg" / "sub" / "mod.py") == "pkg.sub.mod"
    assert module_name_from_path(tmp_path / "src" / "pkg" / "__init__.py") == "pkg"


def test_candidates_skip_tests_venvs_and_conftest(tmp_path: Path) -> None:
    for name in ("app/__init__.py", "app/core.py", "app/test_core.py", "app/conftest.py",
                 "tests/test_x.py", ".venv/lib/x.py", "setup.py", "tool.py"):  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("")
    found = find_candidates(tmp_path)
    assert not found.src_layout
    assert {p.relative_to(tmp_path).as_posix() for p in found.files} == {
        "app/__init__.py",
        "app/core.py",
        "tool.py",
    }


def test_the_project_s_own_test_patterns_apply_inside_directories(tmp_path: Path) -> None:
    """python_files = check_*.py: a directory's check_x.py is a test file too, not a target."""
    for name in ("app/__init__.py", "app/core.py", "app/check_core.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    patterns = ("check_*.py",)
    for found in (
        find_candidates(tmp_path, test_patterns=patterns),
        find_candidates(tmp_path, [tmp_path / "app"], patterns),
    ):
        assert {p.name for p in found.files} == {"__init__.py", "core.py"}


def test_a_pattern_any_file_name_matches_tells_tests_by_what_they_define(tmp_path: Path) -> None:
    """python_files = *.py: a module is a test file only if it defines tests."""
    files = {
        "app/__init__.py": "",
        "app/core.py": "def add(a, b):\n    return a + b\n",
        "app/checks.py": "import unittest\n\nclass Adding(unittest.TestCase):\n    pass\n",
        "app/test_core.py": "def test_add():\n    pass\n",
        "app/classy.py": "class TestAdd:\n    pass\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = find_candidates(tmp_path, test_patterns=("*.py",))
    assert {p.name for p in found.files} == {"__init__.py", "core.py"}
    assert why_test_file(tmp_path / "app/checks.py", ("*.py",)) == (
        "pytest collects it: python_files '*.py', and it defines tests"
    )
    # a pattern that names test files still decides by name alone
    named = why_test_file(tmp_path / "app/core.py", ("*.py", "core.py"))
    assert named == "pytest collects it: python_files 'core.py'"


def test_a_finding_made_under_other_search_rules_is_not_the_cache_s(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rules a search runs and compares by are part of the options the
    cache keys findings on: a survivor left "likely equivalent" by the old
    probe, or "unsafe" by the old sandbox, is searched again, not kept."""
    from pytest_escape import plan
    from pytest_escape.config import Settings

    settings = Settings(rootdir=Path("."))
    now = (plan.witness_options(settings), plan.property_options(settings))
    monkeypatch.setattr(plan, "SEARCH_RULES", plan.SEARCH_RULES - 1)
    before = (plan.witness_options(settings), plan.property_options(settings))
    assert now[0] != before[0] and now[1] != before[1]
