"""The infection check: which expressions hold a mutant's change, and
evaluating them where the mutant runs without running the user's code."""

from __future__ import annotations

import ast
import functools
import sys
import typing
from types import FrameType
from typing import Any

import pytest

from pytest_escape.inputs.infection import Evaluated, Infection, Unsafe, evaluate, same
from pytest_escape.mutation.changed_expression import changed_expressions
from pytest_escape.mutation.types import Span

SOURCE = """\
def f(a, b, opts):
    x = opts.get("end", None)
    if a < b and not opts:
        return a + b
    for i in range(3):
        if i == 1:
            break
    return g(a, b=3)
"""
LINES = SOURCE.splitlines(keepends=True)


def changed(line: int, first: int, last: int, replacement: str, statement_end: int | None = None) -> Any:
    """The expressions of the mutant that puts ``replacement`` at columns
    ``first``..``last`` of ``line``, in the statement starting there."""
    text = LINES[line - 1]
    indent = len(text) - len(text.lstrip())
    statement = Span(line, indent, statement_end or line, len(LINES[(statement_end or line) - 1].rstrip()))
    return changed_expressions(LINES, statement, Span(line, first, line, last), replacement)


def test_a_changed_constant_is_looked_at_in_what_uses_it() -> None:
    # "end" -> "XXendXX" always differs: whether the lookup does is the question
    assert changed(2, 17, 22, '"XXendXX"') == (("opts.get('end', None)", "opts.get('XXendXX', None)"),)


def test_an_assignment_compares_its_value() -> None:
    assert changed(2, 4, 29, "x = None") == (("opts.get('end', None)", "None"),)


def test_expressions_come_outermost_first() -> None:
    # a < b -> a <= b inside `... and not opts`: the whole condition first
    assert changed(3, 7, 12, "a <= b", statement_end=4) == (
        ("a < b and (not opts)", "a <= b and (not opts)"),
        ("a < b", "a <= b"),
    )


def test_a_change_of_no_expression_has_none() -> None:
    assert changed(7, 12, 17, "return", statement_end=7) == ()


def frame_of(**local: Any) -> FrameType:
    """A real frame holding ``local`` as its variables."""

    def holder() -> FrameType:
        return sys._getframe()

    frame = holder()
    frame.f_locals.update(local)  # type: ignore[attr-defined]
    return frame


def value(text: str, **local: Any) -> Any:
    namespace = dict(local)
    scope: Any = type("Frame", (), {"f_locals": namespace, "f_globals": {}, "f_builtins": __builtins__})
    return evaluate(ast.parse(text, mode="eval").body, scope)


def test_plain_expressions_are_evaluated() -> None:
    assert value("opts.get('end', None)", opts={"end": 3}).value == 3
    assert value("a < b and (not opts)", a=1, b=2, opts={}).value is True
    assert value("len(a) * 2", a=[1, 2]).value == 4
    assert value("xs[1:]", xs=(1, 2, 3)).value == (2, 3)
    assert value("a / b", a=1, b=0).raised is ZeroDivisionError


class Noisy:
    """Every way into it runs code of its own."""

    calls = 0

    def __eq__(self, other: object) -> bool:
        Noisy.calls += 1
        return True

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        Noisy.calls += 1
        return True

    @property
    def size(self) -> int:
        Noisy.calls += 1
        return 1

    def method(self) -> int:
        Noisy.calls += 1
        return 1


@pytest.mark.parametrize(
    "text",
    [
        "x == 1",
        "x and 1",
        "x.size",
        "x.method() + 1",
        "not x",
        "[x] == [1]",
        "f(1) + 1",
        "items.append(1) or 1",
    ],
)
def test_nothing_of_the_users_runs(text: str) -> None:
    Noisy.calls = 0
    with pytest.raises(Unsafe):
        value(text, x=Noisy(), f=lambda n: n, items=[])
    assert Noisy.calls == 0


