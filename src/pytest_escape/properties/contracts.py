"""Does a returned value match its function's return annotation?

Simple types, ``None``, unions, literals and the builtin containers of them
are judged; anything else (type variables, protocols, callables, iterators,
strings left unresolved) raises ``Unjudgeable`` and the contract is not
checked, rather than guessed.  A violation names the part that breaks the
hint (``result[2]``) and what was expected there, so a test can assert
exactly that.
"""

from __future__ import annotations

import builtins
import collections.abc as abc
import types
import typing
from dataclasses import dataclass
from typing import Any

from ..inputs.compare import show
from ..inputs.literals import NotLiteral, importable_name, literal

#: items of a container looked at (the first ones: a violation is found as surely, and fast)
MAX_ITEMS = 200
_SEQUENCES = (list, abc.Sequence, abc.MutableSequence)
_SETS = (set, frozenset, abc.Set, abc.MutableSet)
_MAPPINGS = (dict, abc.Mapping, abc.MutableMapping)
_UNIONS = (typing.Union, types.UnionType)
_NONE = type(None)


class Unjudgeable(Exception):
    """A hint this module does not judge."""


@dataclass
class Violation:
    """Where a value breaks its hint."""

    #: an expression reaching the offending part from ``result``
    path: str
    #: the classes allowed there (or, for a ``Literal``, the values)
    expected: tuple[Any, ...]
    found: Any
    #: ``path`` is a container whose every item must match (a set's items have no index)
    each: bool = False
    literal: bool = False

    def describe(self) -> str:
        where = f"an item of {self.path}" if self.each else self.path
        if self.literal:
            allowed = " or ".join(repr(v) for v in self.expected)
        else:
            allowed = " or ".join(_name(t) for t in self.expected)
        found = f"{show(self.found)} ({type(self.found).__name__})"
        return f"{where} is {found}, where the annotation allows {allowed}"

    def assertion(self) -> tuple[str, set[str]]:
        """An ``assert`` that fails on the value today; raises ``NotLiteral`` when one cannot be written."""
        imports: set[str] = set()
        if self.literal:
            values = literal(tuple(self.expected))
            return f"assert {self.path} in {values.source}", set(values.imports)
        names = []
        for t in self.expected:
            if t is _NONE:
                names.append("type(None)")
            elif getattr(builtins, name := getattr(t, "__name__", ""), None) is t:
                names.append(name)
            else:
                found = importable_name(t)
                if found is None:
                    raise NotLiteral(f"class {t.__qualname__} cannot be imported by name")
                line, name = found
                imports.add(line)
                names.append(name)
        kinds = names[0] if len(names) == 1 else f"({', '.join(names)})"
        if self.each:
            return f"assert all(isinstance(item, {kinds}) for item in {self.path})", imports
        return f"assert isinstance({self.path}, {kinds})", imports


def _name(t: Any) -> str:
    return "None" if t is _NONE else getattr(t, "__qualname__", repr(t))


def _widened(hint: type) -> tuple[type, ...]:
    """The numeric tower: an ``int`` is fine where a ``float`` is promised."""
    if hint is float:
        return (int, float)
    if hint is complex:
        return (int, float, complex)
    return (hint,)


def _outer(hint: Any) -> tuple[Any, ...]:
    """The classes a value of ``hint`` can be an instance of, ignoring parameters."""
    hint = _plain(hint)
    if hint is None or hint is _NONE:
        return (_NONE,)
    origin = typing.get_origin(hint)
    if origin in _UNIONS:
        return tuple(t for arm in typing.get_args(hint) for t in _outer(arm))
    if origin is typing.Literal:
        return tuple({type(v) for v in typing.get_args(hint)})
    if isinstance(origin, type):
        return (origin,)
    if isinstance(hint, type):
        return _widened(hint)
    raise Unjudgeable(f"{hint!r}")


def _plain(hint: Any) -> Any:
    """``Annotated`` and ``NewType`` stripped to what is checked at run time."""
    while True:
        if typing.get_origin(hint) is typing.Annotated:
            hint = typing.get_args(hint)[0]
        elif hasattr(hint, "__supertype__"):
            hint = hint.__supertype__
        else:
            return hint


