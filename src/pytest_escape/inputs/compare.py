"""What one call did, and whether two calls did the same thing.

The differential search runs the original and the mutant on copies of the
same input and compares everything a caller could observe: the return value,
the exception, what became of the mutable arguments (a mutant that drops
``items.pop()`` changes nothing but the argument), what it printed, and the
warnings it gave, with where they point.
"""

from __future__ import annotations

import datetime
import enum
import io
import itertools
import logging
import math
import os
import re
import sys
import types
import warnings
from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from .identities import Identities, named
from .moments import Clock, comparing, same_moment

RETURNED = "returned"
RAISED = "raised"
#: the call ran past the per-call time limit
HUNG = "hung"
#: a difference in what the call printed (a CLI's help text, a log line)
PRINTED = "printed output"
#: what differs when only the warnings a call gave do
WARNED = "warnings"
#: a difference in the files a call wrote in the sandbox's working directory
WRITTEN = "files written"
#: what differs when only the log records a call emitted do
LOGGED = "log records"

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_T = TypeVar("_T")


def without_addresses(text: str) -> str:
    """``text`` without object addresses (`` at 0x7f...``): they change from run to run."""
    return _ADDRESS.sub("", text)


_MAX_DEPTH = 20

#: values whose ``==`` says all a caller can see of them, for exactly these
#: types (not subclasses, which may add state or their own repr); floats are
#: not among them (NaN, and a moment told two ways)
_ATOMS = frozenset({int, str, bytes, bool, type(None)})


@dataclass
class CallOutcome:
    """The observable result of one call."""

    kind: str
    value: Any = None
    #: for RAISED: the exception
    error: BaseException | None = None
    #: the arguments (and ``self``) after the call, by parameter name
    arguments: dict[str, Any] = field(default_factory=dict)
    #: what the call printed (stdout and stderr, interleaved)
    output: str = ""
    #: the warnings it gave, in order
    warned: tuple[Heard, ...] = ()
    #: the log records it emitted, in order (``logs.recording_logs``)
    logged: tuple[Logged, ...] = ()
    #: RAISED while building the input (a constructor refusing its arguments),
    #: not by the call itself
    in_setup: bool = False
    #: the call gave a generator, drawn here as a list (what it raised, it
    #: raised while drawn): a test has to draw it too
    generated: bool = False
    #: the call gave a context manager ``@contextmanager`` made, entered and
    #: left here (``value`` is what ``with`` gave): a test has to enter it too
    entered: bool = False
    #: how many of the input's ``Call.then`` ran: the call gave a closure of
    #: its own, called here (``value`` is what the last call gave); a test
    #: has to call it too
    called: int = 0
    #: the files the call left in the sandbox's working directory (relative
    #: path, contents): what a storage writes is what it does
    files: tuple[tuple[str, bytes], ...] = ()
    #: the objects the call had, by identity (``identities``): a number in a
    #: text that is one of them is compared, and shown, as whose it is
    identities: Identities = field(default_factory=dict)
    #: when the call (and the building of its input) started and ended: a
    #: moment it read is compared as one (``moments``)
    clock: Clock | None = None

    def describe(self) -> str:
        if self.kind == RETURNED:
            what = f"returns {named(show(self.value), self.identities)}"
        elif self.kind == RAISED and self.error is not None:
            what = f"raises {named(exception_text(self.error), self.identities)}"
        else:
            return "does not return (ran past the per-call time limit)"
        if self.files:
            written = ", ".join(f"{path} as {contents[:60]!r}" for path, contents in self.files[:3])
            what += f" and writes {written}" + (" and more" if len(self.files) > 3 else "")
        return what


_ENVIRON = type(os.environ)


def int_repr(value: int) -> str:
    """``repr`` of an int, or its hex where its decimal passes Python's limit
    on digits (4,300 by default from 3.11; ``sys.set_int_max_str_digits``):
    ``repr`` raises ValueError there, and the search of a power function's
    survivor failed on it."""
    try:
        return repr(value)
    except ValueError:
        return hex(value)


#: a text this long has its ``repr`` kept (``_long_repr``)
_LONG = 10_000
#: the ``repr`` of the last long texts, by identity, each held with its text
#: (so that its id is not another's while it is here)
_LONG_REPRS: dict[int, tuple[str | bytes, str]] = {}
#: at most this many, of at most this many characters in all (texts and reprs)
_LONG_KEPT = 16
_LONG_KEPT_CHARS = 8_000_000


