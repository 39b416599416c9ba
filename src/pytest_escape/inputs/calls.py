"""The function a witness search attacks, and calling it with one input.

Every call runs on fresh copies of the input (the original and the mutant
must see the same values, and a call may change its arguments), inside the
sandbox guard and a per-call time limit, with the chosen mutant switched on
only for the duration of the call.
"""

from __future__ import annotations

import asyncio
import contextlib
import dis
import functools
import inspect
import io
import itertools
import linecache
import sys
import time
import tokenize
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import CodeType, FrameType, FunctionType
from typing import Any

from ..mutation.mutmut_adapter import activate
from .compare import (
    HUNG,
    RAISED,
    RETURNED,
    CallOutcome,
    Logged,
    heard_warning,
    object_state,
    value_key,
)
from .copying import deep_copy
from .identities import identities_of
from .infection import Infection, ReadDefault
from .literals import OMITTED, REBUILT, Bare
from .logs import recording_logs
from .recorded import Call, Then
from .sandbox import CallTimeout, Guard, SandboxViolation, time_limit
from .themselves import kept_as_themselves

FUNCTION = "function"
METHOD = "method"
CLASSMETHOD = "classmethod"
STATICMETHOD = "staticmethod"
#: a generator's output is compared as a list of at most this many items
GENERATOR_ITEMS = 1000
_IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), frozenset, tuple, range)


@dataclass
class Target:
    module: str
    qualname: str
    kind: str
    #: what to call: the module's function (a mutant switches its code), or the class attribute of a method
    function: Callable[..., Any]
    #: the class of an instance method (``self`` is built or observed)
    owner: type | None
    signature: inspect.Signature
    #: an ``async def``: each call's coroutine runs to its end in a fresh event loop
    is_async: bool = False
    #: a property's getter: called with ``self`` alone, written as ``obj.name``
    attribute: bool = False
    #: a property's setter: called with ``self`` and the value, written as
    #: ``obj.name = value``; what it returns is never seen (Python drops it)
    setter: bool = False

    @property
    def name(self) -> str:
        """The attribute the function is reached by, from outside its class."""
        owner, _, name = self.qualname.rpartition(".")
        return attribute_name(owner, name.removesuffix(SETTER) if self.setter else name)

    @property
    def callee(self) -> str:
        """The function as code outside its module's classes names it (``Tree._Tree__get``)."""
        owner = self.qualname.rpartition(".")[0]
        return f"{owner}.{self.name}" if owner else self.name

    @property
    def arguments(self) -> list[str]:
        """Its parameters but a method's receiver (an object has no order to learn)."""
        names = list(self.signature.parameters)
        return names[1:] if self.owner is not None else names


class NotCallable(Exception):
    pass


#: how mutmut names a property's setter (its getter has the property's name)
SETTER = "__setter"


def attribute_name(owner: str, name: str) -> str:
    """``name`` as code outside class ``owner`` reads it: a private ``__get``
    is stored as ``_Tree__get`` (treelib's private methods, 41 of its
    survivors, were "not a function")."""
    if owner and name.startswith("__") and not name.endswith("__"):
        return f"_{owner.lstrip('_')}{name}"
    return name


def resolve(module_name: str, qualname: str) -> Target:
    """The live function ``qualname`` of the imported module."""
    module = sys.modules.get(module_name)
    if module is None:
        raise NotCallable(f"module {module_name} is not imported in this process")
    owner_name, _, name = qualname.rpartition(".")
    name = attribute_name(owner_name, name)
    if owner_name:
        owner = getattr(module, owner_name, None)
        if not isinstance(owner, type):
            raise NotCallable(f"{owner_name} is not a class of {module_name}")
        static = inspect.getattr_static(owner, name, None)
        kind = (
            CLASSMETHOD
            if isinstance(static, classmethod)
            else STATICMETHOD
            if isinstance(static, staticmethod)
            else METHOD
        )
        function = getattr(owner, name, None)
        getter = _getter(static)
        if getter is not None:
            # a property: its getter is the code mutated, and reading it is the call
            return _target(module_name, qualname, METHOD, getter, owner, attribute=True)
        prop = inspect.getattr_static(owner, name.removesuffix(SETTER), None)
        if name.endswith(SETTER) and isinstance(prop, property) and prop.fset is not None:
            # mutmut names a property's setter ``x__setter``: assigning is the call
            return _target(module_name, qualname, METHOD, prop.fset, owner, setter=True)
    else:
        owner, kind, function = None, FUNCTION, getattr(module, name, None)
    if not callable(function):
        raise NotCallable(f"{module_name}.{qualname} is not a function")
    if inspect.isasyncgenfunction(function):
        raise NotCallable("async generators are not searched yet")
    return _target(module_name, qualname, kind, function, owner if kind == METHOD else None)


