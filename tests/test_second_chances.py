"""The order a would-be confirming-only test meets mutants in its second chance, and
how a kill is worded."""

from __future__ import annotations

import pytest
from conftest import Project

from pytest_escape.execution.worker import (
    CONFIRM_LEAST,
    CONFIRM_LIMIT,
    _first_line,
    _round_robin,
    confirm_share,
    second_chances,
)


def test_second_chances_meet_each_function_in_turn() -> None:
    queue = ["m.x_a__mutmut_1", "m.x_a__mutmut_2", "m.x_a__mutmut_3", "m.x_b__mutmut_1", "n.x_a__mutmut_1"]
    assert _round_robin(queue) == [
        "m.x_a__mutmut_1",
        "m.x_b__mutmut_1",
        "n.x_a__mutmut_1",
        "m.x_a__mutmut_2",
        "m.x_a__mutmut_3",
    ]


def test_a_slow_test_gets_fewer_second_chances_by_its_time() -> None:
    """30 s of a test's plain time in all, between 10 mutants and 200."""
    assert confirm_share(0.002) == CONFIRM_LIMIT == 200
    assert confirm_share(0.0) == CONFIRM_LIMIT  # no duration measured: as before
    assert confirm_share(0.64) == 46  # pyrsistent's 0.64 s test met 183
    assert confirm_share(4.7) == CONFIRM_LEAST == 10
    # a test whose own function checks nothing can fail in a check only through code elsewhere
    assert confirm_share(0.002, checks=False) == CONFIRM_LEAST


GRADES = """
def grade(score):
    if score >= 90:
        return "A"
    if score >= 80:
        return "B"
    if score >= 70:
        return "C"
    if score >= 60:
        return "D"
    return "F"
"""
GRADE_TESTS = """
from grades import grade

def test_grades():
    assert [grade(s) for s in (95, 90, 89, 80, 79, 70, 69, 60, 59)] == list("AABBCCDDF")

def test_runs():
    for score in range(0, 100, 7):
        grade(score)
"""


def test_a_test_that_checks_nothing_gets_the_fewest_second_chances(project: Project) -> None:
    project.write({"grades.py": GRADES, "test_grades.py": GRADE_TESTS})
    project.run()
    mutants = project.mutants().values()
    tests = {t["id"]: t for t in project.results()["x-escape"]["tests"]}
    runs = tests["test_grades.py::test_runs"]
    killed = [m for m in mutants if m["killed_by"] == "test_grades.py::test_grades"]
    met_first = [m for m in mutants if "test_grades.py::test_runs" in m["passed_by"] and m not in killed]
    # every covering test meets the extreme mutants, outside any share
    extremes = [
        x
        for f in project.results()["x-escape"]["functions"]
        for x in (f["extreme"], f["second_extreme"])
        if x
    ]
    assert len(killed) > CONFIRM_LEAST + 5  # enough for the share to tell
    assert runs["verdict"] == "confirming-only"
    assert runs["mutants_run"] <= len(met_first) + len(extremes) + CONFIRM_LEAST


def test_a_kill_message_names_no_address_and_no_checkout() -> None:
    """Both differ from run to run, or from checkout to checkout; the same run
    must give the same report (a doctest's failure names its file)."""
    report = pytest.TestReport(
        "pkg/m.py::m.f",
        ("pkg/m.py", 1, "m.f"),
        {},
        "failed",
        "Unexpected: <DocTest m.f from /work/co/pkg/m.py:44> with <A object at 0x7f2f80ec5390>\nmore",
        "call",
    )
    assert _first_line(report, "/work/co") == "Unexpected: <DocTest m.f from pkg/m.py:44> with <A object>"


def test_second_chances_meet_each_function_s_caught_mutants_first_and_every_function_early() -> None:
    """Of each function's killed mutants, those caught by a check come
    first; a function whose mutants other tests only crashed on is still met
    in the first turn, not after every caught mutant (past a test's share)."""
    killed = ["m.x_a__mutmut_1", "m.x_a__mutmut_2", "m.x_a__mutmut_3", "m.x_b__mutmut_1", "m.x_b__mutmut_2"]
    caught = {"m.x_a__mutmut_2", "m.x_a__mutmut_3"}
    assert second_chances(killed, caught, 3) == ["m.x_a__mutmut_2", "m.x_b__mutmut_1", "m.x_a__mutmut_3"]
    assert len(second_chances(killed * 100, caught, 10_000)) == CONFIRM_LIMIT