def _long_repr(value: str | bytes) -> str:
    """``repr`` of a long text, made once per text.

    A search reads its inputs' reprs again and again (to tell the tests'
    values apart, for each strategy it builds, and each call's key), and a
    Markdown parser's tests pass one document of a million characters:
    a fifth of its searches' time was ``repr`` of the same few texts.  A
    text cannot change, so its repr is kept while it is among the last few."""
    kept = _LONG_REPRS.get(id(value))
    if kept is not None and kept[0] is value:
        return kept[1]
    text = repr(value)
    size = len(value) + len(text)
    if size <= _LONG_KEPT_CHARS:
        held = sum(len(v) + len(t) for v, t in _LONG_REPRS.values())
        while _LONG_REPRS and (len(_LONG_REPRS) >= _LONG_KEPT or held + size > _LONG_KEPT_CHARS):
            oldest, old_text = _LONG_REPRS.pop(next(iter(_LONG_REPRS)))
            held -= len(oldest) + len(old_text)
        _LONG_REPRS[id(value)] = (value, text)
    return text


def stable_repr(value: Any, depth: int = 0) -> str:
    """``repr``, with the items of sets in sorted order, also inside lists,
    tuples and dicts: a set of strings is iterated in another order under
    another ``PYTHONHASHSEED``, and the same run must give the same report."""
    kind = type(value)
    if kind is _ENVIRON:
        # the process environment (a test passed ``os.environ``): its
        # variables hold tokens and paths that no report should print, and
        # differ from machine to machine
        return "<os.environ>"
    if kind is int:
        return int_repr(value)
    if (kind is str or kind is bytes) and len(value) >= _LONG:
        return _long_repr(value)
    if depth > 5 or kind not in (set, frozenset, list, tuple, dict):
        return repr(value)
    if kind is dict:
        return (
            "{"
            + ", ".join(f"{stable_repr(k, depth + 1)}: {stable_repr(v, depth + 1)}" for k, v in value.items())
            + "}"
        )
    parts = [stable_repr(v, depth + 1) for v in value]
    if kind is list:
        return "[" + ", ".join(parts) + "]"
    if kind is tuple:
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
    try:
        parts = [stable_repr(v, depth + 1) for v in sorted(value)]
    except TypeError:
        parts.sort()
    if not parts:
        return f"{kind.__name__}()"
    inner = "{" + ", ".join(parts) + "}"
    return inner if kind is set else f"frozenset({inner})"


def safe_repr(value: Any, limit: int = 200) -> str:
    try:
        text = stable_repr(value)
    except Exception as e:  # noqa: BLE001 - a broken __repr__ must not stop the report
        text = f"<unrepresentable {type(value).__name__}: {type(e).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _Unset:
    """A slot never assigned: part of an object's state, equal only to itself."""

    def __repr__(self) -> str:
        return "<unset>"


UNSET = _Unset()


def _slot_names(cls: type) -> Iterator[tuple[type, str]]:
    """Each slot of ``cls`` and its bases, with the class that declares it."""
    for klass in cls.__mro__:
        slots = vars(klass).get("__slots__")
        for name in (slots,) if isinstance(slots, str) else slots or ():
            if name not in ("__dict__", "__weakref__"):
                yield klass, name


def object_state(value: Any) -> dict[str, Any] | None:
    """An object's attributes: its ``__dict__`` and its slots, each slot by the
    name code reads it by (``__data`` in ``Cache`` as ``_Cache__data``), an
    unassigned one as ``UNSET``; None for an object with neither.

    A linked node with ``__slots__`` has no ``__dict__``: comparing only
    ``__dict__`` made two lists that differ in every link look the same.
    The slots are read through their descriptors, never a class's own
    ``__getattr__``.
    """
    state: dict[str, Any] = {}
    own = getattr(value, "__dict__", None)
    if isinstance(own, dict):
        state.update(own)
    slotted = False
    for klass, name in _slot_names(type(value)):
        slotted = True
        if name.startswith("__") and not name.endswith("__"):
            name = f"_{klass.__name__.lstrip('_')}{name}"
        descriptor = vars(klass).get(name)
        try:
            state[name] = descriptor.__get__(value, klass) if descriptor is not None else UNSET
        except AttributeError:
            state[name] = UNSET
    if isinstance(value, BaseException):
        # what the exception was made with (``e.args``, its repr) is its state
        # too, and a class that shows itself by its own ``__str__`` hides it:
        # jmespath's ParseError mutants that passed None to ``super().__init__``
        state["args"] = BaseException.args.__get__(value, type(value))  # type: ignore[attr-defined]
        return state
    if not slotted and not isinstance(own, dict):
        return None
    return state


def stream_state(stream: io.StringIO | io.BytesIO) -> tuple[bool, str | bytes | None, int | None]:
    """An in-memory stream's state, which no attribute holds: closed, what it
    holds, where it stands."""
    if stream.closed:
        return True, None, None
    return False, stream.getvalue(), stream.tell()


