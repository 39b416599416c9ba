"""Deep copies of the values tests pass, for objects ``copy.deepcopy`` breaks on.

``copy.deepcopy`` asks the *instance* for ``__deepcopy__``, and then makes
the copy's state by asking the new, empty instance for ``__setstate__``.  A
class whose ``__getattr__`` answers every name (a query builder: ``where('a')``
makes ``Query().a``; an attribute dict; a proxy) answers both: the first
with an object of its own, which deepcopy then calls (tinydb's ``Query``
raised "Empty query was evaluated"), the second by recursing until the
stack runs out.  Python itself looks special methods up on the type.  The
copy made here does too, for exactly those classes: every other value is
copied by ``copy.deepcopy`` as it always was.

One argument that cannot be copied used to lose every value of the call
it came with: tinydb's ``Query.__eq__(self, rhs)`` had "no value seen in
the tests" for ``rhs``, though its tests passed dozens.
"""

from __future__ import annotations

import copy
import inspect
import sys
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from .compare import UNSET, object_state, show


def _answers_any_name(cls: type) -> bool:
    """A class of the program whose ``__getattr__`` may answer ``__deepcopy__``."""
    return any("__getattr__" in vars(base) for base in cls.__mro__[:-1]) and not hasattr(cls, "__deepcopy__")


def _refuses_setattr_on_slots(cls: type) -> bool:
    """A class of the program with slots whose ``__setattr__`` is its own
    (a frozen dataclass that declares ``__slots__``, an immutable value
    class), and no copy or pickle support of its own.

    ``copy.deepcopy`` gives a copy its slots through ``setattr``, which such
    a class refuses (``FrozenInstanceError``): every call an HTTP library's
    tests made with its frozen, slotted event classes failed to be copied,
    and 30 survivors were "unexplorable ... the tests passed none"."""
    if not _slotted(cls) or getattr(cls, "__setattr__", object.__setattr__) is object.__setattr__:
        return False
    own = (
        "__deepcopy__",
        "__setstate__",
        "__reduce__",
        "__reduce_ex__",
        "__getnewargs__",
        "__getnewargs_ex__",
    )
    python = [base for base in cls.__mro__ if base.__module__ != "builtins"]
    return not any(name in vars(base) for base in python for name in own)


def _slotted(cls: type) -> bool:
    return any("__slots__" in vars(base) for base in cls.__mro__[:-1])


def _by_type(x: Any, memo: dict[int, Any]) -> Any:
    """A deep copy with every special method looked up on the type.

    Not through ``__reduce_ex__`` (as ``copy._reconstruct`` is): before Python 3.11, ``object`` has no
    ``__getstate__``, and the reduction asks the instance for one, which
    such a class answers.  The object is made bare and given copies of its
    state: what its class's own ``__getstate__`` gives (to its own
    ``__setstate__``), or its ``__dict__`` and slots, and a dict's or a
    list's items; a tuple's or a frozenset's are given as it is made.
    """
    cls = type(x)
    if isinstance(x, (tuple, frozenset)):
        # its items are fixed at birth: made bare, a token type (a tuple
        # whose ``__getattr__`` makes sub-types) was an empty tuple
        items = tuple.__iter__(x) if isinstance(x, tuple) else frozenset.__iter__(x)
        base: Any = tuple if isinstance(x, tuple) else frozenset
        y = base.__new__(cls, [copy.deepcopy(item, memo) for item in items])
    else:
        y = cast(Any, cls).__new__(cls)
    memo[id(x)] = y
    getstate = getattr(cls, "__getstate__", None)
    if getstate is not None and getstate is not getattr(object, "__getstate__", None):
        state = copy.deepcopy(getstate(x), memo)
        setstate = getattr(cls, "__setstate__", None)
        if setstate is None:
            raise copy.Error(f"{cls.__qualname__} has __getstate__ and no __setstate__")
        setstate(y, state)
    else:
        for name, value in (object_state(x) or {}).items():
            if value is not UNSET:
                object.__setattr__(y, name, copy.deepcopy(value, memo))
        if isinstance(x, dict):
            for key, value in dict.items(x):
                dict.__setitem__(y, copy.deepcopy(key, memo), copy.deepcopy(value, memo))
        elif isinstance(x, list):
            list.extend(y, [copy.deepcopy(v, memo) for v in list.__iter__(x)])
    if set(object_state(x) or ()) != set(object_state(y) or ()) or show(x) != show(y):
        # its pickling state leaves something out (munch's DefaultFactoryMunch
        # drops its factory, and its repr then recurses): another object,
        # which may not even show itself, is no copy
        raise copy.Error(f"a copy of {cls.__qualname__} is not the same object")
    return y