def test_an_attribute_an_object_holds_is_read_without_its_class() -> None:
    class Node:
        __slots__ = ("next",)

    class Plain:
        limit = 5

        def __init__(self) -> None:
            self.width = 3

    node = Node()
    node.next = 7
    assert value("node.next + obj.width + obj.limit", node=node, obj=Plain()).value == 15


def test_same_compares_values_and_what_was_raised() -> None:
    assert same(Evaluated(1), Evaluated(1))
    assert not same(Evaluated(1), Evaluated(True))
    assert not same(Evaluated(range(3)), Evaluated(range(4)))
    assert same(Evaluated(raised=KeyError), Evaluated(raised=KeyError))
    assert not same(Evaluated(1), Evaluated(raised=KeyError))


def test_the_outermost_expression_that_can_be_evaluated_is() -> None:
    infection = Infection.of((("x.method() and a < b", "x.method() and a <= b"), ("a < b", "a <= b")))
    assert infection is not None
    infection.look(frame_of(x=Noisy(), a=2, b=2))
    assert infection.evaluated == ("a < b", "a <= b")
    assert infection.infected_now == "`a <= b` gave True where the original's `a < b` gave False"
    assert infection.blind is not None and "method" in infection.blind


def test_a_state_no_input_reached_where_the_two_differ_is_found() -> None:
    """``'XXLXX' in flags`` gives what ``'L' in flags`` gives on every flags
    the inputs had; with ``flags = 'L'`` it would not."""
    infection = Infection.of((("'L' in flags", "'XXLXX' in flags"),))
    assert infection is not None
    infection.look(frame_of(flags="I"))
    assert infection.looked_now and infection.infected_now is None and infection.varied == {"flags"}
    assert infection.infectable == (
        "with flags = 'L', `'XXLXX' in flags` gave False where the original's `'L' in flags` gave True"
    )


@pytest.mark.parametrize(
    ("original", "mutated", "local"),
    [
        ("float('inf')", "float('INF')", {}),
        ("text.count('\\n', 0, pos)", "text.count('\\n', None, pos)", {"text": "a\nb", "pos": 2}),
        ("d if d >= 0 else -d", "d if d > 0 else -d", {"d": 3}),
    ],
)
def test_no_nearby_state_tells_equivalent_expressions_apart(
    original: str, mutated: str, local: dict[str, Any]
) -> None:
    infection = Infection.of(((original, mutated),))
    assert infection is not None
    infection.look(frame_of(**local))
    assert infection.looked_now and infection.infected_now is None and infection.infectable is None
    assert infection.nearby_blind is None


def test_an_attribute_is_changed_too_and_what_cannot_be_evaluated_there_is_said() -> None:
    """``self.name or True`` never differs while ``name`` is set; with it
    empty the original calls ``str(obj)``, which runs the user's ``__str__``:
    the probe does not evaluate it and says so (parsimonious's
    ``LeftRecursionError``)."""
    infection = Infection.of((("o.name if o.name else str(o)", "o.name if o.name or True else str(o)"),))
    assert infection is not None

    class Named(Noisy):
        def __init__(self) -> None:
            self.name = "rule"

    infection.look(frame_of(o=Named()))
    assert infection.looked_now and infection.infected_now is None and infection.infectable is None
    assert infection.nearby_blind == "with o.name = '': a call of str"


def quantifier(member: Any, name: str = "", min: int = 0, max: float = float("inf")) -> Any:
    """Reads every parameter; the probe never calls it."""
    raise AssertionError((member, name, min, max))