def show(value: Any) -> str:
    """``repr``, except that a plain object shows its attributes, not its
    address, and an in-memory stream what it holds."""
    if isinstance(value, (io.StringIO, io.BytesIO)) and not value.closed:
        held, where = value.getvalue(), value.tell()
        at = "" if where == len(held) else f" at {where}"  # read part way, or not at all
        return f"<{type(value).__name__} holding {safe_repr(held, 60)}{at}>"
    text = safe_repr(value)
    state = object_state(value) if " object at 0x" in text else None
    if state is not None:
        inner = " ".join(f"{k}={safe_repr(v, 60)}" for k, v in state.items())
        return _ADDRESS.sub("", f"<{type(value).__name__} {inner}>"[:200])
    # an address changes from run to run; a report should not
    return _ADDRESS.sub("", text)


def exception_text(error: BaseException) -> str:
    message = _message(error)
    return f"{type(error).__name__}({message!r})" if message else type(error).__name__


def message_of(error: BaseException | None) -> str | None:
    """``str(error)``, or None when the exception's own ``__str__`` fails
    (a mutant that made it with None where its ``__str__`` multiplies)."""
    try:
        return str(error)
    except Exception:  # noqa: BLE001 - the user's __str__
        return None


def _message(error: BaseException) -> str:
    text = message_of(error)
    return _ADDRESS.sub("", text) if text is not None else ""


#: what the interpreter says when an operator does not apply to its operands.
#: It names the operator, so a mutant that swaps ``>`` for ``>=`` changes the
#: wording of a TypeError both versions raise on the same input: the same
#: rejection, and a test pinning that wording pins the interpreter, not the
#: code (CrossHair's ``bare_clamp(x=0, lo=0, hi='')`` was such a "witness").
_OPERATOR_WORDING = (
    (re.compile(r"^'[^']{1,3}' not supported between"), "'?' not supported between"),
    (re.compile(r"^unsupported operand type\(s\) for [^:]{1,12}:"), "unsupported operand type(s) for ?:"),
    (re.compile(r"^bad operand type for unary [^:]{1,3}:"), "bad operand type for unary ?:"),
)


def _compared_message(error: BaseException, identities: Identities) -> str:
    """The message two exceptions are compared by: an operator the interpreter
    names in a TypeError is left out (see ``_OPERATOR_WORDING``), and the
    identities it shows are named."""
    text = named(message_of(error) or "", identities)
    text = _ADDRESS.sub("", text)
    if isinstance(error, TypeError):
        for pattern, wording in _OPERATOR_WORDING:
            text = pattern.sub(wording, text)
    return text


def _compared_arguments(error: BaseException, identities: Identities) -> tuple[Any, ...]:
    """An exception's arguments, compared as its message when they are only
    that, a text among them with the identities it shows named."""
    if isinstance(error, TypeError) and len(error.args) == 1 and error.args[0] == str(error):
        return (_compared_message(error, identities),)
    return tuple(named(a, identities) if type(a) is str else a for a in error.args)


def _shown(value: Any) -> str:
    return _ADDRESS.sub("", safe_repr(value, 10_000))


#: Py_TPFLAGS_HEAPTYPE: set on classes made by a class statement
HEAPTYPE = 1 << 9


def slotted(cls: type) -> bool:
    """Whether ``cls`` or a base declares non-empty ``__slots__`` (state outside ``__dict__``)."""
    return any(vars(c).get("__slots__") for c in cls.__mro__)


def _all_python(cls: type) -> bool:
    """Classes made by class statements all the way down: no state in a C base
    (a dict's items, a date's fields) that its attributes would not show."""
    return all(c is object or c.__flags__ & HEAPTYPE for c in cls.__mro__)


def _same_statement(a: type, b: type, seen: set[tuple[int, int]] | None = None, depth: int = 0) -> bool:
    """Two classes one class statement inside a function made on two calls
    (parsimonious's ``expression()`` makes an ``AdHocExpression`` per call;
    its 4 survivors ended "non-deterministic original"): the same name and
    bases, and methods of the same code holding the same values.  A class
    at module level is made once."""
    if a is b:
        return True
    if not (_made_per_call(a) and _made_per_call(b)):
        return False
    if (a.__qualname__, a.__module__, a.__bases__) != (b.__qualname__, b.__module__, b.__bases__):
        return False
    seen = set() if seen is None else seen
    if (id(a), id(b)) in seen:
        return True  # being compared further up (a method's ``__class__`` cell)
    seen.add((id(a), id(b)))
    mine, theirs = _namespace(a), _namespace(b)
    return list(mine) == list(theirs) and all(
        same_value(value, theirs[name], seen, depth + 1) for name, value in mine.items()
    )


