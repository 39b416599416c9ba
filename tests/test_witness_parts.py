"""The witness stage's pure parts: comparing outcomes, writing values as source,
seeding strategies.  (The search itself runs end to end in test_witness.py.)"""

from __future__ import annotations

import collections
import contextlib
import copy
import datetime
import decimal
import enum
import functools
import inspect
import math
import os
import subprocess
import sys
import textwrap
import threading
import warnings
from collections.abc import Iterator, MutableMapping
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from pytest_escape.execution.protocol import MutantJob
from pytest_escape.execution.witnesses import class_tests_of
from pytest_escape.inputs.calls import fresh, fresh_arguments, made_by_contextmanager
from pytest_escape.inputs.compare import (
    AT_THE_CALL,
    BEYOND_THE_CALL,
    RAISED,
    RETURNED,
    UNSET,
    WARNED,
    CallOutcome,
    Heard,
    Part,
    difference,
    difference_path,
    follow,
    heard_warning,
    object_state,
    safe_repr,
    same_value,
    show,
    stable_repr,
    warned_difference,
    warning_text,
)
from pytest_escape.inputs.identities import identities_of, named
from pytest_escape.inputs.literals import (
    OMITTED,
    Built,
    Literal,
    NotLiteral,
    Shaped,
    Step,
    Stepped,
    defining,
    describe,
    literal,
    setup_lines,
    shaped,
)
from pytest_escape.inputs.recorded import Call
from pytest_escape.inputs.strategies import (
    Seeds,
    Unexplorable,
    constructor_strategy,
    parameter_strategy,
)
from pytest_escape.model import LIKELY_EQUIVALENT, NOT_REACHED, UNDER_EXPLORED
from pytest_escape.witness.search import EVIDENCE, no_difference


class Point:
    def __init__(self, x: int = 0, y: int = 0) -> None:
        self.x, self.y = x, y


def test_same_value_is_strict_about_type_and_kind_of_nan() -> None:
    assert same_value(float("nan"), float("nan"))
    assert not same_value(1, 1.0)  # equal by ==, yet a different answer
    assert not same_value(True, 1)
    assert same_value([1, (2, {"a": 3})], [1, (2, {"a": 3})])
    assert not same_value({"a": 1, "b": 2}, {"b": 2, "a": 1})  # iteration order is observable
    assert same_value(Point(1, 2), Point(1, 2))  # no __eq__: compared by state
    assert same_value({Point(1, 2): "a"}, {Point(1, 2): "a"})  # keys too
    assert not same_value(Point(1, 2), Point(1, 3))


class _Mixin:
    opening = "<"


def _mixin(opening: str) -> type:
    """A class made per call by ``type()``, as an extension factory makes one."""
    return type("_Mixin", (_Mixin,), {"opening": opening})


def test_classes_a_call_makes_with_type_are_compared_by_what_they_hold() -> None:
    """``type(name, bases, namespace)`` names its class as a module-level one
    its module does not hold: two such classes of one call are the same
    value when they hold the same, as two of one class statement are."""
    assert same_value(_mixin("["), _mixin("["))
    assert not same_value(_mixin("["), _mixin("{"))
    assert not same_value(_mixin("["), _Mixin)  # the module's own class is made once


def test_plain_values_are_compared_by_their_equality_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ints, texts, bytes, booleans and None are told apart by ``==`` and their
    exact type, without the repr and attribute walk that objects get: a search
    compared a returned list of a million equal ints that way, item by item,
    for 3.5 s.  A subclass still gets the walk (it may show itself otherwise)."""
    import pytest_escape.inputs.compare as compare

    shown: list[Any] = []
    real = compare._shown
    monkeypatch.setattr(compare, "_shown", lambda value: shown.append(value) or real(value))
    assert same_value([2] * 1000 + ["a", b"b", None, True], [2] * 1000 + ["a", b"b", None, True])
    assert not same_value([2] * 1000, [2] * 999 + [3])
    assert shown == []

    class Code(int):
        def __repr__(self) -> str:
            return f"Code({int(self)})"

    assert not same_value(Code(2), 2)
    assert same_value(Code(2), Code(2)) and shown  # through the general path


def _made_per_call(step: int, scale: Any) -> Any:
    class Local:
        def run(self, x: int) -> int:
            return int(scale(x)) + step

    return Local()


def test_what_one_statement_makes_on_two_calls_is_the_same_value() -> None:
    """A factory that makes a class or a closure per call (parsimonious's
    ``expression()``) returned "different" values on two runs of the
    original, by identity: its survivors ended "non-deterministic
    original".  The same code holding the same values is the same; holding
    other values, it is not."""
    double = lambda v: v * 2  # noqa: E731
    assert same_value(_made_per_call(1, double), _made_per_call(1, double))
    assert not same_value(_made_per_call(1, double), _made_per_call(2, double))
    assert not same_value(_made_per_call(1, double), _made_per_call(1, lambda v: v * 3))
    assert same_value(type(_made_per_call(1, double)), type(_made_per_call(1, double)))

    def adder(n: int) -> Any:
        return lambda x: x + n

    assert same_value(adder(1), adder(1)) and not same_value(adder(1), adder(2))


def _defined(tmp_path: Path, source: str, name: str) -> Any:
    """The function ``name`` that ``source`` defines, compiled from a real
    file (the probe reads its lines through ``linecache``)."""
    path = tmp_path / f"{name}_source.py"
    path.write_text(source, encoding="utf-8")
    namespace: dict[str, Any] = {}
    exec(compile(source, str(path), "exec"), namespace)  # noqa: S102 - our own source
    return namespace[name]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="instruction positions (co_positions) came in 3.11")
def test_the_probe_watches_the_mutated_text_not_its_line(tmp_path: Path) -> None:
    """A line that runs is not a change that runs: ``repr(y)`` in the else
    branch is reached only by an input that takes it."""
    from pytest_escape.inputs.calls import LineProbe

    source = "def pick(x, y):\n    return x if x else repr(y)\n"
    pick = _defined(tmp_path, source, "pick")
    column = source.splitlines()[1].index("repr(y)")

    def reached(change: tuple[int, str] | None, *args: Any) -> bool:
        probe = LineProbe(pick.__code__, 2, change)
        probe.start()
        try:
            pick(*args)
        finally:
            sys.settrace(None)
        return probe.hit

    assert not reached((column, "repr(y)"), 1, 2)
    assert reached((column, "repr(y)"), 0, 2)
    assert reached(None, 1, 2)  # by its line, as before (and on Python 3.10)


def test_the_probe_watches_mutated_code_nested_in_the_function(tmp_path: Path) -> None:
    """A local ``def``, a lambda and a comprehension are code objects of
    their own: the probe follows the mutated text into them, and an input
    that runs it reaches it (before, none ever did)."""
    from pytest_escape.inputs.calls import LineProbe

    source = (
        "def outer(xs, n):\n"
        "    def inner(k):\n"
        "        return k > 3\n"
        "    pick = lambda v: v * 2\n"
        "    return [inner(x) for x in xs if x != 7], pick(n)\n"
    )
    outer = _defined(tmp_path, source, "outer")
    lines = source.splitlines()

    def reached(line: int, text: str | None, *args: Any) -> bool:
        change = (lines[line - 1].index(text), text) if text is not None else None
        probe = LineProbe(outer.__code__, line, change)
        probe.start()
        try:
            outer(*args)
        finally:
            sys.settrace(None)
        return probe.hit

    assert reached(3, "k > 3", [1], 0) and not reached(3, "k > 3", [], 0)
    assert reached(4, "v * 2", [], 0)
    assert reached(5, "x != 7", [1], 0)
    assert reached(3, None, [1], 0)  # by its line (Python 3.10)
    if sys.version_info >= (3, 11):  # by its instructions: a filter an empty loop never ran
        assert not reached(5, "x != 7", [], 0)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="instruction positions (co_positions) came in 3.11")
def test_the_first_call_a_process_probes_is_seen(tmp_path: Path) -> None:
    """Opcode events are switched on lazily (Python 3.12: only by a
    ``settrace`` after a frame asked; 3.13: only for a frame that has its
    tracer): the first probed call of a fresh interpreter reaches its change."""
    import subprocess

    path = tmp_path / "first.py"
    path.write_text("def outer(k):\n    def inner(k):\n        return k > 3\n    return inner(k)\n")
    script = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import first\n"
        "from pytest_escape.inputs.calls import LineProbe\n"
        "probe = LineProbe(first.outer.__code__, 3, (15, 'k > 3'))\n"
        "probe.start()\n"
        "first.outer(1)\n"
        "sys.settrace(None)\n"
        "print(probe.hit)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.strip() == "True", done.stderr


def test_the_variables_a_line_reads_and_whether_they_ever_changed(tmp_path: Path) -> None:
    """``locals_read`` names what the mutated line reads of its function's
    own variables (not an attribute, a keyword or a name only assigned);
    ``unvaried`` says which one kept a single value whenever it ran."""
    from pytest_escape.inputs.calls import LineProbe, locals_read, unvaried

    source = (
        "def visit(node, flags, total):\n"
        "    upper = flags.upper()\n"
        "    total = total + len(node.text) if 'L' in upper else dict(locale=upper)\n"
        "    return total\n"
    )
    visit = _defined(tmp_path, source, "visit")
    assert locals_read(visit.__code__, 3) == ("total", "node", "upper")

    class Node:
        def __init__(self, text: str) -> None:
            self.text = text

    probe = LineProbe(visit.__code__, 3)
    sys.settrace(probe)
    try:
        for text, total in [("ab", 1), ("abc", 2), ("x", 3)]:
            visit(Node(text), "", total)
    finally:
        sys.settrace(None)
    assert probe.hit and unvaried(probe.values) == "upper was '' every time"
    assert unvaried({"total": {"1", "2"}, "upper": {"''", "'L'"}}) is None


def test_the_options_a_function_reads_from_its_kwargs() -> None:
    from pytest_escape.inputs.strategies import option_keys

    def configure(name: str, **options: Any) -> tuple[Any, ...]:
        width = options.get("width", 10)
        end = options["end"] if "end" in options else None
        options.pop("debug", None)
        return name, width, end, options.get(name), {"other": 1}["other"]

    assert set(option_keys(configure, "options")) == {"width", "end", "debug"}
    assert option_keys(len, "options") == ()  # no source: nothing known


def test_difference_names_what_differs() -> None:
    ok = CallOutcome(RETURNED, value=[1])
    assert difference(ok, CallOutcome(RETURNED, value=[1])) is None
    assert difference(ok, CallOutcome(RETURNED, value=[2])) == "return value"
    assert difference(ok, CallOutcome(RAISED, error=ValueError("x"))) == "outcome"
    assert difference(
        CallOutcome(RAISED, error=ValueError("a")), CallOutcome(RAISED, error=KeyError("a"))
    ) == ("exception type")
    assert difference(
        CallOutcome(RAISED, error=ValueError("a")), CallOutcome(RAISED, error=ValueError("b"))
    ) == ("exception message")
    before = CallOutcome(RETURNED, value=None, arguments={"items": [1, 2]})
    after = CallOutcome(RETURNED, value=None, arguments={"items": [1]})
    assert difference(before, after) == "argument 'items'"


def _raised(call: Any) -> CallOutcome:
    try:
        call()
    except TypeError as e:
        return CallOutcome(RAISED, error=e)
    raise AssertionError("no TypeError")


def test_an_operator_the_interpreter_names_in_a_type_error_is_no_difference() -> None:
    # `x > hi` -> `x >= hi` on a str: both reject the input alike; only the
    # interpreter's wording names the swapped operator
    gt, ge = _raised(lambda: 0 > ""), _raised(lambda: 0 >= "")
    assert str(gt.error) != str(ge.error)
    assert difference(gt, ge) is None
    assert difference(_raised(lambda: 1 + ""), _raised(lambda: 1 - "")) is None
    assert difference(_raised(lambda: -""), _raised(lambda: ~"")) is None  # type: ignore[operator]
    # the operands it names still count, and so does every other message
    assert difference(gt, _raised(lambda: 0 > b"")) == "exception message"
    mine = CallOutcome(RAISED, error=TypeError("'>' is odd"))
    theirs = CallOutcome(RAISED, error=TypeError("'<' is odd"))
    assert difference(mine, theirs) == "exception message"


def test_a_returned_closure_is_called_level_by_level_as_its_def_takes_arguments() -> None:
    from pytest_escape.inputs.observe import then_of
    from pytest_escape.inputs.strategies import _chain
    from pytest_escape.mutation.switch import defined_inside

    def deco(times):
        def wrap(func, /, *, label=None):
            def run(first, *args, **kwargs):
                return [func(first, *args, **kwargs) for _ in range(times)], label

            return run

        return wrap

    depths = {code.co_name: depth for code, depth in defined_inside(deco.__code__)}
    assert depths == {"wrap": 1, "run": 2}  # a comprehension is no function a call returns
    inner = {code.co_name: code for code, _ in defined_inside(deco.__code__)}
    wrap = then_of(inner["wrap"], {"func": len, "label": "x"}, 1)
    run = then_of(inner["run"], {"first": "ab", "args": ("c",), "kwargs": {"k": 1}}, 2)
    # positional-only stays positional; with *args holding values, what comes before goes by position
    assert wrap.split(dict(wrap.arguments)) == ([len], {"label": "x"})
    assert run.split(dict(run.arguments)) == (["ab", "c"], {"k": 1})
    # a level left out ends the chain: the next level's call has nothing to call
    assert _chain((wrap, run)) == (wrap, run)
    assert _chain((None, run)) == ()
    assert _chain((wrap, None)) == (wrap,)


def test_a_moment_is_the_same_as_far_from_its_own_call() -> None:
    from pytest_escape.inputs.moments import comparing, same_moment

    first, second = (1_700_000_000.0, 1_700_000_000.002), (1_700_000_005.0, 1_700_000_005.001)
    read = [datetime.datetime.fromtimestamp(start + 0.001) for start, _ in (first, second)]
    later = [moment + datetime.timedelta(seconds=10) for moment in read]
    with comparing(first, second):
        assert same_moment(*read) and same_moment(*later)
        assert same_moment(first[0] + 0.001, second[0])  # time.time() too
        # moved by more than a call takes, or a fixed date: not the same
        assert not same_moment(read[0], later[1])
        fixed = datetime.datetime(2001, 1, 1)
        assert not same_moment(fixed, fixed + datetime.timedelta(microseconds=1))
        assert not same_moment(0.5, 0.5004)
    assert not same_moment(*read)  # outside a comparison of two calls


class _Held:
    def __init__(self) -> None:
        self.parts = [object()]


def _shown_by(held: _Held, text: str) -> CallOutcome:
    return CallOutcome(RETURNED, value=text, identities=identities_of({"self": held}))


def test_an_identity_in_a_text_is_read_as_whose_it_is() -> None:
    held = _Held()
    ids = identities_of({"self": held})
    assert named(f"<{id(held)}> 0x{id(held.parts[0]):x} {id(held):X}", ids) == (
        "<<id of self>> 0x<id of self.parts[0]> <id of self>"
    )
    # a number that is nobody's identity stays (a count, a date, a hash)
    assert named("1234567 20240101 deadbeef", ids) == "1234567 20240101 deadbeef"
    # two copies of one input show two numbers: the same text; another object's is not
    other = _Held()
    assert difference(_shown_by(held, f"@{id(held)}"), _shown_by(other, f"@{id(other)}")) is None
    assert difference(_shown_by(held, f"@{id(held)}"), _shown_by(other, f"@{id(None)}")) == "return value"
    raised = [
        CallOutcome(RAISED, error=KeyError(f"not on {id(h):x}"), identities=identities_of({"self": h}))
        for h in (held, other)
    ]
    assert difference(*raised) is None


@pytest.mark.parametrize(
    ("value", "source"),
    [
        (float("nan"), "float('nan')"),
        (-float("inf"), "-float('inf')"),
        ((1,), "(1,)"),
        ({3, 1}, "{1, 3}"),
        (frozenset(), "frozenset()"),
        ({"k": [1.5, None, b"x"]}, "{'k': [1.5, None, b'x']}"),
        (decimal.Decimal("1.5"), "Decimal('1.5')"),
        (datetime.date(2020, 1, 2), "datetime.date(2020, 1, 2)"),
    ],
)
def test_literals_evaluate_back_to_the_value(value: Any, source: str) -> None:
    found = literal(value)
    assert found.source == source
    namespace: dict[str, Any] = {}
    for line in found.imports:
        exec(line, namespace)
    assert same_value(eval(found.source, namespace), value)


class Span(NamedTuple):
    lower: float
    upper: float


def test_a_namedtuple_is_written_by_its_fields() -> None:
    """Its ``repr`` shows the fields but may not evaluate (``lower=-inf``)."""
    found = literal(Span(-math.inf, 2.5))
    assert found.source == "Span(lower=-float('inf'), upper=2.5)"
    assert found.imports == {f"from {__name__} import Span"}


def _made(lines: list[str], imports: set[str], name: str) -> Any:
    """What a test's setup lines bind ``name`` to, run after their imports."""
    namespace: dict[str, Any] = {}
    for line in [*sorted(imports), *lines]:
        exec(line, namespace)  # noqa: S102 - the lines under test
    return namespace[name]


class _Leaf:
    def __init__(self, tag: str) -> None:
        self.tag = tag


class _Forest:
    def __init__(self) -> None:
        self.nodes: dict[str, _Leaf] = {}
        self.order: list[_Leaf] = []