def test_a_call_of_the_users_code_is_compared_by_the_arguments_it_would_receive() -> None:
    """Removing ``min=0`` passes ``min``'s default, 0: the same call.
    Removing ``max=5`` does not, and the probe says what changed."""
    infection = Infection.of((("quantifier(m, min=0)", "quantifier(m)"),))
    assert infection is not None
    infection.look(frame_of(quantifier=quantifier, m=Noisy()))
    assert infection.looked_now and infection.infected_now is None and infection.infectable is None
    # m is passed as it is by both: no other value of it needs trying, nor is one tried
    assert infection.nearby_blind is None and infection.varied == set()
    infection = Infection.of((("quantifier(m, max=n)", "quantifier(m)"),))
    assert infection is not None
    infection.look(frame_of(quantifier=quantifier, m=Noisy(), n=5))
    assert (
        infection.infected_now
        == "`quantifier(m)` passed max=inf where the original's `quantifier(m, max=n)` passed max=5"
    )


def test_an_option_never_passed_is_tried_with_what_a_caller_might_pass() -> None:
    """``kwargs["end"] or None`` -> ``None``: the same while ``end`` is never
    passed (prettytable's constructor options, 16 survivors called likely
    equivalent); not with ``end`` set."""
    infection = Infection.of((("kwargs['end'] or None", "None"),))
    assert infection is not None
    infection.look(frame_of(kwargs={"end": None}))
    assert infection.looked_now and infection.infected_now is None
    assert infection.infectable == (
        "with kwargs['end'] = 'end', `None` gave None where the original's `kwargs['end'] or None` gave 'end'"
    )


class Deco:
    VLINES = 1 << 3


def test_a_class_constant_and_a_fold_of_built_ins_are_evaluated() -> None:
    """``(deco & Deco.VLINES) > 0`` -> ``> 1``: the same for every deco
    (``& 8`` is 0 or 8), here and with any other deco; ``reduce(min,
    widths) <= 0`` -> ``< 0`` differs once a width is 0."""
    infection = Infection.of((("deco & Deco.VLINES > 0", "deco & Deco.VLINES > 1"),))
    assert infection is not None
    infection.look(frame_of(deco=11))
    assert infection.looked_now and infection.infected_now is None
    assert infection.infectable is None and infection.nearby_blind is None
    infection = Infection.of((("reduce(min, widths) <= 0", "reduce(min, widths) < 0"),))
    assert infection is not None
    infection.look(frame_of(reduce=functools.reduce, widths=[3, 4]))
    assert infection.looked_now and infection.infected_now is None
    assert infection.infectable is not None and infection.infectable.startswith(
        "with widths = list[3, 4, 0],"
    )


def test_what_hasattr_asks_about_is_answered_by_another_type() -> None:
    """Every input passed a list, which has neither ``__iter__``-and-``next``
    (a Python 2 iterator) nor anything else the mutant asks: an object that
    has them tells the two apart."""
    original, mutated = (
        "hasattr(rows, '__iter__') and hasattr(rows, 'next')",
        "hasattr(rows, 'XX__iter__XX') and hasattr(rows, 'next')",
    )
    infection = Infection.of(((original, mutated),))
    assert infection is not None
    infection.look(frame_of(rows=[[1, 2]]))
    assert infection.looked_now and infection.infected_now is None
    assert infection.infectable is not None
    assert infection.infectable.startswith("with rows = SimpleNamespace(__iter__=None, next=None), ")


def test_a_parameter_the_callee_never_reads_changes_nothing() -> None:
    """``cast(None, next(it))`` for ``cast(int, next(it))``: ``typing.cast``
    never reads its first parameter, and ``next(it)``, written the same in
    both, is not evaluated (it would draw from the iterator)."""
    infection = Infection.of((("t.cast(int, next(it))", "t.cast(None, next(it))"),))
    assert infection is not None
    it = iter([1, 2])
    infection.look(frame_of(t=typing, it=it))
    assert infection.looked_now and infection.infected_now is None
    assert next(it) == 1


class _Handler:
    def __init__(self, postprocessor: Any) -> None:
        self.postprocessor = postprocessor