#: the methods ``copy`` reaches a list's or a dict's items through, on a subclass
_ITEM_METHODS = {list: ("__iter__", "append", "extend"), dict: ("__iter__", "items", "__setitem__")}


def _items_through_own_methods(cls: type) -> bool:
    """A list or dict subclass of the program whose copy, by reduction, would
    read its items through its own iteration and write them through its own
    ``append`` or ``__setitem__``: a copy of something else.

    Reduction sets the copy's attributes first, then hands it every item
    iteration gives.  A list kept as chunks in an attribute, with ``__iter__``
    walking the chunks and ``append`` adding to them, came out holding every
    item twice (boltons' ``BarrelList``: the search ran each method on
    receivers of double length, and 24 of its survivors were searched on
    objects no test had).  Such a class is copied as ``_by_type`` copies: its
    built-in storage and its attributes, each as they are.  Not where the
    class has copy or pickle support of its own."""
    base = next((b for b in (list, dict) if issubclass(cls, b)), None)
    if base is None or cls is base or hasattr(cls, "__deepcopy__"):
        return False
    python = [b for b in cls.__mro__ if b.__module__ != "builtins"]
    if any(name in vars(b) for b in python for name in ("__reduce__", "__reduce_ex__")):
        return False
    return any(name in vars(b) for b in python for name in _ITEM_METHODS[base])


def _made_otherwise(cls: type) -> bool:
    """An exception class whose own ``__init__`` takes other arguments than
    the ``args`` it keeps: copied by reduction, ``cls(*args)`` calls that
    ``__init__`` with the wrong ones.  Only where nothing but the plain
    built-in ``__new__`` and reduction would be bypassed."""
    if not issubclass(cls, BaseException) or hasattr(cls, "__deepcopy__"):
        return False
    python = [base for base in cls.__mro__ if base.__module__ != "builtins"]
    return any("__init__" in vars(base) for base in python) and not any(
        name in vars(base) for base in python for name in ("__new__", "__reduce__", "__reduce_ex__")
    )


def _exception(x: BaseException, memo: dict[int, Any]) -> BaseException:
    """A deep copy of an exception, made without its ``__init__``: its
    ``args`` and its attributes, copied.

    rfc3986's ``MissingComponentError(uri, *components)`` keeps
    ``(message, uri, components)`` as its ``args``; copied by reduction,
    it was made again from those, and its ``sorted()`` raised.  Every input
    of 46 survivors of its exceptions' constructors failed to be built, and
    each ended "not reached by the search".
    """
    cls = type(x)
    args = copy.deepcopy(x.args, memo)
    # the built-in class's own __new__ and __init__ (OSError's set errno from
    # the args), never the class's __init__
    built_in = next(base for base in cls.__mro__ if base.__module__ == "builtins")
    y = cls.__new__(cls, *args)
    vars(built_in)["__init__"](y, *args)
    memo[id(x)] = y
    for name, value in vars(x).items():
        object.__setattr__(y, name, copy.deepcopy(value, memo))
    if show(x) != show(y) or _text(x) != _text(y):
        # state the built-in class keeps outside its args (an OSError's
        # filename): another exception is no copy
        raise copy.Error(f"a copy of {cls.__qualname__} is not the same exception")
    return y


def tuple_made_otherwise(cls: type) -> bool:
    """A tuple class of the program with a ``__new__`` of its own (a
    namedtuple that also takes an encoding and a reference it keeps as
    attributes): copied by reduction, ``cls.__new__(cls, *items)`` misses
    the arguments that are no item."""
    if not issubclass(cls, tuple) or cls.__module__ == "builtins" or hasattr(cls, "__deepcopy__"):
        return False
    # the class namedtuple() makes has a __new__ and __getnewargs__ that agree
    python = [base for base in cls.__mro__ if base.__module__ != "builtins" and "_make" not in vars(base)]
    return any("__new__" in vars(base) for base in python) and not any(
        name in vars(base) for base in python for name in ("__reduce__", "__reduce_ex__", "__getnewargs__")
    )


