"""``pytest --escape`` on small generated projects: statuses, selection, layouts."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import Project, first

CALC = """
def clamp(x, lo, hi):
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


def scale(x, factor=2):
    return x * factor + 1
"""

PRICING = """
def fee(amount):
    if amount >= 100:
        return 0
    return 5


def scale(x, factor=2):
    return x * factor + 1


def unused(x):
    return x * 2
"""

STRONG_TESTS = """
from pricing import fee, scale

def test_fee_at_threshold():
    assert fee(100) == 0

def test_fee_below_threshold():
    assert fee(99) == 5

def test_scale():
    assert scale(3) == 7
    assert scale(3, 3) == 10
"""


def test_weak_suite_leaves_the_expected_survivors(project: Project) -> None:
    project.write(
        {
            "calc.py": CALC,
            "test_calc.py": """
                from calc import clamp, scale

                def test_clamp_runs():
                    # checks nothing that the boundaries decide
                    assert clamp(-5, 0, 10) == 0
                    assert clamp(50, 0, 10) == 10
                    assert clamp(5, 0, 10) == 5

                def test_scale():
                    assert scale(3) == 7
            """,
        }
    )
    result = project.run("--escape-paths", "calc.py", "--escape-witness-budget", "60")
    assert result.ret == 0
    mutants = project.mutants()
    by_change = {(m["before"][0].strip(), m["after"][0].strip()): m for m in mutants.values()}
    # the boundary mutants are exactly the ones this suite cannot see
    assert by_change[("if x < lo:", "if x <= lo:")]["status"] == "survived"
    assert by_change[("if x > hi:", "if x >= hi:")]["status"] == "survived"
    # every mutant of scale() is seen, and we know by which test
    in_scale = [m for m in mutants.values() if "x_scale__" in m["id"]]
    assert len(in_scale) >= 3
    assert all(m["status"] == "killed" and m["killed_by"] == "test_calc.py::test_scale" for m in in_scale)
    # with the first line of the failure that killed it
    assert all(m["status_reason"].startswith("assert ") for m in in_scale)
    # a header line says what is mutated; a progress line reports the phase
    result.stdout.fnmatch_lines(
        [
            "escape: mutating calc.py (1 file, given); 2 workers, timeout 10x + 2 s, memory limit auto; "
            "witness search 60 s, *",
            "escape: running * mutants and * extreme mutants (one or two per function, counted apart: "
            "not in the score) against their covering tests (2 workers, 512 MiB each (auto))",
            "escape: */* mutants, * killed, * survived; */* extreme; */s, ETA * s",
        ]
    )
    # the progress line counts what the table and the JSON report count
    last = [line for line in result.stdout.lines if re.match(r"escape: \d+/\d+ mutants", line)][-1]
    done, planned, killed, survived = map(int, re.findall(r"\d+", last)[:4])
    statuses = Counter(m["status"] for m in mutants.values())
    assert (done, killed, survived) == (planned, statuses["killed"], statuses["survived"])
    assert planned == len(mutants) - statuses["no coverage"]
    # survivors are listed with file:line, operator and a one-line diff
    result.stdout.fnmatch_lines(
        [
            "*escape: mutation testing*",
            "clamp #* (calc.py:2): an operator swapped",
            "    - if x < lo:",
            "    + if x <= lo:",
        ]
    )


def test_strong_suite_kills_every_covered_mutant(project: Project) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": STRONG_TESTS})
    result = project.run("--escape-paths", "pricing.py")
    assert result.ret == 0
    statuses = project.statuses()
    covered = {k: v for k, v in statuses.items() if "x_unused__" not in k}
    assert len(covered) >= 6 and set(covered.values()) == {"killed"}
    result.stdout.fnmatch_lines(["mutation score *% (covered 100.0%)*"])
    model = project.results()["x-escape"]
    covered = [m for m in model["mutants"] if m["status"] != "no coverage"]
    assert covered and all(m["status"] == "killed" for m in covered)


def test_mutant_on_an_uncovered_line_is_no_coverage_and_runs_nothing(project: Project) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": STRONG_TESTS})
    project.run("--escape-paths", "pricing.py")
    unused = [m for m in project.mutants().values() if "x_unused__" in m["id"]]
    assert unused, "the adapter should plant mutants in unused()"
    for mutant in unused:
        assert mutant["status"] == "no coverage"
        assert mutant["tests_run"] == 0
        assert mutant["covered_by"] == []
        assert mutant["status_reason"].startswith("no test executes line")


def test_infinite_loop_mutant_times_out_and_the_run_finishes(project: Project) -> None:
    project.write(
        {
            "loop.py": """
                def countdown(n):
                    steps = 0
                    while n > 0:
                        n -= 1
                        steps += 1
                    return steps
            """,
            "test_loop.py": """
                import time

                import pytest

                from loop import countdown

                def test_countdown():
                    assert countdown(3) == 3

                @pytest.mark.parametrize("n", [1, 2, 3])
                def test_slowly(n):
                    time.sleep(0.3)
                    assert countdown(n) == n
            """,
        }
    )
    result = project.run("--escape-paths", "loop.py", "--escape-timeout-factor", "1")
    assert result.ret == 0
    mutants = project.mutants()
    # `n -= 1` -> `n += 1` never reaches 0
    forever = first(mutants, lambda m: m["before"] == ["        n -= 1"] and m["after"] == ["        n += 1"])
    assert forever["status"] == "timeout"
    # stopped at the CPU limit of the test it looped in (the quick one runs
    # first): 1 x (its call and every setup) + 0.25 s; not at the wall-clock one
    # (+ 2 s), nor at all four's, 1 x (0.9 s and more) + 2 s; and confirmed:
    # without the mutant, that test took far less
    reason = forever["status_reason"]
    limit, _, rest = reason.removeprefix("no verdict after ").partition(" s of CPU: ")
    assert 0.2 <= float(limit) < 0.9
    still, _, confirmed = rest.partition("; ")
    assert still == "still in test_loop.py::test_countdown, past the limit for the tests up to it"
    assert confirmed.startswith("without the mutant they ran in ") and confirmed.endswith(" s of CPU")
    assert forever["duration"] < 2.0
    assert project.results()["files"]["loop.py"]["mutants"]  # the report was written
    # the wall-clock the timed-out mutants held is in the timings, next to the phase's
    timings = project.results()["x-escape"]["timings"]
    assert 0 < timings["timeouts"] <= timings["mutants"]


def test_a_mutant_hanging_in_a_late_test_meets_that_test_s_own_limit(project: Project) -> None:
    """Eight slow tests count up to 1 first, then test_three loops under
    `steps = 1` (which still counts to 1).  The limits counted from the
    child's start allow ten times the eight tests' seconds by then;
    test_three's own limit (ten times its seconds, plus the constant) stops
    it first, and a run without the mutant confirms it: that test alone
    took far less."""
    project.write(
        {
            "loop.py": """
                def count_up(n):
                    steps = 0
                    while steps < n:
                        steps += 1
                    return steps
            """,
            "test_loop.py": """
                import time

                import pytest

                from loop import count_up

                @pytest.mark.parametrize("i", range(8))
                def test_one(i):
                    time.sleep(0.08)
                    assert count_up(1) == 1

                def test_three():
                    assert count_up(3) == 3
            """,
        }
    )
    project.run("--escape-paths", "loop.py", "--escape-witness-budget", "0", "--escape-property-budget", "0")
    mutants = project.mutants()
    forever = first(mutants, lambda m: m["after"] == ["        steps = 1"])
    assert forever["status"] == "timeout"
    still, _, confirmed = forever["status_reason"].partition(": ")[2].partition("; ")
    assert still.startswith("still in test_loop.py::test_three, past its own limit of ")
    assert confirmed.startswith("without the mutant it ran in ")


def test_a_one_time_cost_that_moves_to_another_test_in_a_child_is_no_timeout(project: Project) -> None:
    """heavy takes 2.1 s to import, more than the limit's 2 s constant.  In
    the suite test_first imports it and test_second finds it imported; in a
    child test_second runs without test_first (its self-check, and the
    mutants of sub, which test_first does not run) and pays the import.
    Neither may end as a false timeout, or exclude it."""
    project.write(
        {
            "calc.py": "def sub(a, b):\n    return a - b\n",
            "heavy.py": "import time\n\ntime.sleep(2.1)\n",
            "test_calc.py": """
                from calc import sub

                def test_first():
                    import heavy  # noqa: F401

                def test_second():
                    import heavy  # noqa: F401
                    assert sub(3, 1) == 2
            """,
        }
    )
    assert project.run("--escape-paths", "calc.py").ret == 0
    mutants = project.mutants()
    plus = first(mutants, lambda m: m["after"] == ["    return a + b"])
    assert (plus["status"], plus["killed_by"]) == ("killed", "test_calc.py::test_second")
    assert not [m for m in mutants.values() if m["status"] == "timeout"]
    assert project.results()["x-escape"]["excluded_tests"] == {}


def test_a_slow_test_that_runs_few_lines_goes_after_a_fast_one_of_the_same_line(project: Project) -> None:
    """test_many runs sub's one line many times, as a property-based test
    does: by lines run it is as cheap as test_once, and comes first in the
    source.  It must not be the test each mutant meets first."""
    project.write(
        {
            "calc.py": "def sub(a, b):\n    return a - b\n",
            "test_calc.py": """
                import time
                from calc import sub

                def test_many():
                    time.sleep(0.3)
                    for i in range(100):
                        assert sub(i, 1) == i - 1

                def test_once():
                    assert sub(3, 1) == 2
            """,
        }
    )
    assert project.run("--escape-paths", "calc.py", "--escape-witness-budget", "0").ret == 0
    mutants = project.mutants()
    plus = first(mutants, lambda m: m["after"] == ["    return a + b"])
    assert plus["covered_by"] == ["test_calc.py::test_once", "test_calc.py::test_many"]
    assert (plus["killed_by"], plus["tests_run"]) == ("test_calc.py::test_once", 1)


def test_a_property_based_test_goes_after_an_example_based_one_of_the_same_line(project: Project) -> None:
    """test_property is as fast and runs as few lines as test_example, and
    comes first in the source; but a failing property-based test shrinks."""
    project.write(
        {
            "calc.py": "def sub(a, b):\n    return a - b\n",
            "test_calc.py": """
                from hypothesis import given, settings, strategies as st
                from calc import sub

                @settings(max_examples=3, database=None)
                @given(st.integers())
                def test_property(a):
                    assert sub(a, 0) == a

                def test_example():
                    assert sub(3, 1) == 2
            """,
        }
    )
    assert project.run("--escape-paths", "calc.py", "--escape-witness-budget", "0").ret == 0
    plus = first(project.mutants(), lambda m: m["after"] == ["    return a + b"])
    assert plus["covered_by"] == ["test_calc.py::test_example", "test_calc.py::test_property"]
    assert (plus["killed_by"], plus["tests_run"]) == ("test_calc.py::test_example", 1)


def test_src_layout_with_methods_static_class_methods_and_parametrize(project: Project) -> None:
    project.write(
        {
            "pyproject.toml": """
                [tool.pytest.ini_options]
                pythonpath = ["src"]
            """,
            "src/geo/__init__.py": "",
            "src/geo/shapes.py": """
                class Rect:
                    def __init__(self, w, h):
                        self.w = w
                        self.h = h

                    def area(self):
                        return self.w * self.h

                    @staticmethod
                    def unit():
                        return Rect(1, 1)

                    @classmethod
                    def square(cls, side):
                        return cls(side, side)
            """,
            "tests/test_shapes.py": """
                import pytest
                from geo.shapes import Rect

                @pytest.mark.parametrize("w,h,area", [(2, 3, 6), (4, 5, 20)])
                def test_area(w, h, area):
                    assert Rect(w, h).area() == area

                def test_unit():
                    assert Rect.unit().area() == 1

                def test_square():
                    assert Rect.square(3).area() == 9
            """,
        }
    )
    result = project.run()
    assert result.ret == 0
    result.stdout.fnmatch_lines(["escape: mutating src/geo/ (2 files, src layout)*"])
    mutants = project.mutants()
    assert all(m["module"] == "geo.shapes" for m in mutants.values())
    area = first(mutants, lambda m: "xǁRectǁarea__" in m["id"])
    assert area["status"] == "killed"
    assert area["killed_by"].startswith("tests/test_shapes.py::")
    unit = [m for m in mutants.values() if "xǁRectǁunit__" in m["id"]]
    square = [m for m in mutants.values() if "xǁRectǁsquare__" in m["id"]]
    assert unit and square
    assert {m["status"] for m in unit + square} <= {"killed", "survived"}
    assert any(m["status"] == "killed" for m in square)


def test_flat_layout_with_root_conftest_only_mutates_imported_packages(project: Project) -> None:
    project.write(
        {
            "conftest.py": """
                import pytest
                from inventory.stock import Stock

                @pytest.fixture
                def stock():
                    return Stock({"apple": 3})
            """,
            "inventory/__init__.py": "",
            "inventory/stock.py": """
                class Stock:
                    def __init__(self, items):
                        self.items = dict(items)

                    def take(self, name, n=1):
                        if self.items.get(name, 0) < n:
                            raise ValueError(name)
                        self.items[name] -= n
                        return self.items[name]
            """,
            "tools/__init__.py": "",
            "tools/release.py": """
                def bump(version):
                    return version + 1
            """,
            "tests/test_stock.py": """
                import pytest

                def test_take(stock):
                    assert stock.take("apple", 2) == 1

                def test_take_too_many(stock):
                    with pytest.raises(ValueError):
                        stock.take("apple", 4)
            """,
        }
    )
    result = project.run()
    assert result.ret == 0
    modules = {m["module"] for m in project.mutants().values()}
    # tools/ is a package in the rootdir, but no test imports it
    assert modules == {"inventory.stock"}
    assert project.statuses()  # and mutants ran through the conftest fixture
    assert "killed" in project.statuses().values()


def test_source_files_are_byte_identical_after_a_run(project: Project) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": STRONG_TESTS})
    before = project.source_hashes()
    project.run("--escape-paths", "pricing.py")
    assert project.source_hashes() == before
    assert not list(project.path.rglob("mutants"))


def test_a_failing_subtest_kills_the_mutant(project: Project) -> None:
    # pytest reports subtest failures through a hook, not in the test's own
    # reports; a mutant caught only inside a subtest must still be killed.
    project.write(
        {
            "pricing.py": PRICING,
            "test_pricing.py": """
                import unittest
                from pricing import fee

                class FeeTests(unittest.TestCase):
                    def test_table(self):
                        for amount, expected in [(100, 0), (99, 5)]:
                            with self.subTest(amount=amount):
                                self.assertEqual(fee(amount), expected)
            """,
        }
    )
    result = project.run("--escape-paths", "pricing.py")
    assert result.ret == 0
    in_fee = {k: m for k, m in project.mutants().items() if "x_fee__" in k}
    assert in_fee and {m["status"] for m in in_fee.values()} == {"killed"}
    assert all(m["killed_by"] == "test_pricing.py::FeeTests::test_table" for m in in_fee.values())


def test_a_child_that_exits_0_without_reporting_is_an_error_not_a_survivor(project: Project) -> None:
    project.write(
        {
            "gate.py": """
                import os

                def check(n):
                    if n > 0:
                        return "ok"
                    os._exit(0)  # a mutant that reaches this ends the process "successfully"
            """,
            "test_gate.py": """
                from gate import check

                def test_check():
                    assert check(1) == "ok"
            """,
        }
    )
    result = project.run("--escape-paths", "gate.py")
    assert result.ret == 0
    mutants = project.mutants()
    exits = first(mutants, lambda m: m["before"] == ["    if n > 0:"] and m["after"] == ["    if n > 1:"])
    assert exits["status"] == "error"
    assert exits["status_reason"] == "child exited with code 0 without reporting"
    assert exits["status"] != "survived"


def test_survivor_list_is_capped_by_default_and_complete_with_v(project: Project) -> None:
    project.write(
        {
            "labels.py": """
                def label(n):
                    return ["zero", "one", "two", "three", "four", "five", "six"][n]
            """,
            "test_labels.py": """
                from labels import label

                def test_label_is_text():
                    assert isinstance(label(0), str)
            """,
        }
    )
    result = project.run("--escape-paths", "labels.py")
    survivors = [m for m in project.mutants().values() if m["status"] == "survived"]
    assert len(survivors) > 10
    result.stdout.fnmatch_lines(
        [f"Surviving mutants ({len(survivors)}):", f"... and {len(survivors) - 10} more (use -v to list all)"]
    )
    verbose = project.run("--escape-paths", "labels.py", "-v")
    assert verbose.stdout.str().count("(labels.py:2): a string changed") == len(survivors)
    assert "use -v to list all" not in verbose.stdout.str()


def test_a_killer_that_fails_alone_is_excluded_and_its_kills_run_again(project: Project) -> None:
    # test_depends passes in the suite only because test_a_sets ran first; alone
    # (as in a mutant's child) it fails, mutant or not.  Its "kills" must not count.
    project.write(
        {
            "pricing.py": PRICING,
            "state.py": "FLAG = False\n",
            "test_a.py": """
                import state

                def test_a_sets():
                    state.FLAG = True
            """,
            "test_b.py": """
                import time
                import state
                from pricing import fee

                def test_depends():
                    assert state.FLAG, "needs test_a_sets first"
                    assert fee(100) == 0

                def test_fee():
                    time.sleep(0.05)  # slower, so test_depends runs first and "kills"
                    assert fee(100) == 0
                    assert fee(99) == 5
            """,
        }
    )
    result = project.run("--escape-paths", "pricing.py")
    assert result.ret == 0
    model = project.results()["x-escape"]
    assert set(model["excluded_tests"]) == {"test_b.py::test_depends"}
    assert "fails when run alone without a mutant" in model["excluded_tests"]["test_b.py::test_depends"]
    in_fee = [m for m in model["mutants"] if "x_fee__" in m["id"]]
    assert in_fee and all(m["status"] == "killed" for m in in_fee)
    assert all(m["killed_by"] == "test_b.py::test_fee" for m in in_fee)
    result.stdout.fnmatch_lines(["warning: excluded test_b.py::test_depends: fails when run alone*"])


def test_a_killer_that_fails_only_after_another_test_is_excluded(project: Project) -> None:
    # test_starts_clean passes in the suite (it runs first) and alone; in a
    # mutant's child it runs after the faster test_registers, finds that
    # test's entry, and fails: mutant or not.  Those "kills" must not count.
    project.write(
        {
            "registry.py": """
                _seen = []


                def register(name, size):
                    _seen.append(name)
                    return size * 2


                def seen():
                    return list(_seen)
            """,
            "test_registry.py": """
                import time
                from registry import register, seen

                def test_starts_clean():
                    time.sleep(0.05)  # slower: in a mutant's child it runs second
                    assert seen() == []
                    register("first", 1)

                def test_registers():
                    register("x", 3)  # checks nothing
            """,
        }
    )
    result = project.run("--escape-paths", "registry.py", "--escape-fail-under", "0")
    assert result.ret == 0, result.stdout.str()
    model = project.results()["x-escape"]
    clean = "test_registry.py::test_starts_clean"
    assert set(model["excluded_tests"]) == {clean}
    assert model["excluded_tests"][clean].startswith(
        "fails when run after test_registry.py::test_registers without a mutant: "
    )
    assert model["excluded_tests"][clean].endswith("(it depends on the order tests run in)")
    in_register = [m for m in model["mutants"] if "x_register__" in m["id"]]
    # nothing checks register: without the order-dependent "kills", all of them survive
    assert in_register and all(m["status"] == "survived" for m in in_register), in_register
    result.stdout.fnmatch_lines([f"warning: excluded {clean}: fails when run after*"])


def test_the_killers_of_one_run_are_checked_after_the_tests_they_followed_in_one_child(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The extreme mutant's child runs every test, and all four fail: four
    killers.  One child checks them all after the tests they followed,
    stopping where test_c fails without a mutant (it runs after
    test_registers in a child, first in the suite); test_d after it is not
    judged, as its own check would have stopped at test_c too."""
    seen = project.beside("runs.txt")
    monkeypatch.setenv("RUNS_SEEN", str(seen))
    project.write(
        {
            # touch() runs a line more: the tests that call it run last in a child
            "calc.py": "def double(x):\n    return x * 2\n\n\ndef touch():\n    pass\n",
            "registry.py": "seen = []\n",
            "conftest.py": """
                import os

                import pytest

                @pytest.hookimpl(wrapper=True)
                def pytest_runtest_makereport(item, call):
                    report = yield
                    if report.when == "call":
                        with open(os.environ["RUNS_SEEN"], "a") as f:
                            f.write(f"{os.getpid()} {item.name} {report.outcome}\\n")
                    return report
            """,
            "test_calc.py": """
                import registry
                from calc import double, touch

                def test_c():  # third in a child, first in the suite
                    touch()
                    assert registry.seen == []
                    assert double(3) == 6

                def test_a():
                    assert double(1) == 2

                def test_b():
                    registry.seen.append("b")
                    assert double(2) == 4

                def test_d():
                    touch()
                    assert double(4) == 8
            """,
        }
    )
    assert project.run("--escape-paths", "calc.py", "--escape-fail-under", "0").ret == 0
    model = project.results()["x-escape"]
    (double,) = model["functions"]
    # run again without test_c: three killers are left
    assert [k["test"] for k in double["extreme"]["kills"]] == [f"test_calc.py::test_{t}" for t in "abd"]
    assert model["excluded_tests"] == {
        "test_calc.py::test_c": "fails when run after test_calc.py::test_b and 1 more without a mutant: "
        "AssertionError: assert ['b'] == [] (it depends on the order tests run in)"
    }
    runs: dict[str, list[tuple[str, str]]] = {}
    for line in seen.read_text().splitlines():
        pid, test, outcome = line.split()
        runs.setdefault(pid, []).append((test, outcome))
    # every mutant fails test_a first; the suite runs test_c first: what is
    # left, running more than one test, checks killers after others
    after = [run for run in runs.values() if len(run) > 1 and run[0] == ("test_a", "passed")]
    assert after == [[("test_a", "passed"), ("test_b", "passed"), ("test_c", "failed")]]


def test_each_child_numbers_its_tmp_paths_in_a_base_of_its_own(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pytest numbers a test's ``tmp_path`` by listing its base directory: one
    base shared by every child held every directory of the run, and each
    ``tmp_path`` listed them all (13 times a plain run's time on tinydb)."""
    seen = project.beside("tmp-paths.txt")
    monkeypatch.setenv("TMP_PATHS_SEEN", str(seen))
    project.write(
        {
            "calc.py": "def add(a, b):\n    return a + b\n",
            "test_calc.py": """
                import os
                from calc import add

                def test_add(tmp_path):
                    with open(os.environ["TMP_PATHS_SEEN"], "a") as f:
                        f.write(str(tmp_path) + "\\n")
                    assert add(2, 3) == 5
            """,
        }
    )
    assert project.run("--escape-paths", "calc.py").ret == 0
    in_children = [Path(p) for p in seen.read_text().split() if "/child-" in p]
    # a mutant's child, a killer's self-check...: each in a base of its own
    assert len(in_children) >= 2
    assert len({p.parent for p in in_children}) == len(in_children)