def test_what_a_callback_the_inputs_supplied_never_reads_is_still_a_change() -> None:
    """``self.postprocessor(None, key)`` for ``self.postprocessor(self.path,
    key)``: the tests' postprocessor ignores the path, but the callback is
    the caller's, and another one reads it (xmltodict: 4 wrong "likely
    equivalent")."""
    infection = Infection.of((("self.postprocessor(path, key)", "self.postprocessor(None, key)"),))
    assert infection is not None
    infection.look(frame_of(self=_Handler(lambda path, key: key), path=["a"], key="k"))
    assert infection.looked_now and infection.infected_now is not None
    assert "passed path=None" in infection.infected_now


def test_a_constant_of_another_type_is_tried_too() -> None:
    """jmespath's ``_is_false``: ``value is False`` -> ``value is True``
    never differs on the lists and strings the inputs brought; on False it does."""
    original = "value == '' or value == [] or value is None or value is False"
    mutated = "value == '' or value == [] or value is None or value is True"
    infection = Infection.of(((original, mutated),))
    assert infection is not None
    infection.look(frame_of(value=[1]))
    assert infection.looked_now and infection.infected_now is None
    assert infection.infectable is not None and infection.infectable.startswith("with value = False, ")


def test_a_literal_display_is_tried_too() -> None:
    """``value == [] or value == {}`` -> ``value == [] and value == {}``
    differs on ``[]``, which a display, not a constant, names."""
    original = "value == '' or value == [] or value == {} or value is None"
    mutated = "value == '' or (value == [] and value == {}) or value is None"
    infection = Infection.of(((original, mutated),))
    assert infection is not None
    infection.look(frame_of(value="x"))
    assert infection.looked_now and infection.infected_now is None
    assert infection.infectable is not None and infection.infectable.startswith("with value = list[], ")


def _no_check(value: object) -> bool:
    return True


def checked_field(kind: type, invariant: Any = _no_check) -> tuple[type, Any]:
    return kind, invariant


def test_a_dropped_argument_holding_a_function_is_not_evidence_of_sameness() -> None:
    """``f(kind, invariant=invariant)`` -> ``f(kind)``: the same while every
    input passes the default function, and no other function is tried; so
    the probe says it could not see, not that nothing varies (pyrsistent's
    ``pset_field``: 2 wrong "likely equivalent")."""
    infection = Infection.of((("checked_field(kind, invariant=invariant)", "checked_field(kind)"),))
    assert infection is not None
    infection.look(frame_of(checked_field=checked_field, kind=int, invariant=_no_check))
    assert infection.looked_now and infection.infected_now is None and infection.infectable is None
    assert infection.nearby_blind is not None and "no other value of invariant" in infection.nearby_blind


def test_which_function_a_variable_holds_is_no_evidence_when_compared() -> None:
    """``dumps is json.dumps`` -> ``dumps is json.dumps or True``: the same
    while every input passes the default, and a caller's own function, the
    value that tells them apart, is never tried (jsonpatch's
    ``DiffBuilder``: a wrong "likely equivalent")."""
    import json

    infection = Infection.of((("dumps is json.dumps", "dumps is json.dumps or True"),))
    assert infection is not None
    infection.look(frame_of(dumps=json.dumps, json=json))
    assert infection.looked_now and infection.infected_now is None
    assert infection.nearby_blind is not None and "no other value of dumps" in infection.nearby_blind


def test_a_number_parsed_from_text_is_tried_as_its_text() -> None:
    """``0 <= int(byte) <= 255`` -> ``< 255``: the inputs' bytes ("127", "0",
    "1") and text near them never reach "255", where the two differ; the
    numbers the expression names are tried as text too."""
    infection = Infection.of((("0 <= int(byte) <= 255", "0 <= int(byte) < 255"),))
    assert infection is not None
    infection.look(frame_of(byte="127"))
    assert infection.infectable is not None and infection.infectable.startswith("with byte = '255', "), (
        infection.infectable
    )


