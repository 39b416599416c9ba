"""The incremental cache and resume, end to end: real runs, a real SQLite file,
a real SIGKILL.  The counters ``executed`` and ``from_cache`` in the JSON say
what each run did."""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import Project

from pytest_escape.model import EVIDENCE_RULES

PROJECT = {
    "pyproject.toml": """
        [tool.pytest.ini_options]
        pythonpath = ["src"]
        """,
    "src/shop/__init__.py": "",
    "src/shop/cart.py": """
        def bulk(qty):
            if qty >= 10:
                return 0.1
            return 0.0


        def tax(amount):
            return round(amount * 0.2, 2)
        """,
    "tests/test_cart.py": """
        from shop.cart import bulk, tax


        def test_bulk():
            assert bulk(20) == 0.1
            assert bulk(1) == 0.0


        def test_tax():
            assert tax(10) == 2.0
        """,
}
#: the boundary survivor of test_bulk: ``qty > 10``
BOUNDARY = "shop.cart.x_bulk__mutmut_1"
DB = Path(".pytest_cache/d/escape/outcomes.sqlite")


def model(project: Project) -> dict[str, Any]:
    return project.results()["x-escape"]


def planned(x: dict[str, Any], function: str | None = None) -> int:
    """Mutants that run against tests, extreme ones included (what the counters count)."""
    regular = [m for m in x["mutants"] if m["covered_by"] and function in (None, m["function"])]
    extreme = [f for f in x["functions"] if f["extreme"] and f["extreme"]["covered_by"]]
    return len(regular) + len([f for f in extreme if function in (None, f["name"])])


def verdicts(x: dict[str, Any]) -> dict[str, Any]:
    """Everything a report says about the mutants, functions and tests (no timings)."""
    return {
        "mutants": {m["id"]: (m["status"], m["killed_by"], m["witness"]) for m in x["mutants"]},
        "functions": {f["name"]: f["label"] for f in x["functions"]},
        "tests": {t["id"]: (t["verdict"], t["mutants_run"], t["mutants_killed"]) for t in x["tests"]},
    }


def test_a_rerun_with_nothing_changed_runs_no_mutant_and_reports_the_same(project: Project) -> None:
    project.write(PROJECT)
    first = project.run("--escape-witness-budget", "5", "--escape-seed", "1", cache=True)
    assert first.ret == 0, first.stdout.str()
    x1 = model(project)
    assert x1["executed"] == planned(x1) > 10 and x1["from_cache"] == 0
    assert any(m["witness"] and m["witness"]["verdict"] == "witnessed" for m in x1["mutants"])
    table = [line for line in first.outlines if line.startswith(("shop.cart", "TOTAL"))]

    again = project.run("--escape-witness-budget", "5", "--escape-seed", "1", cache=True)
    assert again.ret == 0
    x2 = model(project)
    assert x2["executed"] == 0 and x2["from_cache"] == planned(x1)
    assert verdicts(x2) == verdicts(x1)
    assert [line for line in again.outlines if line.startswith(("shop.cart", "TOTAL"))] == table
    again.stdout.fnmatch_lines([f"escape: 0 mutants run, {planned(x1)} taken from the cache*"])
    assert "running" not in again.stdout.str()  # no worker was started

    no_cache = project.run("--escape-witness-budget", "0", "--escape-no-cache", cache=True)
    no_cache.stdout.fnmatch_lines(["escape: *no cache (--escape-no-cache)*"])
    assert model(project)["executed"] == planned(x1)

    cleared = project.run("--escape-witness-budget", "0", "--escape-clear-cache", cache=True)
    assert model(project)["executed"] == planned(x1) and model(project)["from_cache"] == 0
    cleared.stdout.fnmatch_lines(["escape: *cache .pytest_cache/d/escape/outcomes.sqlite (cleared)*"])


def test_editing_a_function_reruns_exactly_its_mutants(project: Project) -> None:
    project.write(PROJECT)
    project.run("--escape-witness-budget", "0", cache=True)
    before = model(project)
    # the gate's settings are in pyproject.toml too, but cannot change an outcome
    pyproject = project.path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.pytest_escape]\nfail_under = 10\n")
    project.run("--escape-witness-budget", "0", cache=True)
    assert model(project)["executed"] == 0
    # the same behaviour, another text: only tax's mutants can have changed
    cart = project.path / "src/shop/cart.py"
    cart.write_text(cart.read_text().replace("round(amount * 0.2, 2)", "round(0.2 * amount, 2)"))
    result = project.run("--escape-witness-budget", "0", cache=True)
    assert result.ret == 0
    after = model(project)
    assert after["executed"] == planned(after, "tax") > 1
    assert after["from_cache"] == planned(before, "bulk")
    bulk = {m["id"]: m["status"] for m in after["mutants"] if m["function"] == "bulk"}
    assert bulk == {m["id"]: m["status"] for m in before["mutants"] if m["function"] == "bulk"}


