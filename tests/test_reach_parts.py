"""The parts behind reach, on typed values: which functions take no mutant and
why, which directories are not walked, misnamed config tables, doctest
failures, and the words that name what was left out."""

from __future__ import annotations

import doctest
import textwrap
from pathlib import Path

import pytest

from pytest_escape.config import SettingsError, load_pyproject, misnamed_table
from pytest_escape.doctests import OUTPUT_MISMATCH, UNEXPECTED_EXCEPTION, failure_kind
from pytest_escape.gate import EscapeExit, judge, nothing_to_mutate
from pytest_escape.model import FileInfo, LeftOut, Results
from pytest_escape.model import TestInfo as Info
from pytest_escape.mutation.mutmut_adapter.generate import mutate_module
from pytest_escape.oracle.verdicts import is_check, unmapped_tests_warning
from pytest_escape.report.describe import function_warnings, reach_sentence
from pytest_escape.targets import find_candidates
from pytest_escape.wording import plural

OVERLOADED = textwrap.dedent(
    """

    from typing import overload


    @overload
    def parse(x: int) -> int: ...
    @overload
    def parse(x: str) -> str: ...
    def parse(x):
        return x + x
    """
)
SOURCE = textwrap.dedent(
    """
    import enum
    import functools
    from contextlib import contextmanager


    def plain(x):
        return x + 1


    @functools.lru_cache(maxsize=None)
    def cached(x):
        return x * 2


    @contextmanager
    def opened():
        yield 1


    class Box:
        def __new__(cls):
            return super().__new__(cls)

        @property
        def size(self):
            return 1

        @size.setter
        def size(self, value):
            self._size = value

        @staticmethod
        def twice(x):
            return x * 2

        class Inner:
            def depth(self):
                return 3


    class Colour(enum.Enum):
        RED = 1

        def _generate_next_value_(name, start, count, last):
            return count + 1
    """
)


def test_every_function_without_a_mutant_is_named_with_mutmuts_reason() -> None:
    module = mutate_module("shapes", SOURCE + OVERLOADED, "shapes.py")
    skipped = {(s.name, s.line): s.reason for s in module.skipped}
    assert skipped == {
        ("Box.__new__", 22): "mutmut never mutates __new__",
        ("Box.Inner.depth", 38): (
            "a method of a nested class: mutmut mutates top-level functions and methods only"
        ),
        ("Colour._generate_next_value_", 45): (
            "an Enum's _generate_next_value_, which runs while the class is created"
        ),
        ("parse", 53): "a typing overload: a signature without a body of its own",
        ("parse", 55): "a typing overload: a signature without a body of its own",
    }
    # decorated functions are mutated, a property's setter under its own name
    assert {m.function for m in module.mutants} == {
        "plain",
        "cached",
        "opened",
        "Box.size",
        "Box.size__setter",
        "Box.twice",
        "parse",
    }
    # every one is switched by its code object: its copies start at def, its decorators never run twice
    assert len(module.functions) == 7
    assert all(f.text.lstrip().startswith("def ") for f in module.functions)


def test_a_function_no_operator_applies_to_is_named_too() -> None:
    module = mutate_module("m", "def f(x):\n    pass\n", "m.py")
    assert not module.mutants
    assert [(s.name, s.reason) for s in module.skipped] == [
        ("f", "nothing to mutate: no operator applies to its body")
    ]


def test_vendored_tests_and_docs_directories_inside_a_package_are_named(tmp_path: Path) -> None:
    for name in (
        "src/pkg/__init__.py",
        "src/pkg/core.py",
        "src/pkg/_vendor/six.py",
        "src/pkg/tests/test_core.py",
        "src/pkg/docs/conf.py",
        "src/pkg/data/readme.txt",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    found = find_candidates(tmp_path)
    assert {p.name for p in found.files} == {"__init__.py", "core.py"}
    pkg = (tmp_path / "src/pkg").resolve()
    assert dict(found.skipped_dirs) == {
        pkg / "_vendor": "third-party code (vendored)",
        pkg / "tests": "test code",
        pkg / "docs": "not the package's code (docs)",
    }  # data/ holds no Python: nothing to name


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("pytest-escape", True),
        ("escape", True),
        ("Pytest-Escape", True),
        ("pytest_escpe", True),
        ("pytest", False),
        ("pytest_escape", False),
        ("pytest-asyncio", False),
        ("ruff", False),
    ],
)
def test_misnamed_tables(name: str, meant: bool) -> None:
    assert misnamed_table({name: {}}) == (name if meant else None)


def test_a_misnamed_table_is_a_settings_error_naming_the_right_one(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.escape]\nfail_under = 99\n")
    with pytest.raises(SettingsError, match=r"\[tool.escape\] is not read by pytest-escape; rename it"):
        load_pyproject(tmp_path)