def _getter(static: Any) -> Callable[..., Any] | None:
    """The getter of a ``property`` or ``functools.cached_property``, or None."""
    if isinstance(static, property):
        return static.fget
    if isinstance(static, functools.cached_property):
        return static.func
    return None


def _target(
    module: str,
    qualname: str,
    kind: str,
    function: Callable[..., Any],
    owner: type | None,
    attribute: bool = False,
    setter: bool = False,
) -> Target:
    return Target(
        module=module,
        qualname=qualname,
        kind=kind,
        function=function,
        owner=owner,
        signature=inspect.signature(function),
        is_async=inspect.iscoroutinefunction(function),
        attribute=attribute,
        setter=setter,
    )


def split_arguments(
    signature: inspect.Signature, arguments: dict[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    """Positional and keyword arguments for a call, from values by parameter name."""
    params = list(signature.parameters.values())
    spread = any(p.kind == p.VAR_POSITIONAL and arguments.get(p.name) for p in params)
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for index, p in enumerate(params):
        if p.name not in arguments or arguments[p.name] is OMITTED:
            continue
        value = arguments[p.name]
        if p.kind == p.VAR_POSITIONAL:
            args.extend(value)
        elif p.kind == p.VAR_KEYWORD:
            kwargs.update(value)
        elif p.kind == p.POSITIONAL_ONLY or (p.kind == p.POSITIONAL_OR_KEYWORD and (spread or index == 0)):
            args.append(value)
        else:
            kwargs[p.name] = value
    return args, kwargs


def fresh(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """A new copy of an input value, rebuilding what the search holds rebuildable.

    Copies made with one ``memo`` share what the originals shared: an
    object's attributes, or two arguments, that hold the same node hold the
    same copy of it.  Copied one by one, a linked structure's index and its
    chain of nodes became two structures, and the code under test, which
    unlinks through one and walks the other, failed in ways the real object
    never does.
    """
    if memo is None:
        memo = {}
    if isinstance(value, REBUILT):
        return value.make(lambda part: fresh(part, memo))
    if type(value) in (list, tuple) and any(isinstance(item, REBUILT) for item in value):
        return type(value)(fresh(item, memo) for item in value)
    return deep_copy(value, memo)


def fresh_arguments(
    arguments: Iterable[tuple[str, Any]], keep: dict[int, Any] | None = None
) -> dict[str, Any]:
    """New copies of one call's arguments, sharing what the originals shared;
    the objects in ``keep`` (``kept_as_themselves``) are passed as themselves."""
    memo: dict[int, Any] = dict(keep or {})
    return {name: fresh(value, memo) for name, value in arguments}


class LineProbe:
    """Did a call execute the mutated code of one function?  (A narrow ``sys.settrace``.)

    Given ``change`` (where the mutant's text starts on ``line``, and that
    text), the probe watches the instructions compiled from that text, not
    the line: ``x if c else str(None)`` runs its line whichever branch it
    takes, and the line's inputs were counted as evidence of equivalence
    for a change they never ran (parsimonious's ``LeftRecursionError``:
    "likely equivalent" on 263 inputs, none of which took the branch).
    Without instruction positions (Python 3.10), or when no instruction
    comes from the text, it watches the line.

    The mutated text can be compiled into a code object nested in the
    function's: a local ``def``, a lambda, a comprehension (its own code
    before Python 3.12) or a generator expression.  Those frames are
    watched too; watching only the function's own said "none of them
    reached the mutated line" of every such mutant, whatever the inputs
    did (tabulate's ``make_header_line``, dpath's local helpers).
    """

    def __init__(
        self,
        code: CodeType,
        line: int,
        change: tuple[int, str] | None = None,
        expressions: tuple[tuple[str, str], ...] = (),
    ) -> None:
        self.code = code
        self.line = line
        self.hit = False
        #: the code objects that hold the mutated code, by identity (equal
        #: code objects of two places compare equal), each with the offsets
        #: of its instructions from the changed text, or None: watch the line
        self.watched = _watched(code, line, change)
        #: the local variables the mutated line reads, and the values each had
        #: whenever the mutated code ran (``unvaried``)
        self.values: dict[str, set[str]] = {
            name: set() for watched, _ in self.watched.values() for name in locals_read(watched, line)
        }
        #: the infection check: what the changed expression gave in the
        #: original's text and in the mutant's, where the mutant ran
        self.infection = Infection.of(expressions)

    def reset(self) -> None:
        """Before a call: nothing of it seen yet."""
        self.hit = False
        if self.infection is not None:
            self.infection.reset()

    def _reached(self, frame: FrameType) -> None:
        self.hit = True
        if self.values:
            local = frame.f_locals
            for name, seen in self.values.items():
                if name in local and len(seen) < 2:
                    seen.add(value_key(local[name]))
        if self.infection is not None:
            self.infection.look(frame)

    def _tracer(self, offsets: frozenset[int] | None) -> Any:
        def local(frame: FrameType, event: str, arg: Any) -> Any:
            if offsets is not None:
                if event == "opcode" and frame.f_lasti in offsets:
                    self._reached(frame)
            elif event == "line" and frame.f_lineno == self.line:
                self._reached(frame)
            return local

        return local

    def start(self) -> None:
        """Trace what runs from now on (``sys.settrace(None)`` ends it).

        Python 3.12 turns opcode events on only in a ``settrace`` made after
        some frame asked for them, so one is asked for first; without it the
        first call a process probed was never seen to reach its change."""
        here = sys._getframe()
        asked = here.f_trace_opcodes
        here.f_trace_opcodes = True
        here.f_trace_opcodes = asked
        sys.settrace(self)

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Any:
        watched = self.watched.get(id(frame.f_code))
        if watched is None:
            return None
        offsets = watched[1]
        tracer = self._tracer(offsets)
        if offsets is not None:
            # Python 3.13 sends a frame opcode events only once it has its tracer
            frame.f_trace = tracer
            frame.f_trace_opcodes = True
        return tracer


#: the instructions that read a local variable or a cell (by name; 3.13
#: reads two locals in one instruction, its argument a pair of names)
_READS = frozenset(
    {"LOAD_FAST", "LOAD_FAST_CHECK", "LOAD_FAST_AND_CLEAR", "LOAD_FAST_LOAD_FAST", "LOAD_DEREF"}
)


class DefaultProbe(LineProbe):
    """Did a call read a parameter whose default value the mutant changes?

    A default is evaluated when the function is defined, so no line of a
    call runs the mutated text, and every such survivor ended "whether an
    input used the mutated default value is not observed".  The probe
    watches the instructions that read the parameter instead (in the
    function and in the code nested in it); the inputs that ran one are
    the ones the mutant's default reached."""

    def __init__(self, code: CodeType, name: str, original: Any, mutated: Any) -> None:
        super().__init__(code, code.co_firstlineno)
        self.watched = {id(c): (c, offsets) for c in nested_codes(code) if (offsets := _reads_of(c, name))}
        self.values = {}
        self.infection = ReadDefault(name, original, mutated)


def _reads_of(code: CodeType, name: str) -> frozenset[int]:
    """The offsets of ``code``'s instructions that read the variable ``name``."""
    return frozenset(
        instruction.offset
        for instruction in dis.get_instructions(code)
        if instruction.opname in _READS
        and name in (instruction.argval if isinstance(instruction.argval, tuple) else (instruction.argval,))
    )


#: what ``@contextmanager``'s functions return (a private class of the
#: standard library, so looked up, not imported: None if a Python lacks it)
_GENERATOR_MANAGER: type | None = getattr(contextlib, "_GeneratorContextManager", None)


def made_by_contextmanager(value: Any) -> bool:
    """Whether ``value`` is what a ``@contextmanager`` function returned.

    Such a call runs none of the function's body: only entering it does,
    so a search that only called it reached no mutant in it.  A context
    manager of the program's own class is left alone: entering one may be
    all the state it is about (a lock, a transaction)."""
    return _GENERATOR_MANAGER is not None and type(value) is _GENERATOR_MANAGER


def _entered(manager: Any) -> Any:
    """What ``with manager as x`` gives ``x``, once the block (empty) is left."""
    with manager as value:
        pass
    return value


def nested_codes(code: CodeType) -> Iterator[CodeType]:
    """``code`` and every code object compiled inside it, however deep (a
    local ``def``, a lambda, a comprehension before Python 3.12)."""
    yield code
    for constant in code.co_consts:
        if isinstance(constant, CodeType):
            yield from nested_codes(constant)


#: code objects by identity, each with the offsets its probe watches (None: the line)
Watched = dict[int, tuple[CodeType, frozenset[int] | None]]


def _watched(code: CodeType, line: int, change: tuple[int, str] | None) -> Watched:
    """Which code objects of ``code`` (itself or nested) the probe watches,
    and how: by the instructions compiled from the changed text where some
    are, else by the line in those whose instructions come from it."""
    codes = list(nested_codes(code))
    if change is not None:
        by_text: Watched = {id(c): (c, found) for c in codes if (found := _offsets_of(c, line, change))}
        if by_text:
            return by_text
    by_line: Watched = {id(c): (c, None) for c in codes if any(at == line for _, _, at in c.co_lines())}
    return by_line or {id(code): (code, None)}


def locals_read(code: CodeType, line: int) -> tuple[str, ...]:
    """The local variables ``line`` of ``code`` reads: its names that are
    the function's own (not an attribute after a dot, not only assigned on
    the line, not a global or builtin), in the order they appear."""
    text = linecache.getline(code.co_filename, line)
    own = {*code.co_varnames, *code.co_cellvars, *code.co_freevars}
    found: list[str] = []
    tokens: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text.strip() + "\n").readline):
            tokens.append(token)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass  # a line of a longer statement: the names read so far
    for index, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string not in own:
            continue
        before = tokens[index - 1].string if index else ""
        after = tokens[index + 1].string if index + 1 < len(tokens) else ""
        # an attribute after a dot, or a name only assigned (or a keyword argument's)
        if before != "." and after != "=" and token.string not in found:
            found.append(token.string)
    return tuple(found)


def unvaried(values: dict[str, set[str]]) -> str | None:
    """Which variable the mutated line reads kept one value whenever it ran
    (``flags was '' every time``), or None when each took two or more.

    Distinct inputs are no evidence of equivalence when the line saw them
    all alike: parsimonious's regex visitor reads ``flags``, the grammar's
    flag letters, and no input had any; 18 mutants of ``'L' in flags`` were
    called "likely equivalent" on 50 to 120 distinct inputs each."""
    for name, seen in values.items():
        if len(seen) == 1:
            (shown,) = seen
            return f"{name} was {shown} every time"
    return None


#: instructions that evaluate nothing of the text their position names: the
#: compiler gives a loop's jump back, a comprehension's append and the
#: return after it the position of the condition before them, so an empty
#: comprehension "ran" its filter (``[x for x in xs if x != 7]`` on ``[]``)
_CARRIED = frozenset(
    {
        "CACHE",
        "END_FOR",
        "JUMP_BACKWARD",
        "JUMP_BACKWARD_NO_INTERRUPT",
        "JUMP_FORWARD",
        "LIST_APPEND",
        "MAP_ADD",
        "NOP",
        "POP_TOP",
        "RESUME",
        "RETURN_CONST",
        "RETURN_VALUE",
        "SET_ADD",
    }
)


def _offsets_of(code: CodeType, line: int, change: tuple[int, str]) -> frozenset[int] | None:
    """The offsets of ``code``'s instructions compiled from the text ``change``
    puts on ``line`` (positions are in UTF-8 bytes; the line up to the change
    is the original's), leaving out those that only carry its position."""
    positions = getattr(code, "co_positions", None)
    text = linecache.getline(code.co_filename, line)
    if positions is None or not text:
        return None
    column, replacement = change
    start = len(text[:column].encode())
    end = start + len(replacement.encode())
    found = frozenset(
        2 * index
        for index, (first, last, left, right) in enumerate(positions())
        if first == last == line
        and left is not None
        and right is not None
        and start <= left
        and right <= end
        and dis.opname[code.co_code[2 * index]] not in _CARRIED
    )
    return found or None


def _close(loop: asyncio.AbstractEventLoop) -> None:
    """Close a call's event loop, cancelling what a timed-out call left running."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Task was destroyed but it is pending"
        try:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        except BaseException:  # noqa: BLE001 - a task that will not end is dropped with its loop
            pass
        finally:
            loop.close()


class _InSetup(Exception):
    """Building the input failed, before the target was called."""

    def __init__(self, error: Exception) -> None:
        super().__init__(error)
        self.error = error


def _outer_files(frame: FrameType | None) -> set[str]:
    """The files of the frames from ``frame`` outwards: the search's own
    machinery, where a warning with too large a ``stacklevel`` points."""
    files: set[str] = set()
    while frame is not None:
        files.add(frame.f_code.co_filename)
        frame = frame.f_back
    return files


def made_by(value: Any, then: Then, looping: bool) -> bool:
    """Whether ``value`` is a function of the ``def`` ``then`` calls (a closure
    the target made), or a callable object that holds one as an attribute
    (``Parser(fn)``, a decorator class: calling it calls the closure with the
    same arguments, and a test calls it so); a coroutine function only where
    a loop runs the call.

    A parser-combinator library returns each closure inside such an object:
    looked for as a function only, no closure was ever called, and 32 of its
    survivors were "not reached by the search"."""
    if not isinstance(value, FunctionType) and callable(value) and not isinstance(value, type):
        held = object_state(value) or {}
        return any(_of_def(part, then, looping) for part in held.values())
    return _of_def(value, then, looping)


def _of_def(value: Any, then: Then, looping: bool) -> bool:
    code = getattr(value, "__code__", None)
    return (
        isinstance(value, FunctionType)
        and isinstance(code, CodeType)
        and (code.co_name, code.co_firstlineno) == then.code
        and (looping or not inspect.iscoroutinefunction(value))
    )


class Caller:
    """Calls a target with one input, under the original or one mutant."""

    def __init__(self, target: Target, guard: Guard, timeout: float) -> None:
        self.target = target
        self.guard = guard
        self.timeout = timeout
        self.kept = kept_as_themselves(target.module)

    def _then(self, function: FunctionType, then: Then, loop: asyncio.AbstractEventLoop | None) -> Any:
        """What the closure the call returned gives on ``then``'s arguments
        (fresh copies): a wrapper a decorator factory makes runs none of its
        body until called, and its mutants were "not reached" on every input
        (a retry library: 54 survivors)."""
        args, kwargs = then.split(fresh_arguments(then.arguments, self.kept))
        value = function(*args, **kwargs)
        if loop is not None and inspect.iscoroutine(value):
            value = loop.run_until_complete(value)
        return value

    def __call__(self, call: Call, mutant: str | None, probe: LineProbe | None = None) -> CallOutcome:
        arguments: dict[str, Any] = {}
        started = time.time()
        printed = io.StringIO()
        heard: list[warnings.WarningMessage] = []
        start = 0
        logged: list[Logged] = []
        logged_from = 0
        generated = False
        entered = False
        called = 0
        # A fresh loop per call, as asyncio.run would make, but made before the
        # guard is armed (a loop opens a socket pair to wake itself).
        loop = asyncio.new_event_loop() if self.target.is_async else None
        # a refusal belongs to the call that tried it: the next call starts clean
        self.guard.violation = None
        activate(mutant)
        try:
            with (
                time_limit(self.timeout),
                contextlib.redirect_stdout(printed),
                contextlib.redirect_stderr(printed),
                # every warning of every call is heard (a warning prints once
                # per place, so printed ones made a second run look different)
                warnings.catch_warnings(record=True) as heard,
                recording_logs() as recorder,
                self.guard,
            ):
                warnings.simplefilter("always")
                started = time.time()
                try:
                    arguments = fresh_arguments(call.arguments, self.kept)
                except Exception as e:  # noqa: BLE001 - a constructor refused its generated arguments
                    raise _InSetup(e) from e
                args, kwargs = split_arguments(self.target.signature, arguments)
                try:
                    # an input without a required argument (a receiver that could not
                    # be kept) raises TypeError before the function runs: no outcome
                    # of the code, and no "crash" (hyperlink: 4 false violations)
                    self.target.signature.bind(*args, **kwargs)
                except TypeError as e:
                    raise _InSetup(e) from e
                start = len(heard)  # what building the input warned is not the call's
                logged = recorder.records
                logged_from = len(logged)  # nor what it logged
                if probe is not None:
                    probe.start()
                try:
                    value = self.target.function(*args, **kwargs)
                    if loop is not None and inspect.iscoroutine(value):
                        value = loop.run_until_complete(value)
                    if self.target.setter:
                        value = None  # ``obj.x = v`` gives nothing back, whatever the setter returns
                    for step in call.then:
                        if not made_by(value, step, loop is not None):
                            break
                        called += 1
                        value = self._then(value, step, loop)
                    if inspect.isgenerator(value):
                        generated = True
                        value = list(itertools.islice(value, GENERATOR_ITEMS))
                    elif made_by_contextmanager(value):
                        entered = True
                        value = _entered(value)
                finally:
                    if probe is not None:
                        sys.settrace(None)
            outcome = CallOutcome(RETURNED, value=value)
        except CallTimeout:
            outcome = CallOutcome(HUNG)
        except _InSetup as e:
            outcome = CallOutcome(RAISED, error=e.error, in_setup=True)
        except SandboxViolation:
            raise
        except BaseException as e:  # noqa: BLE001 - whatever the code raises is its outcome
            outcome = CallOutcome(RAISED, error=e)
        finally:
            ended = time.time()
            activate(None)
            if loop is not None:
                _close(loop)
        if self.guard.violation is not None:
            # user code swallowed the refusal; the call still tried it
            raise SandboxViolation(self.guard.violation)
        outcome.output = printed.getvalue()
        outcome.clock = (started, ended)
        outcome.generated = generated
        outcome.entered = entered
        outcome.called = called
        outcome.files = self.guard.written()
        if logged:
            outcome.logged = tuple(logged[logged_from:])
        if len(heard) > start:
            outer = _outer_files(sys._getframe(1))
            here = sys._getframe().f_code.co_filename
            outcome.warned = tuple(heard_warning(w, here, outer) for w in heard[start:])
        # a constructor that raised hands its new instance to nobody: its
        # half-made state is no difference a caller could see (prettytable:
        # 12 tests pinned it after the raise, and failed on the original)
        lost = (
            {name for name, value in call.arguments if isinstance(value, Bare)}
            if outcome.kind == RAISED
            else set()
        )
        outcome.arguments = {
            name: value
            for name, value in arguments.items()
            if not isinstance(value, _IMMUTABLE) and name not in lost
        }
        # the objects the call had, as the texts it gave may show them (``id(self)``)
        outcome.identities = identities_of(arguments)
        return outcome