def test_a_stronger_test_reruns_the_survivors_it_covers_and_kills_one(project: Project) -> None:
    project.write(PROJECT)
    project.run("--escape-witness-budget", "0", cache=True)
    before = model(project)
    assert {m["id"]: m["status"] for m in before["mutants"]}[BOUNDARY] == "survived"
    tests = project.path / "tests/test_cart.py"
    tests.write_text(
        tests.read_text().replace(
            "assert bulk(1) == 0.0", "assert bulk(1) == 0.0\n    assert bulk(10) == 0.1"
        )
    )
    project.run("--escape-witness-budget", "0", cache=True)
    after = model(project)
    # test_bulk changed: bulk's mutants (its survivors included) ran again; tax's did not
    assert after["executed"] == planned(after, "bulk")
    assert after["from_cache"] == planned(after, "tax")
    assert {m["id"]: m["status"] for m in after["mutants"]}[BOUNDARY] == "killed"


def test_adding_a_test_reruns_only_the_mutants_it_covers(project: Project) -> None:
    project.write(PROJECT)
    project.run("--escape-witness-budget", "0", cache=True)
    tests = project.path / "tests/test_cart.py"
    tests.write_text(tests.read_text() + "\n\ndef test_tax_zero():\n    assert tax(0) == 0\n")
    project.run("--escape-witness-budget", "0", cache=True)
    after = model(project)
    assert after["executed"] == planned(after, "tax") and after["from_cache"] == planned(after, "bulk")


@pytest.mark.parametrize(
    "damage, why",
    [
        (lambda db: db.write_bytes(b"this is not a database" * 100), "cannot be read"),
        (
            lambda db: sqlite3.connect(db).executescript(
                "CREATE TABLE other (x); INSERT INTO other VALUES (1);"
            ),
            "is not a pytest-escape cache",
        ),
    ],
    ids=["garbage", "foreign"],
)
def test_a_corrupt_or_foreign_database_is_moved_aside_never_trusted(
    project: Project, damage: Any, why: str
) -> None:
    project.write(PROJECT)
    project.run("--escape-witness-budget", "0", cache=True)
    db = project.path / DB
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    damage(db)
    damaged = db.read_bytes()
    result = project.run("--escape-witness-budget", "0", cache=True)
    assert result.ret == 0, result.stdout.str()
    result.stdout.fnmatch_lines(
        [f"escape: the cache *outcomes.sqlite {why}*; moved it to outcomes.sqlite.broken-*"]
    )
    x = model(project)
    assert x["executed"] == planned(x) and x["from_cache"] == 0
    assert any("moved it to" in w for w in x["warnings"])
    aside = list(db.parent.glob("outcomes.sqlite.broken-*"))
    assert [p.read_bytes() for p in aside if not p.name.endswith(("-wal", "-shm"))] == [damaged]
    project.run("--escape-witness-budget", "0", cache=True)  # the new database works
    assert model(project)["executed"] == 0


SLOW = {
    **PROJECT,
    # every mutant's run takes a while, so the kill lands part-way
    "tests/test_cart.py": """
        import time

        from shop.cart import bulk, tax


        def test_bulk():
            time.sleep(0.25)
            assert bulk(20) == 0.1
            assert bulk(1) == 0.0


        def test_tax():
            time.sleep(0.25)
            assert tax(10) == 2.0
        """,
}


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM outcomes").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_a_run_killed_part_way_resumes_without_rerunning_finished_mutants(project: Project) -> None:
    project.write(SLOW)
    hashes = project.source_hashes()
    report = project.path / "killed.json"
    proc = project.start(
        "--escape-workers", "2", "--escape-witness-budget", "0", "--escape-report", f"json:{report}"
    )
    db = project.path / DB
    deadline = time.monotonic() + 120
    while _stored(db) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    finished = _stored(db)
    assert finished >= 3 and not report.exists()
    assert project.source_hashes() == hashes  # nothing of the project was touched

    resumed = project.run("--escape-witness-budget", "0", cache=True)
    assert resumed.ret == 0, resumed.stdout.str()
    x = model(project)
    assert x["from_cache"] >= finished and x["executed"] == planned(x) - x["from_cache"]
    resumed.stdout.fnmatch_lines(["escape: running *; * verdicts resumed from the cache"])

    whole = project.run("--escape-witness-budget", "0", "--escape-no-cache", cache=True)
    assert whole.ret == 0
    fresh = model(project)
    assert fresh["executed"] == planned(fresh)
    assert {m["id"]: m["status"] for m in x["mutants"]} == {m["id"]: m["status"] for m in fresh["mutants"]}
    assert verdicts(x)["functions"] == verdicts(fresh)["functions"]
    assert {t: v[0] for t, v in verdicts(x)["tests"].items()} == {
        t: v[0] for t, v in verdicts(fresh)["tests"].items()
    }
    assert project.source_hashes() == hashes