def _made_per_call(cls: type) -> bool:
    """A class a call makes: by a class statement inside a function, or by
    ``type(name, bases, namespace)``, which names it as a module-level class
    its module does not hold (marko's ``make_extension`` makes a
    ``TocRendererMixin`` per call holding its options: its determinism was
    "violated" by two equal classes)."""
    if "<locals>" in cls.__qualname__:
        return True
    module = sys.modules.get(cls.__module__)
    found: Any = module
    for part in cls.__qualname__.split("."):
        found = getattr(found, part, None)
    return module is not None and found is not cls


def _namespace(cls: type) -> dict[str, Any]:
    """What a class made per call holds: its methods and its own attributes
    (``type()``'s namespace: options), not the descriptors every class gets."""
    return {
        k: v
        for k, v in vars(cls).items()
        if isinstance(v, types.FunctionType) or not (k.startswith("__") and k.endswith("__"))
    }


def _cells(function: types.FunctionType) -> dict[str, Any]:
    """What a closure holds, by name (an empty cell as a marker of its own)."""
    held = {}
    for name, cell in zip(function.__code__.co_freevars, function.__closure__ or (), strict=False):
        try:
            held[name] = cell.cell_contents
        except ValueError:
            held[name] = _EMPTY_CELL
    return held


def _held_by_both(a: types.FunctionType, b: types.FunctionType) -> list[tuple[str, Any, Any]]:
    """What two closures hold under the names both hold, each side's value:
    a name only one holds is its code's (a mutant's ``wrap`` that no longer
    reads ``options`` does not close over it), which shows when it is called."""
    mine, theirs = _cells(a), _cells(b)
    return [(name, mine[name], theirs[name]) for name in mine if name in theirs]


def held_difference(a: Any, b: Any) -> tuple[str, Any, Any] | None:
    """The first name two functions of one ``def`` hold other values under
    (``times``, 2, 3), or None: what a report says of a returned closure."""
    if not (isinstance(a, types.FunctionType) and isinstance(b, types.FunctionType)):
        return None
    return next((held for held in _held_by_both(a, b) if not same_value(held[1], held[2])), None)


_EMPTY_CELL = object()


def same_function_code(a: types.CodeType, b: types.CodeType) -> bool:
    """Whether two functions run the code of one ``def`` (or ``lambda``): the
    same code, or code of the same name at the same line of the same file.

    A function the mutant makes (a decorator's ``wrap``, a lambda it keeps)
    is compiled from the mutant's text, so its code differs from the
    original's whenever the mutated line is inside it.  That is the mutant
    itself, not something a caller sees: what the function does differently
    shows only when it is called.  Compared by code, every mutant inside a
    decorator factory's ``wrap`` was "witnessed" by the bare return value
    (``repeat(options={}) returns <function wrap>``; 16 on a retry library,
    none with a test), also where calling it would do the same.
    """
    if a == b:
        return True
    name = getattr(a, "co_qualname", a.co_name)  # 3.11+
    return (name, a.co_firstlineno, a.co_filename) == (
        getattr(b, "co_qualname", b.co_name),
        b.co_firstlineno,
        b.co_filename,
    )


