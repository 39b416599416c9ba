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
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .compare import object_state, show


def _answers_any_name(cls: type) -> bool:
    """A class of the program whose ``__getattr__`` may answer ``__deepcopy__``."""
    return any("__getattr__" in vars(base) for base in cls.__mro__[:-1]) and not hasattr(cls, "__deepcopy__")


def _by_type(x: Any, memo: dict[int, Any]) -> Any:
    """``copy._reconstruct``, with every special method looked up on the type."""
    reduce_ex: Any = type(x).__reduce_ex__  # the type's, as for every special method here
    reduced = reduce_ex(x, 4)
    if isinstance(reduced, str):
        return x  # a global: itself
    make, args, *rest = reduced
    state, items, pairs = (*rest, None, None, None)[:3]
    y = make(*copy.deepcopy(args, memo))
    memo[id(x)] = y
    if state is not None:
        state = copy.deepcopy(state, memo)
        setstate = getattr(type(y), "__setstate__", None)
        if setstate is not None:
            setstate(y, state)
        else:
            slots = None
            if isinstance(state, tuple) and len(state) == 2:
                state, slots = state
            if state:
                object.__getattribute__(y, "__dict__").update(state)
            for name, value in (slots or {}).items():
                object.__setattr__(y, name, value)
    for item in items or ():
        y.append(copy.deepcopy(item, memo))
    for key, value in pairs or ():
        y[copy.deepcopy(key, memo)] = copy.deepcopy(value, memo)
    if set(object_state(x) or ()) != set(object_state(y) or ()) or show(x) != show(y):
        # its pickling state leaves something out (munch's DefaultFactoryMunch
        # drops its factory, and its repr then recurses): another object,
        # which may not even show itself, is no copy
        raise copy.Error(f"a copy of {type(x).__qualname__} is not the same object")
    return y


class _Dispatch(dict):  # type: ignore[type-arg]
    """``copy``'s table of copiers by type, answering for the classes above too."""

    def get(self, cls: Any, default: Any = None) -> Any:
        found = super().get(cls, default)
        if found is None and isinstance(cls, type) and _answers_any_name(cls):
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
