"""The code a test runs under pytest-escape behaves as it does in a plain run.

A mutant changes one function's code in the process that runs it, and
nothing else: the module's namespace, every function's signature, ``repr``,
tracebacks and instrumenting decorators are the plain import's.  A test that
checks any of these passes with pytest-escape as it passes without, so it is
never excluded, and it still kills the mutants it notices.
"""

from __future__ import annotations

import pytest
from conftest import Project, repeated_project

from pytest_escape.gate import EscapeExit

SHAPES = """
    import inspect

    from typeguard import typechecked


    def area(width, height, *, scale=1):
        return width * height * scale


    def describe(size):
        if size < 0:
            raise ValueError(f"negative size: {size}")
        return "big" if size > 10 else "small"


    @typechecked
    def doubled(n: int) -> int:
        return n * 2


    class Box:
        def __init__(self, side):
            self.side = side

        def volume(self):
            return self.side ** 3

        def __repr__(self):
            return f"Box({self.side})"
    """

SHAPES_TESTS = """
    import inspect
    import traceback

    import pytest
    from typeguard import TypeCheckError

    import shapes


    def test_namespace_holds_only_what_the_module_defines():
        assert shapes.area(1, 1) == 1  # it runs area, so it runs against area's mutants
        public = sorted(name for name in vars(shapes) if not name.startswith("__"))
        assert public == ["Box", "area", "describe", "doubled", "inspect", "typechecked"]
        assert "area" in dir(shapes)


    def test_signatures_and_reprs_are_the_written_ones():
        assert shapes.Box(2).volume() == 8
        assert str(inspect.signature(shapes.area)) == "(width, height, *, scale=1)"
        assert repr(shapes.area).startswith("<function area at 0x")
        assert shapes.Box.volume.__qualname__ == "Box.volume"
        assert repr(shapes.Box(2)) == "Box(2)"
        assert area_source().startswith("def area(width, height, *, scale=1):")


    def area_source():
        return inspect.getsource(shapes.area)


    def test_typeguard_still_checks():
        assert shapes.describe(3) == "small"
        with pytest.raises(TypeCheckError):
            shapes.doubled("2")


    def test_the_traceback_names_the_line_that_raised():
        try:
            shapes.describe(-1)
        except ValueError:
            text = traceback.format_exc()
        assert 'raise ValueError(f"negative size: {size}")' in text
        assert text.splitlines()[-3].strip().startswith('File "') and "in describe" in text


    def test_values():
        assert shapes.area(2, 3) == 6
        assert shapes.area(2, 3, scale=2) == 12
        assert shapes.describe(11) == "big"
        assert shapes.describe(10) == "small"
        assert shapes.doubled(4) == 8
        assert shapes.Box(2).volume() == 8
    """


def test_checks_of_the_module_itself_pass_as_in_a_plain_run(project: Project) -> None:
    pytest.importorskip("typeguard")
    project.write({"shapes.py": SHAPES, "test_shapes.py": SHAPES_TESTS})
    plain = project.pytester.runpytest_subprocess("-p", "no:cacheprovider")
    plain.assert_outcomes(passed=5)
    result = project.run()
    assert result.ret == EscapeExit.OK, result.stdout.str()
    model = project.results()["x-escape"]
    assert model["excluded_tests"] == {}
    assert "warning: excluded" not in result.stdout.str()
    mutants = project.mutants()
    # the default-value mutant (scale=1 -> 2) is switched on with its function, and killed
    (scale,) = [m for m in mutants.values() if m["function"] == "area" and m["original"] == "1"]
    assert (scale["line"], scale["replacement"], scale["status"]) == (6, "2", "killed")
    # typeguard's recompiled function is named, not mutated behind its back
    (doubled,) = [x for x in model["left_out"] if x.get("function") == "doubled"]
    assert "typeguard" in doubled["reason"]
    killed = {m["function"] for m in mutants.values() if m["status"] == "killed"}
    assert {"area", "describe", "Box.volume"} <= killed


def test_a_closure_made_before_the_mutant_ran_runs_the_mutant(project: Project) -> None:
    """A test module that applies a decorator factory as it is imported holds
    a closure made from the factory's original code, before any mutant was
    switched on.  Swapping the factory's code left that closure running the
    original: a mutant that breaks it survived, and the forced-failure probe
    saw the test pass with every function failing, and stopped the run
    ("the tests import that code from somewhere else", exit 12).  The live
    closures of code defined inside a mutated function are swapped too,
    also where the mutant drops the last use of a variable they hold
    (``range(k + 1)`` -> ``range(None)``: one free variable fewer)."""
    project.write(repeated_project())
    result = project.run("--escape-witness-budget", "0", "--escape-property-budget", "0")
    assert result.ret == EscapeExit.OK, result.stdout.str()
    statuses = {m["replacement"]: m["status"] for m in project.mutants().values()}
    assert statuses == {"range(None)": "killed", "k - 1": "survived", "2": "survived"}, statuses


def test_a_closure_the_mutant_cannot_be_given_says_so(project: Project) -> None:
    """A mutant that drops the last use of ``a`` leaves ``run`` holding only
    ``func``; the live closure holds ``(a, func)`` in that order, so the
    mutant's code cannot take its cells and the closure keeps the original's.
    The survivor says so, instead of passing for one its tests met."""
    project.write(repeated_project(held="a"))
    result = project.run("--escape-witness-budget", "0", "--escape-property-budget", "0")
    assert result.ret == EscapeExit.OK, result.stdout.str()
    mutants = list(project.mutants().values())
    (dropped,) = [m for m in mutants if m["replacement"] == "range(None)"]
    assert dropped["status"] == "survived", dropped
    assert "1 closure made before the tests ran kept the original's code" in dropped["status_reason"], dropped
    others = [m["status_reason"] or "" for m in mutants if m is not dropped]
    assert not any("kept the original" in reason for reason in others), others