SHUFFLED = {
    "cal.py": """
        def is_weekend(day):
            return day.weekday() >= 5
        """,
    "conftest.py": """
        import os

        def pytest_sessionstart(session):
            if not os.environ.get("PYTEST_ESCAPE_WORKER"):
                open("ids.txt", "w").close()
        """,
    "test_cal.py": """
        import os
        from datetime import date

        import pytest
        from cal import is_weekend

        # a set: pytest numbers the cases (day0, day1, ...) in an order the hash seed decides
        DAYS = {date(2024, 1, d) for d in range(1, 8)}


        @pytest.mark.parametrize("day", DAYS)
        def test_weekend(request, day):
            if not os.environ.get("PYTEST_ESCAPE_WORKER"):
                with open("ids.txt", "a") as f:
                    f.write(f"{request.node.nodeid} {day.isoformat()}\\n")
            assert is_weekend(day) == (day.day in (6, 7))
        """,
}


def test_cached_verdicts_name_the_same_cases_when_their_ids_are_numbered_anew(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``day3`` in one process may be another date than ``day3`` in the next:
    a cached verdict must name its tests by what they are, not by their number."""
    project.write(SHUFFLED)

    def run(seed: str) -> tuple[dict[str, Any], dict[str, str]]:
        monkeypatch.setenv("PYTHONHASHSEED", seed)
        result = project.run("--escape-witness-budget", "0", "--escape-paths", "cal.py", cache=True)
        assert result.ret == 0, result.stdout.str()
        lines = (project.path / "ids.txt").read_text().split("\n")
        return model(project), dict(line.split(" ") for line in lines if line)

    first, days1 = run("1")
    second, days2 = run("2")
    assert second["executed"] == 0  # every verdict came from the cache
    saturday = "2024-01-06"
    assert {d: i for i, d in days1.items()}[saturday] != {d: i for i, d in days2.items()}[saturday]
    # the mutant only Saturday's case catches (>= 5 -> > 5): killed by Saturday, in both runs
    for x, days in ((first, days1), (second, days2)):
        (boundary,) = [m for m in x["mutants"] if m["after"] == ["    return day.weekday() > 5"]]
        assert days[boundary["killed_by"]] == saturday
        assert {days[k["test"]] for k in boundary["kills"]} == {saturday}
        assert {t["id"] for t in x["tests"]} == set(days)
    # and each case keeps its verdict, under its new id
    verdict1 = {days1[t["id"]]: (t["verdict"], t["mutants_killed"]) for t in first["tests"]}
    verdict2 = {days2[t["id"]]: (t["verdict"], t["mutants_killed"]) for t in second["tests"]}
    assert verdict1 == verdict2


def test_a_cached_rerun_flags_the_same_confirming_only_tests(project: Project) -> None:
    """The proof that a test only confirms (a call it made whose result a
    mutant changed) is found by the worker; a rerun that takes every mutant
    from the cache starts no worker, and used to drop the flag for want of it.
    The proof is kept while the test and that mutant are unchanged."""
    project.write(
        {
            **PROJECT,
            "tests/test_runs.py": """
                from shop.cart import tax


                def test_tax_runs():
                    tax(10)
                """,
        }
    )
    first = project.run("--escape-witness-budget", "0", cache=True)
    assert first.ret == 0, first.stdout.str()

    def flags() -> dict[str, Any]:
        return {
            t["id"]: (t["reason"], t["evidence"], t["smells"])
            for t in model(project)["tests"]
            if t["verdict"] == "confirming-only"
        }

    flagged = flags()
    assert (
        set(flagged) == {"tests/test_runs.py::test_tax_runs"}
        and flagged["tests/test_runs.py::test_tax_runs"][1]
    )
    again = project.run("--escape-witness-budget", "0", "--escape-fail-on", "confirming-only", cache=True)
    assert model(project)["executed"] == 0
    assert flags() == flagged
    assert again.ret == 13  # and the gate that fails on it still does
    # a proof kept by older rules of evidence (its row names the bare mutant key) is not used
    with sqlite3.connect(project.path / DB) as db:
        db.execute(
            "UPDATE evidence SET mutant_key = replace(mutant_key, ?, '')",
            (f" evidence-rules {EVIDENCE_RULES}",),
        )
    project.run("--escape-witness-budget", "0", cache=True)
    assert model(project)["executed"] == 0 and flags() == {}
    project.run("--escape-witness-budget", "0", "--escape-clear-cache", cache=True)
    assert flags() == flagged
    # an edited test is judged afresh: its stored proof is not used
    (project.path / "tests/test_runs.py").write_text(
        "from shop.cart import tax\n\n\ndef test_tax_runs():\n    assert tax(10) == 2.0\n", encoding="utf-8"
    )
    project.run("--escape-witness-budget", "0", cache=True)
    assert flags() == {}
