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
    # Stryker's killedBy names the doctest (by its id, whose name is its node id)
    names = {t["id"]: t["name"] for f in project.results()["testFiles"].values() for t in f["tests"]}
    stryker = project.results()["files"]["src/pkg/text.py"]["mutants"]
    assert any("src/pkg/text.py::pkg.text.shout" in map(names.get, m.get("killedBy", [])) for m in stryker)
    assert "src/pkg/calc.py" not in project.results()["testFiles"] or all(
        t["name"] in doctests for t in project.results()["testFiles"]["src/pkg/calc.py"]["tests"]
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
    project.with_plugins("xdist.plugin", "xdist.looponfail", "pytest_cov.plugin")
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


HIDING_DECORATOR = """
    class registered:
        \"\"\"Keeps the function where nothing says it is there.\"\"\"

        __slots__ = ("_target",)

        def __init__(self, func):
            self._target = func

        def __call__(self, *args):
            return self._target(*args)
    """


def test_nothing_under_the_packages_is_dropped_silently(project: Project) -> None:
    project.write(
        {
            "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["src"]\n',
            "src/shop/__init__.py": "",
            "src/shop/hooks.py": HIDING_DECORATOR,
            "src/shop/cart.py": """
                from shop.hooks import registered


                def total(prices):
                    return sum(prices)


                @registered
                def rate(code):
                    return 0.2 if code == "uk" else 0.0
                """,
            "src/shop/broken.py": "def oops(:\n",
            "src/shop/_vendor/__init__.py": "",
            "src/shop/_vendor/six.py": "def helper():\n    return 1\n",
            "tests/test_cart.py": """
                from shop.cart import rate, total


                def test_total():
                    assert total([1, 2]) == 3


                def test_rate():
                    assert rate("uk") == 0.2


                def test_arithmetic():
                    assert 1 + 1 == 2
                """,
        }
    )
    result = project.run("-v")
    assert result.ret == EscapeExit.OK, result.stdout.str()
    model = project.results()["x-escape"]
    left_out = {(x["kind"], x["path"], x["function"]): x["reason"] for x in model["left_out"]}
    assert left_out == {
        ("directory", "src/shop/_vendor/", None): "third-party code (vendored)",
        ("file", "src/shop/broken.py", None): left_out[("file", "src/shop/broken.py", None)],
        ("function", "src/shop/cart.py", "rate"): (
            "decorated: its decorator keeps the function where pytest-escape cannot reach it "
            "(no __wrapped__, closure cell or known attribute leads to it)"
        ),
    }
    assert left_out[("file", "src/shop/broken.py", None)].startswith("cannot parse it (line 1")
    assert "rate" not in {m["function"] for m in model["mutants"]}
    warnings = model["warnings"]
    assert "not mutated: src/shop/_vendor/: third-party code (vendored)" in warnings
    assert any(
        w.startswith("not mutated: 1 function (decorated: ") and w.endswith("src/shop/cart.py::rate")
        for w in warnings
    )
    assert (
        "1 test runs no mutated function, so no mutant can reach it: tests/test_cart.py::test_arithmetic"
    ) in warnings
    result.stdout.fnmatch_lines(
        [
            "escape: under test: 3 files, 3 functions; not mutated: 1 directory, 1 file, 1 function *",
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


def test_a_file_whose_name_is_no_module_name_is_named_not_scored(project: Project) -> None:
    """A stray copy shipped beside the code (``grammar.py old.py``) cannot be
    imported: its mutants were all counted as uncovered, and pulled the
    score down.  It is left out, with the reason."""
    project.write(
        {
            "shop/__init__.py": "",
            "shop/pricing.py": PRICING,
            "shop/pricing old copy.py": PRICING,
            "test_pricing.py": PRICING_TESTS.replace("from pricing", "from shop.pricing"),
        }
    )
    result = project.run()
    assert result.ret == EscapeExit.OK, result.stdout.str()
    model = project.results()["x-escape"]
    assert {m["module"] for m in model["mutants"]} == {"shop.pricing"}
    left_out = {(x["kind"], x["path"]): x["reason"] for x in model["left_out"]}
    assert left_out[("file", "shop/pricing old copy.py")] == (
        "no import can load it: 'shop.pricing old copy' is not a module name"
    )
    result.stdout.fnmatch_lines(["*warning: not mutated: shop/pricing old copy.py: no import can load it*"])


def test_exit_11_names_the_decorators_that_hide_every_function(project: Project) -> None:
    project.write(
        {
            "hooks.py": HIDING_DECORATOR,
            "cached.py": """
                from hooks import registered


                @registered
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
    result = project.run("--escape-paths", "cached.py")
    assert result.ret == EscapeExit.NO_MUTANTS_MEASURED
    result.stdout.fnmatch_lines(
        [
            "escape: no mutants measured: the 1 target file holds no function a mutant can be planted in "
            "(1 function: decorated: its decorator keeps the function where pytest-escape cannot reach it*), "
            "so there is no score to gate on; their decorators keep their mutants from being switched on*"
        ]
    )


DECORATED = {
    "deco.py": """
        import functools
        import inspect
        import textwrap
        from contextlib import contextmanager
        from dataclasses import dataclass


        def logged(func):
            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                return func(*args, **kwargs)
            return wrapper


        def rebuilt(func):
            # like typeguard's @typechecked: the function is recompiled with code of its own
            text = textwrap.dedent(inspect.getsource(func)).split("\\n", 1)[1]
            namespace = {}
            exec(compile(text.replace("return ", "return 0 + "), func.__code__.co_filename, "exec"),
                 func.__globals__, namespace)
            return namespace[func.__name__]


        @functools.lru_cache(maxsize=None)
        def square(x):
            return x * x


        NINE = square(3)  # cached at import, by the original, in every process


        @logged
        def add(a, b):
            return a + b


        @contextmanager
        def opened(name):
            yield name.upper()


        @rebuilt
        def scaled(x):
            return x * 3


        @dataclass
        class Temp:
            c: float

            @property
            def fahrenheit(self):
                return self.c * 9 / 5 + 32

            @fahrenheit.setter
            def fahrenheit(self, f):
                self.c = (f - 32) * 5 / 9
        """,
    "test_deco.py": """
        from deco import Temp, add, opened, scaled, square


        def test_square():
            assert square(4) == 16


        def test_add():
            assert add(2, 3) == 5


        def test_opened():
            with opened("a") as value:
                assert value == "A"


        def test_scaled():
            assert scaled(2) == 6


        def test_fahrenheit():
            temp = Temp(100)
            assert temp.fahrenheit == 212
            temp.fahrenheit = 32
            assert temp.c == 0
        """,
}


def test_decorated_functions_are_mutated_and_their_mutants_killed(project: Project) -> None:
    project.write(DECORATED)
    result = project.run("--escape-paths", "deco.py")
    assert result.ret == EscapeExit.OK, result.stdout.str()
    model = project.results()["x-escape"]
    by_function: dict[str, set[str]] = {}
    for m in model["mutants"]:
        by_function.setdefault(m["function"], set()).add(m["status"])
    assert by_function["square"] == {"killed"}
    assert by_function["add"] == {"killed"}
    assert by_function["opened"] == {"killed"}
    assert by_function["Temp.fahrenheit"] == {"killed"}
    assert "killed" in by_function["Temp.fahrenheit__setter"]
    labels = {f["name"]: f["label"] for f in model["functions"]}
    assert labels["square"] == labels["opened"] == labels["Temp.fahrenheit"] == "tested"
    # the instrumenting decorator's function is named, not scored
    (left,) = [x for x in model["left_out"] if x["kind"] == "function"]
    assert (left["function"], left["path"]) == ("scaled", "deco.py")
    assert "replaced the function's code with its own" in left["reason"]
    assert "scaled" not in by_function


def test_click_commands_and_typeguard_with_the_real_packages(project: Project) -> None:
    pytest.importorskip("click")
    pytest.importorskip("typeguard")
    project.write(
        {
            "cli.py": """
                import click
                from typeguard import typechecked


                @click.command()
                @click.option("--name", default="world")
                def hello(name):
                    click.echo(f"hello {name}")


                @typechecked
                def triple(x: int) -> int:
                    return x * 3
                """,
            "test_cli.py": """
                from click.testing import CliRunner

                from cli import hello, triple


                def test_hello():
                    assert CliRunner().invoke(hello, ["--name", "bob"]).output == "hello bob\\n"


                def test_triple():
                    assert triple(2) == 6
                """,
        }
    )
    result = project.run("--escape-paths", "cli.py")
    assert result.ret == EscapeExit.OK, result.stdout.str()
    model = project.results()["x-escape"]
    assert {m["function"]: m["status"] for m in model["mutants"]}.get("hello") == "killed"
    (left,) = model["left_out"]
    assert left["function"] == "triple" and "typeguard" in left["reason"]


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
    project.with_async()
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


def test_a_doctest_text_file_is_a_test_that_checks(project: Project) -> None:
    project.write(
        {
            "pytest.ini": "[pytest]\naddopts = --doctest-glob=*.txt\n",
            "pricing.py": PRICING,
            "guide.txt": """
                The fee is waived from 100 on:

                >>> from pricing import fee
                >>> fee(100), fee(99)
                (0, 5)
                """,
        }
    )
    result = project.run()
    assert result.ret == EscapeExit.OK, result.stdout.str()
    model = project.results()["x-escape"]
    (test,) = model["tests"]
    assert (test["id"], test["doctest"], test["verdict"]) == ("guide.txt::guide.txt", True, "checks")
    assert {m["status"] for m in model["mutants"]} == {"killed"}
    assert {k["exception"] for m in model["mutants"] for k in m["kills"]} == {"DocTestFailure"}


def test_a_package_under_python_files_star_py_is_mutated_and_its_tests_are_not(project: Project) -> None:
    """``python_files = *.py`` (set to collect every module's doctests) matches
    the package's code too; taken by name, the run found no code to mutate."""
    project.write(
        {
            "setup.cfg": """
                [tool:pytest]
                python_files = *.py
                addopts = --doctest-modules
                """,
            "pkg/__init__.py": "",
            "pkg/calc.py": '''
                def add(a, b):
                    """
                    >>> add(2, 3)
                    5
                    """
                    return a + b
                ''',
            "pkg/checks.py": """
                import unittest

                from pkg.calc import add


                class AddingCase(unittest.TestCase):
                    def test_add(self):
                        self.assertEqual(add(1, 2), 3)
                """,
        }
    )
    result = project.run()
    assert result.ret == EscapeExit.OK, result.stdout.str()
    assert {m["module"] for m in project.results()["x-escape"]["mutants"]} == {"pkg.calc"}


def test_escape_paths_given_twice_mutates_both(project: Project) -> None:
    """A second ``--escape-paths`` adds to the first; argparse kept only the
    last, and the modules named before it were dropped without a word."""
    project.write(
        {
            "pricing.py": PRICING,
            "tools.py": "def build(x):\n    return x + 1\n",
            "test_pricing.py": PRICING_TESTS,
            "test_tools.py": "from tools import build\n\n\ndef test_build():\n    assert build(1) == 2\n",
        }
    )
    result = project.run("--escape-paths", "pricing.py", "--escape-paths", "tools.py")
    assert result.ret == EscapeExit.OK, result.stdout.str()
    assert {m["module"] for m in project.results()["x-escape"]["mutants"]} == {"pricing", "tools"}


#: a library whose code runs inside a trace function: coverage cannot see it run
TRACER = {
    "pyproject.toml": """
        [tool.pytest.ini_options]
        addopts = "--doctest-modules"
        """,
    # the doctest runner sets the trace function it found again after each doctest
    "doubling.py": '''
        def double(x):
            """
            >>> double(2)
            4
            """
            return x * 2
        ''',
    "counting.py": """
        import sys


        class Counter:
            def __init__(self):
                self.calls = 0

            def trace(self, frame, event, arg):
                if event == "call":
                    self.calls += 1
                return None


        def calls_made(function):
            counter = Counter()
            previous = sys.gettrace()
            sys.settrace(counter.trace)
            try:
                function()
            finally:
                sys.settrace(previous)
            return counter.calls
        """,
    "test_counting.py": """
        import sys

        from counting import calls_made


        def helper():
            return 1


        def test_one_call_is_counted():
            assert calls_made(helper) == 1


        def test_a_thread_sets_no_trace_function_of_the_test_s_own():
            # under coverage, a new thread sets coverage's trace function in itself
            import threading

            counted = []
            thread = threading.Thread(target=lambda: counted.append(helper()))
            thread.start()
            thread.join()
            assert counted == [1]


        def test_a_tracer_sees_no_frame_of_the_run():
            names = []

            def trace(frame, event, arg):
                names.append(frame.f_code.co_name)

            previous = sys.gettrace()
            sys.settrace(trace)
            helper()
            sys.settrace(previous)
            assert names == ["helper"]
        """,
}


def test_code_run_inside_a_trace_function_is_run_against_the_tests_that_set_it(project: Project) -> None:
    project.write(TRACER)
    result = project.run()
    # nothing of the run shows in what a test's own tracer sees
    assert result.ret == EscapeExit.OK
    result.stdout.fnmatch_lines(["*4 passed*"])
    warnings = project.results()["x-escape"]["warnings"]
    assert warnings[0] == (
        "2 tests change the trace or profile function (test_counting.py::test_one_call_is_counted, "
        "test_counting.py::test_a_tracer_sees_no_frame_of_the_run): coverage cannot see what runs while "
        "another one, or none, is set, so each mutant on a line no test was seen to run ran against up to "
        '10 tests coverage could not see through; one none of them kills keeps "no coverage"'
    )
    traced = [m for m in project.mutants().values() if m["function"] == "Counter.trace"]
    # coverage saw no test run them, and a test kills them
    assert traced and all(m["covered_by"] == [] for m in traced)
    assert {m["status"] for m in traced} == {"killed", "no coverage"}
    assert all(
        m["killed_by"] == "test_counting.py::test_one_call_is_counted" for m in traced if m["killed_by"]
    )
    # `self.calls = 1` counts one call too: not known to be met, so not called a survivor
    (kept,) = [m for m in traced if m["status"] == "no coverage"]
    assert kept["replacement"] == "self.calls = 1"
    assert kept["status_reason"].startswith(
        "no test executes line 10 as far as coverage could see; the 2 tests"
    )
    assert kept["passed_by"] == []
    (function,) = [f for f in project.results()["x-escape"]["functions"] if f["name"] == "Counter.trace"]
    assert function["covered_by"] == ["test_counting.py::test_one_call_is_counted"]
    assert function["label"] != "not covered"


def test_a_test_that_starts_a_python_process_is_named(project: Project) -> None:
    """Coverage does not measure what another process runs, and no mutant reaches it."""
    project.write(
        {
            "calc.py": "def double(x):\n    return x * 2\n\n\ndef main():\n    print(double(21))\n",
            "test_calc.py": """
                import subprocess
                import sys

                from calc import double


                def test_double():
                    assert double(2) == 4


                def test_main_in_a_process():
                    code = "import calc; calc.main()"
                    out = subprocess.run([sys.executable, "-c", code], capture_output=True)
                    assert out.stdout.strip() == b"42"


                def test_another_program():
                    assert subprocess.run(["true"]).returncode == 0
                """,
        }
    )
    project.run()
    warnings = project.results()["x-escape"]["warnings"]
    assert warnings[0].startswith(
        "1 test starts Python processes (test_calc.py::test_main_in_a_process; the first runs `"
    )
    assert warnings[0].endswith(
        " -c import calc; calc.main()`): coverage does not measure what such a process runs, and no mutant "
        'reaches it, so a mutant only a process runs is "no coverage"'
    )
    main = [m for m in project.mutants().values() if m["function"] == "main"]
    assert main and all(m["status"] == "no coverage" for m in main)
