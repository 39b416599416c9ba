"""Reach: every module of a real project's layout is mutated, or named with the
reason it is not, with the project's own pytest configuration and nothing else."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import Project

from pytest_escape.gate import EscapeExit

#: a package whose modules carry doctests, collected the way many real
#: projects do it: testpaths over src/ plus --doctest-modules
DOCTEST_PACKAGE = {
    "pyproject.toml": """
        [tool.pytest.ini_options]
        testpaths = ["src", "tests"]
        addopts = "--doctest-modules"
        pythonpath = ["src"]
        """,
    "src/pkg/__init__.py": "",
    "src/pkg/calc.py": '''
        """Arithmetic.

        >>> add(1, 2)
        3
        """


        def add(a, b):
            """
            >>> add(2, 3)
            5
            """
            return a + b


        def clamp(x, lo, hi):
            """
            >>> clamp(5, 0, 3)
            3
            """
            if x < lo:
                return lo
            if x > hi:
                return hi
            return x
        ''',
    "src/pkg/text.py": '''
        def shout(word):
            """
            >>> shout("hi")
            'HI!'
            """
            return word.upper() + "!"
        ''',
    "src/pkg/plain.py": """
        def sub(a, b):
            return a - b
        """,
    "tests/test_plain.py": """
        from pkg.plain import sub


        def test_sub():
            assert sub(3, 1) == 2
        """,
}


def test_every_module_of_a_doctest_package_is_mutated_and_its_doctests_are_checks(
    project: Project,
) -> None:
    project.write(DOCTEST_PACKAGE)
    result = project.run()
    assert result.ret == EscapeExit.OK, result.stdout.str()
    model = project.results()["x-escape"]
    # the modules with doctests were once taken for test files and dropped
    assert {f["module"] for f in model["files"]} == {"pkg", "pkg.calc", "pkg.text", "pkg.plain"}
    tests = {t["id"]: t for t in model["tests"]}
    doctests = {i for i, t in tests.items() if t["doctest"]}
    assert doctests == {
        "src/pkg/calc.py::pkg.calc",
        "src/pkg/calc.py::pkg.calc.add",
        "src/pkg/calc.py::pkg.calc.clamp",
        "src/pkg/text.py::pkg.text.shout",
    }
    # a doctest kills, and its output mismatch is a check, not a crash
    killers = {k["test"] for m in model["mutants"] for k in m["kills"]}
    assert "src/pkg/text.py::pkg.text.shout" in killers
    assert tests["src/pkg/text.py::pkg.text.shout"]["verdict"] == "checks"
    assert tests["src/pkg/calc.py::pkg.calc.add"]["verdict"] == "checks"
    assert not [i for i in doctests if tests[i]["verdict"] == "confirming-only"]
    # Stryker's killedBy names the doctest
    stryker = project.results()["files"]["src/pkg/text.py"]["mutants"]
    assert any("src/pkg/text.py::pkg.text.shout" in m.get("killedBy", []) for m in stryker)
    assert "src/pkg/calc.py" not in project.results()["testFiles"] or all(
        t["id"] in doctests for t in project.results()["testFiles"]["src/pkg/calc.py"]["tests"]
    )


def test_a_whole_library_in_one_init_with_doctests_is_scored(project: Project) -> None:
    """One ``pkg/__init__.py`` collected by ``--doctest-modules`` used to end in a
    false exit 11 ("holds nothing to mutate")."""
    project.write(
        {
            "pytest.ini": "[pytest]\naddopts = --doctest-modules\n",
            "pkg/__init__.py": '''
                def double(x):
                    """
                    >>> double(4)
                    8
                    """
                    return x * 2
                ''',
        }
    )
    result = project.run()
    assert result.ret == EscapeExit.OK, result.stdout.str()
    statuses = project.statuses()
    assert statuses and set(statuses.values()) == {"killed"}


XDIST_AND_COV = """
    [tool.pytest.ini_options]
    addopts = "-n 2 --cov=pricing --cov-report=term"
    """
PRICING = """
    def fee(amount):
        if amount >= 100:
            return 0
        return 5
    """
PRICING_TESTS = """
    from pricing import fee


    def test_fee():
        assert fee(100) == 0
        assert fee(99) == 5
    """


def test_xdist_and_pytest_cov_in_addopts_are_switched_off_for_the_run(project: Project) -> None:
    pytest.importorskip("xdist")
    pytest.importorskip("pytest_cov")
    project.write({"pyproject.toml": XDIST_AND_COV, "pricing.py": PRICING, "test_pricing.py": PRICING_TESTS})
    result = project.run()
    assert result.ret == EscapeExit.OK, result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines(
        [
            "escape: pytest-cov's --cov=pricing is off for this run *",
            "escape: pytest-xdist's -n 2 is off for this run: *",
        ]
    )
    # the tests ran here (no xdist worker lines), and their coverage selected the tests
    assert "bringing up nodes" not in result.stdout.str()
    assert "coverage: platform" not in result.stdout.str()  # pytest-cov's report
    statuses = project.statuses()
    assert statuses and "no coverage" not in statuses.values()
    assert set(statuses.values()) == {"killed"}


def test_coverage_run_around_pytest_is_still_refused_with_one_line(project: Project) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": PRICING_TESTS})
    done = subprocess.run(
        [sys.executable, "-m", "coverage", "run", "-m", "pytest", "--escape", "-p", "no:cacheprovider"],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == EscapeExit.USAGE_ERROR, done.stdout + done.stderr
    assert "escape: another coverage measurement is running (coverage run" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("table", ["pytest-escape", "escape", "pytest_escpe"])
def test_a_misnamed_config_table_stops_the_run(project: Project, table: str) -> None:
    project.write(
        {
            "pyproject.toml": f'[tool."{table}"]\nfail_under = 99\n',
            "pricing.py": PRICING,
            "test_pricing.py": PRICING_TESTS,
        }
    )
    result = project.run()
    assert result.ret == EscapeExit.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [f"ERROR: escape: *pyproject.toml: [[]tool.{table}] is not read by pytest-escape; rename it *"]
    )


def test_collect_only_only_collects(project: Project) -> None:
    project.write({"pricing.py": PRICING, "test_pricing.py": PRICING_TESTS})
    result = project.run("--collect-only", "--escape-property-budget", "5")
    assert result.ret == 0
    assert "escape:" not in result.stdout.str()
    result.stdout.fnmatch_lines(["*1 test collected*"])
    assert not project.report.exists()


def test_nothing_under_the_packages_is_dropped_silently(project: Project) -> None:
    project.write(
        {
            "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
            "src/shop/__init__.py": "",
            "src/shop/cart.py": """
                import functools


                def total(prices):
                    return sum(prices)


                @functools.lru_cache
                def rate(code):
                    return 0.2 if code == "uk" else 0.0


                class Cart:
                    @property
                    def empty(self):
                        return True
                """,
            "src/shop/broken.py": "def oops(:\n",
            "src/shop/_vendor/__init__.py": "",
            "src/shop/_vendor/six.py": "def helper():\n    return 1\n",
            "tests/test_cart.py": """
                from shop.cart import total


                def test_total():
                    assert total([1, 2]) == 3


                def test_arithmetic():
                    assert 1 + 1 == 2
                """,
        }
    )
    result = project.run("-v")
    assert result.ret == EscapeExit.OK, result.stdout.str()
    model = project.results()["x-escape"]
    left_out = {(x["kind"], x["path"], x["function"]): x["reason"] for x in model["left_out"]}
    assert left_out[("directory", "src/shop/_vendor/", None)] == "third-party code (vendored)"
    assert left_out[("file", "src/shop/broken.py", None)].startswith("cannot parse it (line 1")
    assert left_out[("function", "src/shop/cart.py", "rate")].startswith("decorated (@functools.lru_cache)")
    assert left_out[("function", "src/shop/cart.py", "Cart.empty")].startswith("decorated (@property)")
    warnings = model["warnings"]
    assert "not mutated: src/shop/_vendor/: third-party code (vendored)" in warnings
    assert (
        "not mutated: 2 functions (decorated functions are not mutated yet): "
        "src/shop/cart.py::rate, src/shop/cart.py::Cart.empty"
    ) in warnings
    assert (
        "1 test executes no line of the code under test, so no mutant can reach it: "
        "tests/test_cart.py::test_arithmetic"
    ) in warnings
    result.stdout.fnmatch_lines(
        [
            "escape: under test: 2 files, 1 function; not mutated: 1 directory, 1 file, 2 functions *",
            "*warning: not mutated: src/shop/_vendor/: third-party code (vendored)",
        ]
    )


def test_a_flat_layout_module_no_test_imports_is_named(project: Project) -> None:
    project.write(
        {
            "pricing.py": PRICING,
            "tools.py": "def build():\n    return 1\n",
            "test_pricing.py": PRICING_TESTS,
        }
    )
    result = project.run()
    assert result.ret == EscapeExit.OK
    (entry,) = project.results()["x-escape"]["left_out"]
    assert (entry["kind"], entry["path"]) == ("file", "tools.py")
    assert entry["reason"].startswith("no test imports it")


def test_exit_11_names_decorated_functions_as_the_real_reason(project: Project) -> None:
    project.write(
        {
            "cached.py": """
                import functools


                @functools.cache
                def square(x):
                    return x * x
                """,
            "test_cached.py": """
                from cached import square


                def test_square():
                    assert square(3) == 9
                """,
        }
    )
    result = project.run()
    assert result.ret == EscapeExit.NO_MUTANTS_MEASURED
    result.stdout.fnmatch_lines(
        [
            "escape: no mutants measured: the 1 target file holds no function a mutant can be planted in "
            "(1 function: decorated (not mutated yet)), so there is no score to gate on; decorated "
            "functions are not mutated yet*"
        ]
    )


ASYNC_PROJECT = {
    "pyproject.toml": """
        [tool.pytest.ini_options]
        asyncio_mode = "auto"
        """,
    "shop.py": """
        async def discount(qty: int) -> float:
            if qty >= 10:
                return 0.1
            return 0.0


        class Store:
            def __init__(self):
                self.items = []

            async def add(self, name: str) -> int:
                self.items.append(name)
                return len(self.items)
        """,
    "test_shop.py": """
        import pytest

        from shop import Store, discount


        async def test_discount_auto_mode():
            assert await discount(20) == 0.1


        @pytest.mark.anyio
        async def test_store_with_anyio():
            assert await Store().add("a") == 1


        @pytest.fixture
        def anyio_backend():
            return "asyncio"
        """,
}


def test_async_code_is_mapped_killed_and_searched(project: Project) -> None:
    pytest.importorskip("pytest_asyncio")
    pytest.importorskip("anyio")
    project.write(ASYNC_PROJECT)
    written = project.beside("regression.py")
    result = project.run("--escape-witness-budget", "30", "--escape-write-tests", str(written))
    assert result.ret == EscapeExit.OK, result.stdout.str()
    mutants = project.mutants()
    killers = {k["test"] for m in mutants.values() for k in m["kills"]}
    # tests of pytest-asyncio's auto mode and of anyio's marker both cover and kill
    assert killers == {"test_shop.py::test_discount_auto_mode", "test_shop.py::test_store_with_anyio"}
    # qty >= 10 -> qty > 10 survives (the test uses 20); the search runs the coroutine
    boundary = next(m for m in mutants.values() if m["after"] == ["    if qty > 10:"])
    assert boundary["status"] == "survived"
    witness = boundary["witness"]
    assert witness["verdict"] == "witnessed" and witness["original"] == "returns 0.1"
    assert "result = asyncio.run(discount(qty=10))" in witness["test"]
    assert "unexplorable" not in {(m.get("witness") or {}).get("verdict") for m in mutants.values()}
    # the written tests are plain tests that pass on the original code
    check = project.pytester.runpytest_subprocess(str(written), "-p", "no:cacheprovider")
    assert check.ret == 0 and check.parseoutcomes()["passed"] >= 1
