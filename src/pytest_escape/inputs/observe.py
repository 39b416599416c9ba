"""The arguments the project's tests pass to a function, recorded while they run.

They are the best seeds a search has: real values of the real types, in the
shapes the code expects.  Deep-copied at call time, so what the function
does to them later does not change the record.
"""

from __future__ import annotations

import contextlib
import inspect
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import CodeType, FrameType, FunctionType
from typing import Any

from ..mutation.mutmut_adapter import (
    activate,
    mutated_codes,
    mutated_methods,
    original_code,
    recording_calls,
    watching_calls,
)
from ..mutation.switch import OnCall, defined_inside, watching
from .calls import attribute_name
from .compare import same_value
from .copying import deep_copy
from .literals import Step
from .recorded import Then, call_key
from .themselves import kept_as_themselves

#: calls of the function recorded while its tests run (deep copies)
MAX_RECORDED = 200


class CallSample:
    """Which calls of a function are recorded: the first half of
    ``MAX_RECORDED`` as they come, the rest a uniform sample (a reservoir)
    of all later calls, so that a late test's calls are there too.

    Recording only the first calls kept one test's: a test that calls a
    method hundreds of times on small objects filled every place, and a
    later test's one call on the only object that reaches a branch was
    never kept, so no input the search had reached it ("not reached by
    the search").  The sample is drawn with a generator seeded by the
    function's name: the same calls on every run.  Only a call the sample
    takes is copied."""

    def __init__(self, name: str, size: int = MAX_RECORDED) -> None:
        self.first = size // 2
        self.size = size
        self.seen = 0
        self.kept: dict[int, dict[str, Any] | None] = {}
        #: the later calls kept, by their number, in their reservoir slots
        self.later: list[int] = []
        self.random = random.Random(name)

    def slot(self) -> int | None:
        """The number of the call being made, if it is to be kept (then
        ``keep`` it); None if not.  Evicts the call it replaces."""
        self.seen += 1
        number = self.seen
        if len(self.kept) < self.size:
            if number > self.first:
                self.later.append(number)
            return number
        at = self.random.randrange(number - self.first)
        if at >= len(self.later):
            return None
        self.kept.pop(self.later[at], None)
        self.later[at] = number
        return number

    def keep(self, number: int, arguments: dict[str, Any] | None) -> None:
        """The copy of call ``number`` (None: not kept after all, or it raised)."""
        if number in self.kept or number == self.seen:
            self.kept[number] = arguments

    def calls(self) -> list[dict[str, Any]]:
        """The calls kept, in the order they were made."""
        return [self.kept[n] for n in sorted(self.kept) if self.kept[n] is not None]  # type: ignore[misc]


def _test_double(value: Any) -> bool:
    return type(value).__module__.startswith("unittest.mock") or any(
        type(v).__module__.startswith("unittest.mock") for v in getattr(value, "__dict__", {}).values()
    )


#: how far up the stack a call is traced back to the test that made it
CALLER_DEPTH = 20


def made_by_test(
    test_file: Callable[[str], bool], under_test: Callable[[CodeType], bool]
) -> Callable[[FrameType], bool]:
    """Whether a call was made by the test itself: the test's own file comes
    up the stack before any code ``under_test`` does (the mutated functions,
    or every function of the target files).  Frames of other code in
    between (a decorator's wrapper, a library) are passed through; a call
    the code under test makes is not the test's, whatever the test did."""
    test_frame = test_frame_of(test_file, under_test)
    return lambda frame: test_frame(frame) is not None


def test_frame_of(
    test_file: Callable[[str], bool], under_test: Callable[[CodeType], bool]
) -> Callable[[FrameType], FrameType | None]:
    """The frame of the test's own code that made a call (``made_by_test``), or None."""

    def found(frame: FrameType) -> FrameType | None:
        caller = frame.f_back
        for _ in range(CALLER_DEPTH):
            if caller is None or under_test(caller.f_code):
                return None
            if test_file(caller.f_code.co_filename):
                return caller
            caller = caller.f_back
        return None

    return found


#: items of a test's variable looked through for the arguments it holds
HELD_ITEMS = 100


