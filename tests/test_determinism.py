"""The same ``--escape-seed`` gives the same report, whatever order the tests
run in and whatever the hash seed.

pytest-randomly shuffles the collected tests in every run.  The project's own
conftest stands in for it here (the shuffle is the cause, whichever plugin
does it), with a different shuffle and a different ``PYTHONHASHSEED`` per run.
Before the tests were put in source order and ranked by lines run rather than
measured duration, ``killedBy``, each test's counts, the confirming-only
evidence and the witnesses' seeds followed the shuffle.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from conftest import Project

#: what a run measures in seconds: the only part allowed to differ
TIMINGS = {"duration", "timings", "seconds"}

PROJECT = {
    "conftest.py": """
        import os
        import random


        def pytest_collection_modifyitems(items):
            # what pytest-randomly does, with this run's own seed
            random.Random(os.environ["SHUFFLE"]).shuffle(items)
        """,
    "calc.py": """
        def total(prices: list[float], rate: float) -> float:
            subtotal = sum(prices)
            if subtotal > 100:
                subtotal = subtotal * 0.9
            return round(subtotal * (1 + rate), 2)


        def label(amount: float) -> str:
            if amount >= 50:
                return "large"
            return "small"


        def tags(words: list[str]) -> set[str]:
            return {w.strip().lower() for w in words if w.strip()}
        """,
    "test_calc.py": """
        import time

        from calc import label, tags, total


        def test_total_small():
            assert total([10.0, 20.0], 0.1) == 33.0


        def test_total_runs():
            total([80.0, 40.0], 0.2)


        def test_total_slow():
            time.sleep(0.05)
            assert total([200.0], 0.0) > 0


        def test_label():
            assert label(70) == "large"
            assert label(1) in {"small", "large"}


        def test_tags():
            assert tags([" A", "b ", " "]) == {"a", "b"}
        """,
    "test_more.py": """
        from calc import label, tags, total


        def test_label_again():
            assert label(10) == "small"


        def test_tags_runs():
            assert isinstance(tags(["x", "Y"]), set)


        def test_total_zero():
            assert total([], 0.5) == 0
        """,
}


def _scrubbed(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _scrubbed(v) for k, v in data.items() if k not in TIMINGS}
    if isinstance(data, list):
        return [_scrubbed(v) for v in data]
    return data


def _run(project: Project, monkeypatch: pytest.MonkeyPatch, shuffle: str) -> tuple[Any, list[str]]:
    monkeypatch.setenv("SHUFFLE", shuffle)
    monkeypatch.setenv("PYTHONHASHSEED", shuffle)
    # (50 inputs a search: what the report holds varies with the order all the same)
    searches = ("--escape-witness-budget", "30", "--escape-property-budget", "30", "--escape-examples", "50")
    result = project.run("--escape-seed", "3", *searches)
    assert result.ret == 0, result.stdout.str()
    return _scrubbed(project.results()), _ours(result.outlines)


def _ours(lines: list[str]) -> list[str]:
    """What pytest-escape printed (pytest's own progress follows the shuffle),
    with seconds and rates, the timings, blanked."""
    start = next(i for i, line in enumerate(lines) if "escape: mutation testing" in line)
    kept = [line for line in lines[:start] if line.startswith("escape:")] + lines[start:-1]
    # pytest pads its summary line with "=" to the width the seconds leave
    timed = [re.sub(r"\d+(\.\d+)?(/s| ?s\b)", "T", line) for line in kept]
    return [line.strip("= ") if line.startswith("=") else line for line in timed]


def test_the_same_seed_gives_the_same_report_under_any_test_order_and_hash_seed(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.write(PROJECT)
    first, first_text = _run(project, monkeypatch, "1")
    second, second_text = _run(project, monkeypatch, "2")

    # the shuffles really differ: the session ran the tests in other orders
    assert first["x-escape"]["tests"], "no tests were recorded"
    assert json.dumps(first, sort_keys=True, indent=1) == json.dumps(second, sort_keys=True, indent=1)
    assert first_text == second_text
    # and the report holds what varies with the order when it is not fixed
    mutants = first["x-escape"]["mutants"]
    assert any(m["killed_by"] for m in mutants) and any(m["status"] == "survived" for m in mutants)
    assert any(m["witness"] for m in mutants)
    tests = [t["id"].rpartition("::")[2] for t in first["x-escape"]["tests"]]
    # in source order, file by file, not in the order either run used
    assert tests == [
        "test_total_small",
        "test_total_runs",
        "test_total_slow",
        "test_label",
        "test_tags",
        "test_label_again",
        "test_tags_runs",
        "test_total_zero",
    ]