def _instance(value: Any, classes: tuple[Any, ...]) -> bool:
    try:
        return isinstance(value, classes)
    except TypeError:  # a protocol that is not runtime-checkable, a subscripted generic
        raise Unjudgeable(f"{classes!r}") from None


def check_hint(hint: Any) -> None:
    """Raise ``Unjudgeable`` if ``violation`` cannot judge values of ``hint`` (asked before any call)."""
    hint = _plain(hint)
    if hint in (Any, object) or hint is None or hint is _NONE:
        return
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in _UNIONS:
        for arm in args:
            check_hint(arm)
        return
    if origin is typing.Literal:
        return
    if origin is None:
        if (
            not isinstance(hint, type)
            or getattr(hint, "_is_protocol", False)
            and not getattr(hint, "_is_runtime_protocol", False)
        ):
            raise Unjudgeable(f"{hint!r}")
        return
    if not isinstance(origin, type) or not issubclass(origin, (*_SEQUENCES, *_SETS, *_MAPPINGS, tuple)):
        raise Unjudgeable(f"{hint!r}")
    if issubclass(origin, (str, bytes)):
        return
    for arg in args:
        if arg is not Ellipsis:
            check_hint(arg)


def violation(value: Any, hint: Any, path: str = "result") -> Violation | None:
    """Where ``value`` breaks ``hint`` (the first place found), or None."""
    hint = _plain(hint)
    if hint in (Any, object):
        return None
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in _UNIONS:
        fitting = [arm for arm in args if _instance(value, _outer(arm))]
        if not fitting:
            return Violation(path, _outer(hint), value)
        each = [violation(value, arm, path) for arm in fitting]
        return None if any(v is None for v in each) else each[0]
    if origin is typing.Literal:
        ok = any(type(value) is type(v) and value == v for v in args)
        return None if ok else Violation(path, args, value, literal=True)
    containers = (*_SEQUENCES, *_SETS, *_MAPPINGS, tuple)
    if origin is not None and not (isinstance(origin, type) and issubclass(origin, containers)):
        # type[X], Callable[...], a generic class: what a value of it holds is unknown
        raise Unjudgeable(f"{hint!r}")
    classes = _outer(hint)
    if not _instance(value, classes):
        return Violation(path, classes, value)
    if origin is None or isinstance(value, (str, bytes)):
        return None
    if issubclass(origin, tuple):
        if len(args) == 2 and args[1] is Ellipsis:
            return _items(value, args[0], path)
        if args == ((),):
            args = ()
        if args and len(value) != len(args):
            return Violation(f"len({path})", (len(args),), len(value), literal=True)
        for index, (item, item_hint) in enumerate(zip(value, args, strict=False)):
            if (found := violation(item, item_hint, f"{path}[{index}]")) is not None:
                return found
        return None
    if issubclass(origin, _MAPPINGS):
        key_hint, value_hint = (args + (Any, Any))[:2]
        if (found := _each(list(value)[:MAX_ITEMS], key_hint, path)) is not None:
            return found
        for key in list(value)[:MAX_ITEMS]:
            try:
                where = f"{path}[{literal(key).source}]"
            except NotLiteral:
                return _each(list(value.values())[:MAX_ITEMS], value_hint, f"{path}.values()")
            if (found := violation(value[key], value_hint, where)) is not None:
                return found
        return None
    if issubclass(origin, _SETS):
        return _each(list(value)[:MAX_ITEMS], args[0] if args else Any, path)
    return _items(value, args[0] if args else Any, path)


def _items(value: Any, hint: Any, path: str) -> Violation | None:
    for index, item in enumerate(list(value)[:MAX_ITEMS]):
        if (found := violation(item, hint, f"{path}[{index}]")) is not None:
            return found
    return None


def _each(items: list[Any], hint: Any, path: str) -> Violation | None:
    """Items without an index (a set's, a dict's keys): only their outer type is asserted."""
    for item in items:
        if violation(item, hint, "item") is not None:
            try:
                classes = _outer(hint)
            except Unjudgeable:
                return None
            if not _instance(item, classes):
                return Violation(path, classes, item, each=True)
            return None  # deeper than a test can point at without an index
    return None