def held_by(frame: FrameType, arguments: dict[str, Any]) -> frozenset[str]:
    """The arguments a test can still look at after its call: a variable of
    its own, or an attribute or an item of one (``self.cache``, ``bufs[0]``).
    One made in the call's own expression (``load(io.BytesIO(data))``) is
    gone when the call returns: what the call left in it no test could check."""
    reachable: set[int] = set()
    for name, value in list(frame.f_locals.items()):
        if not name.isidentifier():
            continue  # pytest's assertion rewriting keeps the assert's parts (``@py_assert2``)
        reachable.add(id(value))
        state = getattr(value, "__dict__", None)
        if isinstance(state, dict):
            reachable.update(id(v) for v in list(state.values())[:HELD_ITEMS])
        if isinstance(value, (list, tuple)):
            reachable.update(id(v) for v in value[:HELD_ITEMS])
        elif isinstance(value, dict):
            reachable.update(id(v) for v in list(value.values())[:HELD_ITEMS])
    return frozenset(name for name, value in arguments.items() if id(value) in reachable)


@dataclass
class Observed:
    """The calls recorded while the tests ran, and how many a test made itself."""

    calls: list[dict[str, Any]] = field(default_factory=list)
    #: calls made by a test's own code, not through the project's (``made_by_test``)
    direct: int = 0
    #: calls of the functions defined inside it (its closures), by ``def``
    #: (name, first line): what a call of one it returned can be given
    inner: dict[tuple[str, int], list[Then]] = field(default_factory=dict)
    #: calls that could not be copied, and why the first could not: a search
    #: without seeds says so, rather than that the tests passed nothing
    uncopied: int = 0
    uncopied_why: str = ""

    def copy_of(self, arguments: dict[str, Any], keep: dict[int, Any]) -> dict[str, Any] | None:
        """A deep copy of one call's arguments (``keep``: passed as themselves),
        or None, counted, if they cannot be copied."""
        try:
            return deep_copy(arguments, dict(keep))  # type: ignore[no-any-return]
        except Exception as e:  # noqa: BLE001 - uncopyable input: not a seed
            self.uncopied += 1
            self.uncopied_why = self.uncopied_why or f"{type(e).__name__}: {e}"[:120]
            return None

    def none_kept(self) -> str:
        """Why no call of the tests is a seed, when they made some and none could be copied."""
        if self.calls or not self.uncopied:
            return ""
        calls = "1 call" if self.uncopied == 1 else f"{self.uncopied} calls"
        copied = f"the tests made {calls} of it, and none could be copied"
        return f"; none was kept: {copied} ({self.uncopied_why})"


#: calls recorded per function defined inside the observed one
MAX_INNER = 50

#: calls of the target files' functions made while the tests were collected,
#: by code (``_code_key``): a class decorator a test module applies at its
#: top level, its module-level set-up, the library's own decorators applied
#: as it is imported.  No test is running then, so ``observe_calls`` never
#: saw them, and a parameter only such calls passed had no seed (an event
#: library's ``evented(cls)``: 24 survivors "unexplorable").  Recorded in
#: the worker (``recording_collection``); its children inherit them.
_AT_COLLECTION: dict[tuple[str, int, str], list[dict[str, Any]]] = {}


def _code_key(code: CodeType) -> tuple[str, int, str]:
    return code.co_filename, code.co_firstlineno, code.co_name


@contextlib.contextmanager
def recording_collection(files: frozenset[str]) -> Iterator[None]:
    """Record the calls of the functions of ``files`` made in the block (deep
    copies, ``MAX_INNER`` per function) into ``_AT_COLLECTION``."""

    def lookup(code: CodeType) -> OnCall | None:
        if code.co_filename not in files:
            return None
        kept = _AT_COLLECTION.setdefault(_code_key(code), [])
        if len(kept) >= MAX_INNER:
            return None

        def on_call(arguments: dict[str, Any]) -> None:
            if not any(_test_double(v) for v in arguments.values()):
                with contextlib.suppress(Exception):  # uncopyable: not a seed
                    kept.append(deep_copy(arguments, {}))

        return on_call

    with watching(lookup):
        yield


def at_collection(code: CodeType) -> list[dict[str, Any]]:
    """The calls of ``code``'s function made while the tests were collected."""
    return _AT_COLLECTION.get(_code_key(code), [])