def _tuple(x: tuple[Any, ...], memo: dict[int, Any]) -> tuple[Any, ...]:
    """A deep copy of such a tuple: its items and its attributes, copied,
    made without its ``__new__``.  rfc3986's ``ParseResult.__new__`` takes a
    reference and an encoding besides its seven fields; no call with one
    was recorded, so no search could build one (27 survivors
    "unexplorable")."""
    cls = type(x)
    y = tuple.__new__(cls, [copy.deepcopy(item, memo) for item in x])
    memo[id(x)] = y
    for name, value in (getattr(x, "__dict__", None) or {}).items():
        object.__setattr__(y, name, copy.deepcopy(value, memo))
    return y


def _text(error: BaseException) -> str:
    try:
        return str(error)
    except Exception as e:  # noqa: BLE001 - its own __str__, on state it lacks
        return f"<str raised {type(e).__name__}>"


#: lock types, by the name of the ``threading`` function that makes one
LOCKS: dict[type, str] = {type(threading.Lock()): "Lock", type(threading.RLock()): "RLock"}


def unlocked_lock(value: Any) -> str | None:
    """The name of the ``threading`` function that makes a lock like
    ``value``, if it is a lock no one holds (a new one is then the same to
    every caller), else None."""
    name = LOCKS.get(type(value))
    return name if name is not None and "<unlocked " in repr(value) else None


def _lock(x: Any, memo: dict[int, Any]) -> Any:
    """A copy of an unlocked lock: a new unlocked lock, which guards the
    copy's state as the original guards its own.  ``copy.deepcopy`` refuses
    a lock, so an object that holds one (a cache guarding its entries) was
    never recorded from the tests, and no search could build one."""
    name = unlocked_lock(x)
    if name is None:
        raise copy.Error(f"a {type(x).__name__} held at the time cannot be copied")
    y = getattr(threading, name)()
    memo[id(x)] = y
    return y


def _condition(x: threading.Condition, memo: dict[int, Any]) -> threading.Condition:
    """A copy of a condition no thread waits on: a new one around a copy of
    its lock.  Copied by its attributes, the copy's ``acquire`` stayed the
    original lock's bound method (builtin methods copy as themselves) while
    its ``_lock`` was a new one (a ``concurrent.futures.Future`` holds one)."""
    if getattr(x, "_waiters", None):
        raise copy.Error("a condition a thread waits on cannot be copied")
    y = threading.Condition(copy.deepcopy(x._lock, memo))  # type: ignore[attr-defined]
    memo[id(x)] = y
    return y


@dataclass(frozen=True)
class GeneratorCall:
    """The call that made a generator: its function, and what it was given."""

    function: types.FunctionType
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]


def generator_call(gen: types.GeneratorType[Any, Any, Any]) -> GeneratorCall | None:
    """A generator not started yet, as the call that made it; None for one
    already started (where it stands is no argument), or one whose function
    has no name in its module (a generator function defined inside another).

    Its function is found by name, not by its code: in a child that runs a
    mutant of it, the function holds the mutant's code, and a generator made
    again from the recorded code would run the original."""
    if inspect.getgeneratorstate(gen) != inspect.GEN_CREATED:
        return None
    code, frame = gen.gi_code, gen.gi_frame
    if frame is None:
        return None
    found: Any = sys.modules.get(str(frame.f_globals.get("__name__")))
    if "<" in gen.__qualname__:
        return None
    for part in gen.__qualname__.split("."):
        found = vars(found).get(part) if isinstance(found, type) else getattr(found, part, None)
        found = getattr(found, "__func__", found)  # a staticmethod or classmethod
    if not (
        isinstance(found, types.FunctionType)
        and found.__code__.co_filename == code.co_filename
        and found.__code__.co_firstlineno == code.co_firstlineno
    ):
        return None
    values = frame.f_locals
    names = code.co_varnames
    args = [values[name] for name in names[: code.co_argcount]]
    at = code.co_argcount + code.co_kwonlyargcount
    kwargs = [(name, values[name]) for name in names[code.co_argcount : at]]
    if code.co_flags & inspect.CO_VARARGS:
        args += list(values[names[at]])
        at += 1
    if code.co_flags & inspect.CO_VARKEYWORDS:
        kwargs += list(values[names[at]].items())
    return GeneratorCall(found, tuple(args), tuple(kwargs))