def same_value(a: Any, b: Any, _seen: set[tuple[int, int]] | None = None, _depth: int = 0) -> bool:
    """Equal in exact type and value; NaN equals NaN; containers compared item by item.

    Each pair of objects is compared once (``_seen``): a pair met again is
    either being compared further up (a cycle, such as an argparse action's
    ``container``) or already found equal. Without this, the shared parts of
    an argparse parser made one comparison take longer than a search's budget.
    """
    if _depth > _MAX_DEPTH:
        return True  # deeper than any reasonable value: claim no difference here
    if type(a) in _ATOMS and type(a) is type(b):
        # the general path below reaches the same answer through a repr and an
        # attribute walk per item: a returned list of 10**6 equal ints took
        # 3.5 s to compare, more than a survivor's whole search
        return bool(a == b)
    if type(a) is not type(b) and not _same_statement(type(a), type(b), _seen, _depth):
        return False
    if isinstance(a, type):
        return _same_statement(a, b, _seen, _depth)
    if isinstance(a, types.FunctionType) and a is not b:
        # a function made per call: the same code, defaults and what it holds
        # behave alike; by identity, two runs of the original always differed
        return (
            same_function_code(a.__code__, b.__code__)
            and same_value(a.__defaults__, b.__defaults__, _seen, _depth + 1)
            and all(same_value(x, y, _seen, _depth + 1) for _, x, y in _held_by_both(a, b))
        )
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b or same_moment(a, b)
    if type(a) is datetime.datetime and a != b and same_moment(a, b):
        return True
    if isinstance(a, complex):
        return same_value(a.real, b.real) and same_value(a.imag, b.imag)
    if isinstance(a, (io.StringIO, io.BytesIO)) and stream_state(a) != stream_state(b):
        # what was written to it, and where it stands: its attributes hold
        # neither, so a mutant that wrote other text into a stream the call
        # was given looked the same
        return False
    seen = set() if _seen is None else _seen
    pair = (id(a), id(b))
    if pair in seen:
        return True
    deeper = _depth + 1
    if isinstance(a, (list, tuple)):
        seen.add(pair)
        return (
            len(a) == len(b)
            and all(same_value(x, y, seen, deeper) for x, y in zip(a, b, strict=True))
            and _same_attributes(a, b, seen, deeper)
        )
    if isinstance(a, Mapping):
        pairs: tuple[list[tuple[Any, Any]], list[tuple[Any, Any]]] | None
        try:
            pairs = list(a.items()), list(b.items())
        except Exception:  # noqa: BLE001 - its own items() failed: compared as an object below
            # (tomlkit's containers raise on a key they hold out of order; the
            # search of 27 survivors failed with it)
            pairs = None
        if pairs is not None:
            seen.add(pair)
            # key by key, in order: insertion order is observable (iteration, repr),
            # and keys may be objects that only compare equal by their state
            return (
                len(pairs[0]) == len(pairs[1])
                and all(
                    same_value(ka, kb, seen, deeper) and same_value(va, vb, seen, deeper)
                    for (ka, va), (kb, vb) in zip(*pairs, strict=True)
                )
                and _same_attributes(a, b, seen, deeper)
            )
    try:
        if a == b:
            # Equal by the class's own ==, and shown the same where the class
            # chose how to show itself: Duration(years=1.0) == Duration(years=1),
            # but a caller who prints it, or reads .years, sees the difference.
            if getattr(type(a), "__repr__", None) is not object.__repr__ and _shown(a) != _shown(b):
                return False
            seen.add(pair)
            return _same_public(a, b, seen, deeper)
    except Exception:  # noqa: BLE001 - a broken __eq__ falls through to the state
        pass
    if isinstance(a, (set, frozenset, int, str, bytes, bool)) or a is None:
        return False
    if (getattr(type(a), "__eq__", None) is object.__eq__ or _all_python(type(a))) and (
        state := object_state(a)
    ) is not None:
        # no value semantics (or its own == says they differ, or failed):
        # compare the state (slots included), not identity, nor a repr that
        # shows no state (a mutant that left a slotted ``Span`` holding [0],
        # not [], looked the same by ``repr``).
        # Attribute by attribute, not as a mapping: the state dicts are made
        # here and freed after, and a pair of their ids met again (reused by
        # the next pair of dicts) would read as "already found equal"
        seen.add(pair)
        theirs = object_state(b) or {}
        return list(state) == list(theirs) and all(
            same_value(value, theirs[name], seen, deeper) for name, value in state.items()
        )
    return _shown(a) == _shown(b)


_CONTAINERS = frozenset({list, tuple, dict})


def _same_attributes(a: Any, b: Any, seen: set[tuple[int, int]], depth: int) -> bool:
    """The attributes of two containers of a subclass, past their items.

    A list subclass that keeps its items in chunks held in an attribute
    (``self.chunks``) has an empty list of its own: compared by its items
    alone, a mutant that filled the chunks otherwise ("hidden change ... no
    result showed it") looked the same on every input.  Public ones only, as
    for any class with an ``==`` of its own (``_same_public``): a cache in
    ``self._sorted`` is the class's own business."""
    if type(a) in _CONTAINERS:
        return True
    ours, theirs = _public(a), _public(b)
    if ours is None or theirs is None:
        return ours is None and theirs is None
    return list(ours) == list(theirs) and all(same_value(v, theirs[k], seen, depth) for k, v in ours.items())


def _same_public(a: Any, b: Any, seen: set[tuple[int, int]], depth: int) -> bool:
    """The public attributes of two objects their class's own ``==`` calls
    equal: a caller reads those too.  A symbol class whose ``==`` compares
    its name hid a mutant's ``sort_order = 6`` and ``iscanonical = None``
    (12 "hidden change" verdicts on a boolean-algebra library); a test reads
    ``sym.sort_order``.  Attributes named with ``_`` are the class's own
    business (caches, links), left to its ``==``."""
    if not _all_python(type(a)) or getattr(type(a), "__eq__", None) is object.__eq__:
        return True
    ours, theirs = _public(a), _public(b)
    if ours is None or theirs is None:
        return True
    return list(ours) == list(theirs) and all(
        same_value(value, theirs[name], seen, depth) for name, value in ours.items()
    )