def then_of(code: CodeType, arguments: dict[str, Any], depth: int = 1) -> Then:
    """A call of the function of ``code`` (``depth`` levels inside the
    target's) with ``arguments`` (by parameter name), as a ``Then``."""
    count = code.co_argcount + code.co_kwonlyargcount
    star = code.co_varnames[count] if code.co_flags & inspect.CO_VARARGS else None
    count += star is not None
    double_star = code.co_varnames[count] if code.co_flags & inspect.CO_VARKEYWORDS else None
    return Then(
        (code.co_name, code.co_firstlineno),
        tuple(arguments.items()),
        depth,
        star,
        double_star,
        code.co_argcount,
        code.co_posonlyargcount,
    )


def observe_calls(
    module: str,
    qualname: str,
    run_tests: Callable[[], object],
    returned_only: bool = False,
    test_file: Callable[[str], bool] | None = None,
    inner: bool = False,
) -> Observed:
    """The arguments the tests passed to ``qualname`` (bounded, deep-copied at
    call time), counting the calls a test made itself (files ``test_file``
    accepts); with ``inner``, the calls of the functions defined inside it
    too (``Observed.inner``).

    ``returned_only``: leave out calls that raised.  A test that checks
    ``f(1.5)`` raises TypeError passes an input it does not call valid.
    """
    sample = CallSample(f"{module}:{qualname}")
    keep = kept_as_themselves(module)  # recorded as themselves: a copy of one means nothing
    found = Observed()
    by_test = made_by_test(test_file, mutated_codes().__contains__) if test_file is not None else None

    def record(arguments: dict[str, Any], frame: FrameType) -> int | None:
        if any(_test_double(v) for v in arguments.values()):
            return None  # a Mock stands in for something else, and records every call made on it
        if by_test is not None and by_test(frame):
            found.direct += 1
        number = sample.slot()
        if number is None:
            return None
        copied = found.copy_of(arguments, keep)
        sample.keep(number, copied)
        return number if copied is not None else None

    def raised(number: int) -> None:
        if returned_only and number in sample.kept:
            sample.kept[number] = None

    def inner_call(code: CodeType, depth: int) -> OnCall:
        def on_call(arguments: dict[str, Any]) -> None:
            kept = found.inner.setdefault((code.co_name, code.co_firstlineno), [])
            if len(kept) < MAX_INNER and not any(_test_double(v) for v in arguments.values()):
                try:
                    kept.append(then_of(code, deep_copy(arguments, dict(keep)), depth))
                except Exception:  # noqa: BLE001 - uncopyable: not a seed
                    pass

        return on_call

    activate(None)
    try:
        with recording_calls(module, qualname, record, raised, inner_call if inner else None):
            run_tests()
    except BaseException:  # noqa: BLE001 - seeds are a bonus (pytest.skip() is a BaseException)
        pass
    found.calls = sample.calls()
    if inner:
        original = original_code(module, qualname)
        found.calls += at_collection(original)[: max(MAX_RECORDED - len(found.calls), 0)]
        for code, depth in defined_inside(original):
            kept = found.inner.setdefault((code.co_name, code.co_firstlineno), [])
            made = [then_of(code, arguments, depth) for arguments in at_collection(code)]
            kept += made[: MAX_INNER - len(kept)]
    return found


#: steps kept per class, and calls of its methods looked at for them
MAX_STEPS = 60
MAX_STEP_CALLS = 2000


