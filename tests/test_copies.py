"""A mutant's copy compiled alone is the very code the whole module with the
mutant in it compiles to; where the module's context would change it, the
copy is compiled inside the module instead."""

from __future__ import annotations

import sys
import textwrap
import types
from pathlib import Path

import pytest

from pytest_escape.mutation.copies import compile_copy, compiled_alone
from pytest_escape.mutation.mutmut_adapter.generate import mutate_module
from pytest_escape.mutation.switch import Switch
from pytest_escape.mutation.types import FunctionCopies

#: what a function's compilation reads of its module: __future__ flags,
#: names bound by imports (``os.path.join(...)`` compiles to another bytecode
#: when ``os`` is one), its class (``super()``, private names), its decorators'
#: lines, a nested lambda
CONTEXT = textwrap.dedent(
    '''
    """A module."""
    from __future__ import annotations

    import os.path
    import functools as ft
    from typing import *


    class Shape:
        size = 2

        @property
        def area(self) -> float:
            return os.path.join("a", "b").count("/") * 2.5 + self.__secret()

        @staticmethod
        @ft.lru_cache(
            maxsize=None,
        )
        def scaled(x: int, k: int = 3) -> int:
            return ft.reduce(lambda a, b: a + b * 2, [x] * k)

        def __secret(self) -> int:
            return super().__hash__() % 7 + 1


    def size_of(x: str, default: int = -1) -> int:
        return len(os.path.basename(x)) if x else default
    '''
)


def whole_module_copy(function: FunctionCopies, mutant: str, filename: str, source: str) -> object:
    """The reference: the module's text with the mutant's copy in place, compiled whole."""
    lines = source.splitlines(keepends=True)
    start = function.first_line - 1
    text = function.copy(mutant, rename=function.name)
    spliced = "".join([*lines[:start], text, *lines[start + len(function.text.splitlines()) :]])
    consts = compile(spliced, filename, "exec", dont_inherit=True).co_consts
    if function.class_name is not None:
        consts = next(c for c in consts if getattr(c, "co_name", None) == function.class_name).co_consts
    found = [c for c in consts if getattr(c, "co_name", None) == function.name]
    return max(found, key=lambda c: c.co_firstlineno)


def each_mutant(source: str, filename: str) -> list[tuple[FunctionCopies, str]]:
    functions = mutate_module("m", source, filename).functions
    return [(function, mutant) for function in functions for mutant in function.changes]


def test_a_copy_compiled_alone_is_the_code_the_whole_module_gives() -> None:
    mutants = each_mutant(CONTEXT, "/somewhere/shape.py")
    functions = {function.name: function for function, _ in mutants}
    assert set(functions) == {"area", "scaled", "__secret", "size_of"}
    for function in functions.values():
        assert compiled_alone(function, "/somewhere/shape.py", CONTEXT), function.name
    assert len(mutants) > 10
    for function, mutant in mutants:
        expected = whole_module_copy(function, mutant, "/somewhere/shape.py", CONTEXT)
        # code equality: bytecode, constants and nested code, names, flags, line table
        assert compile_copy(function, mutant, "/somewhere/shape.py", CONTEXT) == expected, mutant


def test_a_function_with_no_room_above_it_is_compiled_inside_the_module() -> None:
    """Line 1 has no line above it for the module's imports: its copies are
    compiled in the whole module, and still give the module's code."""
    source = "def first(n):\n    return os.sep * n + 'x'\n\n\nimport os\n"
    mutants = each_mutant(source, "first.py")
    assert mutants
    assert not compiled_alone(mutants[0][0], "first.py", source)
    for function, mutant in mutants:
        assert compile_copy(function, mutant, "first.py", source) == whole_module_copy(
            function, mutant, "first.py", source
        )


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameter syntax is Python 3.12+")
def test_a_method_of_a_generic_class_is_compiled_inside_the_module() -> None:
    """A generic class's type parameter is a free variable of its methods: a
    plain class header cannot give the method that context, so the check
    sends its copies through the whole module (which compiles the class
    inside a code object of its own)."""
    source = "\n\nclass Box[T]:\n    def kind(self, n):\n        return (T, n + 1)\n"
    mutants = each_mutant(source, "box.py")
    assert mutants
    assert not compiled_alone(mutants[0][0], "box.py", source)
    assert compile_copy(mutants[0][0], "", "box.py", source).co_freevars == ("T",)
    for function, mutant in mutants:
        assert compile_copy(function, mutant, "box.py", source) != compile_copy(
            function, "", "box.py", source
        )


def loaded(tmp_path: Path, name: str, source: str) -> tuple[types.ModuleType, Switch, str]:
    """``source`` as module ``name``, imported from a real file, and a switch that knows its text."""
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    module = types.ModuleType(name)
    module.__file__ = str(path)
    exec(compile(source, str(path), "exec"), vars(module))
    switch = Switch()
    switch.sources[name] = source
    return module, switch, str(path)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameter syntax is Python 3.12+")
def test_a_generic_class_s_method_is_switched_even_when_its_mutant_drops_the_type_parameter(
    tmp_path: Path,
) -> None:
    """Its code keeps the type parameter's cell, as a method that drops its
    ``super()`` call keeps ``__class__``'s: a code object only replaces one
    with as many free variables."""
    source = (
        "\n\nclass Box[T]:\n    def kind(self, n):\n"
        "        return (T.__name__, super().__hash__() > 0, n + 1)\n"
    )
    module, switch, path = loaded(tmp_path, "box", source)
    mutated = mutate_module("box", source, path)
    (function,) = mutated.functions
    results = set()
    for mutant in function.changes:
        switch.swap(module, function, mutant)
        try:
            results.add(module.Box().kind(1))
        except Exception as e:  # noqa: BLE001 - a mutant may raise: that is its behaviour
            results.add(type(e).__name__)
        switch.restore()
    assert module.Box().kind(1) == ("T", True, 2)
    assert None in results  # the extreme mutant: no T, no super() in its code
    assert ("T", True, 3) in results


def test_a_mutant_that_drops_super_keeps_its_cell_without_eating_the_module_s_next_line(
    tmp_path: Path,
) -> None:
    """The unreachable line that keeps ``__class__`` went into the copy's
    text, which made the copy one line longer than the function, and the
    whole-module splice dropped the module's next line: here the opening of
    a string, so the copy no longer compiled and the mutant's child died."""
    # the method is on line 2: no room above it for the imports line, so the whole module is compiled
    source = (
        "class Kid:\n    def greet(self):\n        return super().__hash__() > 0\n"
        '    NOTE = """\ntext\n"""\nimport os\n'
    )
    module, switch, path = loaded(tmp_path, "kid", source)
    (function,) = mutate_module("kid", source, path).functions
    assert not compiled_alone(function, path, source)
    (extreme,) = [name for name in function.changes if name.endswith("__mutmut_extreme")]
    switch.swap(module, function, extreme)  # its code has no super(), so no __class__ of its own
    assert module.Kid().greet() is None
    switch.restore()
    assert module.Kid().greet() is True
