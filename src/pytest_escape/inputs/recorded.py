"""One input to a function, as a test's recorded call and a search's drawn
one hold it: ``Call`` (every parameter's value by name) and ``Then`` (a
call of the closure the function returned, made right after it).

Apart from the strategies that draw them (``strategies``) because the
worker, the evidence children and the regression-test writer need these
values without Hypothesis: importing it is about a tenth of a second that a
run with no survivor to search, or no search, never needs.
"""

from __future__ import annotations

import ast
import types
from dataclasses import dataclass
from typing import Any

from .compare import safe_repr, slotted
from .copying import deep_copy
from .literals import Shaped, describe, python_classes, shaped


@dataclass(frozen=True)
class Then:
    """A call of the function the target returns, made right after it: a
    decorator factory's wrapper, a strategy's closure.  Which ``def`` it is
    (its name and first line: the mutant's closure is another code object
    of the same ``def``), and the arguments a test passed it, by parameter
    name; ``star`` and ``double_star`` name its ``*args`` and ``**kwargs``."""

    code: tuple[str, int]
    arguments: tuple[tuple[str, Any], ...]
    #: how deep its ``def`` is inside the target's (1: in its body)
    depth: int = 1
    star: str | None = None
    double_star: str | None = None
    #: how many of its first parameters may be passed by position, and must be
    positional: int = 0
    only_positional: int = 0

    def split(self, arguments: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        """``arguments`` (values by parameter name, in the order of the
        ``def``) as a call's positional and keyword arguments: by keyword,
        unless the parameter is positional-only or ``*args`` holds values
        (which only positional ones can come before)."""
        spread = list(arguments.get(self.star, ())) if self.star else []
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        plain = [(k, v) for k, v in arguments.items() if k not in (self.star, self.double_star)]
        for index, (name, value) in enumerate(plain):
            if index < self.only_positional or (spread and index < self.positional):
                args.append(value)
            else:
                kwargs[name] = value
        kwargs.update(arguments.get(self.double_star, {}) if self.double_star else {})
        return args + spread, kwargs


@dataclass(frozen=True)
class Call:
    """One input: every parameter's value by name (``self`` included for methods)."""

    arguments: tuple[tuple[str, Any], ...]
    #: then calls of the closure the target returns, of the closure that
    #: returns, ... (``Then``, one per level), as far as each returns one
    then: tuple[Then, ...] = ()

    @classmethod
    def recorded(cls, arguments: dict[str, Any]) -> Call:
        """A call the tests made, replayed: plain objects held by their attributes."""
        return cls(tuple((k, shaped(v)) for k, v in arguments.items()))

    def as_dict(self) -> dict[str, Any]:
        return dict(self.arguments)

    def planted(self, path: str, value: Any) -> Call | None:
        """This call with what ``path`` names (``port``, ``self.port``,
        ``self.parent.name``) holding ``value``; None where it names no
        argument, or an attribute of one not held by its attributes (a
        ``Shaped``), or an item."""
        try:
            node = ast.parse(path, mode="eval").body
        except SyntaxError:
            return None
        names: list[str] = []
        while isinstance(node, ast.Attribute):
            names.insert(0, node.attr)
            node = node.value
        arguments = self.as_dict()
        if not isinstance(node, ast.Name) or node.id not in arguments:
            return None
        held = _with_attribute(arguments[node.id], names, value)
        if held is _UNPLANTED:
            return None
        return Call(tuple((k, held if k == node.id else v) for k, v in self.arguments), self.then)

    def __repr__(self) -> str:
        # Hypothesis may print an example; a half-built user object's own
        # __repr__ can raise, which must not end the search
        then = "".join(f", then={describe(dict(step.arguments))}" for step in self.then)
        return "Call(" + ", ".join(f"{k}={describe(v)}" for k, v in self.arguments) + then + ")"


_UNPLANTED = object()


def _with_attribute(held: Any, names: list[str], value: Any) -> Any:
    """``held`` with the attribute path ``names`` holding ``value`` (a new
    ``Shaped`` at each step), or ``_UNPLANTED``."""
    if not names:
        return value
    if not isinstance(held, Shaped):
        return _in_slot(held, names, value)
    if names[0] not in dict(held.state):
        return _UNPLANTED
    inner = _with_attribute(dict(held.state)[names[0]], names[1:], value)
    if inner is _UNPLANTED:
        return _UNPLANTED
    state = tuple((k, inner if k == names[0] else v) for k, v in held.state)
    return Shaped(held.cls, state, held.origin)


def _in_slot(held: Any, names: list[str], value: Any) -> Any:
    """A copy of ``held``, an instance whose state is in ``__slots__``, with
    the attribute path ``names`` holding ``value``; or ``_UNPLANTED``.

    Such an instance is held as itself, never as a ``Shaped``, and a state
    the infection check found in one was never set: a complement set's
    ``bool(self._included)`` -> ``bool(None)`` differs on a set holding an
    item, and every one the tests made held none ("too few inputs reached
    it").  Only a slot of a class made by class statements is set (by
    ``object.__setattr__``, as a copy sets it), never a property's setter."""
    cls = type(held)
    if not (slotted(cls) and python_classes(cls)):
        return _UNPLANTED
    if not isinstance(getattr(cls, names[0], None), types.MemberDescriptorType):
        return _UNPLANTED
    try:
        inner = _with_attribute(getattr(held, names[0]), names[1:], value) if names[1:] else value
        if inner is _UNPLANTED:
            return _UNPLANTED
        planted = deep_copy(held)
        object.__setattr__(planted, names[0], inner)
    except Exception:  # noqa: BLE001 - an unset slot, or a copy the class refuses: not planted
        return _UNPLANTED
    return planted


def call_key(arguments: dict[str, Any]) -> str:
    """What tells two calls apart: their arguments' names, types and reprs."""
    return repr(sorted((k, type(v).__qualname__, safe_repr(v, 10_000)) for k, v in arguments.items()))