def observe_with_steps(
    module: str, qualname: str, owner: str, run_tests: Callable[[], object]
) -> tuple[Observed, list[Step]]:
    """``observe_calls``, and in the same run of the tests, the calls they made on
    instances of class ``owner`` that changed the instance (``Step``).

    A method's survivor often needs a receiver in a state no test handed
    to that method (a trie with a value at the empty key), yet another test
    built it with a call of its own.  Only calls that returned and left the
    instance different count: a lookup is no way to reach a state.  Only
    methods whose parameters can all be named are kept, so a step can be
    replayed, and written in a test, by keyword.
    """
    found = Observed()
    sample = CallSample(f"{module}:{qualname}")
    steps: dict[str, Step] = {}
    keep = kept_as_themselves(module)
    cls = getattr(sys.modules[module], owner, None)
    looked = [0]
    #: new instances of the class its methods returned (a builder's
    #: ``add_host(...)``), told apart by ``call_key``
    made: dict[str, Any] = {}

    def on_target(arguments: dict[str, Any]) -> None:
        if any(_test_double(v) for v in arguments.values()):
            return
        if (number := sample.slot()) is not None:
            sample.keep(number, found.copy_of(arguments, keep))

    def stepper(name: str, receiver: str) -> OnCall:
        def on_call(arguments: dict[str, Any]) -> Callable[[bool, Any], None] | None:
            looked[0] += 1
            if len(steps) >= MAX_STEPS or looked[0] > MAX_STEP_CALLS:
                return None
            if any(_test_double(v) for v in arguments.values()) or receiver not in arguments:
                return None
            try:
                before = deep_copy(arguments, dict(keep))
            except Exception:  # noqa: BLE001
                return None

            def ended(did_raise: bool, value: Any) -> None:
                if did_raise:
                    return
                if cls is not None and isinstance(value, cls) and value is not arguments[receiver]:
                    _keep_made(value, made, keep)
                if same_value(before[receiver], arguments[receiver]):
                    return
                step = Step(name, tuple((k, v) for k, v in before.items() if k != receiver))
                steps.setdefault(f"{name}:{call_key(dict(step.arguments))}", step)

            return ended

        return on_call

    watched: dict[tuple[str, str], OnCall] = {}
    for method in mutated_methods(module, owner) if cls is not None else []:
        name = attribute_name(owner, method.rpartition(".")[2])
        function = vars(cls).get(name)
        if not isinstance(function, FunctionType) or name in _NOT_STEPS:
            continue
        params = list(inspect.signature(function).parameters.values())
        if params and all(p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in params):
            watched[(module, method)] = stepper(name, params[0].name)
    target_step = watched.pop((module, qualname), None)

    def on_either(arguments: dict[str, Any]) -> Callable[[bool, Any], None] | None:
        on_target(arguments)
        return target_step(arguments) if target_step is not None else None

    watched[(module, qualname)] = on_either
    activate(None)
    try:
        with watching_calls(watched):
            run_tests()
    except BaseException:  # noqa: BLE001 - seeds are a bonus (pytest.skip() is a BaseException)
        pass
    found.calls = calls = sample.calls()
    target = vars(cls).get(attribute_name(owner, qualname.rpartition(".")[2])) if cls is not None else None
    if isinstance(target, FunctionType):  # a classmethod's or staticmethod's first parameter is no instance
        receiver = next(iter(inspect.signature(target).parameters), None)
        found.calls = calls + _on_made(calls, receiver, list(made.values()))
    return found, list(steps.values())


#: instances its methods returned that a class's receivers are given, and
#: the recorded calls each is put into
MAX_MADE = 20
CALLS_PER_MADE = 3


def _keep_made(value: Any, made: dict[str, Any], keep: dict[int, Any]) -> None:
    if len(made) >= MAX_MADE:
        return
    try:
        key = call_key({"self": value})
        if key not in made:  # a copy only of a state not kept yet: a builder may be made thousands of times
            made[key] = deep_copy(value, dict(keep))
    except Exception:  # noqa: BLE001 - uncopyable: not a receiver
        pass


def _on_made(calls: list[dict[str, Any]], receiver: str | None, made: list[Any]) -> list[dict[str, Any]]:
    """The recorded calls again, each with a receiver another method made.

    A class whose methods return new instances (a builder's ``add_host``,
    a persistent vector's ``append``) changes no receiver, so it takes no
    ``Step``; its tests call each method on a fresh instance
    (``URIBuilder().add_scheme(...)``).  The states its other methods made
    are states a receiver reaches all the same: 82 survivors of rfc3986's
    builder, each a dropped attribute in the new instance, were searched
    only on empty builders, where every attribute is None.
    """
    with_receiver = [call for call in calls if receiver is not None and receiver in call]
    extra = [{**call, receiver: instance} for instance in made for call in with_receiver[:CALLS_PER_MADE]]
    return extra[: max(MAX_RECORDED - len(calls), 0)]


#: methods that make, copy or tear an instance down rather than take it to another state
_NOT_STEPS = frozenset({"__init__", "__new__", "__del__", "__copy__", "__deepcopy__", "__setstate__"})


def global_constants(module: str, names: tuple[str, ...]) -> list[Any]:
    """Module-level constants a function reads (``qty >= BULK_THRESHOLD``): literals by another name."""
    namespace = vars(sys.modules[module])
    return [namespace[n] for n in names if isinstance(namespace.get(n), (int, float, str)) and n in namespace]
