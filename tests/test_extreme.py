"""Our extreme-mutant operator: one mutant per function, its body replaced by a
default return, switched by mutmut's trampoline like any other mutant."""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import Iterator
from typing import Any

import pytest

from pytest_escape.mutation.extreme import neutral_value, other_value
from pytest_escape.mutation.mutmut_adapter import activate, plant, register
from pytest_escape.mutation.mutmut_adapter.generate import mutate_module

SOURCE = '''
from typing import Iterator, Optional


def total(xs: list[int]) -> int:
    """Docstrings stay."""
    return sum(xs)


def names(xs) -> "list[str]":
    return [str(x) for x in xs]


def maybe(x) -> Optional[int]:
    return x


def count_up(n: int) -> Iterator[int]:
    for i in range(n):
        yield i


async def fetch(x) -> str:
    return str(x)


def one_liner(x): return x + 1


def stub():
    ...


def abstract():
    raise NotImplementedError


@property_like
def decorated():
    return 1


def kept(x):
    return x * 2  # pragma: no mutate


def wrapping(f):
    @property_like
    def inner():
        return f()
    return inner


class Box:
    def __init__(self):
        self.items = []

    def size(self) -> int:
        return len(self.items)
'''


@pytest.fixture
def module() -> Iterator[dict[str, Any]]:
    mutated = mutate_module("ex", SOURCE, "ex.py")
    live = types.ModuleType("ex")
    namespace: dict[str, Any] = vars(live)
    namespace["property_like"] = lambda f: f
    exec(compile(SOURCE, "ex.py", "exec"), namespace)
    sys.modules["ex"] = live
    register("ex", mutated.functions, SOURCE)
    plant(live)  # as the import hook does: the switch forgets an earlier test's module "ex"
    extremes = [m for m in mutated.mutants if m.operator == "extreme"]
    namespace["__extremes__"] = {m.function: m for m in extremes if m.id.endswith("_extreme")}
    namespace["__seconds__"] = {m.function: m for m in extremes if m.id.endswith("_extreme2")}
    yield namespace
    activate(None)
    del sys.modules["ex"]


@pytest.mark.parametrize(
    ("annotation", "value"),
    [
        ("int", "0"),
        ("float", "0.0"),
        ("str", '""'),
        ("bool", "False"),
        ("list[int]", "[]"),
        ("typing.Dict[str, int]", "{}"),
        ("set[str]", "set()"),
        ("tuple[int, int]", "()"),
        ("'list[str]'", "[]"),
        ("Optional[int]", "None"),
        ("int | None", "None"),
        ("Decimal", "None"),
        (None, "None"),
    ],
)
def test_neutral_value_follows_the_return_annotation(annotation: str | None, value: str) -> None:
    assert neutral_value(annotation) == value


@pytest.mark.parametrize(
    ("annotation", "value"),
    [
        ("int", "1"),
        ("float", "1.0"),
        ("str", '"A"'),
        ("bytes", 'b"A"'),
        ("bool", "True"),
        ("list[int]", "[0]"),
        ("typing.Dict[str, int]", '{"": 0}'),
        ("Mapping", "{None: None}"),
        ("set[str]", '{""}'),
        ("tuple[int, str]", '(0, "")'),
        ("tuple[int, ...]", "(0,)"),
        ("'list[str]'", '[""]'),
        ("Sequence[List[int]]", "[[]]"),
        ("Iterator[int]", "iter((0,))"),
        # no opposite of None that would type-check: one extreme only
        ("Optional[int]", None),
        ("int | None", None),
        ("Decimal", None),
        (None, None),
    ],
)
def test_the_other_extreme_is_the_opposite_value(annotation: str | None, value: str | None) -> None:
    assert other_value(annotation) == value


def test_a_second_extreme_where_the_return_type_has_an_opposite(module: dict[str, Any]) -> None:
    seconds = module["__seconds__"]
    # generators, None-returning and unannotated functions keep one extreme
    assert set(seconds) == {"total", "names", "fetch", "Box.size"}
    assert seconds["total"].replacement == "return 1"
    assert seconds["total"].id == "ex.x_total__mutmut_extreme2"
    assert seconds["names"].replacement == 'return [""]'
    activate("ex.x_total__mutmut_extreme2")
    assert module["total"]([5, 5]) == 1
    activate("ex.xǁBoxǁsize__mutmut_extreme2")
    assert module["Box"]().size() == 1
    activate(None)
    assert module["total"]([5, 5]) == 10


def test_a_body_that_already_returns_the_opposite_gets_no_second_extreme() -> None:
    source = "def one() -> int:\n    return 1\n"
    mutants = mutate_module("o", source, "o.py").mutants
    assert [m.replacement for m in mutants if m.operator == "extreme"] == ["return 0"]


def test_one_extreme_mutant_per_function_that_does_something(module: dict[str, Any]) -> None:
    extremes = module["__extremes__"]
    assert set(extremes) == {
        "total",
        "names",
        "maybe",
        "count_up",
        "fetch",
        "one_liner",
        "decorated",
        "wrapping",
        "Box.__init__",
        "Box.size",
    }
    # decorated functions get one too (switched by their code object, mutation.switch)
    assert extremes["decorated"].after == ("    return None",)
    # not mutated: bodies that already do nothing, pragma lines
    assert extremes["total"].replacement == "return 0"
    assert extremes["total"].id == "ex.x_total__mutmut_extreme"
    assert extremes["names"].replacement == "return []"
    assert extremes["count_up"].after == ("    return", "    yield")
    assert extremes["one_liner"].after == ("def one_liner(x): return None",)
    # a decorated inner function goes whole, decorators included
    assert extremes["wrapping"].after == ("    return None",)


def test_extreme_mutants_switch_on_and_off(module: dict[str, Any]) -> None:
    assert module["total"]([1, 2]) == 3
    activate("ex.x_total__mutmut_extreme")
    assert module["total"]([1, 2]) == 0
    assert module["total"].__doc__ == "Docstrings stay."
    activate("ex.x_count_up__mutmut_extreme")
    assert list(module["count_up"](3)) == []  # still a generator, yielding nothing
    activate("ex.x_fetch__mutmut_extreme")
    assert asyncio.run(module["fetch"](1)) == ""  # still a coroutine
    activate("ex.xǁBoxǁsize__mutmut_extreme")
    assert module["Box"]().size() == 0
    activate(None)
    assert list(module["count_up"](3)) == [0, 1, 2]
    assert asyncio.run(module["fetch"](1)) == "1"
