"""Proof that a test only confirms what the code does.

A test that met mutants and failed on none of them in a check is a
candidate, no more: it may have met only mutants that crashed before its
assert, or only mutants that change nothing on its own inputs (a test of
``clamp(-5, 0, 10) == 0`` meets ``return 0`` and rightly passes).  It is
flagged confirming-only only on evidence: a call the test itself made,
whose result a mutant it passed under changed.

In a child forked for one candidate, the test runs once on the original
while the calls it makes itself (from its own file) to the mutated
functions are recorded: deep copies of the arguments, and what came back.
Then, in the sandbox, each recorded call is made again on the original
(it must give the recorded result: otherwise it depended on what the test
had set up, and proves nothing) and on each mutant the test passed under.
The first that returns something else, or leaves an argument in another
state, is the evidence.  A mutant that raised is never evidence: a crash is
what a test notices without checking anything.

A call made again on its own shows only what that call returns.  A mutant
of ``Table.update`` shows in what the test's *next* call, ``table.get(...)``,
returns: the change travels in the object between the two calls.  When no
call made again proves anything, the test is followed (``trace``): it runs
whole, in a fresh child each time, twice on the original and once under each
mutant it passed under, and every result of a call it made itself into the
code under test is kept, as data two processes can compare (``plain``: an
object by the ``repr`` its class wrote, or else by its type).  A result
that differs under a mutant, while the two original runs agree on it, is
the evidence (``followed``).
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import fractions
import inspect
import json
import pathlib
import sys
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import CodeType, FrameType
from typing import Any

from ..inputs import sandbox
from ..inputs.calls import Caller, NotCallable, Target, resolve
from ..inputs.compare import LOGGED, PRINTED, RETURNED, WARNED, difference, same_value, show
from ..inputs.copying import deep_copy
from ..inputs.literals import describe_call
from ..inputs.observe import held_by, made_by_test, test_frame_of
from ..inputs.recorded import Call
from ..inputs.themselves import kept_as_themselves
from ..model import END_STATE, Evidence
from ..mutation.mutmut_adapter import mutated_codes, watching_calls
from ..mutation.switch import OnCall, watching

#: calls of one function recorded per test: later ones rarely add evidence
CALLS_KEPT = 20
#: mutants a candidate is tried against, extreme ones first
MUTANTS_TRIED = 20


@dataclass
class Recorded:
    """One call the test made: its arguments at the start, what it returned."""

    arguments: dict[str, Any]
    returned: bool = False
    value: Any = None
    #: the arguments the test could look at after the call (``observe.held_by``)
    held: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Suspect:
    """A mutant the test passed under, and the function it is a mutant of."""

    mutant: str
    module: str
    function: str


#: differences that are no evidence against a test that called the function:
#: none, or only in what it printed, warned or logged, which a test of its
#: result has no cause to read
_NO_EVIDENCE = (None, PRINTED, WARNED, LOGGED)


def record(
    run_test: Callable[[], bool], functions: set[tuple[str, str]], test_file: Callable[[str], bool]
) -> dict[tuple[str, str], list[Recorded]] | None:
    """Run the test on the original, recording its own calls of ``functions``;
    None if it did not pass (then nothing it did is evidence)."""
    calls: dict[tuple[str, str], list[Recorded]] = {key: [] for key in functions}

    def watch(key: tuple[str, str]) -> Callable[[dict[str, Any]], Callable[[bool, Any], None] | None]:
        keep = kept_as_themselves(key[0])  # recorded as themselves: a copy of one means nothing

        def on_call(arguments: dict[str, Any]) -> Callable[[bool, Any], None] | None:
            frame, made_in[0] = made_in[0], None  # the test's frame is not kept past its call
            if len(calls[key]) >= CALLS_KEPT:
                return None
            held = held_by(frame, arguments) if frame is not None else frozenset()
            entry = Recorded(deep_copy(arguments, dict(keep)), held=held)
            calls[key].append(entry)

            def end(raised: bool, value: Any) -> None:
                if not raised:
                    try:
                        entry.value, entry.returned = deep_copy(value), True
                    except Exception:  # noqa: BLE001 - a result we cannot keep is no evidence
                        pass

            return end

        return on_call

    test_frame = test_frame_of(test_file, mutated_codes().__contains__)
    #: the frame of the test's code that made the call being recorded
    made_in: list[FrameType | None] = [None]

    def accept(frame: FrameType) -> bool:
        made_in[0] = test_frame(frame)
        return made_in[0] is not None

    with watching_calls({key: watch(key) for key in functions}, accept):
        passed = run_test()
    made_in[0] = None
    return calls if passed else None


def _receiver(target: Target) -> str | None:
    """``argument 'self'``, as ``difference`` names a method's receiver: its
    first parameter, whatever it is called (addict's ``__init__(__self, ...)``
    was flagged for how its precise tests' dicts were built)."""
    names = list(target.signature.parameters)
    return f"argument '{names[0]}'" if target.owner is not None and names else None


def find(
    suspects: list[Suspect],
    calls: dict[tuple[str, str], list[Recorded]],
    call_timeout: float,
    sandbox_root: str | None,
) -> Evidence | None:
    """The first recorded call whose result a suspect changed (in the sandbox)."""
    sandbox.enter(cpu_seconds=call_timeout * 3 * CALLS_KEPT * len(suspects) + 10, root=sandbox_root)
    guard = sandbox.Guard()
    for suspect in suspects:
        recorded = [c for c in calls.get((suspect.module, suspect.function), []) if c.returned]
        if not recorded:
            continue
        try:
            target = resolve(suspect.module, suspect.function)
        except NotCallable:
            continue
        if inspect.isgeneratorfunction(target.function) or target.is_async:
            continue  # what it returned is not what it does
        caller = Caller(target, guard, call_timeout)
        for entry in recorded:
            call = Call(tuple(entry.arguments.items()))
            again = caller(call, None)
            if again.kind != RETURNED or not same_value(again.value, entry.value):
                continue  # it depended on what the test had set up
            mutated = caller(call, suspect.mutant)
            if mutated.kind != RETURNED:
                continue  # a crash is no evidence against the test
            what = difference(again, mutated)
            if what in _NO_EVIDENCE or (target.name == "__init__" and what == _receiver(target)):
                # a constructor's object is what the test goes on to use: a
                # test that builds one to check something else is not weak
                # for not checking how it was built
                continue
            if what.startswith("argument ") and what.removeprefix("argument ").strip("'") not in entry.held:
                # made in the call's own expression (``load(io.BytesIO(data))``):
                # the test has nothing left to look at it by (a serializer's
                # precise ``load(...) is None`` tests were flagged for the
                # position a mutant left an inline stream at)
                continue
            original, changed = again.describe(), mutated.describe()
            if what.startswith("argument "):
                name = what.removeprefix("argument ").strip("'")
                original += f" and leaves {name} as {show(again.arguments.get(name))}"
                changed = f"leaves {name} as {show(mutated.arguments.get(name))}"
            return Evidence(
                suspect.mutant, describe_call(target.qualname, entry.arguments), original, changed, what
            )
    return None


# -- following the test whole -------------------------------------------------

#: results of the test's own calls kept from one run of it
FOLLOWED_CALLS = 300
#: items of one result looked at before it counts as too big to compare
PLAIN_ITEMS = 5000

#: types whose ``repr`` is their value, whatever process made them
_VALUE_TYPES = (
    datetime.date,
    datetime.time,
    datetime.timedelta,
    datetime.timezone,
    decimal.Decimal,
    fractions.Fraction,
    uuid.UUID,
    pathlib.PurePath,
    range,
)


class _Opaque(Exception):
    """Raised inside ``plain``: the value is not plain data."""


def plain(value: Any) -> Any | None:
    """``value`` as JSON-able data that means the same in any process:
    numbers, text, containers of them and the like as they are, an object
    by the ``repr`` its class wrote, or else by its type; None when it is
    too big or too deep to compare, or holds an object whose ``repr`` raises.

    An object's identity, address or cache says nothing two runs can agree
    on, and comparing an object by its state would call a cache that filled
    otherwise a difference: what a reader sees of it is its ``repr``, and
    which kind of object it is.
    """
    budget = [PLAIN_ITEMS]
    try:
        return _plain(value, budget, 0)
    except (_Opaque, RecursionError):
        return None


def _type_name(value: Any) -> str:
    return f"{type(value).__module__}.{type(value).__qualname__}"


def _plain(value: Any, budget: list[int], depth: int) -> Any:
    budget[0] -= 1
    if budget[0] < 0 or depth > 50:
        raise _Opaque
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return [kind.__name__, value if kind is not int else str(value)]
    if kind in (float, complex):
        return [kind.__name__, repr(value)]
    if kind in (bytes, bytearray):
        return [kind.__name__, value.hex()]
    if isinstance(value, enum.Enum):
        return ["enum", _type_name(value), value.name]
    if isinstance(value, _VALUE_TYPES):
        return ["value", _type_name(value), repr(value)]
    deeper = depth + 1
    if isinstance(value, (list, tuple)):
        items: Any = [_plain(v, budget, deeper) for v in value]
    elif isinstance(value, dict):
        items = [[_plain(k, budget, deeper), _plain(v, budget, deeper)] for k, v in value.items()]
    elif isinstance(value, (set, frozenset)):
        items = sorted(json.dumps(_plain(v, budget, deeper)) for v in value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        # the fields its == compares
        fields = [f for f in dataclasses.fields(value) if f.compare]
        items = [[f.name, _plain(getattr(value, f.name), budget, deeper)] for f in fields]
    else:
        shown = _own_repr(value)
        # with no repr of its own, an object is its type: which kind of
        # object came back (``isinstance(db.storage, MemoryStorage)``) is seen
        return ["repr", _type_name(value), shown] if shown is not None else ["object", _type_name(value)]
    # a container of a subclass is its type and its items: attributes it keeps
    # beside them (a parent link, a frozen flag) are state no reader sees
    return [_type_name(value), items]


#: characters of an object's own ``repr`` compared, at most
REPR_LIMIT = 10_000


def _own_repr(value: Any) -> str | None:
    """The ``repr`` an object's class wrote for it (``Node(tag='jane')``): the
    face its author chose to show, so a mutant that changes it changes what
    a reader of the object sees.  None for one with an address, or the
    default ``<X object at 0x...>``: they say nothing two processes agree on.
    A ``repr`` that raises (an object whose ``__init__`` a mutant emptied)
    leaves the whole value uncompared: what it is cannot be said."""
    if getattr(type(value), "__repr__", None) is object.__repr__:
        return None
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken object (its __init__ never ran) is not compared
        raise _Opaque from None
    return None if " at 0x" in text or len(text) > REPR_LIMIT else text


@dataclass(frozen=True)
class Result:
    """A call the test made into the code under test, and what it returned."""

    #: the function and which of the test's calls of it (``Table.get#2``)
    key: str
    #: the call as the test made it, its arguments shown as they were at the start
    call: str
    #: what it returned, as ``plain`` data in JSON text
    value: str
    #: what it returned, as a reader sees it
    shown: str


@dataclass(frozen=True)
class Trace:
    """One run of a test, followed: whether it passed, and its calls' results."""

    passed: bool
    results: tuple[Result, ...]


#: how a result names what the test held when it ended, not a call's return
END = "end:"


def trace(
    run_test: Callable[[], bool],
    test_file: Callable[[str], bool],
    files: set[str],
    test_code: CodeType | None = None,
) -> Trace:
    """Run the test, keeping the result of each call it made itself into a
    function defined in ``files`` (the modules under test), and, when the
    test's own function (``test_code``) ends, each of its local variables
    that holds an object of those modules.

    A call counts as the test's own when the first frame up the stack from
    the function that is either the test's file or one of ``files`` is the
    test's file: a decorator's wrapper or a library in between is passed
    through, a call the code under test makes is not the test's.  Generators
    and coroutines are left out: what they return at each step is not what
    they do.

    What the test holds at its end is what its calls built and changed,
    also through operations that run no Python of the project (``key in
    obj`` on a dict subclass): a mutant that leaves it otherwise changed an
    object the test had in hand.  The caller passes ``test_code`` only for a
    test that asserts nothing at all: one with checks of its own may have
    built the object to check something else, and is not weak for not
    checking how it was built (the constructor rule of ``find``; semver's
    tests that build a ``Version`` to check a comparison were flagged).
    """
    results: list[Result] = []
    seen: Counter[str] = Counter()
    listeners: dict[CodeType, OnCall | None] = {}
    test_frame: list[FrameType] = []

    def listener(code: CodeType) -> OnCall | None:
        if code is test_code:
            return _at_end
        if code not in listeners:
            suspended = code.co_flags & (
                inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR
            )
            listeners[code] = None if suspended or code.co_filename not in files else _keeper(code)
        return listeners[code]

    def _keeper(code: CodeType) -> OnCall:
        qualname: str | None = getattr(code, "co_qualname", None)

        def on_call(arguments: dict[str, Any]) -> Callable[[bool, Any], None] | None:
            if len(results) >= FOLLOWED_CALLS:
                return None
            name = qualname or _method_name(code, arguments)
            seen[name] += 1
            key = f"{name}#{seen[name]}"
            call = describe_call(name, arguments)

            def end(raised: bool, value: Any) -> None:
                data = None if raised else plain(value)
                if data is not None:
                    results.append(Result(key, call, json.dumps(data), show(value)))

            return end

        return on_call

    def _at_end(_arguments: dict[str, Any]) -> Callable[[bool, Any], None] | None:
        frame = test_frame[-1]

        def end(raised: bool, _value: Any) -> None:
            for name, value in frame.f_locals.items() if not raised else ():
                module = sys.modules.get(type(value).__module__)
                if getattr(module, "__file__", None) in files and (data := plain(value)) is not None:
                    results.append(Result(f"{END}{name}", name, json.dumps(data), show(value)))

        return end

    own = made_by_test(test_file, lambda code: code.co_filename in files)

    def by_test(frame: FrameType) -> bool:
        if frame.f_code is test_code:
            test_frame.append(frame)
            return True
        return own(frame)

    with watching(listener, by_test):
        passed = run_test()
    return Trace(passed, tuple(results))


def _method_name(code: CodeType, arguments: dict[str, Any]) -> str:
    """``Inventory.count``, where the code object does not say it (Python 3.10
    has no ``co_qualname``): the class of the receiver that holds this code."""
    receiver = arguments.get(code.co_varnames[0]) if code.co_argcount else None
    for klass in type(receiver).__mro__ if receiver is not None else ():
        if getattr(vars(klass).get(code.co_name), "__code__", None) is code:
            return f"{klass.__qualname__}.{code.co_name}"
    return code.co_name


def followed(first: Trace, second: Trace, under: Sequence[tuple[Suspect, Trace]]) -> Evidence | None:
    """The first result of the test's own calls that a mutant changed while
    the test passed, among those the two runs on the original agree on."""
    if not (first.passed and second.passed):
        return None
    again = {r.key: r for r in second.results}
    steady = {r.key: r for r in first.results if r.key in again and again[r.key].value == r.value}
    for suspect, run in under:
        if not run.passed:
            continue  # it failed this time: whatever changed, the test noticed
        for result in run.results:
            original = steady.get(result.key)
            if original is not None and result.value != original.value:
                was, now = _told_apart(original, result)
                if result.key.startswith(END):
                    return Evidence(suspect.mutant, original.call, was, now, END_STATE)
                return Evidence(
                    suspect.mutant, original.call, f"returns {was}", f"returns {now}", "return value"
                )
    return None


def _told_apart(original: Result, mutated: Result) -> tuple[str, str]:
    """The two results as a reader sees them, with their types where that is
    all that tells them apart (prettytable's ``custom_format`` returns the
    table's own ``ObservableDict``; under its extreme mutant, a new ``{}``:
    "returns {}; ... it returns {}" read as no difference at all)."""
    if original.shown != mutated.shown:
        return original.shown, mutated.shown
    kinds = [_kind(r.value) for r in (original, mutated)]
    if kinds[0] == kinds[1]:
        return original.shown, mutated.shown + " (different within: in what its parts are)"
    return f"{kinds[0]} {original.shown}", f"{kinds[1]} {mutated.shown}"


def _kind(value: str) -> str:
    """The type a ``plain`` value (JSON text) records, by its class's name."""
    data = json.loads(value)
    named = data[1] if data and data[0] in ("enum", "value", "repr", "object") else data[0]
    return str(named).rpartition(".")[2] if isinstance(named, str) else "value"