def test_an_argument_both_calls_pass_is_varied_when_the_calls_are_evaluated() -> None:
    """``int(port, base=10)`` -> ``int(port)``: the same on every text port,
    but an int port raises in the original (an explicit base takes text only)
    and not under the mutant.  Both calls pass ``port`` as it is, which spares
    trying other values of it only where the calls are compared parameter by
    parameter; a call the probe evaluates depends on how its arguments go
    together (rfc3986: a wrong "likely equivalent")."""
    infection = Infection.of((("int(port, base=10)", "int(port)"),))
    assert infection is not None
    infection.look(frame_of(port="443"))
    assert infection.infectable is not None and infection.infectable.startswith("with port = 10, "), (
        infection.infectable
    )


#: a size threshold, as jsonpatch's ``_EXACT_MATCH_LIMIT``
_LIMIT = 500**2


def test_a_condition_that_always_gave_one_answer_is_no_evidence() -> None:
    """``(end - start) * size <= LIMIT`` -> ``<``: on small lists, and on
    every value near theirs, the product stays far below the limit, the
    condition is True every time and both versions agree; the boundary the
    mutant moved was never approached (jsonpatch's size threshold)."""
    infection = Infection.of((("(end - start) * size <= _LIMIT", "(end - start) * size < _LIMIT"),))
    assert infection is not None
    infection.look(frame_of(end=5, start=1, size=3))
    assert infection.looked_now and infection.infected_now is None and infection.infectable is None
    assert infection.unswitched() == "`(end - start) * size <= _LIMIT` was True every time"
    # a condition seen both ways decided something: no such doubt
    flips = Infection.of((("x > 0 or x == 0", "x >= 0"),))
    assert flips is not None
    flips.look(frame_of(x=3))
    assert flips.gave == {"True", "False"} and flips.unswitched() is None


#: a module's flag and the result of an optional import, as tabulate's
_WIDE_MODE = False
_OPTIONAL = None


def test_an_expression_of_module_settings_alone_is_no_evidence() -> None:
    """``_OPTIONAL is not None and _WIDE_MODE`` -> ``or``: both are False in
    this process, but a user who sets the flag, or has the package, meets
    the mutant; with nothing the inputs vary, the check says it cannot see."""
    infection = Infection.of(
        (("_OPTIONAL is not None and _WIDE_MODE", "_OPTIONAL is not None or _WIDE_MODE"),)
    )
    assert infection is not None
    infection.look(frame_of())
    assert infection.looked_now and infection.infected_now is None
    assert infection.nearby_blind is not None
    assert "it reads only _OPTIONAL, _WIDE_MODE of its module" in infection.nearby_blind


def test_a_bound_method_is_the_same_only_as_an_equal_one() -> None:
    # shown by their type alone, every two bound methods looked the same, and
    # ``'\n'.join`` -> ``'XX\nXX'.join`` was "likely equivalent" on one-line bodies
    assert not same(Evaluated("\n".join), Evaluated("XX\nXX".join))
    assert same(Evaluated("\n".join), Evaluated("\n".join))
    assert not same(Evaluated([].append), Evaluated([].append))  # two lists' own


#: a module's named limit, as ``abs(a) > MAX_SHIFT_BASE`` reads one: 309
#: digits, where the values either side of it once looked one and the same
_LIMIT = int(sys.float_info.max)


def test_a_named_constant_s_boundary_is_tried_as_a_literal_s_is() -> None:
    """``abs(a) > _LIMIT`` -> ``>=`` differs only at ``a == _LIMIT``; the
    values tried came from literals alone, and it was called likely equivalent."""
    infection = Infection.of((("abs(a) > _LIMIT", "abs(a) >= _LIMIT"),))
    assert infection is not None
    infection.look(frame_of(a=3))
    assert infection.infectable is not None, infection.varied
    assert f"with a = {str(_LIMIT)[:90]}...{str(_LIMIT)[-20:]} (309 digits)," in infection.infectable