class _Many(Exception):
    def __init__(self, failures: list[object]) -> None:
        self.failures = failures


def test_a_doctest_output_mismatch_is_a_check_and_its_crash_is_not() -> None:
    test = doctest.DocTest([], {}, "t", None, 0, None)
    example = doctest.Example("f()", "1\n")
    mismatch = doctest.DocTestFailure(test, example, "2\n")
    crash = doctest.UnexpectedException(test, example, (ValueError, ValueError(), None))
    assert failure_kind(mismatch) == OUTPUT_MISMATCH
    assert failure_kind(crash) == UNEXPECTED_EXCEPTION
    # --doctest-continue-on-failure: one mismatch among them makes it a check
    assert failure_kind(_Many([crash, mismatch])) == OUTPUT_MISMATCH
    assert failure_kind(_Many([crash])) == UNEXPECTED_EXCEPTION
    assert is_check(OUTPUT_MISMATCH, None, "")
    assert not is_check(UNEXPECTED_EXCEPTION, None, "")


def _results(**fields: object) -> Results:
    return Results(project_root="/p", tool_version="0", mutmut_version="3.8.1", **fields)  # type: ignore[arg-type]


def test_exit_11_names_what_was_left_out_and_advises_accordingly() -> None:
    decorated = LeftOut("function", "pkg/__init__.py", "decorated: hidden", "square", 3)
    results = _results(files=[FileInfo("pkg/__init__.py", "pkg", "")], left_out=[decorated])
    verdict = judge(results)
    assert verdict.exit == EscapeExit.NO_MUTANTS_MEASURED
    assert verdict.message == (
        "escape: no mutants measured: the 1 target file holds no function a mutant can be planted in "
        "(1 function: decorated: hidden), so there is no score to gate on; their decorators keep their "
        "mutants from being switched on, so this code cannot be scored; name other code with --escape-paths"
    )
    dropped = LeftOut("file", "tools.py", "no test imports it")
    message = nothing_to_mutate(_results(left_out=[dropped]))
    assert "every candidate was left out (tools.py: no test imports it; see the warnings above)" in message
    assert message.endswith("point --escape-paths at the code the tests exercise")


def test_the_reach_sentence_and_warnings_count_what_is_left_out() -> None:
    left_out = [
        LeftOut("directory", "pkg/_vendor/", "third-party code (vendored)"),
        *(LeftOut("function", "pkg/a.py", "decorated: hidden", f"f{i}", i) for i in range(7)),
        LeftOut("function", "pkg/a.py", "mutmut never mutates __new__", "C.__new__", 20),
    ]
    results = _results(files=[FileInfo("pkg/a.py", "pkg.a", "")], left_out=left_out)
    assert reach_sentence(results) == (
        "under test: 1 file, 0 functions; not mutated: 1 directory, 8 functions "
        "(each named in the warnings, with the reason)"
    )
    assert function_warnings(left_out) == [
        "not mutated: 7 functions (decorated: hidden): pkg/a.py::f0, pkg/a.py::f1, "
        "pkg/a.py::f2, pkg/a.py::f3, pkg/a.py::f4 and 2 more (x-escape.left_out lists each)",
        "not mutated: 1 function (mutmut never mutates __new__): pkg/a.py::C.__new__",
    ]
    assert plural(2, "directory") == "2 directories" and plural(1, "directory") == "1 directory"


def test_tests_that_reach_no_code_under_test_are_named_unless_excluded() -> None:
    tests = [Info("t.py::a", "t.py", 0.0), Info("t.py::b", "t.py", 0.0, functions=["m.f"])]
    assert unmapped_tests_warning(_results(tests=tests)) == (
        "1 test runs no mutated function, so no mutant can reach it: t.py::a"
    )
    assert unmapped_tests_warning(_results(tests=tests, excluded_tests={"t.py::a": "flaky"})) is None


def test_a_decorated_function_redefined_later_is_named_and_ids_stay_unique() -> None:
    """singledispatch's ``@f.register def _(x: int)``: every ``_`` would share
    mutant ids, and only the last is its module's attribute."""
    source = textwrap.dedent(
        """
        import functools


        @functools.singledispatch
        def show(x):
            return "thing"


        @show.register
        def _(x: int):
            return "int " + str(x)


        @show.register
        def _(x: str):
            return "str " + x
        """
    )
    module = mutate_module("dispatch", source, "dispatch.py")
    ids = [m.id for m in module.mutants]
    assert len(ids) == len(set(ids))
    assert {m.function for m in module.mutants} == {"show", "_"}
    assert [m.span.start_line for m in module.mutants if m.function == "_"] != []
    assert min(m.span.start_line for m in module.mutants if m.function == "_") > 13  # the last one
    assert [(s.name, s.line) for s in module.skipped] == [("_", 11)]
    assert module.skipped[0].reason.startswith("defined again later in the same scope under the same name")