def _public(value: Any) -> dict[str, Any] | None:
    state = object_state(value)
    if state is None or isinstance(value, BaseException):
        return None
    return {name: v for name, v in state.items() if not name.startswith("_") and v is not UNSET}


def printed_difference(a: CallOutcome, b: CallOutcome) -> tuple[str, str]:
    """The first line where two outputs differ (each side; "" where one has none)."""
    ours, theirs = a.output.splitlines(), b.output.splitlines()
    for index in range(max(len(ours), len(theirs))):
        mine = ours[index] if index < len(ours) else ""
        other = theirs[index] if index < len(theirs) else ""
        if mine != other:
            return mine, other
    return "", ""


def _plain_state(value: Any) -> dict[str, Any] | None:
    """The attributes a difference can be followed into: all of them for an
    object without ``==`` of its own, the public ones for one with
    (``same_value`` compares those past its ``==``)."""
    if getattr(type(value), "__eq__", None) is object.__eq__:
        return object_state(value)
    if _all_python(type(value)):
        return _public(value)
    return None


@dataclass(frozen=True)
class Part:
    """One step from a value down to where it differs from another: an
    attribute (``name``), or an index or a dict key (``key``).  On a dict's
    last step, ``presence`` says the key is in only one of the two: "here"
    (the first value's) or "there" (the other's)."""

    name: str = ""
    key: Any = None
    presence: str = ""


#: dict keys a test can write: ``d["x"]``, ``d[3]``, ``d[ast.Num]``, ``d[Color.RED]``
_KEYS = (str, int, type, enum.Enum)


def difference_path(a: Any, b: Any, _path: tuple[tuple[int, int], ...] = ()) -> list[Part]:
    """The steps from ``a`` down to the first part that differs from ``b``'s
    (``._actions``, ``[3]``, ``.help``); empty when they differ as wholes.

    A test pins that one part: an argparse parser or a report object has no
    literal, but its mutated help string or total does.  A dict whose keys
    differ ends at the first key only one of them holds; one keyed by
    classes (a dispatch table, ``{ast.Num: self._eval_num}``) is followed
    by those keys as by strings.
    """
    pair = (id(a), id(b))
    if len(_path) > _MAX_DEPTH or type(a) is not type(b) or pair in _path:
        return []
    path = (*_path, pair)
    if isinstance(a, (list, tuple)) and len(_stored(a)) == len(_stored(b)):
        # by the items the container stores, which ``follow`` indexes: a
        # subclass's own ``__iter__`` may walk other ones (chunks it keeps in
        # an attribute), and an index into those failed (the search failed)
        for index, (x, y) in enumerate(zip(_stored(a), _stored(b), strict=True)):
            if not same_value(x, y, set(path)):
                return [Part(key=index), *difference_path(x, y, path)]
        if type(a) in _CONTAINERS:
            return []
    elif isinstance(a, dict):
        if list(a) != list(b):
            here = next((k for k in a if isinstance(k, _KEYS) and k not in b), None)
            there = next((k for k in b if isinstance(k, _KEYS) and k not in a), None)
            if here is not None:
                return [Part(key=here, presence="here")]
            if there is not None:
                return [Part(key=there, presence="there")]
            return []
        for key in a:
            # the stored value, not the class's own ``__getitem__``: funcy's
            # expiring cache raised KeyError there, and the search failed
            mine, theirs = dict.__getitem__(a, key), dict.__getitem__(b, key)
            if isinstance(key, _KEYS) and not same_value(mine, theirs, set(path)):
                return [Part(key=key), *difference_path(mine, theirs, path)]
        if type(a) in _CONTAINERS:
            return []
    if isinstance(a, (list, tuple, dict)):
        # a container subclass whose items are the same: its public
        # attributes differ (``_same_attributes``)
        mine, theirs = _public(a), _public(b)
    else:
        mine, theirs = _plain_state(a), _plain_state(b)
    if mine is not None and theirs is not None and list(mine) == list(theirs):
        for name, value in mine.items():
            if name.isidentifier() and not same_value(value, theirs[name], set(path)):
                return [Part(name=name), *difference_path(value, theirs[name], path)]
    return []


def _stored(value: list[Any] | tuple[Any, ...]) -> list[Any] | tuple[Any, ...]:
    """The items a list or tuple (of a subclass too) stores, as the built-in type holds them."""
    return list(list.__iter__(value)) if isinstance(value, list) else tuple(tuple.__iter__(value))


def follow(value: Any, path: Sequence[Part]) -> Any:
    """The part of ``value`` that ``path`` (from ``difference_path``) leads to."""
    for step in path:
        if step.name:
            value = getattr(value, step.name)
        elif isinstance(value, dict):
            value = dict.__getitem__(value, step.key)
        elif isinstance(value, (list, tuple)):
            value = _stored(value)[step.key]
        else:
            value = value[step.key]
    return value