def test_objects_held_in_a_dict_or_list_are_written_one_by_one() -> None:
    """A tree that keeps its nodes in a dict (treelib's ``Tree._nodes``) is
    written node by node, then the dict of their names; one node met again
    in a list is its name."""
    forest = _Forest()
    a, b = _Leaf("a"), _Leaf("b")
    forest.nodes = {"a": a, "b": b}
    forest.order = [b, a]
    lines, imports = setup_lines(shaped(forest), "obj")
    assert lines == [
        "obj = _Forest()",
        "obj_nodes_0 = _Leaf.__new__(_Leaf)",
        "obj_nodes_0.tag = 'a'",
        "obj_nodes_1 = _Leaf.__new__(_Leaf)",
        "obj_nodes_1.tag = 'b'",
        "obj.nodes = {'a': obj_nodes_0, 'b': obj_nodes_1}",
        "obj.order = [obj_nodes_1, obj_nodes_0]",
    ]
    made = _made(lines, imports, "obj")
    assert made.order[0] is made.nodes["b"] and made.nodes["a"].tag == "a"


def test_an_ordered_dict_or_a_defaultdict_is_written_with_its_objects() -> None:
    """Its ``repr`` is a list of pairs, and its items may be objects (a
    state machine's states): written as the dict it orders, objects first."""
    assert literal(collections.OrderedDict([("b", 1), ("a", 2)])).source == (
        "collections.OrderedDict({'b': 1, 'a': 2})"
    )
    forest = _Forest()
    forest.nodes = collections.OrderedDict([("b", _Leaf("b")), ("a", _Leaf("a"))])  # type: ignore[assignment]
    lines, imports = setup_lines(shaped(forest), "obj")
    assert "obj.nodes = collections.OrderedDict({'b': obj_nodes_0, 'a': obj_nodes_1})" in lines
    made = _made(lines, imports, "obj")
    assert type(made.nodes) is collections.OrderedDict and list(made.nodes) == ["b", "a"]
    assert made.nodes["a"].tag == "a"
    # a defaultdict of objects too, with its factory
    forest.nodes = collections.defaultdict(list, {"b": [_Leaf("b")]})  # type: ignore[assignment]
    lines, imports = setup_lines(shaped(forest), "obj")
    assert "obj.nodes = collections.defaultdict(list, {'b': [obj_nodes_0_0]})" in lines, lines
    made = _made(lines, imports, "obj")
    assert type(made.nodes) is collections.defaultdict and made.nodes["b"][0].tag == "b"
    assert made.nodes["new"] == []


def test_a_partial_of_objects_is_written_with_its_objects() -> None:
    """A callback bound to objects (a method of another object, an object as
    its argument) has no literal: its parts are written first."""
    forest = _Forest()
    leaf = _Leaf("a")
    forest.nodes = {
        "on_enter": functools.partial(leaf.__init__, "b"),
        "pick": functools.partial(max, leaf, key=id),
    }  # type: ignore[dict-item]
    lines, imports = setup_lines(shaped(forest), "obj")
    made = _made(lines, imports, "obj")
    callback, pick = made.nodes["on_enter"], made.nodes["pick"]
    assert type(callback) is functools.partial and callback.args == ("b",)
    assert pick.args[0].tag == "a" and pick.keywords == {"key": id}
    callback()  # the method of the copy of the leaf, which both hold
    assert callback.func.__self__ is pick.args[0] and pick.args[0].tag == "b"


def test_a_defaultdict_is_written_with_its_factory() -> None:
    value: collections.defaultdict[str, list[int]] = collections.defaultdict(list, {"a": [1]})
    found = literal(value)
    assert found.source == "collections.defaultdict(list, {'a': [1]})"
    assert found.imports == {"import collections"}


def test_values_without_a_faithful_literal_are_refused() -> None:
    with pytest.raises(NotLiteral, match="does not"):
        literal(object())
    with pytest.raises(NotLiteral, match="cannot be imported"):
        setup_lines(Shaped(type("Local", (), {}), ()), "obj")  # a class made on the fly


def test_instances_are_written_by_their_attributes() -> None:
    value = shaped(Point(3, 4))
    assert isinstance(value, Shaped)
    lines, imports = setup_lines(value, "p")
    assert lines == ["p = Point()", "p.x = 3", "p.y = 4"]
    assert imports == {f"from {__name__} import Point"}
    assert shaped(datetime.date(2020, 1, 1)) == datetime.date(2020, 1, 1)  # C state: left alone
    assert literal(Built(Point, (("x", 1), ("y", 2)))).source == "Point(x=1, y=2)"
    # a left-out argument is left out of the call too
    assert literal(Built(Point, (("x", OMITTED), ("y", 2)))).source == "Point(y=2)"


def test_a_list_or_dict_that_holds_itself_is_named_then_filled() -> None:
    """A linked ring kept in lists (``[previous, next, item]``, as a diff
    builder or an ordered cache keeps its entries) and a dict that holds
    itself: each is written empty under a name, then filled, so the lines
    end and the copy has the same shape."""
    forest = _Forest()
    root: list[Any] = []
    node: list[Any] = [root, root, "x"]
    root.extend([node, node, None])
    looped: dict[str, Any] = {"tag": 1}
    looped["self"] = looped
    forest.order = root
    forest.nodes = looped
    lines, imports = setup_lines(shaped(forest), "obj")
    assert "obj_nodes = {}" in lines and "obj_nodes.update({'tag': 1, 'self': obj_nodes})" in lines
    made = _made(lines, imports, "obj")
    ring = made.order
    assert ring[0][0] is ring and ring[0] is ring[1] and ring[0][2] == "x" and ring[2] is None
    assert made.nodes["self"] is made.nodes and made.nodes["tag"] == 1


class _EitherForm:
    """Every parameter has a default, yet one form must be given."""

    def __init__(self, text: str | None = None, major: int | None = None) -> None:
        if (text is None) == (major is None):
            raise ValueError("Call either _EitherForm('1') or _EitherForm(major=1)")
        self.major = int(text) if text is not None else major


def test_an_object_whose_class_refuses_no_arguments_is_made_bare() -> None:
    """``Cls()`` only when it makes an object: a constructor whose every
    parameter has a default may still refuse none, and the written test
    then failed on the original (semantic_version's ``Version``)."""
    lines, imports = setup_lines(shaped(_EitherForm(major=2)), "obj")
    assert lines == ["obj = _EitherForm.__new__(_EitherForm)", "obj.major = 2"]
    assert _made(lines, imports, "obj").major == 2


class _Link:
    __slots__ = ("key", "value", "next")

    def __init__(self, key: object, value: object, after: _Link | None) -> None:
        self.key, self.value, self.next = key, value, after


class Chain(MutableMapping[str, int]):
    """A mapping kept as linked nodes with ``__slots__``: more objects than
    a test lists attribute by attribute."""

    def __init__(self, items: dict[str, int] | None = None) -> None:
        self.head: _Link | None = None
        self.size = 0
        for key, value in (items or {}).items():
            self[key] = value

    def _links(self) -> Iterator[_Link]:
        link = self.head
        while link is not None:
            yield link
            link = link.next

    def __getitem__(self, key: str) -> int:
        for link in self._links():
            if link.key == key:
                return link.value  # type: ignore[return-value]
        raise KeyError(key)

    def __setitem__(self, key: str, value: int) -> None:
        for link in self._links():
            if link.key == key:
                link.value = value
                return
        last = None
        for last in self._links():  # noqa: B007 - the last link
            pass
        made = _Link(key, value, None)
        if last is None:
            self.head = made
        else:
            last.next = made
        self.size += 1

    def __delitem__(self, key: str) -> None:
        raise NotImplementedError

    def __iter__(self) -> Iterator[str]:
        return (link.key for link in self._links())  # type: ignore[misc]

    def __len__(self) -> int:
        return self.size


class Counted(Chain):
    """Its constructor cannot make its state: it counts the lookups made."""

    def __init__(self, items: dict[str, int] | None = None) -> None:
        super().__init__(items)
        self.lookups = 0

    def __getitem__(self, key: str) -> int:
        self.lookups += 1
        return super().__getitem__(key)


def test_a_collection_is_written_as_its_items_when_they_make_it() -> None:
    """A mapping of 20 linked nodes is refused attribute by attribute (more
    than 12 objects) but written as ``Chain({...})``; a class whose
    constructor cannot rebuild its state (a lookup count) is still refused."""
    chain = Chain({f"k{i}": i for i in range(20)})
    lines, imports = setup_lines(shaped(chain), "obj")
    assert lines == ["obj = Chain({" + ", ".join(f"'k{i}': {i}" for i in range(20)) + "})"]
    assert imports == {f"from {__name__} import Chain"}
    assert literal(Chain({"a": 1})).source == "Chain({'a': 1})"  # an argument too
    counted = Counted({"a": 1})
    counted["a"]  # noqa: B018 - a lookup, counted
    with pytest.raises(NotLiteral, match="evaluate back.*, and Counted.its items. does not make the same"):
        literal(counted)
    big = Counted({f"k{i}": i for i in range(20)})
    big["k1"]  # noqa: B018
    with pytest.raises(NotLiteral, match="more than 12 objects, and Counted.its items. does not make"):
        setup_lines(shaped(big), "obj")


def test_a_stepped_receiver_is_made_and_written_by_replaying_its_steps() -> None:
    """``Stepped``: a receiver taken further by calls the tests made on its
    class; made by replaying them on a fresh copy, written as the same
    statements (item assignment and ``del`` as a reader writes them)."""
    base = Chain({"a": 1})
    stepped = Stepped(
        base,
        (
            Step("__setitem__", (("key", "b"), ("value", 2))),
            Step("setdefault", (("key", "c"), ("default", 3))),
        ),
    )
    made = fresh(stepped)
    assert dict(made) == {"a": 1, "b": 2, "c": 3} and dict(base) == {"a": 1}  # the base is copied
    lines, imports = setup_lines(stepped, "obj")
    assert lines == ["obj = Chain({'a': 1})", "obj['b'] = 2", "obj.setdefault(key='c', default=3)"]
    assert imports == {f"from {__name__} import Chain"}
    assert Step("__delitem__", (("key", "a"),)).source("obj").source == "del obj['a']"
    assert repr(stepped).endswith(" after .__setitem__(key='b', value=2).setdefault(key='c', default=3)")


def test_a_class_s_tests_are_those_of_all_its_methods() -> None:
    def job(function: str, *tests: str) -> MutantJob:
        return MutantJob(f"m.{function}_1", tests, "m", function, 1, False, "", False, False)

    jobs = [job("f", "t::a"), job("C.put", "t::put", "t::both"), job("C.size", "t::both", "t::size")]
    assert class_tests_of(jobs) == {("m", "C"): ["t::put", "t::both", "t::size"]}


def test_a_search_runs_each_survivor_s_first_tests_before_any_second() -> None:
    """The tests a search child records inputs from are taken in turn: the
    survivor in a rare branch gets its line's test run, however many tests
    the first survivor has."""
    from pytest_escape.execution.stage import OBSERVE_TESTS
    from pytest_escape.execution.witnesses import observed_tests

    def job(n: int, *tests: str) -> MutantJob:
        return MutantJob(f"m.f_{n}", tests, "m", "f", 1, False, "", False, False)

    common = tuple(f"t::common{i}" for i in range(20))
    group = [job(1, *common), job(2, "t::rare", *common), job(3, "t::common0", "t::other")]
    chosen = observed_tests(group)
    assert chosen[:4] == ["t::common0", "t::rare", "t::common1", "t::other"]
    assert len(chosen) == OBSERVE_TESTS == len(set(chosen))


class _Reply:
    """A class of the program's, built from its hints (``__init__``'s)."""

    __slots__ = ("status", "reason")

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason


class _Section(collections.namedtuple("_SectionBase", "title key")):
    """A class Hypothesis builds with no arguments (its fields have no hints)."""


class _Meta:
    """A plain object the tests pass in a list (a docstring's parameters)."""

    def __init__(self, arg_name: str) -> None:
        self.arg_name = arg_name