def _generator(x: types.GeneratorType[Any, Any, Any], memo: dict[int, Any]) -> Any:
    """A copy of a generator not started yet: its function called again on
    copies of its arguments.  ``copy.deepcopy`` refuses every generator, and
    a token stream a filter is handed was never kept: a tokenizer's 48
    survivors "unexplorable" (5 of them are handed generators not started
    yet; the other 43 stay unexplorable, theirs being under way)."""
    made = generator_call(x)
    if made is None and inspect.getgeneratorstate(x) != inspect.GEN_CREATED:
        raise copy.Error(f"a generator already under way ({x.__qualname__}) cannot be copied")
    if made is None:
        raise copy.Error(
            f"a generator made by {x.__qualname__}, which has no name in its module, cannot be copied"
        )
    args = copy.deepcopy(made.args, memo)
    kwargs = copy.deepcopy(dict(made.kwargs), memo)
    y = made.function(*args, **kwargs)
    memo[id(x)] = y
    return y


#: values ``copy.deepcopy`` returns as they are: a container holding only
#: these (by exact type) is copied whole, not item by item
_ATOMIC = frozenset({int, float, complex, str, bytes, bool, type(None)})


def _flat_list(x: list[Any], memo: dict[int, Any]) -> list[Any]:
    """A list of numbers and texts, copied in one step.

    ``copy.deepcopy`` copies a list item by item, in Python, and asks this
    table for each item's copier: a receiver that held 100,000 ints (a
    list-of-lists container the tests filled) took about 0.1 s a copy, and
    each input the search tried copies it several times, so its searches
    tried 2 or 3 inputs before their share of the budget ran out."""
    if set(map(type, x)) <= _ATOMIC:
        return x[:]
    return cast("list[Any]", copy._deepcopy_list(x, memo))  # type: ignore[attr-defined]


def _flat_dict(x: dict[Any, Any], memo: dict[int, Any]) -> dict[Any, Any]:
    """A dict of numbers and texts (keys and values), copied in one step (as ``_flat_list``)."""
    if set(map(type, x)) <= _ATOMIC and set(map(type, x.values())) <= _ATOMIC:
        return dict(x)
    return cast("dict[Any, Any]", copy._deepcopy_dict(x, memo))  # type: ignore[attr-defined]


_FLAT = {list: _flat_list, dict: _flat_dict}


class _Dispatch(dict):  # type: ignore[type-arg]
    """``copy``'s table of copiers by type, answering for the classes above too."""

    def get(self, cls: Any, default: Any = None) -> Any:
        flat = _FLAT.get(cls)
        if flat is not None:
            return flat
        found = super().get(cls, default)
        if found is None and isinstance(cls, type):
            if cls in LOCKS:
                return _lock
            if cls is threading.Condition:
                return _condition
            if cls is types.GeneratorType:
                return _generator
            if _made_otherwise(cls):
                return _exception
            if tuple_made_otherwise(cls):
                return _tuple
            if _answers_any_name(cls) or _refuses_setattr_on_slots(cls) or _items_through_own_methods(cls):
                return _by_type
        return found


@contextmanager
def _special_methods_on_the_type() -> Iterator[None]:
    table = copy._deepcopy_dispatch  # type: ignore[attr-defined]
    if isinstance(table, _Dispatch):
        yield  # already inside one
        return
    copy._deepcopy_dispatch = _Dispatch(table)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        copy._deepcopy_dispatch = table  # type: ignore[attr-defined]


def deep_copy(value: Any, memo: dict[int, Any] | None = None) -> Any:
    """``copy.deepcopy(value, memo)``, which also copies objects whose
    ``__getattr__`` answers every name.  Only for the length of this call
    is ``copy``'s table changed: the code under test copies as it always does."""
    with _special_methods_on_the_type():
        return copy.deepcopy(value, memo)