def same_outcome(a: CallOutcome, b: CallOutcome) -> bool:
    return difference(a, b) is None


def difference(a: CallOutcome, b: CallOutcome) -> str | None:
    """What differs between two outcomes ("return value", "argument 'items'"...), or None.

    Texts are compared with the identities they show named (``identities``):
    two runs on copies of one input show two numbers for one object; and the
    moments each call read from the clock as the same moment (``moments``)."""
    with comparing(a.clock, b.clock):
        return _difference(a, b)


def _difference(a: CallOutcome, b: CallOutcome) -> str | None:
    if a.kind != b.kind:
        return "outcome"
    if a.kind == RETURNED and not _same_returned(a, b):
        return "return value"
    if a.kind == RAISED:
        assert a.error is not None and b.error is not None
        if type(a.error) is not type(b.error):
            return "exception type"
        if _compared_message(a.error, a.identities) != _compared_message(b.error, b.identities):
            return "exception message"
        if not same_value(
            _compared_arguments(a.error, a.identities), _compared_arguments(b.error, b.identities)
        ):
            return EXCEPTION_ARGUMENTS
        if not same_value(exception_state(a.error), exception_state(b.error)):
            return EXCEPTION_STATE
    for name, before in a.arguments.items():
        if name in b.arguments and not same_value(before, b.arguments[name]):
            return f"argument {name!r}"
    if _ADDRESS.sub("", named(a.output, a.identities)) != _ADDRESS.sub("", named(b.output, b.identities)):
        return PRINTED
    if named_warnings(a) != named_warnings(b):
        return WARNED
    if named_records(a) != named_records(b):
        return LOGGED
    if a.files != b.files:
        return WRITTEN
    return None


def _same_returned(a: CallOutcome, b: CallOutcome) -> bool:
    if isinstance(a.value, str) and isinstance(b.value, str) and type(a.value) is type(b.value):
        return named(a.value, a.identities) == named(b.value, b.identities)
    return same_value(a.value, b.value)


def named_warnings(outcome: CallOutcome) -> tuple[Heard, ...]:
    """The warnings a call gave, the identities they show named."""
    return tuple(w._replace(message=named(w.message, outcome.identities)) for w in outcome.warned)


def named_records(outcome: CallOutcome) -> tuple[Logged, ...]:
    """The log records a call emitted, the identities they show named."""
    return tuple(r._replace(message=named(r.message, outcome.identities)) for r in outcome.logged)


#: two exceptions of one type and message, made with other arguments
EXCEPTION_ARGUMENTS = "exception arguments"
#: ... or made with the same, holding other attributes
EXCEPTION_STATE = "exception attributes"


def exception_state(error: BaseException) -> dict[str, Any]:
    """The attributes an exception holds beyond its arguments, which a
    caller that catches it reads (``e.op``, ``e.position``).

    A mutant that raised ``Conflict(message, op=None)`` for ``op=self``
    was a "hidden change" on every input (jsonpatch's operations: 2
    survivors), although a handler that reads ``e.op`` gets None.  Names
    with two underscores (``__notes__``) are the interpreter's.
    """
    state = getattr(error, "__dict__", None)
    return {k: v for k, v in state.items() if not k.startswith("__")} if isinstance(state, dict) else {}


#: where a warning points (``warnings.warn``'s ``stacklevel``): at the line
#: that made the call (a test's own line, in a regression test) ...
AT_THE_CALL = "at the call"
#: ... or further out than the caller
BEYOND_THE_CALL = "beyond the call"


#: the file a warning whose ``stacklevel`` is past the stack's top names
#: (``sys`` up to Python 3.12, ``<sys>`` from 3.13)
_OFF_THE_STACK = frozenset({"sys", "<sys>"})


class Heard(NamedTuple):
    """One warning a call gave: its category, its text without addresses, and
    where it points.

    Where it points is part of what a caller sees: a ``stacklevel`` mutant
    moves the warning from the caller's line into the library, and pytest's
    report, ``-W error::...:module`` filters and the "once per location"
    rule all follow it.  Mutants switch by code object, at the original's
    line numbers, so a place inside the project is compared as it is.
    """

    category: type[Warning]
    message: str
    where: str

    def text(self) -> str:
        return f"{self.category.__name__}({self.message!r})"