def test_objects_in_a_list_the_tests_passed_are_varied_as_an_attribute_s_are() -> None:
    """A list's items were only the tests' own, recombined: no input had a
    parameter without a name, and a composer's branch for one was "not
    reached by the search" (37 survivors)."""
    from hypothesis import find, settings

    metas = inspect.Parameter("metas", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    strategy = parameter_strategy(metas, inspect.Parameter.empty, [[_Meta("x"), _Meta("y")]], Seeds())

    def unnamed(value: Any) -> bool:
        return isinstance(value, list) and any(
            isinstance(item, Shaped) and dict(item.state)["arg_name"] == "" for item in value
        )

    found = find(strategy, unnamed, settings=settings(max_examples=300, database=None))
    assert [fresh(item).arg_name for item in found] == [""]


@pytest.mark.filterwarnings("ignore::hypothesis.errors.SmallSearchSpaceWarning")
def test_a_hint_hypothesis_cannot_always_build_costs_an_input_not_the_search() -> None:
    """``Optional[List[Section]]`` draws ``None`` and ``[]``, so it passes as
    resolvable; a non-empty list calls ``Section()`` with no arguments, and
    Hypothesis's ``InvalidArgument`` ended the whole search as unexplorable,
    though the tests' own values were there to draw."""
    import typing

    from hypothesis import find, settings
    from hypothesis.errors import NoSuchExample

    sections = inspect.Parameter("sections", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    hint = typing.Optional[typing.List[_Section]]  # noqa: UP006, UP045 - as the project wrote it
    strategy = parameter_strategy(sections, hint, [[_Section("Args", "param")]], Seeds())
    with pytest.raises(NoSuchExample):
        find(strategy, lambda _: False, settings=settings(max_examples=200, database=None))
    # nor does a class's own constructor refusing what Hypothesis drew for it
    spec = inspect.Parameter("spec", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    strategy = parameter_strategy(spec, typing.Optional[_Spec], [_Spec(">=1")], Seeds())  # noqa: UP045
    with pytest.raises(NoSuchExample):
        find(strategy, lambda _: False, settings=settings(max_examples=200, database=None))


class _Spec:
    def __init__(self, text: str) -> None:
        if not text.startswith(">"):
            raise ValueError(f"Invalid specifier: {text!r}")
        self.text = text


def test_a_hinted_class_of_the_program_is_also_built_with_the_code_s_boundary_values() -> None:
    """``st.from_type`` fills a class's fields with its own strategies: for
    ``reply.status < 4321`` the boundary value came only from Hypothesis's
    pool of the project's literals (the frozen reply of test_witness.py
    lost it when the pool grew).  Built by calling it with the parameter
    strategies, its ``int`` field gets the code's boundary values too."""
    from hypothesis import find, settings

    seeds = Seeds(ints=[4320, 4321, 4322])
    reply = inspect.Parameter("reply", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    strategy = parameter_strategy(reply, _Reply, [], seeds)

    def at_the_boundary(value: Any) -> bool:
        return isinstance(value, Built) and dict(value.kwargs)["status"] == 4321

    found = find(strategy, at_the_boundary, settings=settings(max_examples=300, database=None))
    assert found.make(lambda v: v).status == 4321
    # and as a class of a union (``reply: Reply | None``)
    either = parameter_strategy(reply, _Reply | None, [], seeds)
    assert find(either, at_the_boundary, settings=settings(max_examples=300, database=None))
    # the property checks draw only what the hint vouches for, as before
    checked = parameter_strategy(reply, _Reply, [_Reply(200, "OK")], seeds, valid_only=True)
    assert "Built" not in repr(checked)


def test_parameters_get_strategies_or_a_reason() -> None:
    def f(qty: int, path: str = "", *, label, callback, when=None):  # type: ignore[no-untyped-def]
        return qty

    params = inspect.signature(f).parameters
    seeds = Seeds.from_code([f.__code__])
    assert parameter_strategy(params["qty"], int, [], seeds) is not None
    # a default can be left out, so that the mutant's default shows
    assert "just(<omitted>)" in repr(parameter_strategy(params["path"], str, [], seeds))
    with pytest.raises(Unexplorable, match="'callback'.*path, file or callable"):
        parameter_strategy(params["callback"], inspect.Parameter.empty, [], seeds)
    with pytest.raises(Unexplorable, match="'when'"):
        # only None to go on: a default, but no type to grow values from
        parameter_strategy(
            params["when"].replace(default=inspect.Parameter.empty), params["when"].empty, [], seeds
        )
    # ...but the tests' own values are enough
    assert parameter_strategy(params["label"], inspect.Parameter.empty, ["a", "b"], seeds) is not None


def test_seeds_include_module_constants_and_fractions() -> None:
    seeds = Seeds.from_code([], extra=[10, 2.5, "abc"])
    assert {9, 10, 11} <= set(seeds.ints)
    assert {2.5, 1.5, 3.5, 0.001} <= {round(f, 6) for f in seeds.floats}
    assert "abc" in seeds.strings


def test_guard_blocks_side_effects_only_while_armed(tmp_path: Any) -> None:
    # audit hooks cannot be removed: try it in a fresh interpreter
    script = textwrap.dedent(
        f"""
        import os
        from pytest_escape.inputs.sandbox import Guard, SandboxViolation
        guard = Guard()
        open({str(tmp_path / "before")!r}, "w").close()   # disarmed: allowed
        try:
            with guard:
                open({str(tmp_path / "during")!r}, "w")
        except SandboxViolation as e:
            print("blocked:", e)
        with guard:
            open({str(tmp_path / "before")!r}).read()       # reading stays allowed
        print("violation:", guard.violation)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert "blocked: writing a file (open" in out
    assert (tmp_path / "before").exists() and not (tmp_path / "during").exists()


def test_writes_inside_the_sandbox_are_allowed_and_each_call_starts_empty(tmp_path: Any) -> None:
    """A storage or exporter given a relative path writes in the sandbox's
    scratch directory (tinydb's ``JSONStorage``: 18 survivors "unsafe" while
    every write was refused).  Each armed call starts in the same empty
    directory, so an original and a mutant meet the same files; a write
    outside, or through a link that leads outside, is still refused."""
    outside = tmp_path / "outside"
    outside.mkdir()
    script = textwrap.dedent(
        f"""
        import os
        from pytest_escape.inputs import sandbox
        scratch = sandbox.enter(cpu_seconds=30, root={str(tmp_path)!r})
        guard = sandbox.Guard()
        with guard:
            with open("db.json", "w") as f:
                f.write("{{}}")
            os.mkdir("sub")
        print("wrote:", guard.wrote)
        with guard:
            print("left:", sorted(os.listdir(".")))
        for path in ({str(outside / "x")!r}, "away/x"):
            try:
                with guard:
                    os.symlink({str(outside)!r}, "away")
                    open(path, "w")
            except sandbox.SandboxViolation as e:
                print("blocked:", path)
        print("cwd inside:", os.getcwd().startswith(scratch))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    out = done.stdout
    assert "wrote: writing a file (open 'db.json')" in out, done.stderr
    assert "left: []" in out
    assert "blocked: " + str(outside / "x") in out and "blocked: away/x" in out
    assert "cwd inside: True" in out
    assert not list(outside.iterdir())


def test_an_emitted_test_that_writes_files_is_not_shown(tmp_path: Any) -> None:
    """Verified in the sandbox, a test may write in its scratch directory; in
    your suite it would write in your project: it is dropped, and says so."""
    from pytest_escape.inputs.verify import verify_tests, writes_files

    tests = [
        ("def test_w():\n    open('out.txt', 'w').write('x')\n", "test_w"),
        ("def test_r():\n    assert 1 + 1 == 2\n", "test_r"),
    ]
    wrote, clean = verify_tests(tests, None, 5.0, str(tmp_path))
    assert wrote["outcome"] == "passed" and clean["outcome"] == "passed"
    assert writes_files(wrote) == "dropped: it writes files where it runs (writing a file (open 'out.txt'))"
    assert writes_files(clean) is None


def test_a_test_whose_code_prints_without_a_newline_still_gets_its_answer(tmp_path: Any) -> None:
    """The fresh interpreter answers on the last line of its stdout.  Code
    under test that wrote there without a newline (a command line's
    formatted output) once put the answer after its text, and the tests of
    that suite were dropped as "gave no answer: exit status 0"."""
    from pytest_escape.inputs.verify import verify_tests

    tests = [
        ("import sys\ndef test_p():\n    sys.stdout.write('select *')\n", "test_p"),
        ("def test_q():\n    assert 1 + 1 == 2\n", "test_q"),
    ]
    assert [a["outcome"] for a in verify_tests(tests, None, 5.0, str(tmp_path))] == ["passed", "passed"]


def test_a_test_whose_code_reads_the_source_of_the_test_s_class_passes_as_in_a_file(tmp_path: Any) -> None:
    """Code under test that reads the source of a class the test defines
    (``inspect.getsource``: attribute docstrings) found none in a test
    compiled from a string, and a test that passes in your suite was
    dropped as failing on the original."""
    from pytest_escape.inputs.verify import verify_tests

    source = (
        "import inspect\n\n\n"
        "def test_s():\n"
        "    class Local:\n"
        "        x = 1  # the count\n\n"
        "    assert '# the count' in inspect.getsource(Local)\n"
    )
    (answer,) = verify_tests([(source, "test_s")], None, 5.0, str(tmp_path))
    assert answer["outcome"] == "passed", answer


def test_iterators_are_held_as_items_and_rebuilt_for_every_run() -> None:
    from pytest_escape.inputs.calls import fresh
    from pytest_escape.inputs.literals import OneShot, settled

    value = settled([iter([("a", "b")]), iter("xy")])
    assert value == [OneShot((("a", "b"),)), OneShot(("x", "y"))]
    first, second = fresh(value), fresh(value)
    assert [list(i) for i in first] == [list(i) for i in second] == [[("a", "b")], ["x", "y"]]
    assert literal(value[1]).source == "iter(['x', 'y'])"


def test_difference_path_leads_to_the_part_that_differs() -> None:
    import argparse

    def parser(text: str) -> argparse.ArgumentParser:
        made = argparse.ArgumentParser(prog="p")
        made.add_argument("--count", help=text)
        return made

    ours, theirs = parser("How many"), parser("XXHow manyXX")
    path = difference_path(ours, theirs)
    # one of the ways to that help string (actions are shared with their groups)
    assert path[0] == Part(name="_actions") and path[-1] == Part(name="help")
    assert (follow(ours, path), follow(theirs, path)) == ("How many", "XXHow manyXX")
    assert difference_path({"a": [1, Point(1, 2)]}, {"a": [1, Point(1, 5)]}) == [
        Part(key="a"),
        Part(key=1),
        Part(name="y"),
    ]


def test_files_paths_and_callables_are_refused_unless_registered() -> None:
    import io
    import os
    import pathlib

    from hypothesis import strategies as st

    class Handle(io.StringIO):
        pass

    param = inspect.Parameter("where", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    for hint in (pathlib.Path, os.PathLike, Handle, io.TextIOBase):
        with pytest.raises(Unexplorable, match="gets no generated values"):
            parameter_strategy(param, hint, [], Seeds())
    st.register_type_strategy(Handle, st.builds(Handle, st.text()))  # the user opts in
    assert parameter_strategy(param, Handle, [], Seeds()) is not None


def test_a_coroutine_function_is_called_to_its_end_in_a_fresh_loop_each_time() -> None:
    # the guard's audit hook stays for the life of the interpreter: a fresh one
    script = textwrap.dedent(
        """
        import asyncio, sys, types
        from pytest_escape.inputs.calls import Caller, resolve
        from pytest_escape.inputs.sandbox import Guard
        from pytest_escape.inputs.recorded import Call
        module = types.ModuleType("m")
        exec(
            "import asyncio\\n"
            "loops = []\\n"
            "async def double(x):\\n"
            "    loops.append(asyncio.get_running_loop())\\n"
            "    await asyncio.sleep(0)\\n"
            "    return x * 2\\n"
            "async def hang():\\n"
            "    await asyncio.sleep(30)\\n",
            module.__dict__,
        )
        sys.modules["m"] = module
        target = resolve("m", "double")
        caller = Caller(target, Guard(), 2.0)
        first, second = (caller(Call((("x", 3),)), None) for _ in range(2))
        print(target.is_async, first.kind, first.value, second.value)
        print(module.loops[0] is not module.loops[1], all(loop.is_closed() for loop in module.loops))
        hung = Caller(resolve("m", "hang"), caller.guard, 0.2)(Call(()), None)
        print(hung.kind)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:3] == ["True returned 6 6", "True True", "hung"], out.stderr


def test_hypothesis_tables_are_built_once_and_copied_into_each_fresh_home(tmp_path: Path) -> None:
    """Each stage's Hypothesis home is fresh (the sandbox), and building its
    unicode tables took two seconds a stage: they are kept between runs.
    Each warm-up runs in a fresh interpreter, as in a worker: one that has
    the tables in memory already writes none."""
    from pytest_escape.inputs.hypothesis_home import TABLES

    def warm_up(home: str, cache: Path) -> Path:
        code = "import sys; from pytest_escape.inputs.hypothesis_home import warm_up; warm_up(sys.argv[1])"
        env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
        subprocess.run([sys.executable, "-c", code, str(tmp_path / home)], env=env, check=True)
        return tmp_path / home / TABLES

    cache = tmp_path / "cache"
    assert any(warm_up("first", cache).rglob("charmap*"))
    (kept,) = cache.glob(f"pytest-escape/hypothesis-*/{TABLES}")
    assert any(kept.rglob("charmap*"))
    (kept / "marker").write_text("from the cache")
    assert (warm_up("second", cache) / "marker").read_text() == "from the cache"
    # a cache that cannot be written costs the time, never the warm-up
    (tmp_path / "blocked").write_text("a file, not a directory")
    assert any(warm_up("third", tmp_path / "blocked").rglob("charmap*"))


def test_pytest_escape_s_own_literals_are_never_drawn_as_the_project_s(tmp_path: Path) -> None:
    """Installed from a checkout, pytest-escape's modules are outside
    site-packages, and Hypothesis drew their literals as the project's: a
    search there drew otherwise than in a user's install."""
    import pytest_escape

    if f"{os.sep}site-packages{os.sep}" in pytest_escape.__file__:
        pytest.skip("installed in site-packages: Hypothesis reads no literal of ours anyway")
    # the literals of one module of ours, as Hypothesis reads them: many, and none in the pool
    code = (
        "import sys, pytest_escape.execution.witnesses, pytest_escape.witness.search as search\n"
        "from pytest_escape.inputs.hypothesis_home import warm_up\n"
        "from hypothesis.internal.conjecture import providers\n"
        "from hypothesis.internal.constants_ast import constants_from_module\n"
        "warm_up(sys.argv[1])\n"
        "ours = set(constants_from_module(search).strings)\n"
        "print(len(ours), len(ours & set(providers._local_constants.strings)))\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    command = [sys.executable, "-c", code, str(tmp_path / "home")]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    read, drawn = map(int, done.stdout.split())
    assert read >= 5 and drawn == 0, done.stdout


def test_the_project_s_constants_are_read_before_the_fork_and_kept_between_runs(tmp_path: Path) -> None:
    """Hypothesis draws from the literals of the project's modules and parsed
    them in every forked child: the warm-up reads them in the worker, and
    Hypothesis's per-module files of them are kept in the user's cache."""
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "planted.py").write_text("LIMIT = 987654321\n")
    code = (
        "import sys; sys.path.insert(0, sys.argv[2]); import planted\n"
        "from pytest_escape.inputs.hypothesis_home import warm_up\n"
        "from hypothesis.internal.conjecture import providers\n"
        "warm_up(sys.argv[1])\n"
        "print(987654321 in providers._local_constants.integers)\n"
    )

    def warm_up(home: str) -> str:
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
        command = [sys.executable, "-c", code, str(tmp_path / home), str(tmp_path / "project")]
        return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout.strip()

    assert warm_up("first") == "True"  # in memory before any child forks
    (kept,) = (tmp_path / "cache").glob("pytest-escape/hypothesis-*/constants")
    (entry,) = [p for p in kept.iterdir() if "planted.py" in p.read_text()]
    assert "987654321" in entry.read_text()
    entry.write_text(entry.read_text().replace("987654321", "123456789"))
    assert warm_up("second") == "False"  # read from the kept file, not parsed again


@pytest.mark.parametrize(
    ("distinct", "needed", "verdict", "words"),
    [
        (None, EVIDENCE, NOT_REACHED, "whether an input used the mutated default value is not observed"),
        (0, EVIDENCE, NOT_REACHED, "no difference on 200 inputs, and none of them reached the mutated line"),
        (3, EVIDENCE, UNDER_EXPLORED, "only 3 distinct inputs reached the mutated line, and 20 must"),
        (EVIDENCE - 1, EVIDENCE, UNDER_EXPLORED, "only 19 distinct inputs"),
        (EVIDENCE, EVIDENCE, LIKELY_EQUIVALENT, "no difference on 200 inputs; 20 distinct inputs reached"),
        (1, 1, LIKELY_EQUIVALENT, "1 distinct input reached the mutated line"),  # a function of nothing
    ],
)
def test_no_difference_is_equivalence_only_with_enough_inputs_on_the_line(
    distinct: int | None, needed: int, verdict: str, words: str
) -> None:
    got, reason = no_difference(200, False, distinct, needed)
    assert (got, words in reason) == (verdict, True), reason


def test_a_spent_budget_is_said() -> None:
    assert no_difference(7, True, 0, EVIDENCE)[1].startswith("no difference on 7 inputs (time budget spent)")


class _Node:
    __slots__ = ("key", "__next")

    def __init__(self, key: int) -> None:
        self.key = key

    def link(self, other: _Node) -> None:
        self.__next = other


class _Tagged(_Node):
    __slots__ = ("tag",)


def _ring(*keys: int) -> _Node:
    nodes = [_Node(k) for k in keys]
    for node, after in zip(nodes, nodes[1:] + nodes[:1], strict=True):
        node.link(after)
    return nodes[0]


def test_an_objects_state_holds_its_slots_by_the_names_code_reads() -> None:
    tagged = _Tagged(1)
    state = object_state(tagged)
    assert state is not None
    assert state["key"] == 1 and state["_Node__next"] is UNSET and state["tag"] is UNSET
    assert object_state(3) is None and object_state([1]) is None
    assert "key=1" in show(tagged)


def test_rings_of_slotted_nodes_differ_where_one_link_does() -> None:
    assert same_value(_ring(1, 2, 3), _ring(1, 2, 3))  # cycles end, equal rings are equal
    assert not same_value(_ring(1, 2, 3), _ring(1, 2, 4))  # a key two links away
    broken = _ring(1, 2, 3)
    broken.link(broken)
    assert not same_value(_ring(1, 2, 3), broken)


def test_copies_of_one_call_share_what_the_originals_shared() -> None:
    shared = [1]
    copies = fresh_arguments((("a", shared), ("b", shared)))
    assert copies["a"] is copies["b"] and copies["a"] is not shared
    head = _Node(0)
    head.link(head)
    made = fresh(Shaped(_Holder, (("first", head), ("index", {0: head}))))
    assert made.first is made.index[0] is not head


class _Holder:
    first: _Node
    index: dict[int, _Node]


def test_the_warnings_a_call_gives_are_part_of_its_outcome() -> None:
    said = Heard(UserWarning, "collapsed", AT_THE_CALL)
    quiet = CallOutcome(RETURNED, value="a b")
    warned = CallOutcome(RETURNED, value="a b", warned=(said,))
    louder = CallOutcome(RETURNED, value="a b", warned=(said._replace(message="COLLAPSED"),))
    inside = CallOutcome(RETURNED, value="a b", warned=(said._replace(where="at notes.py:6"),))
    assert difference(warned, warned) is None
    assert difference(warned, quiet) == difference(warned, louder) == difference(warned, inside) == WARNED
    assert warned_difference(warned, louder) == (said, louder.warned[0])
    assert warned_difference(quiet, warned) == (None, said)
    # where it points is shown only when that is all that differs
    assert warning_text(said, louder.warned[0]) == "UserWarning('collapsed')"
    assert warning_text(said, inside.warned[0]) == "UserWarning('collapsed') pointing at the call"
    assert warning_text(inside.warned[0], said) == "UserWarning('collapsed') pointing at notes.py:6"
    # a return value that differs is named first: it is what a test pins
    assert difference(warned, CallOutcome(RETURNED, value="ab")) == "return value"


def _warning_at(stacklevel: int) -> warnings.WarningMessage:
    with warnings.catch_warnings(record=True) as heard:
        warnings.simplefilter("always")
        _warns(stacklevel)
    return heard[0]


def _warns(stacklevel: int) -> None:
    warnings.warn("deprecated", DeprecationWarning, stacklevel=stacklevel)


def test_a_warning_points_at_the_call_beyond_it_or_into_the_code() -> None:
    """``stacklevel`` decides where a warning points: the caller's file (here
    this test file plays the search's calling module), a file further out
    on the stack, or a place in the code under test."""
    this = __file__
    outer = {"/site-packages/_pytest/python.py"}
    assert heard_warning(_warning_at(2), this, outer).where == AT_THE_CALL
    inside = heard_warning(_warning_at(1), "/elsewhere.py", outer)
    assert inside.where == f"at {os.path.basename(this)}:{_LINE}"
    beyond = _warning_at(2)
    assert heard_warning(beyond, "/elsewhere.py", {this}).where == BEYOND_THE_CALL
    assert heard_warning(_warning_at(99), this, outer).where == BEYOND_THE_CALL  # off the stack: "sys"


_LINE = _warns.__code__.co_firstlineno + 1


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"y", "x"}, "{'x', 'y'}"),
        (frozenset({3, 1}), "frozenset({1, 3})"),
        ([{"b", "a"}, (1,)], "[{'a', 'b'}, (1,)]"),
        ({"k": frozenset()}, "{'k': frozenset()}"),
        ({1, "a"}, "{'a', 1}"),  # unorderable: by their reprs
    ],
)
def test_sets_show_their_items_sorted_whatever_the_hash_seed(value: object, text: str) -> None:
    assert stable_repr(value) == text == show(value)
    assert eval(text) == value  # noqa: S307 - our own literal


def test_a_normaliser_is_told_by_what_it_does_with_its_tests_values() -> None:
    """``normalises``: how many of the tests' values a function changed and then
    gave back unchanged; 0 when any value changes again or changes kind."""
    script = textwrap.dedent(
        """
        import sys, types
        from pytest_escape.inputs.calls import Caller, resolve
        from pytest_escape.inputs.sandbox import Guard
        from pytest_escape.properties.check import normalises
        module = types.ModuleType("m")
        exec(
            "def squeeze(s): return s.replace('  ', ' ')\\n"
            "def shout(s): return s + '!'\\n"
            "def same(s): return s\\n"
            "def size(s): return len(s)\\n"
            "def tidy(s, lower=True): return s.strip().lower() if lower else s.strip()\\n",
            module.__dict__,
        )
        sys.modules["m"] = module
        guard = Guard()
        calls = [{"s": "a  b"}, {"s": "a b"}, {"s": " X "}]
        print([normalises(Caller(resolve("m", name), guard, 2.0), calls, "s", 5.0)
               for name in ("squeeze", "shout", "same", "size", "tidy")])
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    # squeeze changed "a  b" only, tidy " X " only; shout changes its output
    # again, same changes nothing, size changes the kind of value
    assert out.stdout.split("\n")[0] == "[1, 0, 0, 0, 1]", out.stderr


def test_the_domain_is_what_every_one_of_the_tests_calls_kept_to() -> None:
    from pytest_escape.inputs.domain import MIN_CALLS, learn, outside

    calls = [
        {"lo": 0, "hi": 10, "items": [1, 2], "name": "a"},
        {"lo": 2, "hi": 4, "items": [3], "name": "b"},
        {"lo": 1, "hi": 7, "items": [0, 5, 9], "name": None},
    ]
    domain = learn(calls, ["lo", "hi", "items", "name"])
    texts = {r.broken_text() for r in domain}
    assert texts == {
        "lo is None",
        "hi is None",
        "items is None",
        "items is empty",
        "items is not sorted",
        "lo > hi",
    }
    assert outside(domain, {"lo": 1, "hi": 0, "items": [2, 1]}) == ["items is not sorted", "lo > hi"]
    assert outside(domain, {"lo": 1, "hi": 1, "items": [], "name": 3}) == ["items is empty"]
    # a parameter left out keeps its default: not the search's to break
    assert outside(domain, {"lo": 5}) == []
    # too few calls to tell a relation from chance
    assert learn(calls[: MIN_CALLS - 1], ["lo", "hi"]) == ()
    # equal every time: no order to learn
    assert [r.kind for r in learn([{"a": 1, "b": 1}] * MIN_CALLS, ["a", "b"])] == ["not None", "not None"]


def test_a_module_s_sentinels_are_passed_as_themselves_never_copied() -> None:
    """``absent = object()`` means something only as itself: a deep copy is a
    value the code takes as given (furl: 43 of 52 witnesses passed one)."""
    import types

    from pytest_escape.inputs.calls import fresh_arguments
    from pytest_escape.inputs.themselves import kept_as_themselves

    module = types.ModuleType("sentinel_demo")
    exec(
        "absent = object()\n"
        "class _Missing:\n    pass\n"
        "MISSING = _Missing()\n"
        "class Box:\n    def __init__(self):\n        self.items = []\n"
        "BOX = Box()\n"
        "LIMIT = 3\n",
        module.__dict__,
    )
    sys.modules["sentinel_demo"] = module
    try:
        keep = kept_as_themselves("sentinel_demo")
        assert set(keep.values()) == {module.absent, module.MISSING}  # a Box holds state: copied
        copied = fresh_arguments((("a", module.absent), ("m", [module.MISSING]), ("b", module.BOX)), keep)
        assert copied["a"] is module.absent and copied["m"][0] is module.MISSING
        assert copied["b"] is not module.BOX and copied["b"].items == []
    finally:
        del sys.modules["sentinel_demo"]


def test_an_object_a_factory_made_is_kept_as_itself_and_written_as_the_global_that_holds_it() -> None:
    """``FREED = make_marker("FREED")``: the marker's class is made inside
    ``make_marker``, in another module than the one that holds it.  A copy
    is a marker no ``is`` knows; written, it is the global of the module
    that holds it (its class's module holds none)."""
    import types

    from pytest_escape.inputs.calls import fresh_arguments
    from pytest_escape.inputs.literals import literal
    from pytest_escape.inputs.themselves import kept_as_themselves

    factory = types.ModuleType("marker_factory_demo")
    exec(
        "def make_marker(name):\n    class Marker:\n        name = None\n    made = Marker()\n"
        "    made.name = name\n    return made\n",
        factory.__dict__,
    )
    holder = types.ModuleType("marker_holder_demo")
    holder.__dict__["FREED"] = factory.make_marker("FREED")
    holder.__dict__["OTHER"] = factory.make_marker("OTHER")
    sys.modules.update(marker_factory_demo=factory, marker_holder_demo=holder)
    try:
        keep = kept_as_themselves("marker_holder_demo")
        assert id(holder.FREED) in keep and id(holder.OTHER) in keep
        copied = fresh_arguments((("items", [1, holder.FREED]),), keep)
        assert copied["items"][1] is holder.FREED
        found = literal([1, holder.FREED])
        assert (found.source, found.imports) == ("[1, FREED]", {"from marker_holder_demo import FREED"})
        # one no module holds is made by a function no test can call: refused, as before
        with pytest.raises(NotLiteral):
            literal(factory.make_marker("loose"))
    finally:
        del sys.modules["marker_factory_demo"], sys.modules["marker_holder_demo"]


class _Unset:
    def __deepcopy__(self, memo: Any) -> _Unset:
        return self  # a sentinel that copies as itself (pygtrie's _NoCopy)


_UNSET = _Unset()


def _joined(parts: list[str], sep: Any = _UNSET) -> str:
    return ("," if sep is _UNSET else sep).join(parts)


def _drawn(strategy: Any, examples: int) -> list[dict[str, Any]]:
    """Every call ``strategy`` gives in ``examples`` tries of a seeded search
    that accepts none (so it draws them all)."""
    import random

    from hypothesis import find

    from pytest_escape.inputs.strategies import hypothesis_settings

    drawn: list[dict[str, Any]] = []

    def keep(call: Any) -> bool:
        drawn.append(call.as_dict())
        return False

    with pytest.raises(Exception, match="No examples"):
        find(strategy, keep, settings=hypothesis_settings(examples), random=random.Random(0))
    return drawn


def test_a_sentinel_default_the_tests_passed_is_left_out_not_rebuilt() -> None:
    """A recorded call that passed a sentinel default (``Trie.items`` passing
    ``prefix=_SENTINEL`` on to ``iteritems``) is drawn with it left out.  The
    marker for "left out" once went through ``shaped`` like a plain object and
    came back a new object, which the call passed on: eight false crashes on
    pygtrie."""
    import pickle

    from pytest_escape.inputs.strategies import call_strategy

    assert shaped(OMITTED) is OMITTED and pickle.loads(pickle.dumps(OMITTED)) is OMITTED
    # nor is the sentinel itself rebuilt as a new object, which ``is _UNSET`` would miss
    assert shaped(_UNSET) is _UNSET
    strategy = call_strategy(_joined, None, [{"parts": ["a"], "sep": _UNSET}], Seeds(), valid_only=True)
    drawn = [call.get("sep", OMITTED) for call in _drawn(strategy, 50)]
    assert drawn and all(sep is OMITTED for sep in drawn)


class _TreeNode:
    """A plain object whose constructor needs an argument, and whose repr is no call."""

    def __init__(self, key: int) -> None:
        self.key = key
        self.left: _TreeNode | None = None
        self.parent: _TreeNode | None = None

    def __repr__(self) -> str:
        return f"<node {self.key}>"


def test_an_object_holding_objects_is_written_node_by_node() -> None:
    """A child node gets lines of its own, and its link back to the parent is
    the parent's name (intervaltree's ``Node`` witnesses got no test at all)."""
    from pytest_escape.inputs.literals import setup_lines, shaped

    root, child = _TreeNode(2), _TreeNode(1)
    root.left, child.parent = child, root
    lines, imports = setup_lines(shaped(root), "node")
    assert lines == [
        "node = _TreeNode.__new__(_TreeNode)",
        "node.key = 2",
        "node_left = _TreeNode.__new__(_TreeNode)",
        "node_left.key = 1",
        "node_left.left = None",
        "node_left.parent = node",
        "node.left = node_left",
        "node.parent = None",
    ]
    built = _made(lines, imports, "node")
    assert (built.key, built.left.key, built.left.parent is built) == (2, 1, True)


class _Unlistable(dict):  # type: ignore[type-arg]
    """A mapping whose own iteration fails, as tomlkit's containers can."""

    def items(self):  # type: ignore[no-untyped-def]
        raise KeyError("held out of order")


def test_a_mapping_whose_items_raise_is_compared_not_a_failed_search() -> None:
    """27 of tomlkit's survivors ended "the search itself failed" with the
    error its containers raise from ``items()``."""
    one, two, other = _Unlistable(a=1), _Unlistable(a=1), _Unlistable(a=2)
    assert same_value(one, two) is True
    assert same_value(one, other) is False


class _SlotNode:
    """A node with ``__slots__`` (no ``__dict__``), one of them private."""

    __slots__ = ("key", "next", "__owner")

    def __init__(self, key: int, owner: str) -> None:
        self.key = key
        self.next: _SlotNode | None = None
        self.__owner = owner

    def owner(self) -> str:
        return self.__owner


def test_an_object_with_slots_is_written_by_its_slots() -> None:
    """intervaltree's ``Node`` has ``__slots__``: 38 of its 57 witnesses got no test."""
    from pytest_escape.inputs.literals import setup_lines

    head = _SlotNode(1, "me")
    head.next = _SlotNode(2, "you")
    lines, imports = setup_lines(head, "node")
    built = _made(lines, imports, "node")
    assert (built.key, built.owner(), built.next.key, built.next.owner(), built.next.next) == (
        1,
        "me",
        2,
        "you",
        None,
    )
    assert "node._SlotNode__owner = 'me'" in lines


class _NoneStepLike:
    """A stateless singleton: no ``__dict__``, empty ``__slots__``."""

    __slots__ = ()


NONE_STEP = _NoneStepLike()


def test_a_stateless_singleton_is_kept_and_written_as_its_global_name() -> None:
    """pygtrie's ``_NONE_STEP``: copied, it is no longer the step the code
    checks for; written, its repr is no call."""
    import copy as copying

    from pytest_escape.inputs.literals import literal
    from pytest_escape.inputs.themselves import is_sentinel, kept_as_themselves

    assert is_sentinel(NONE_STEP)
    assert id(NONE_STEP) in kept_as_themselves(__name__)
    assert copying.deepcopy([NONE_STEP], dict(kept_as_themselves(__name__)))[0] is NONE_STEP
    found = literal(NONE_STEP)
    assert (found.source, found.imports) == ("NONE_STEP", {f"from {__name__} import NONE_STEP"})


class _Kind(tuple):  # type: ignore[type-arg]
    """A token type, as a tokenizer interns them: ``Kind.Word.Reserved`` is
    made the first time it is asked for, and code compares with ``is``."""

    def __getattr__(self, name: str) -> _Kind:
        if name.startswith("__"):
            raise AttributeError(name)
        made = _Kind((*self, name))
        setattr(self, name, made)
        return made


class _Registry:
    """Hashed by identity: state a call may change."""

    def __init__(self) -> None:
        self.entries: list[str] = []


KIND = _Kind()
WORD = KIND.Word
RESERVED_NAME = WORD.Reserved.Name  # ``WORD.Reserved`` is no global: only an attribute
REGISTRY = _Registry()
SHAPES = (_Kind(("circle",)),)


def test_a_program_s_interned_constants_are_kept_as_themselves_and_written_by_name() -> None:
    """Copied, an interned token type is equal and never the same, and
    ``ttype is T.Keyword`` fails: a tokenizer's calls were never kept (the
    copy of a tuple made bare was empty) and would have reached nothing."""
    import copy as copying

    from pytest_escape.inputs.copying import deep_copy
    from pytest_escape.inputs.literals import literal
    from pytest_escape.inputs.themselves import kept_as_themselves

    kept = kept_as_themselves(__name__)
    reserved = WORD.Reserved
    assert {id(KIND), id(WORD), id(reserved), id(RESERVED_NAME), id(SHAPES[0])} <= kept.keys()
    assert id(REGISTRY) not in kept
    copied = copying.deepcopy({"kind": reserved, "registry": REGISTRY}, dict(kept))
    assert copied["kind"] is reserved
    assert copied["registry"] is not REGISTRY
    found = literal(reserved)
    assert (found.source, found.imports) == ("WORD.Reserved", {f"from {__name__} import WORD"})
    # one that is no constant of a module is copied whole, items and all
    other = _Kind(("x", "y"))
    again = deep_copy(other)
    assert (type(again), again) == (_Kind, other)
    assert again is not other


def count_up(n: int, *more: int, step: int = 1) -> Iterator[int]:
    """A generator function: its generators are copied as the call that made them."""
    yield from range(0, n + sum(more), step)


class _Bag:
    def __init__(self, items: list[int]) -> None:
        self.items = items

    def each(self) -> Iterator[int]:
        yield from self.items


class _Chunked(list):  # type: ignore[type-arg]
    """Its items in chunks in an attribute; its own list stays empty."""

    def __init__(self, items: Any = ()) -> None:
        super().__init__()
        self.chunks: list[list[Any]] = [[]]
        for item in items:
            self.append(item)

    def append(self, item: Any) -> None:
        if len(self.chunks[-1]) >= 2:
            self.chunks.append([])
        self.chunks[-1].append(item)

    def __iter__(self) -> Any:
        for chunk in self.chunks:
            yield from chunk


def test_a_container_subclass_is_compared_by_its_public_attributes_too() -> None:
    """Its items alone say nothing of a list kept as chunks; a private cache
    is the class's own business, as for any class with its own ``==``."""
    one, other = _Chunked([1, 2, 3]), _Chunked([1, 2, 3])
    assert same_value(one, other)
    other.chunks = [[1, 2, 3]]
    assert not same_value(one, other)
    other.chunks, other._cache = [[1, 2], [3]], "warm"  # type: ignore[attr-defined]
    one._cache = "cold"  # type: ignore[attr-defined]
    assert same_value(one, other)


def test_containers_are_copied_as_they_are_held() -> None:
    """A list subclass that iterates and appends through its own methods is
    copied as it is stored (by reduction, it came out holding every item
    twice), and a list or dict of plain values is copied whole, its
    sharing kept."""
    import copy as copying

    from pytest_escape.inputs.copying import deep_copy

    chunked = _Chunked([1, 2, 3])
    assert len(copying.deepcopy(chunked).chunks) == 3  # what reduction makes: [[1, 2], [3, 1], [2, 3]]
    again = deep_copy(chunked)
    assert again.chunks == [[1, 2], [3]] and again.chunks is not chunked.chunks
    assert type(again) is _Chunked and list.__len__(again) == 0
    flat = [1, "a", None, 2.5]
    table = {"k": 1, 2: b"x"}
    pair = deep_copy([flat, flat, table])
    assert pair == [flat, flat, table] and pair[0] is pair[1] and pair[0] is not flat and pair[2] is not table


def test_a_generator_not_started_is_copied_and_written_as_the_call_that_made_it() -> None:
    """``copy.deepcopy`` refuses every generator: a filter's token stream was
    never kept (a tokenizer's 48 survivors "unexplorable")."""
    import copy as copying
    import inspect

    from pytest_escape.inputs.copying import deep_copy
    from pytest_escape.inputs.literals import describe, literal

    made = count_up(3, 2, step=2)
    again = deep_copy(made)
    assert again is not made and list(again) == [0, 2, 4]
    assert inspect.getgeneratorstate(made) == inspect.GEN_CREATED  # the one the test holds is untouched
    assert describe(made) == "count_up(3, 2, step=2)"
    assert literal(made) == Literal("count_up(3, 2, step=2)", {f"from {__name__} import count_up"})
    # a method's: its receiver is copied with it, and shared as the memo says
    bag = _Bag([1, 2])
    pair = deep_copy([bag, bag.each()])
    bag.items.append(3)  # the test's own bag: no copy reads it
    pair[0].items.append(9)  # the copied generator reads the copied bag
    assert list(pair[1]) == [1, 2, 9]
    # one already started stands somewhere no call can bring it back to
    next(made)
    with pytest.raises(copying.Error, match=r"a generator already under way \(count_up\) cannot be copied"):
        deep_copy(made)

    def local() -> Iterator[int]:
        yield 1

    with pytest.raises(copying.Error, match=r"made by .*<locals>\.local, which has no name in its module"):
        deep_copy(local())


class _ContextProxy:
    """werkzeug's LocalProxy outside its context: even ``__dict__`` raises."""

    @property
    def __dict__(self) -> dict[str, Any]:  # type: ignore[override]
        raise RuntimeError("working outside of application context")


class _Unorderable:
    def __lt__(self, other: object) -> bool:
        raise RuntimeError("no order")


def test_values_that_raise_when_looked_at_are_no_sentinels_and_teach_no_domain() -> None:
    """A module global that raises on any look must not cost the search of its
    module's functions, nor a list whose items raise when sorted."""
    from pytest_escape.inputs.domain import learn
    from pytest_escape.inputs.themselves import is_sentinel

    assert is_sentinel(_ContextProxy()) is False
    calls = [{"items": [_Unorderable(), _Unorderable()]} for _ in range(3)]
    assert [r.kind for r in learn(calls, ["items"])] == ["not None", "non-empty"]  # no "sorted"


def test_paths_in_the_checkout_are_written_from_the_project_package(tmp_path: Path) -> None:
    """Absolute paths under the project root become source that finds them
    from the project's own package; anything else stays as it is."""
    import pathlib
    import types

    from pytest_escape.inputs import literals

    package = types.ModuleType("zz_checkout_pkg")
    package.__file__ = str(tmp_path / "src" / "zz_checkout_pkg" / "__init__.py")
    package.__path__ = [str(tmp_path / "src" / "zz_checkout_pkg")]
    sys.modules["zz_checkout_pkg"] = package
    try:
        literals.project_root(str(tmp_path))
        data = str(tmp_path / "tests" / "data" / "a.toml")
        written = literals._build(data, 0)
        assert written.source == (
            "os.path.normpath(os.path.join(os.path.dirname(zz_checkout_pkg.__file__), "
            "'../../tests/data/a.toml'))"
        )
        assert written.imports == {"import os", "import zz_checkout_pkg"}
        as_path = literals._build(pathlib.Path(data), 0)
        assert (
            as_path.source.startswith("pathlib.Path(os.path.normpath(")
            and "import pathlib" in as_path.imports
        )
        # outside the checkout, relative, or not in normal form: written as it is
        for kept in ("/elsewhere/a.toml", "tests/a.toml", data + "/", str(tmp_path) + "/x/../a"):
            assert literals._build(kept, 0).source == repr(kept)
    finally:
        del sys.modules["zz_checkout_pkg"]
        literals._CHECKOUT.clear()


class FrozenTally(dict[str, int]):
    """A dict that keeps dict's constructor, as tinydb's ``FrozenDict`` does."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items())))


def test_a_builtin_s_subclass_is_built_from_a_value_of_its_base() -> None:
    """``inspect.signature`` cannot read dict's constructor, so a receiver the
    tests never passed could not be built ("cannot read the signature of
    FrozenDict()": 10 of tinydb's survivors).  It is built from a value of
    its base, and written by its contents."""
    from hypothesis import find

    made = find(constructor_strategy(FrozenTally, Seeds()), lambda v: len(v) >= 1)
    assert type(made) is FrozenTally and len(made) == 1
    written = literal(made)
    assert written.source == f"FrozenTally({dict(made)!r})", written
    with pytest.raises(Unexplorable, match="cannot read the signature"):
        constructor_strategy(FrozenTally, Seeds(), valid_only=True)  # a caller's value only


class ReprlessTerm:
    """An expression that shows itself as no expression, as parsimonious's do."""

    __slots__ = ("name", "text")

    def __init__(self, text: str, name: str = "") -> None:
        self.text, self.name = text, name

    def __repr__(self) -> str:
        return f"<Term {self.text!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ReprlessTerm) and (self.text, self.name) == (other.text, other.name)

    __hash__ = None  # type: ignore[assignment]


class ReprlessChain(ReprlessTerm):
    __slots__ = ("members",)

    def __init__(self, *members: ReprlessTerm, **kwargs: str) -> None:
        super().__init__("", kwargs.get("name", ""))
        self.members = members


class ReprlessDoubled(ReprlessTerm):
    __slots__ = ()

    def __init__(self, text: str) -> None:
        super().__init__(text * 2)


def test_an_object_whose_repr_is_no_expression_is_written_as_its_constructor_call() -> None:
    """``<Literal "x">`` is no source (parsimonious: 14 witnesses without a
    test).  Each parameter is given the attribute of its name, a default is
    left out, ``*members`` is given its items and ``**kwargs`` what a base's
    constructor takes; the call is kept only if it makes the same object,
    and holds no object twice (written part by part, it would hold two)."""
    assert literal(ReprlessTerm("x")).source == "ReprlessTerm(text='x')"
    assert literal(ReprlessTerm("x", name="n")).source == "ReprlessTerm(text='x', name='n')"
    written = literal(ReprlessChain(ReprlessTerm("a"), ReprlessTerm("b"), name="s"))
    assert written.source == "ReprlessChain(ReprlessTerm(text='a'), ReprlessTerm(text='b'), name='s')", (
        written
    )
    assert literal((ReprlessTerm("a"),)).source == "(ReprlessTerm(text='a'),)"
    with pytest.raises(NotLiteral, match="does not evaluate back"):
        literal(ReprlessDoubled("ab"))  # ReprlessDoubled(text='abab') makes 'abababab'
    shared = ReprlessTerm("a")
    with pytest.raises(NotLiteral, match="does not evaluate back"):
        literal(ReprlessChain(shared, shared))  # written part by part, it would hold two


class BracketedSpec:
    """Shows itself as its constructor call in angle brackets, as packaging's
    ``<Specifier('>=1')>`` does, and keeps its argument parsed, privately."""

    __slots__ = ("_shown", "_spec")

    def __init__(self, spec: str) -> None:
        self._shown = spec
        self._spec = (spec[:2], spec[2:])

    def __repr__(self) -> str:
        return f"<BracketedSpec({self._shown!r})>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BracketedSpec) and self._spec == other._spec

    def __hash__(self) -> int:
        return hash(self._spec)


def test_a_constructor_call_shown_in_angle_brackets_is_written_as_that_call() -> None:
    """packaging's specifiers show themselves so, and a frozenset of them in
    a witness's receiver had no test ("does not evaluate back")."""
    assert literal(BracketedSpec(">=1")).source == "BracketedSpec('>=1')"
    assert literal(frozenset({BracketedSpec("~=1.18")})).source == "frozenset({BracketedSpec('~=1.18')})"
    lying = BracketedSpec(">=1")
    lying._shown = ">=2"
    with pytest.raises(NotLiteral, match="does not round-trip"):
        literal(lying)  # the call makes another object: refused, as every literal is


def test_a_self_contained_lambda_is_written_as_its_source() -> None:
    """A test's callback has no name to import: a lambda that needs nothing
    around it is written as its own source, told apart from another lambda
    on its line by what it compiles to."""
    double = lambda v: v * 2  # noqa: E731
    inc, dec = (lambda a: a + 1), (lambda a: a - 1)  # noqa: E731
    assert literal(double).source == "lambda v: v * 2"
    assert (literal(inc).source, literal(dec).source) == ("lambda a: a + 1", "lambda a: a - 1")


def test_a_lambda_inside_a_container_is_written_as_its_source() -> None:
    """A lambda in a tuple, list or dict (toolz's ``(0, lambda ...)``
    signatures) round-trips when the written one has its code and defaults:
    it is a new function object, which no ``==`` equals."""
    inc = lambda a, b=2: a + b  # noqa: E731
    assert literal((0, inc)).source == "(0, lambda a, b=2: a + b)"
    assert literal({"key": [inc]}).source == "{'key': [lambda a, b=2: a + b]}"
    with pytest.raises(NotLiteral, match="does not evaluate back"):
        literal((0, inc, object()))


def test_a_lambda_is_written_with_the_values_of_the_variables_it_uses() -> None:
    """A filter over a test's local variables (anytree's ``filter_``: 9
    witnesses without a test) is written with each variable's value in its
    place, bracketed where it must be; a module it uses keeps its name and
    gets its import (``re.sub`` compiles otherwise without one).  A variable
    whose value cannot be written is named in the refusal."""
    import re

    names, power = ["a", "b"], -1
    kept = lambda node: node.name in names  # noqa: E731
    inverse = lambda x: x**power  # noqa: E731
    swapped = lambda s: re.sub("a", "b", s)  # noqa: E731

    def helper(x: int) -> int:
        return x

    wrapped = lambda y: helper(y)  # noqa: E731
    assert literal(kept).source == "lambda node: node.name in ['a', 'b']"
    assert literal(inverse).source == "lambda x: x**(-1)"
    assert eval(literal(inverse).source)(2) == 0.5  # noqa: S307 - our own literal
    written = literal(swapped)
    assert (written.source, written.imports) == ('lambda s: re.sub("a", "b", s)', {"import re"})
    with pytest.raises(NotLiteral, match="uses 'helper': .*helper cannot be imported by name"):
        literal(wrapped)


def test_the_written_file_is_ruff_clean_without_ruff_where_lines_are_short(tmp_path: Path) -> None:
    """Without ruff installed, the file's own style is ruff's: grouped, merged
    and sorted imports (a long one wrapped), double quotes, two blank lines,
    no unused result; ruff (when the suite has it) finds nothing to change."""
    import shutil
    import subprocess
    import sys

    from pytest_escape.report.regression_tests import _import_block

    long_names = [f"_validate_part_number_{i}" for i in range(6)]
    block = _import_block(
        {
            "import pytest",
            "import re",
            *(f"from pkg.url import {n}" for n in long_names),
            "from pkg import b, A",
        },
        {"pkg"},
    )
    assert block.splitlines()[:4] == ["import re", "", "import pytest", ""]
    assert "from pkg import A, b" in block
    assert "from pkg.url import (\n    _validate_part_number_0,\n" in block and block.endswith(")")
    path = tmp_path / "test_block.py"
    path.write_text(f'"""Imports."""\n\n{block}\n', encoding="utf-8")
    # ruff tells the project's own modules (first party) by finding them
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "pkg" / "url.py").write_text("", encoding="utf-8")
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed")
    for args in (
        ["check", "--isolated", "--select", "I", "--ignore", "F401"],
        ["format", "--isolated", "--check"],
    ):
        done = subprocess.run([ruff, *args, str(path)], capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_simplest_match_that_still_tells_the_mutant_apart() -> None:
    from pytest_escape.witness.regression import match_pattern

    # plain words: the message as written (pytest.raises searches, so no anchors)
    assert match_pattern("age cannot be negative", "other") == "age cannot be negative"
    assert match_pattern("age cannot be negative", None) == "age cannot be negative"
    # the mutant's message holds the original's: anchored, or it would match both
    assert match_pattern("age cannot be negative", "XXage cannot be negativeXX") == "^age cannot be negative$"
    # only what a regular expression reads is escaped (re.escape also escapes spaces)
    assert match_pattern("a.b (c) 50%", None) == r"a\.b \(c\) 50%"


def test_equal_values_of_another_type_are_told_apart_by_their_type() -> None:
    from pytest_escape.inputs.compare import RETURNED, CallOutcome
    from pytest_escape.witness.regression import _pin_value

    assert _pin_value(25, CallOutcome(RETURNED, value=25.0))[0] == [
        "assert result == 25",
        "assert type(result) is int",
    ]
    assert _pin_value(1, CallOutcome(RETURNED, value=True))[0] == [
        "assert result == 1",
        "assert type(result) is int",
    ]


class _TagNode:
    """A node with no literal: its default ``repr`` shows an address."""

    def __init__(self, tag: str) -> None:
        self.tag = tag


class _Tree:
    def __init__(self, **tags: str) -> None:
        self.nodes = {key: _TagNode(tag) for key, tag in tags.items()}
        self.size = len(tags)


def test_a_state_holding_objects_is_pinned_where_it_differs() -> None:
    """``vars(tree) == {...}`` has no literal when the tree holds nodes: the
    part the mutant left otherwise is pinned instead (treelib's after-states,
    19 witnesses without a test)."""
    from pytest_escape.witness.regression import _pin_state

    lines, imports = _pin_state(_Tree(a="x", b="y"), _Tree(a="x", b="z"), "tree", receiver=True)
    assert (lines, imports) == (["assert tree.nodes['b'].tag == 'y'"], set())
    lines, _ = _pin_state(_Tree(a="x"), _Tree(a="x", b="y"), "tree", receiver=True)
    assert "assert tree.size == 1" in lines
    with pytest.raises(NotLiteral, match="no attribute of _Tree tells the two apart"):
        _pin_state(_Tree(a="x"), _Tree(a="x"), "tree", receiver=True)


def test_emitted_source_is_double_quoted_as_ruff_writes_it() -> None:
    from pytest_escape.pysource import double_quoted

    source = "x = 'a'\ny = 'it\\'s'\nz = 'say \"hi\"'\nw = r'\\d'\nv = '''doc'''\n"
    assert double_quoted(source) == "x = \"a\"\ny = \"it's\"\nz = 'say \"hi\"'\nw = r\"\\d\"\nv = '''doc'''\n"


def test_long_lines_are_wrapped_by_ruff_or_the_user_is_told_why_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from pytest_escape.report import regression_tests

    long_call = "def test_x():\n    assert f(" + ", ".join(f"argument_{i}={i}" for i in range(12)) + ")\n"
    path = tmp_path / "test_out.py"
    if shutil.which("ruff", path=str(Path(sys.executable).parent)):
        text, why = regression_tests.formatted(long_call, path)
        assert why is None and max(len(line) for line in text.splitlines()) <= regression_tests.LINE_LENGTH
    # a machine without ruff: the text as it is, and the reason, only where a line needs wrapping
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    assert regression_tests.formatted(long_call, path) == (long_call, "ruff is not installed")
    assert regression_tests.formatted("def test_x():\n    pass\n", path) == (
        "def test_x():\n    pass\n",
        None,
    )


class _Field:
    """Answers every attribute name, as a query builder does (``Query().a``)."""

    def __init__(self) -> None:
        self._path: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> _Field:
        field = type(self)()
        field._path = self._path + (name,)
        return field

    def __call__(self, *args: object) -> None:
        raise RuntimeError("an empty field was evaluated")


class _SlottedField:
    __slots__ = ("path",)

    def __init__(self, path: tuple[str, ...]) -> None:
        self.path = path

    def __getattr__(self, name: str) -> _SlottedField:
        return _SlottedField((*self.path, name))


def test_an_object_whose_getattr_answers_every_name_is_copied() -> None:
    """``copy.deepcopy`` asks the instance for ``__deepcopy__`` and gets a
    field back, which it calls; the copy here looks it up on the type, as
    Python does, and leaves ``copy`` as it was for the code under test."""
    from pytest_escape.inputs.copying import deep_copy

    field = _Field().user.name
    with pytest.raises(RuntimeError, match="empty field"):
        copy.deepcopy(field)
    shared = [field, {"again": field}]
    copied = deep_copy(shared)
    assert copied[0] is not field and copied[0]._path == ("user", "name")
    assert copied[1]["again"] is copied[0]  # what the original shared, the copy shares
    slotted = deep_copy(_SlottedField(("a",)).b)
    assert slotted.path == ("a", "b")
    with pytest.raises(RuntimeError, match="empty field"):
        copy.deepcopy(field)  # the table is put back


class _Query:
    """Keeps a function of its own per instance, as tinydb's ``Query()`` does."""

    def __init__(self) -> None:
        def nothing(_: object) -> bool:
            raise RuntimeError("an empty query was evaluated")

        self._test = nothing
        self._path: tuple[str, ...] = ()
        self.limit = 10


def test_what_the_constructor_sets_anyway_is_not_written_again() -> None:
    """``obj = _Query()`` already holds its local function and its default
    limit: only the path the tests gave it is written, and the local
    function, which no test can import, no longer stops the whole object."""
    from pytest_escape.inputs.literals import setup_lines

    query = _Query()
    query._path = ("name",)
    lines, _ = setup_lines(query, "obj")
    assert lines == ["obj = _Query()", "obj._path = ('name',)"]
    query.limit = 3
    assert setup_lines(query, "obj")[0] == ["obj = _Query()", "obj._path = ('name',)", "obj.limit = 3"]


class _Factory(dict):  # type: ignore[type-arg]
    """Answers every name, and pickles its items only: its factory is lost."""

    def __init__(self, factory: type) -> None:
        super().__init__()
        self.factory = factory

    def __getattr__(self, name: str) -> object:
        try:
            return object.__getattribute__(self, name)
        except AttributeError:
            return self[name]

    def __missing__(self, key: str) -> object:
        self[key] = self.factory()
        return self[key]

    def __getstate__(self) -> dict[str, object]:
        return dict(self)

    def __setstate__(self, state: dict[str, object]) -> None:
        self.update(state)

    def __repr__(self) -> str:
        return f"_Factory({self.factory.__name__}, {dict.__repr__(self)})"


def test_a_copy_that_is_not_the_same_object_is_refused() -> None:
    """Made from its pickling state, the copy has no factory and its repr
    recurses: refused, so the value is no seed, rather than a broken one
    that fails the search."""
    from pytest_escape.inputs.copying import deep_copy

    with pytest.raises(copy.Error, match="a copy of _Factory is not the same object"):
        deep_copy(_Factory(list))


class _MissingError(ValueError):
    """Keeps other ``args`` than its ``__init__`` takes (rfc3986's errors)."""

    def __init__(self, uri: str, *names: str) -> None:
        self.uri = uri
        self.names = sorted(names)
        super().__init__(f"{', '.join(self.names)} missing", uri, self.names)


class _PathError(OSError):
    def __init__(self, path: str) -> None:
        super().__init__(2, "no such file", path)


def test_an_exception_is_copied_without_its_own_init() -> None:
    """Copied by reduction, ``_MissingError(*args)`` runs its ``__init__`` on
    the message, uri and list it keeps, and ``sorted`` raises: every input
    whose ``self`` was one failed to be built.  It is copied by its args and
    attributes; one whose built-in class keeps more than its args (an
    OSError's filename) is refused rather than copied without it."""
    from pytest_escape.inputs.copying import deep_copy

    error = _MissingError("http://x", "port", "host")
    with pytest.raises(TypeError):
        copy.deepcopy(error)
    copied = deep_copy(error)
    assert type(copied) is _MissingError and copied is not error
    assert copied.args == error.args and vars(copied) == vars(error) and copied.names is not error.names
    with pytest.raises(copy.Error, match="a copy of _PathError is not the same exception"):
        deep_copy(_PathError("a.txt"))


class _Parsed(NamedTuple):
    scheme: str
    path: str


class _Result(_Parsed):
    """A namedtuple whose ``__new__`` takes an encoding besides its fields
    (rfc3986's ``ParseResult``)."""

    def __new__(cls, scheme: str, path: str, encoding: str) -> _Result:
        made = super().__new__(cls, scheme, path)
        made.encoding = encoding  # type: ignore[attr-defined]
        return made


def test_a_tuple_whose_new_takes_more_than_its_items_is_copied_by_its_items() -> None:
    """Copied by reduction, ``_Result.__new__(cls, *items)`` misses the
    encoding, and no call holding one was recorded; it is copied by its
    items and attributes."""
    from pytest_escape.inputs.copying import deep_copy

    result = _Result("http", "/a", "utf-8")
    with pytest.raises(TypeError):
        copy.deepcopy(result)
    copied = deep_copy(result)
    assert type(copied) is _Result and copied == result and copied is not result
    assert copied.encoding == "utf-8"  # type: ignore[attr-defined]
    assert deep_copy(Span(1, 2)) == Span(1, 2)  # a plain namedtuple copies as it always did


def test_a_tuple_whose_new_takes_more_than_its_items_is_written_by_its_items() -> None:
    """Its ``repr`` shows the fields alone, and the class called with them
    raises: it is made by ``tuple.__new__`` from its items, then given its
    attributes."""
    result = _Result("http", "/a", "utf-8")
    lines, imports = setup_lines(result, "obj")
    assert lines == ["obj = tuple.__new__(_Result, ('http', '/a'))", "obj.encoding = 'utf-8'"]
    made = _made(lines, imports, "obj")
    assert type(made) is _Result and made == result and made.encoding == "utf-8"


def test_an_exception_of_the_program_is_held_and_written_by_its_args_and_attributes() -> None:
    from pytest_escape.inputs.literals import plain_exception

    assert plain_exception(_MissingError) and not plain_exception(ValueError)
    assert not plain_exception(_PathError)  # errno and filename live outside its args
    error = _MissingError("http://x", "port", "host")
    held = shaped(error)
    assert isinstance(held, Shaped) and dict(held.state)["args"] == error.args
    made = held.make(copy.deepcopy)
    assert made.args == error.args and vars(made) == vars(error)
    lines, imports = setup_lines(error, "obj")
    assert lines == [
        "obj = _MissingError.__new__(_MissingError)",
        "obj.args = ('host, port missing', 'http://x', ['host', 'port'])",
        "obj.uri = 'http://x'",
        "obj.names = ['host', 'port']",
    ]
    rebuilt = _made(lines, imports, "obj")
    assert rebuilt.args == error.args and str(rebuilt) == str(error)


def test_a_method_call_without_its_receiver_is_not_written_and_says_why() -> None:
    import types

    from pytest_escape.inputs.calls import resolve
    from pytest_escape.inputs.literals import OMITTED, NotLiteral
    from pytest_escape.inputs.recorded import Call
    from pytest_escape.inputs.rendering import call_source

    module = types.ModuleType("receiverless")
    exec("class Spec:\n    def __init__(self, *parts):\n        self.parts = parts\n", module.__dict__)
    sys.modules["receiverless"] = module
    try:
        target = resolve("receiverless", "Spec.__init__")
        with pytest.raises(NotLiteral, match="argument 'self': the input holds no receiver to write"):
            call_source(target, Call((("self", OMITTED), ("parts", (">1",)))))
    finally:
        del sys.modules["receiverless"]


def test_a_constructor_on_a_new_instance_is_written_and_shown_as_the_class_s_call() -> None:
    """``Bare``: the receiver of a searched ``__init__``; the call is written
    as the class's (held, it is named ``obj``), and shown so too."""
    import types

    from pytest_escape.inputs.calls import resolve
    from pytest_escape.inputs.literals import Bare, constructs_plainly, describe_call
    from pytest_escape.inputs.recorded import Call
    from pytest_escape.inputs.rendering import call_source

    module = types.ModuleType("constructed")
    source = "class Spec:\n    def __init__(self, text, strict=False):\n        self.text = text\n"
    exec(source, module.__dict__)
    sys.modules["constructed"] = module
    try:
        target = resolve("constructed", "Spec.__init__")
        call = Call((("self", Bare(module.Spec)), ("text", "1"), ("strict", True)))
        assert call_source(target, call).expression == "Spec(text='1', strict=True)"
        held = call_source(target, call, ("self",))
        assert (held.expression, held.names["self"], held.constructs) == (
            "obj = Spec(text='1', strict=True)",
            "obj",
            True,
        )
        assert describe_call("Spec.__init__", call.as_dict()) == "Spec(text='1', strict=True)"
        assert type(Bare(module.Spec).make(lambda v: v)) is module.Spec
        assert constructs_plainly(module.Spec) and not constructs_plainly(ValueError)
    finally:
        del sys.modules["constructed"]


def test_a_repr_that_names_other_classes_of_its_module_imports_them() -> None:
    """``AllOf(Range('<', 1))`` needs ``Range`` as well as ``AllOf``."""
    import types

    module = types.ModuleType("clauses")
    exec(
        "class Range:\n"
        "    def __init__(self, op, bound):\n        self.op, self.bound = op, bound\n"
        "    def __repr__(self):\n        return f'Range({self.op!r}, {self.bound!r})'\n"
        "    def __eq__(self, other):\n        return vars(self) == vars(other)\n"
        "class AllOf:\n"
        "    def __init__(self, *clauses):\n        self.clauses = clauses\n"
        "    def __repr__(self):\n        return 'AllOf(' + ', '.join(map(repr, self.clauses)) + ')'\n"
        "    def __eq__(self, other):\n        return self.clauses == other.clauses\n"
        "class Vec(tuple):\n"
        "    def __repr__(self):\n        return f'vec({list(self)})'\n"
        "def python_vec(items):\n    return Vec(items)\n"
        "vec = python_vec\n",
        module.__dict__,
    )
    module.Range.__module__ = module.AllOf.__module__ = "clauses"
    sys.modules["clauses"] = module
    try:
        written = literal(module.AllOf(module.Range("<", 1)))
        assert written.source == "AllOf(Range('<', 1))"
        assert written.imports == {"from clauses import AllOf", "from clauses import Range"}
        module.Vec.__module__ = "clauses"
        # a function the module holds under another name than its own
        assert literal(module.Vec([1])).imports == {"from clauses import Vec", "from clauses import vec"}
    finally:
        del sys.modules["clauses"]


def test_a_partial_is_written_as_its_call_and_never_made_bare() -> None:
    """``functools.partial`` is a heap type since Python 3.10, yet its state
    is C's: it is written as ``functools.partial(f, ...)``, and an object
    holding one gets that line, not a bare partial given a ``__dict__``."""
    import functools

    from pytest_escape.inputs.literals import python_classes

    value = functools.partial(divmod, 7)
    written = literal(value)
    assert (written.source, written.imports) == ("functools.partial(divmod, 7)", {"import functools"})
    assert literal(functools.partial(sorted, key=len)).source == "functools.partial(sorted, key=len)"
    assert not python_classes(functools.partial) and python_classes(Point)
    holder = Point()
    holder.x = value  # type: ignore[assignment]
    lines, imports = setup_lines(shaped(holder), "obj")
    assert "obj.x = functools.partial(divmod, 7)" in lines, lines
    assert _made(lines, imports, "obj").x(2) == (3, 1)


def _a_check() -> Any:
    def check(value: int) -> bool:
        return value > 1

    return check


def _another_check() -> Any:
    def check(value: int) -> bool:
        return value < 1

    return check


def _a_countdown() -> Any:
    def check(value: int) -> int:
        return check(value - 1) if value else 0

    return check


def test_two_functions_of_the_tests_with_one_name_are_both_written() -> None:
    """Two tests each define a ``validate_value``, and one input holds both:
    the second was refused, and 16 witnesses of a validation library had
    no test.  It is written under a name of its own; one that calls itself
    by its name keeps it, and is refused."""
    first, second = _a_check(), _another_check()
    with defining() as defined:
        written = literal([first, second, first])
        assert written.source == "[check, check_2, check]"
        assert "def check_2(value: int) -> bool:\n    return value < 1" in defined["check_2"]
        assert literal(second).source == "check_2"  # the same function, the same name
        with pytest.raises(NotLiteral, match="two functions named 'check'"):
            literal(_a_countdown())
    with defining() as defined:
        # alone, it is written as it is: its ``def`` binds the name it calls
        assert literal(_a_countdown()).source == "check"
        assert "return check(value - 1) if value else 0" in defined["check"]


def test_a_function_a_test_defined_is_written_as_its_own_def_before_the_call() -> None:
    """A callback defined inside a test has no name to import: the call is
    written after its ``def`` (dedented, its globals imported), and one
    that reads variables of the function around it is refused, saying so."""
    import types

    from pytest_escape.inputs.calls import resolve
    from pytest_escape.inputs.recorded import Call
    from pytest_escape.inputs.rendering import call_source

    def in_dollars(amount: int, sign: str = "$") -> str:
        """Shown as money."""
        return sign + str(amount) + str(math.floor(0.5))

    rate = 2
    marker = object()

    def scaled(amount: int) -> int:
        return amount * rate

    def marked(amount: int) -> object:
        return marker if amount else None

    seen: list[Any] = []

    def keep(function: Any) -> Any:
        seen.append(function)
        return lambda amount: amount

    @keep
    def plain(amount: int) -> int:
        return amount + 1

    def documented(amount: int) -> int:
        """
        A docstring over lines keeps its indentation.
        """
        return amount

    module = types.ModuleType("mapped")
    exec("def mapped(items, key=None):\n    return [key(i) for i in items]\n", module.__dict__)
    sys.modules["mapped"] = module
    try:
        target = resolve("mapped", "mapped")
        written = call_source(target, Call((("items", [1]), ("key", in_dollars))))
        assert written.expression == "mapped(items=[1], key=in_dollars)"
        assert written.setup[0] == 'def in_dollars(amount: int, sign: str = "$") -> str:'
        assert written.setup[-1] == "    return sign + str(amount) + str(math.floor(0.5))"
        assert "import math" in written.imports
        namespace: dict[str, Any] = {}
        exec("\n".join(sorted(written.imports) + written.setup), namespace)  # noqa: S102 - our own source
        assert namespace["in_dollars"](3) == "$30" and namespace["in_dollars"].__doc__ == "Shown as money."
        # a variable of the test around it is written as its value
        scaling = call_source(target, Call((("items", [1]), ("key", scaled))))
        assert scaling.setup == ["def scaled(amount: int) -> int:", "    return amount * 2"]
        # the function a decorator was given is its def without the decorator
        given = call_source(target, Call((("items", [1]), ("key", seen[0]))))
        assert given.setup == ["def plain(amount: int) -> int:", "    return amount + 1"]
        kept = call_source(target, Call((("items", [1]), ("key", documented))))
        namespace = {}
        exec(
            "def test_it():\n" + "".join(f"    {line}\n" for line in kept.setup) + "    return documented\n",
            namespace,
        )  # noqa: S102
        assert namespace["test_it"]().__doc__ == documented.__doc__
        with pytest.raises(NotLiteral, match="marked uses 'marker': repr of object does not evaluate back"):
            call_source(target, Call((("items", [1]), ("key", marked))))
        with pytest.raises(NotLiteral, match="in_dollars cannot be imported by name"):
            literal(in_dollars)  # a value alone has no place for the def
    finally:
        del sys.modules["mapped"]


class _Greeter:
    def __init__(self, greeting: str = "hi") -> None:
        self.greeting = greeting

    def greet(self, name: str) -> str:
        return f"{self.greeting} {name}"


def test_a_method_of_an_instance_passed_as_a_value_is_written_as_its_attribute() -> None:
    """``func=greeter.greet``: the instance gets lines of its own, and the
    argument is its attribute (a method's ``repr`` is no expression)."""
    import types

    from pytest_escape.inputs.calls import resolve
    from pytest_escape.inputs.recorded import Call
    from pytest_escape.inputs.rendering import call_source

    module = types.ModuleType("calling")
    exec("def call(func, value):\n    return func(value)\n", module.__dict__)
    sys.modules["calling"] = module
    try:
        written = call_source(
            resolve("calling", "call"), Call((("func", _Greeter("hey").greet), ("value", "x")))
        )
        assert written.setup == ["func_self = _Greeter()", "func_self.greeting = 'hey'"]
        assert written.expression == "call(func=func_self.greet, value='x')"
        namespace: dict[str, Any] = {"call": module.call}
        exec("\n".join(sorted(written.imports) + written.setup), namespace)  # noqa: S102 - our own source
        assert eval(written.expression, namespace) == "hey x"  # noqa: S307 - our own source
        # a built-in method of a test's list, collecting what it is given
        collected = call_source(resolve("calling", "call"), Call((("func", [1].append), ("value", 2))))
        assert (collected.setup, collected.expression) == (
            ["func_self = [1]"],
            "call(func=func_self.append, value=2)",
        )
    finally:
        del sys.modules["calling"]


class _Frozen:
    """Refuses assignment, as pyrsistent's ``PClass`` does."""

    def __init__(self, key: str) -> None:
        object.__setattr__(self, "key", key)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Can't set attribute")


class _Packed:
    def __new__(cls, count: int, tail: list[int]) -> _Packed:
        made = super().__new__(cls)
        made.count, made.tail = count, tail
        return made


class _Described:
    """No ``__eq__``, and no expression for a ``repr``: made by its constructor."""

    def __init__(self, kind: type, mandatory: bool = False) -> None:
        self.kind, self.mandatory = kind, mandatory

    def __repr__(self) -> str:
        return f"<_Described {self.kind.__name__}>"


def test_objects_are_written_the_way_they_can_be_made() -> None:
    """A class that refuses assignment gets its state past its
    ``__setattr__``; one whose ``__new__`` needs arguments (and whose
    constructor does too) is refused; one without ``__eq__`` is written by
    its constructor as an argument, but no pin compares with it."""
    from pytest_escape.inputs.literals import compared

    frozen = _Frozen.__new__(_Frozen)
    object.__setattr__(frozen, "key", "a")
    lines, imports = setup_lines(shaped(frozen), "obj")
    assert lines == ["obj = _Frozen.__new__(_Frozen)", "object.__setattr__(obj, 'key', 'a')"]
    assert _made(lines, imports, "obj").key == "a"
    with pytest.raises(NotLiteral, match=r"_Packed.__new__ needs arguments, and its constructor too"):
        setup_lines(shaped(_Packed(1, [2])), "obj")
    written = literal(_Described(int, mandatory=True))
    assert written.source == "_Described(kind=int, mandatory=True)"
    with pytest.raises(NotLiteral, match="a _Described written out does not == the one seen"):
        compared(_Described(int))
    with pytest.raises(NotLiteral, match="a dict written out does not == the one seen"):
        compared({"field": _Described(int)})
    assert compared({"a": [1]}).source == "{'a': [1]}"


class _Expiring(dict):  # type: ignore[type-arg]
    """Every item has expired: its own ``__getitem__`` raises, as a cache's does."""

    def __getitem__(self, key: object) -> object:
        raise KeyError(key)


def test_the_part_that_differs_is_read_without_the_mapping_s_own_getitem() -> None:
    """A result that is an expiring cache is compared and followed by what
    it stores (funcy's ``CacheMemory``: the search failed with its KeyError)."""
    ours, theirs = _Expiring(a=1, b=[2]), _Expiring(a=1, b=[3])
    path = difference_path(ours, theirs)
    assert path == [Part(key="b"), Part(key=0)]
    assert follow(ours, path) == 2 and follow(theirs, path) == 3


def test_a_signature_is_written_as_its_parameters() -> None:
    """``<Signature (a, b=1)>`` is no expression: written as
    ``inspect.Signature([...])``, it evaluates back to an equal one."""
    import inspect

    def shaped_like(a: int, b: str = "x", *rest: int, flag: bool = False, **options: int) -> list[int]:
        return []

    signature = inspect.signature(shaped_like)
    written = literal(signature)
    assert written.source.startswith(
        "inspect.Signature([inspect.Parameter('a', inspect.Parameter.POSITIONAL_OR"
    )
    assert "inspect.Parameter('flag', inspect.Parameter.KEYWORD_ONLY, default=False, annotation='bool')" in (
        written.source
    )
    assert written.imports == {"import inspect"}
    assert eval(written.source, {"inspect": inspect}) == signature  # noqa: S307 - our own literal


_NO_CHECK = lambda value: (True, None)  # noqa: E731 - a module's default, as pyrsistent's


class _Checked:
    """No ``__eq__``, a function in its state: written by its constructor."""

    __slots__ = ("kind", "invariant")

    def __init__(self, kind: type, invariant: Any = _NO_CHECK) -> None:
        self.kind, self.invariant = kind, invariant

    def __repr__(self) -> str:
        return f"<_Checked {self.kind.__name__}>"


def test_an_object_without_eq_that_holds_a_lambda_is_written_by_its_constructor() -> None:
    """The written object holds a new lambda of the same source, which is
    the same function as far as a test is concerned (pyrsistent's
    ``_PField``, 24 witnesses without a test)."""
    written = literal(_Checked(int, lambda value: (value > 0, "positive")))
    assert written.source == '_Checked(kind=int, invariant=lambda value: (value > 0, "positive"))'
    assert literal(_Checked(str)).source == "_Checked(kind=str)"


class _Permission(enum.IntFlag):
    READ = 4
    WRITE = 2
    RUN = 1


def test_a_combination_of_flags_is_written_as_its_members() -> None:
    """``re.IGNORECASE | re.DOTALL`` is named ``'IGNORECASE|DOTALL'``, no
    attribute of its class: written as its members joined by ``|``, and a
    value no member makes by the value."""
    import re

    both = literal(re.IGNORECASE | re.DOTALL)
    # members their module exports by name are written as a reader knows them
    assert (both.source, both.imports) == ("re.IGNORECASE | re.DOTALL", {"import re"})
    assert eval(both.source, {"re": re}) == re.IGNORECASE | re.DOTALL  # noqa: S307
    assert literal(_Permission.READ | _Permission.RUN).source == "_Permission.READ | _Permission.RUN"
    assert literal(_Permission(0)).source == "_Permission(0)"
    assert literal(_Permission.WRITE).source == "_Permission.WRITE"


def test_a_regex_match_is_written_as_the_call_that_finds_it() -> None:
    """A match's ``repr`` is no expression: it is written as its pattern's
    ``match``, ``fullmatch`` or ``search`` on its string and bounds, the one
    that finds the same groups."""
    import re

    found = re.compile(r"(\d+)-(\d+)?", re.ASCII).search("ab 12- cd", 1, 8)
    assert found is not None
    written = literal(found)
    assert written.source == r"re.compile('(\\d+)-(\\d+)?', re.ASCII).search('ab 12- cd', 1, 8)"
    again = eval(written.source, {"re": re})  # noqa: S307 - our own literal
    assert (again.regs, again.string, again.re) == (found.regs, found.string, found.re)
    assert literal(re.match("a", "abc")).source == "re.compile('a').match('abc')"
    # a pattern's braces are its own, not a template's fields
    braced = literal(re.match(r"\d{1,2}", "12"))
    assert braced.source == r"re.compile('\\d{1,2}').match('12')"


def test_the_path_to_a_difference_follows_class_keys_and_ends_at_a_key_only_one_holds() -> None:
    """A dispatch table keyed by classes is followed by its keys; when the
    two tables hold other keys, the path ends at the first one only one holds."""
    ours = {"t": {int: "a", float: "b"}}
    assert difference_path(ours, {"t": {int: "a", float: "c"}}) == [Part(key="t"), Part(key=float)]
    assert follow(ours, [Part(key="t"), Part(key=float)]) == "b"
    assert difference_path(ours, {"t": {int: "a"}}) == [Part(key="t"), Part(key=float, presence="here")]
    assert difference_path({"t": {int: "a"}}, ours) == [Part(key="t"), Part(key=float, presence="there")]
    # the same keys in another order: no one entry tells them apart
    assert difference_path({1: 1, 2: 2}, {2: 2, 1: 1}) == []


class _Named:
    """Equal by its name alone, as a symbol class is."""

    def __init__(self, name: str, rank: int = 5, cache: object = None) -> None:
        self.name, self.rank, self._cache = name, rank, cache

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Named) and self.name == other.name

    def __hash__(self) -> int:
        return hash(self.name)


def test_a_public_attribute_the_class_s_eq_leaves_out_is_a_difference() -> None:
    assert same_value(_Named("a"), _Named("a"))
    assert not same_value(_Named("a"), _Named("a", rank=6))
    assert difference_path([_Named("a")], [_Named("a", rank=6)]) == [Part(key=0), Part(name="rank")]
    # named with ``_``: the class's own business, left to its ==
    assert same_value(_Named("a"), _Named("a", cache=""))


def test_a_long_text_that_repeats_a_unit_is_written_as_a_product() -> None:
    """An input probing a length limit, written out, was 100,002 characters:
    refused as too long.  A text repeating one short unit is the product."""
    assert literal("stuff" * 20000).source == "('stuff' * 20000)"
    assert literal("ab" * 150 + "a").source == "('ab' * 150 + 'a')"
    assert literal(b"\0" * 500).source == "(b'\\x00' * 500)"
    # short, or not one unit repeated: as it is
    assert literal("abc" * 10).source == repr("abc" * 10)
    varied = "".join(chr(65 + i % 26) + str(i) for i in range(100))
    assert literal(varied).source == repr(varied)
    assert describe("stuff" * 20000) == "'stuff' * 20000"
    # a unit of up to 40 characters, each checked by one slice comparison
    forty, forty_one = "".join(chr(48 + i) for i in range(40)), "".join(chr(48 + i) for i in range(41))
    assert literal(forty * 5).source == f"({forty!r} * 5)"
    assert literal(forty_one * 5).source == repr(forty_one * 5)
    assert literal("x" + "ab" * 200).source == repr("x" + "ab" * 200)


def test_an_int_too_long_for_decimal_is_shown_and_written_in_hex() -> None:
    """``repr`` of an int past 4,300 digits raises ValueError (Python 3.11+),
    and the search of an evaluator's power function failed on it
    (``value_key``, as the probe told values apart)."""
    from pytest_escape.inputs.compare import value_key

    huge = 7**9000
    shown = hex(huge)
    assert value_key(huge) == f"{shown[:90]}...{shown[-20:]} ({len(shown)} digits)"
    assert safe_repr(huge, 10) == hex(huge)[:7] + "..."
    assert show([huge]).startswith("[0x")
    with pytest.raises(NotLiteral, match="characters long"):
        literal(huge)
    assert literal(16**3600).source == hex(16**3600)  # 4,335 digits in decimal


def test_a_stream_read_part_way_is_made_then_moved_and_pinned_by_what_it_holds_and_where() -> None:
    """A loader given a stream a header was read from: no one expression
    makes it (``BytesIO stands 4 past its start``), lines do; after the call
    its contents and position are asserted where the mutant's differ."""
    import io

    from pytest_escape.inputs.literals import stream_lines
    from pytest_escape.witness.regression import _pin_value

    read = io.BytesIO(b"head{}")
    read.seek(4)
    assert stream_lines(read, "f") == (["f = io.BytesIO(b'head{}')", "f.seek(4)"], {"import io"})
    assert stream_lines(io.BytesIO(b"x"), "f") is None  # at its start: an expression makes it
    other = io.BytesIO(b"head{}")
    assert _pin_value(read, CallOutcome(RETURNED, value=other), "f") == (["assert f.tell() == 4"], set())
    assert _pin_value(read, CallOutcome(RAISED), "f")[0] == [
        "assert f.getvalue() == b'head{}'",
        "assert f.tell() == 4",
    ]


def test_a_class_a_test_defined_is_written_as_its_statement_unless_it_reads_the_test_s_variables() -> None:
    factor = 3

    class Plain:
        kind = "plain"

        def __init__(self, x: int) -> None:
            self.x = x

    class Scaled:
        def scaled(self) -> int:
            return factor

    with defining() as defined:
        assert literal(Plain).source == "Plain"
        with pytest.raises(NotLiteral, match="does not make the class the test used"):
            literal(Scaled)  # its method reads the test's ``factor``
    assert defined["Plain"].startswith('class Plain:\n    kind = "plain"')
    with pytest.raises(NotLiteral, match="cannot be imported by name"):
        literal(Plain)  # no test is being written: nowhere to define it


def test_a_value_written_after_a_test_s_own_class_is_checked_with_that_class_s_imports() -> None:
    """Each literal of a call is evaluated with the classes the test defined
    so far.  A local enum's statement needs ``import enum``; evaluated under
    the next value's imports alone, it raised NameError and the value "did
    not evaluate back": transitions lost 50 regression tests so (``False``
    in an event's state, after a state named by a local enum)."""

    class Colour(enum.Enum):
        RED = 1

    with defining() as defined:
        assert literal(Colour.RED).imports == {"import enum"}
        assert literal(False).source == "False"
        assert literal(Fraction(1, 3)).source == "Fraction(1, 3)"
    assert list(defined) == ["Colour"]


def test_a_test_s_class_that_reads_another_of_its_classes_is_written_after_it() -> None:
    """Defined alone, a class statement that reads another class of the same
    test (an enum nested in an enum, a subclass) raised NameError, and every
    value holding one had no test (a state machine library: 68 witnesses)."""

    class Inner(enum.Enum):
        A = 0

    class Outer(enum.Enum):
        INNER = Inner
        C = 2

    class Base:
        kind = "base"

    class Child(Base):
        def hello(self) -> str:
            return Base.kind

    class Tagged:
        kind = "tagged"

    class Reader:
        def read(self, *, into: type = Tagged) -> str:  # a default is read as the statement runs
            return str(into.kind)

    with defining() as defined:
        assert literal(Outer.C) == Literal("Outer.C", {"import enum"})
        # the member whose value is the other class: defined again, it holds the twin
        assert literal(Outer.INNER) == Literal("Outer.INNER", {"import enum"})
        assert literal(Child).source == "Child"
        assert literal(Reader).source == "Reader"
    assert list(defined) == ["Inner", "Outer", "Base", "Child", "Tagged", "Reader"]
    assert defined["Outer"].startswith("class Outer(enum.Enum):\n    INNER = Inner")

    class Other(enum.Enum):
        INNER = Inner

    Other.EXTRA = 1  # type: ignore[attr-defined]  # changed after its statement ran
    with defining(), pytest.raises(NotLiteral, match="does not make the class the test used"):
        literal(Other.INNER)


def test_an_enum_member_is_an_input_as_itself() -> None:
    """Made bare from its attributes, ``Enum.__new__`` raised: no input that
    held a member a test passed ever ran."""

    class Color(enum.Enum):
        RED = 2

    assert shaped(Color.RED) is Color.RED


def test_a_syntax_tree_node_is_written_as_its_parse_or_its_constructor() -> None:
    """A node's ``repr`` (``<Expr value=...>``) is no expression: one its own
    unparsed text parses back to is written as that parse; one parsed from
    other spacing (its columns differ) by its constructor, positions and all."""
    import ast

    spaced = ast.parse("x + 1", mode="eval").body
    assert literal(spaced).source == "ast.parse('x + 1', mode='eval').body"
    assert literal(ast.parse("{1}").body[0]).source == "ast.parse('{1}').body[0]"
    tight = ast.parse("x+1").body[0]
    written = literal(tight)
    assert written.source.startswith("ast.Expr(value=ast.BinOp(left=ast.Name(id='x', ctx=ast.Load(), ")
    assert written.imports == {"import ast"}
    again = eval(written.source, {"ast": ast})  # noqa: S307 - our own literal
    assert ast.dump(again, include_attributes=True) == ast.dump(tight, include_attributes=True)


def test_an_in_memory_stream_is_compared_and_written_by_what_it_holds() -> None:
    """A stream's attributes hold neither its text nor its position: text
    written into it is a difference, and it is written as ``io.StringIO``
    of its text while it stands at its start (refused past it)."""
    import io

    assert not same_value(io.StringIO("a"), io.StringIO("b"))
    assert same_value(io.BytesIO(b"a"), io.BytesIO(b"a"))
    assert show(io.StringIO("<a/>")) == "<StringIO holding '<a/>' at 0>"
    assert literal(io.StringIO()).source == "io.StringIO()"
    assert literal(io.BytesIO(b"ab")).source == "io.BytesIO(b'ab')"
    written_to = io.StringIO()
    written_to.write("x")
    with pytest.raises(NotLiteral, match="StringIO stands 1 past its start"):
        literal(written_to)


class _Writer:
    """Keeps two methods of one stream, as ``xml.sax.saxutils.XMLGenerator``."""

    def __init__(self, stream: Any) -> None:
        self._write, self._flush = stream.write, stream.flush


def test_methods_an_object_keeps_are_written_bound_to_one_instance() -> None:
    """An object's part that is a bound method gets its instance written
    once, named, and both methods bound to it: what one writes, the
    other's stream holds."""
    import io

    writer = _Writer(io.StringIO())
    lines, imports = setup_lines(shaped(writer), "obj")
    assert lines == [
        "obj = _Writer.__new__(_Writer)",
        "obj_write_self = io.StringIO()",
        "obj._write = obj_write_self.write",
        "obj._flush = obj_write_self.flush",
    ]
    made = _made(lines, imports, "obj")
    made._write("x")
    assert made._flush.__self__.getvalue() == "x"


def _encode(text: str, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    return text.encode(encoding, errors)


def test_a_parameter_whose_default_the_mutant_changes_is_always_left_out() -> None:
    """The mutant of ``encoding='utf-8'`` acts only on calls that leave
    ``encoding`` out: every drawn call does, the tests' own too, and the
    other parameters are still drawn both ways."""
    from pytest_escape.inputs.strategies import call_strategy

    observed = [{"text": "a", "encoding": "latin-1", "errors": "strict"}]
    strategy = call_strategy(_encode, None, observed, Seeds(), defaulted=frozenset({"encoding"}))
    drawn = _drawn(strategy, 60)
    assert drawn and all(call.get("encoding", OMITTED) is OMITTED for call in drawn)
    assert {call.get("errors", OMITTED) is OMITTED for call in drawn} == {True, False}


def test_a_stream_written_to_its_end_is_written_by_the_lines_that_fill_it() -> None:
    """A writer's stream stands after what it wrote: no one call makes it,
    but making it and writing its text does, and the written object's next
    write lands after that text."""
    import io

    stream = io.StringIO()
    stream.write("<a/>")
    lines, imports = setup_lines(shaped(_Writer(stream)), "obj")
    assert lines[1:3] == ["obj_write_self = io.StringIO()", "obj_write_self.write('<a/>')"]
    made = _made(lines, imports, "obj")
    made._write("<b/>")
    assert made._flush.__self__.getvalue() == "<a/><b/>"
    # as an argument of its own, too
    assert setup_lines(stream, "out") == (["out = io.StringIO()", "out.write('<a/>')"], {"import io"})


def test_the_process_environment_is_never_shown() -> None:
    """A test that passes ``os.environ`` hands the search the process's
    variables, tokens among them: a report names it, never its contents."""
    secret = "pytest-escape-not-for-reports"
    os.environ["ESCAPE_TEST_TOKEN"] = secret
    try:
        for shown in (show(os.environ), show({"env": copy.copy(os.environ)}), show([os.environ])):
            assert "<os.environ>" in shown and secret not in shown
    finally:
        del os.environ["ESCAPE_TEST_TOKEN"]


class _Offset(datetime.tzinfo):
    """A zone of a project's own, whose ``repr`` is no expression."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes

    def utcoffset(self, dt: datetime.datetime | None) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.minutes)

    def __repr__(self) -> str:
        return f"<_Offset {self.minutes}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Offset) and other.minutes == self.minutes

    def __hash__(self) -> int:
        return self.minutes


def test_a_long_pattern_and_a_date_time_in_a_zone_of_its_own_are_written_by_their_parts() -> None:
    """A pattern's ``repr`` cuts it at 200 characters, and a date-time shows
    its zone by the zone's ``repr``: both are written from their parts."""
    import re

    long = re.compile("(a|b)" * 60, re.IGNORECASE)
    written = literal(long)
    # its repeated unit once, not cut short
    assert written.source == "re.compile(('(a|b)' * 60), re.IGNORECASE)"
    assert literal(re.compile(b"x")).source == "re.compile(b'x')"
    when = datetime.datetime(2011, 6, 24, 0, 9, 5, tzinfo=_Offset(60))
    assert literal(when).source == "datetime.datetime(2011, 6, 24, 0, 9, 5, 0, tzinfo=_Offset(minutes=60))"


class _Keyed:
    """Built from hints that hold ``Any`` inside a union, as itsdangerous'
    ``Serializer`` is."""

    def __init__(
        self,
        key: str | bytes,
        fallbacks: list[dict[str, Any] | tuple[type[_Offset], dict[str, Any]] | type[_Offset]] | None = None,
    ) -> None:
        self.key, self.fallbacks = key, fallbacks

    def signed(self, value: str) -> str:
        return f"{self.key!r}:{value}"


def test_a_hint_that_holds_any_is_built_without_it() -> None:
    """Hypothesis builds no ``Any``: a union keeps its other members, and a
    hint that is nothing but ``Any`` inside leaves the tests' values to
    stand in.  A one-draw check passed such hints, and the search then
    stopped when Hypothesis drew the ``Any`` member."""
    from pytest_escape.inputs.strategies import call_strategy

    assert len(_drawn(call_strategy(_Keyed.signed, _Keyed, [], Seeds()), 80)) >= 40


def test_an_iterable_hypothesis_drew_is_held_as_its_items() -> None:
    """``st.iterables`` (and ``from_type(Iterable[str])``) give an object
    whose ``iter`` is another object: it is held as a one-shot iterator of
    its items, which a test writes as ``iter([...])``."""
    from hypothesis import find
    from hypothesis import strategies as st

    from pytest_escape.inputs.literals import OneShot, settled

    drawn = find(st.iterables(st.integers(0, 3), min_size=2, max_size=2), lambda _: True)
    held = settled(drawn)
    assert isinstance(held, OneShot) and len(held.items) == 2
    assert literal(held).source == f"iter({list(held.items)!r})"


def test_a_search_that_runs_out_of_memory_is_not_searched_and_not_our_fault() -> None:
    """The child's memory limit can be passed anywhere, our own code
    included (jsonpatch, on a loaded machine: "the search itself failed:
    MemoryError (copies.py:167)"): the survivor is "not searched", saying
    why; any other exception is a fault of ours, said with where."""
    from pytest_escape.model import NOT_SEARCHED, UNEXPLORABLE
    from pytest_escape.witness.job import OUT_OF_MEMORY, settled

    def out_of_memory() -> dict[str, Any]:
        raise MemoryError

    def broken() -> dict[str, Any]:
        raise KeyError("x")

    assert settled(out_of_memory) == {"verdict": NOT_SEARCHED, "reason": OUT_OF_MEMORY}
    failed = settled(broken)
    assert failed["verdict"] == UNEXPLORABLE
    assert failed["reason"].startswith("the search itself failed: KeyError: 'x' (test_witness_parts.py:")
    assert settled(lambda: {"verdict": "witnessed"}) == {"verdict": "witnessed"}


def test_a_state_is_planted_in_an_argument_or_an_attribute_held_by_its_attributes() -> None:
    """``Call.planted``: what the infection check gave another value, put in
    the input it was found near; only what the input holds by name."""
    inner = Shaped(_Holder, (("name", "a"),))
    receiver = Shaped(_Holder, (("port", None), ("parent", inner)), origin=7)
    call = Call((("self", receiver), ("port", "8080")))
    planted = call.planted("port", 443)
    assert planted is not None and planted.as_dict() == {"self": receiver, "port": 443}
    planted = call.planted("self.port", 0)
    assert planted is not None
    held = planted.as_dict()["self"]
    assert held == Shaped(_Holder, (("port", 0), ("parent", inner))) and held.origin == 7
    assert receiver.state[0] == ("port", None)  # the input it was found near is left as it was
    deeper = call.planted("self.parent.name", "b")
    assert deeper is not None and deeper.as_dict()["self"].state[1][1].state == (("name", "b"),)
    # an item, an attribute the input does not hold, a value not held by its attributes, a local
    assert call.planted("self.parent['name']", "b") is None
    assert call.planted("self.host", 0) is None
    assert call.planted("port.real", 0) is None
    assert call.planted("total", 0) is None


class _Pair:
    __slots__ = ("left", "right")

    def __init__(self, left: Any, right: Any) -> None:
        self.left, self.right = left, right


def test_a_state_is_planted_in_a_slot_of_a_copy() -> None:
    """A slotted receiver is held as itself, not as a ``Shaped``: the state is
    set in a slot of a copy, and the receiver the tests made is left alone."""
    made = _Pair(frozenset(), _Pair(1, 2))
    call = Call((("self", made),))
    planted = call.planted("self.left", frozenset({0}))
    assert planted is not None
    held = planted.as_dict()["self"]
    assert held is not made and held.left == frozenset({0}) and held.right.left == 1
    assert made.left == frozenset()
    deeper = call.planted("self.right.left", 5)
    assert deeper is not None and deeper.as_dict()["self"].right.left == 5 and made.right.left == 1
    # no such slot, or a property's setter: not planted
    assert call.planted("self.middle", 0) is None


def test_an_empty_container_is_tried_holding_an_item() -> None:
    """``bool(self.items)`` -> ``bool(None)`` differs on any set holding an
    item, and the expressions name no constant to put in one."""
    from pytest_escape.inputs.infection import _candidates

    assert frozenset({0}) in _candidates(frozenset(), [None])
    assert [0] in _candidates([], [])
    assert {0: 0} in _candidates({}, [])
    assert ["x"] in _candidates([], ["x"])  # the expression's own constant first


def test_a_context_manager_s_call_is_written_entered_and_left() -> None:
    """What a ``@contextmanager`` function gives is entered in the test as
    the search entered it; inside ``pytest.raises`` the two managers join."""
    from pytest_escape.witness.regression import _entering

    assert _entering(["result = f(x=1)"], "f(x=1)") == ["with f(x=1) as result:", "    pass"]
    assert _entering(["f(x=1)"], "f(x=1)") == ["with f(x=1):", "    pass"]
    raising = ["with pytest.raises(ValueError):", "    f(x=1)"]
    assert _entering(raising, "f(x=1)") == ["with pytest.raises(ValueError), f(x=1):", "    pass"]
    assert made_by_contextmanager(contextlib.nullcontext()) is False  # a class of its own: left alone
    assert made_by_contextmanager(contextlib.contextmanager(lambda: (yield 1))()) is True


def test_an_input_that_does_not_bind_is_no_outcome_of_the_code() -> None:
    """A call missing a required argument raises TypeError before the
    function runs: that is the input's fault, never a crash of the code
    (hyperlink: four property getters "crashed" on a call without ``self``)."""
    script = textwrap.dedent(
        """
        import sys, types
        from pytest_escape.inputs.calls import Caller, resolve
        from pytest_escape.inputs.sandbox import Guard
        from pytest_escape.inputs.recorded import Call
        module = types.ModuleType("m")
        exec("def host(url):\\n    return url.split('/')[2]\\n", module.__dict__)
        sys.modules["m"] = module
        caller = Caller(resolve("m", "host"), Guard(), 2.0)
        missing = caller(Call(()), None)
        given = caller(Call((("url", "http://a.b/c"),)), None)
        print(missing.kind, missing.in_setup, type(missing.error).__name__, given.value, given.in_setup)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "raised True TypeError a.b False", out.stderr


def test_the_log_records_a_call_emits_are_recorded_as_caplog_holds_them() -> None:
    import logging

    from pytest_escape.inputs.compare import LOGGED, Logged
    from pytest_escape.inputs.logs import recording_logs

    logger = logging.getLogger("parts.recorded")
    root = logging.getLogger()
    before = (root.level, list(root.handlers))
    with recording_logs() as recorder:
        logger.debug("%s -> %s", "closed", "open")  # below the root's WARNING: recorded all the same
        # (pytest's own handler would raise on a record that does not format)
        recorder.handle(logging.LogRecord("parts", logging.INFO, "", 1, "%s and %s", ("only one",), None))
    assert (root.level, root.handlers) == before  # left as it was
    assert recorder.records[0] == Logged("parts.recorded", logging.DEBUG, "closed -> open")
    assert recorder.records[1].message.startswith("<its message does not format: TypeError")
    ours, theirs = CallOutcome(RETURNED, logged=(recorder.records[0],)), CallOutcome(RETURNED)
    assert difference(ours, theirs) == LOGGED and difference(ours, ours) is None


def test_a_log_record_is_pinned_by_the_record_only_one_side_emits() -> None:
    import logging

    from pytest_escape.inputs.compare import Logged
    from pytest_escape.witness.regression import _pin_logged

    opened = Logged("door", logging.DEBUG, "closed -> open")
    shout = Logged("door", logging.WARNING, "XXopenXX")
    odd = Logged("door", 5, "trace")
    assert _pin_logged(CallOutcome(RETURNED, logged=(opened,)), CallOutcome(RETURNED, logged=(shout,))) == (
        "assert ('door', logging.DEBUG, 'closed -> open') in caplog.record_tuples"
    )
    # the original logs nothing: what only the mutant logs must not be there
    assert _pin_logged(CallOutcome(RETURNED), CallOutcome(RETURNED, logged=(odd,))) == (
        "assert ('door', 5, 'trace') not in caplog.record_tuples"
    )
    # the same record, once more: the whole sequence tells
    assert (
        _pin_logged(CallOutcome(RETURNED, logged=(opened,)), CallOutcome(RETURNED, logged=(opened, opened)))
        == "assert caplog.record_tuples == [('door', logging.DEBUG, 'closed -> open')]"
    )


def test_an_emitted_test_gets_a_caplog_that_formats_when_read(tmp_path: Any) -> None:
    from pytest_escape.inputs.verify import verify_tests

    source = (
        "import logging\n\n"
        "def test_logs(caplog):\n"
        "    caplog.set_level(logging.DEBUG)\n"
        "    logging.getLogger('door').debug('%s -> open', *ARGS)\n"
        "    assert ('door', logging.DEBUG, 'closed -> open') in caplog.record_tuples\n"
    )
    tests = [(source.replace("ARGS", given), "test_logs") for given in ("['closed']", "['closed', 'x']")]
    passed, failed = verify_tests(tests, None, 5.0, str(tmp_path))
    assert passed["outcome"] == "passed", passed
    # one argument too many: reading the records raises, as pytest's caplog does
    assert failed["outcome"] == "failed" and "TypeError" in failed["message"], failed


def _version(source: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(source, "made.py", "exec"), namespace)  # noqa: S102 - two versions of one module
    return namespace["make"]


def test_a_function_the_mutant_made_is_compared_by_what_it_holds_not_by_its_code() -> None:
    source = (
        "def make(n, options):\n"
        "    def inner(x):\n"
        "        return x + n, options.get('label')\n"
        "    return inner\n"
    )
    original = _version(source)
    # the mutated line inside ``inner``: its code is the mutant's, at the same place
    mutant = _version(source.replace("options.get('label')", "None"))
    assert original(1, {}).__code__ != mutant(1, {}).__code__
    assert same_value(original(1, {}), mutant(1, {}))  # (and it no longer holds ``options``)
    # what it holds still counts, and so does another function
    assert not same_value(original(1, {}), original(2, {}))
    other = _version(source.replace("inner", "outer"))
    assert not same_value(original(1, {}), other(1, {}))


class _Guarded:
    def __init__(self, source: Any) -> None:
        self._lock = threading.RLock()
        self._count_lock = threading.Lock()
        self.value = len(source)


def test_an_object_that_holds_a_lock_is_copied_and_written_with_a_new_one() -> None:
    """``copy.deepcopy`` refuses a lock, so an object guarding its state with
    one was never recorded from the tests; and a test could not write it."""
    from pytest_escape.inputs.copying import deep_copy

    guarded = _Guarded("a")
    with pytest.raises(TypeError):
        copy.deepcopy(guarded)
    copied = deep_copy(guarded)
    assert copied.value == 1 and copied._lock is not guarded._lock
    assert type(copied._lock) is type(guarded._lock) and type(copied._count_lock) is type(guarded._count_lock)
    lines, imports = setup_lines(shaped(guarded), "obj")
    assert "obj._lock = threading.RLock()" in lines and "obj._count_lock = threading.Lock()" in lines, lines
    assert type(_made(lines, imports, "obj")._lock) is type(guarded._lock)
    # a lock held at the time is not the same as a new one
    with guarded._count_lock, pytest.raises(copy.Error, match="held"):
        deep_copy(guarded)
    # a condition is made around its copied lock (a Future holds one): its
    # acquire is the new lock's, not the original's
    import concurrent.futures

    future: concurrent.futures.Future[int] = concurrent.futures.Future()
    future.set_result(3)
    again = deep_copy(future)
    assert again.result() == 3
    assert again._condition.acquire.__self__ is again._condition._lock is not future._condition._lock  # type: ignore[attr-defined]


def test_a_default_value_s_probe_watches_where_the_parameter_is_read() -> None:
    from pytest_escape.inputs.calls import DefaultProbe, nested_codes

    def render(text: str, verbose: bool = False) -> str:
        if text:
            return "long" if verbose else "short"
        helper = lambda: verbose  # noqa: E731 - read in a nested function too
        return str(helper())

    probe = DefaultProbe(render.__code__, "verbose", False, True)
    watched = {code.co_name for code, _ in probe.watched.values()}
    assert watched == {"render", "<lambda>"}, watched
    assert len(list(nested_codes(render.__code__))) == 2
    # what the search reads: every read is the mutant's default
    probe.reset()
    assert not probe.hit
    probe.start()
    try:
        render("x")
    finally:
        sys.settrace(None)
    assert probe.hit and probe.infection is not None
    told = probe.infection.infected_now
    assert told == "`verbose` was True, the mutant's default, where the original's is False"


class _CountingCaller:
    """A caller of ``f(x)`` whose original gives ``x`` and whose mutant
    gives ``x`` too, except on ``differs_on``; the original gives another
    value on its second call of each input in ``unsteady_on``."""

    timeout = 1.0

    def __init__(self, differs_on: set[int], unsteady_on: frozenset[int] | set[int] = frozenset()) -> None:
        def f(x: int) -> int:
            return x

        self.target = type("T", (), {"signature": inspect.signature(f), "qualname": "f"})()
        self.differs_on = differs_on
        self.unsteady_on = unsteady_on
        self.calls: list[tuple[int, str | None]] = []

    def __call__(self, call: Any, mutant: str | None, probe: Any = None) -> Any:
        from pytest_escape.inputs.compare import RETURNED, CallOutcome

        x = call.as_dict()["x"]
        seen_before = (x, None) in self.calls
        self.calls.append((x, mutant))
        if mutant is not None and x in self.differs_on:
            return CallOutcome(RETURNED, value=x + 1)
        if mutant is None and seen_before and x in self.unsteady_on:
            return CallOutcome(RETURNED, value=object())
        return CallOutcome(RETURNED, value=x)


def _search(caller: _CountingCaller, examples: int = 30) -> Any:
    from hypothesis import strategies as st

    from pytest_escape.inputs.recorded import Call
    from pytest_escape.witness.search import Search

    search = Search(caller, "m.x_f__mutmut_1", None, 30.0, examples, 1)  # type: ignore[arg-type]
    return search, search.run(st.integers(0, 1000).map(lambda x: Call((("x", x),))))


def test_a_search_that_could_draw_nothing_says_what_it_could_not_draw() -> None:
    """Every draw refused (a constructor that takes no drawn text): the
    verdict names that refusal, not one an earlier search in the same
    child met, and a search whose draws were only filtered away names none."""
    from hypothesis import strategies as st

    from pytest_escape.inputs import strategies
    from pytest_escape.inputs.recorded import Call
    from pytest_escape.model import UNEXPLORABLE
    from pytest_escape.witness.search import Search

    strategies.undrawable[:] = ["ValueError: an earlier survivor's"]
    refused = strategies._or_rejected(st.builds(_Spec, st.just("")))
    search = Search(_CountingCaller(differs_on=set()), "m.x_f__mutmut_1", None, 30.0, 30, 1)  # type: ignore[arg-type]
    found = search.run(refused.map(lambda spec: Call((("x", spec),))))
    assert (found.verdict, found.reason) == (
        UNEXPLORABLE,
        "hypothesis could not generate inputs: ValueError: Invalid specifier: ''",
    )
    search = Search(_CountingCaller(differs_on=set()), "m.x_f__mutmut_1", None, 30.0, 30, 1)  # type: ignore[arg-type]
    found = search.run(st.integers().filter(lambda _: False).map(lambda x: Call((("x", x),))))
    assert found.verdict != UNEXPLORABLE, found


def test_the_original_runs_a_second_time_only_where_the_mutant_differed() -> None:
    """A third of a search's calls went to running the original again on
    inputs the mutant did not differ on, where its unsteadiness can pass
    for nothing (transitions: 60 % of the time was copying inputs)."""
    caller = _CountingCaller(differs_on=set())
    search, found = _search(caller)
    originals = [x for x, mutant in caller.calls if mutant is None]
    assert search.examples > 0 and len(originals) == search.examples, caller.calls[:6]
    assert found.verdict != "witnessed"


def test_an_input_the_original_disagrees_with_itself_on_is_no_witness() -> None:
    from pytest_escape.model import NON_DETERMINISTIC, WITNESSED

    everywhere = set(range(1001))
    _, unsteady = _search(_CountingCaller(differs_on=everywhere, unsteady_on=everywhere))
    assert unsteady.verdict == NON_DETERMINISTIC, unsteady
    steady = _CountingCaller(differs_on={0})
    _, found = _search(steady, examples=200)
    assert (found.verdict, found.call.as_dict()) == (WITNESSED, {"x": 0}), found
    # the witness was run on the original twice (in the search and again when confirmed)
    assert steady.calls.count((0, None)) >= 3


def test_the_search_again_outside_the_domain_gets_the_survivor_s_share_not_the_stage_s() -> None:
    """Given what the whole stage had left, one search outside the tests'
    domain ran its child past its limit, and the survivors after it in that
    child were never searched (a Markdown parser)."""
    from pytest_escape.witness.job import outside_share

    assert outside_share(0.5, 60.0) == 0.5
    assert outside_share(3.0, 60.0) == 3.0
    assert outside_share(0.1, 60.0) == 0.5  # at least half a second
    assert outside_share(3.0, 1.0) == 1.0  # never past the stage's end
    assert outside_share(3.0, -2.0) == 0.5  # but that half second


def test_a_test_s_line_is_searched_with_two_of_the_code_s_marks_put_in() -> None:
    """A branch on characters in an order (a space where the indent ends, a
    tab later in the line: a Markdown list parser's continuation lines)
    needs two of the code's own marks in one input.  The search's strings
    were the tests' lines with one character edited, or random text, and
    never held both; the tests' lines grown as the property checks grow
    them (``structured``: runs, marks, two marks) do."""
    import inspect
    import random

    from hypothesis import find

    from pytest_escape.inputs.strategies import hypothesis_settings

    line = inspect.Parameter("line", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    observed = ["- foo", "  bar baz", "1. one", "    code", "> quote"]
    strategy = parameter_strategy(line, str, observed, Seeds.from_code([], extra=[" ", "\t"]))

    def space_then_tab(text: str) -> bool:
        return " " in text and "\t" in text[text.index(" ") :]

    found = find(strategy, space_then_tab, settings=hypothesis_settings(200), random=random.Random(0))
    assert space_then_tab(found)


def test_a_part_without_a_literal_of_another_class_than_the_mutant_s_is_pinned_by_its_class() -> None:
    """``action="store_true"`` -> ``action=None``: the parsers differ in an
    action's class, whose attributes hold the parser itself and have no
    literal; the regression test pins the class's name, on the way to it."""
    import argparse

    from pytest_escape.witness.regression import _pin_value

    def parser(action: Any) -> argparse.ArgumentParser:
        made = argparse.ArgumentParser(prog="p")
        made.add_argument("--strip", action=action, default=False)
        return made

    ours, theirs = parser("store_true"), parser(None)
    lines, imports = _pin_value(ours, CallOutcome(RETURNED, value=theirs))
    assert imports == set() and len(lines) == 1, lines
    assert lines[0].startswith("assert type(result.")
    assert lines[0].endswith(".__qualname__ == '_StoreTrueAction'")
    assert eval(lines[0].removeprefix("assert "), {"result": ours})
    assert not eval(lines[0].removeprefix("assert "), {"result": theirs})


def test_a_long_text_s_repr_is_made_once_and_is_the_text_s_own() -> None:
    """A search reads the reprs of its inputs again and again, and a long
    text's is kept by identity: the same text gives the same repr without
    making it again, and another text of the same length its own."""
    from pytest_escape.inputs import compare

    first, second = "a" * 20_000 + "'", "b" * 20_000 + '"'
    assert compare.stable_repr(first) == repr(first) and compare.stable_repr(second) == repr(second)
    kept = compare._LONG_REPRS[id(first)]
    assert kept[0] is first and compare.stable_repr(first) is kept[1]
    for n in range(compare._LONG_KEPT + 1):  # only the last few are kept
        compare.stable_repr(str(n) * 20_000)
    assert id(first) not in compare._LONG_REPRS  # still alive here, so its id is its own
    assert len(compare._LONG_REPRS) <= compare._LONG_KEPT
    assert compare.stable_repr(first) == repr(first)
    assert compare.safe_repr(b"x" * 20_000, 50) == repr(b"x" * 20_000)[:47] + "..."


def test_the_calls_recorded_are_the_first_and_a_sample_of_the_later() -> None:
    """``CallSample``: the first half as they come, then a reservoir of the
    later calls, the same on every run, never more than its size."""
    from pytest_escape.inputs.observe import CallSample

    def recorded(name: str, calls: int) -> list[int]:
        sample = CallSample(name, size=10)
        for n in range(calls):
            number = sample.slot()
            if number is not None:
                sample.keep(number, {"n": n})
        return [call["n"] for call in sample.calls()]

    assert recorded("f", 8) == list(range(8))
    many = recorded("f", 1000)
    assert len(many) == 10 and many[:5] == [0, 1, 2, 3, 4] and many == sorted(many)
    assert max(many) > 500  # the later calls are there
    assert recorded("f", 1000) == many  # seeded by the function's name
    # a call that raised (kept as None) is left out
    sample = CallSample("g", size=4)
    first = sample.slot()
    assert first is not None
    sample.keep(first, None)
    assert sample.calls() == []


def test_star_args_are_drawn_from_values_like_the_tests_and_the_code_s_constants() -> None:
    """``*a``: tuples no longer than the tests', of values like theirs, the
    code's constants among them (``index == -1``)."""
    import inspect as inspecting

    from hypothesis import find, settings
    from hypothesis.errors import NoSuchExample

    from pytest_escape.inputs.strategies import _positional_rest

    rest = inspecting.Parameter("a", inspecting.Parameter.VAR_POSITIONAL)
    drawn = _positional_rest(rest, [(0,)], Seeds(ints=[-2, -1, 0]))
    quick = settings(database=None, max_examples=300)
    assert find(drawn, lambda t: t == (-1,), settings=quick) == (-1,)
    assert find(drawn, lambda t: True, settings=quick) == ()
    with pytest.raises(NoSuchExample):
        find(drawn, lambda t: len(t) > 1, settings=quick)  # never longer than the tests'
    # the tests passed nothing in it: nothing is drawn
    with pytest.raises(NoSuchExample):
        find(_positional_rest(rest, [()], Seeds()), lambda t: t != (), settings=quick)