def heard_warning(message: warnings.WarningMessage, call_file: str, outer_files: Set[str]) -> Heard:
    """A warning a call gave, pointing at the call (``call_file``, the file of
    the line that made it), beyond it (a file further out on the stack, or
    none), or at a place in the code under test (``at file.py:line``)."""
    if message.filename == call_file:
        where = AT_THE_CALL
    elif message.filename in outer_files or message.filename in _OFF_THE_STACK:
        where = BEYOND_THE_CALL
    else:
        where = f"at {os.path.basename(message.filename)}:{message.lineno}"
    return Heard(message.category, _ADDRESS.sub("", str(message.message)), where)


def first_difference(ours: Sequence[_T], theirs: Sequence[_T]) -> tuple[_T | None, _T | None]:
    """The first place where two sequences differ (each side's item; None where one has ended)."""
    for index in range(max(len(ours), len(theirs))):
        mine = ours[index] if index < len(ours) else None
        other = theirs[index] if index < len(theirs) else None
        if mine != other:
            return mine, other
    return None, None


def warned_difference(a: CallOutcome, b: CallOutcome) -> tuple[Heard | None, Heard | None]:
    """The first warning where two calls' warnings differ (each side, named; None where one has none)."""
    return first_difference(named_warnings(a), named_warnings(b))


class Logged(NamedTuple):
    """One log record a call emitted, as pytest's ``caplog.record_tuples``
    holds it: the logger's name, the level and the message (without
    addresses).

    A mutant of a logging call (``_LOGGER.debug("Entering state %s", name)``
    with another text, another argument, or none) changes nothing else a
    caller sees; a state machine library had 112 of its 191 unresolved
    survivors there, none of which the search could tell apart.
    """

    logger: str
    level: int
    message: str

    def text(self) -> str:
        return f"{logging.getLevelName(self.level)} {self.message!r} ({self.logger})"


def logged_difference(a: CallOutcome, b: CallOutcome) -> tuple[Logged | None, Logged | None]:
    """The first record where two calls' log records differ (each side, named; None where one has none)."""
    return first_difference(named_records(a), named_records(b))


def logged_text(record: Logged | None) -> str:
    return "nothing" if record is None else record.text()


def warning_text(warning: Heard | None, other: Heard | None = None) -> str:
    """A warning as the report shows it; where it points only when that is
    what differs from ``other``."""
    if warning is None:
        return "no warning"
    if other is not None and other[:2] == warning[:2]:
        return f"{warning.text()} pointing {warning.where}"
    return warning.text()


def warnings_text(outcome: CallOutcome) -> str:
    """Every warning a call gave, as the report shows them: for two calls
    that warned alike up to where one stopped, the number is the difference
    ("no warning" said of an original that warned twice where its mutant
    warned three times)."""
    texts = [warning.text() for warning in named_warnings(outcome)]
    if not texts:
        return "no warning"
    if len(set(texts)) == 1:
        return texts[0] if len(texts) == 1 else f"{texts[0]} {len(texts)} times"
    shown = ", ".join(texts[:3]) + (", ..." if len(texts) > 3 else "")
    return f"{len(texts)} warnings: {shown}"


#: values whose ``repr``, operators and truth run no code of the user's
PLAIN_SCALARS = (bool, int, float, complex, str, bytes, type(None))


def value_key(value: Any, depth: int = 0) -> str:
    """A value as the probe tells values apart, without running a line of
    its class: the probe reads it while the mutated code runs, and a
    ``repr`` that renders (prettytable's ``get_string``) changed the very
    object under test, so differences appeared only under the probe (108
    survivors "difference not reproduced").  Plain values by ``repr``,
    containers by their items, objects by their type and attributes, all
    cut short past a few levels."""
    kind = type(value)
    if kind is int:
        text = int_repr(value)
        # its head and its tail: a limit and the numbers either side of it
        # (``MAX ± 1``) differ only there, and cut at 200 they were one
        return text if len(text) <= 200 else f"{text[:90]}...{text[-20:]} ({len(text)} digits)"
    if kind in PLAIN_SCALARS:
        return repr(value)[:200]
    if depth > 2:
        return kind.__qualname__
    if kind in (list, tuple, set, frozenset):
        items = [value_key(v, depth + 1) for v in itertools.islice(value, 50)]
        items = sorted(items) if kind in (set, frozenset) else items
        return f"{kind.__name__}[{', '.join(items[:20])}]"
    if kind is dict:
        first = list(value.items())[:20]
        pairs = [f"{value_key(k, depth + 1)}: {value_key(v, depth + 1)}" for k, v in first]
        return "{" + ", ".join(pairs) + "}"
    try:
        state = object_state(value)
    except Exception:  # noqa: BLE001 - a slot that raises: the type alone
        state = None
    if not state:
        return kind.__qualname__
    parts = [f"{name}={value_key(part, depth + 1)}" for name, part in list(state.items())[:20]]
    return f"{kind.__qualname__}({', '.join(parts)})"
