"""Values as Python source a regression test can hold, and the forms in which
the search holds inputs so that they can be written (``Built``, ``Shaped``,
``OneShot``, ``OMITTED``).

A witness is only worth a test if its input can be written down: every
literal is evaluated back and compared with the value it came from, so an
object whose ``repr`` does not round-trip is refused (with the reason) rather
than emitted as a test that fails for the wrong reason.
"""

from __future__ import annotations

import ast
import builtins
import collections
import contextlib
import contextvars
import datetime
import enum
import functools
import inspect
import io
import itertools
import linecache
import math
import os
import pathlib
import re
import sys
import textwrap
import types
import weakref
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from ..targets import why_test_file
from .compare import HEAPTYPE, UNSET, int_repr, object_state, same_value, show, slotted
from .copying import GeneratorCall, generator_call, tuple_made_otherwise, unlocked_lock
from .themselves import TEST_MODULE, global_path, is_constant, is_factory_made, is_sentinel

_MAX_DEPTH = 12
#: whether an object whose ``repr`` is no expression may be written as its
#: constructor's call (``_by_constructor``): not while ``setup_lines`` writes
#: an object graph, whose parts it names so that a node met twice stays one
_CONSTRUCTOR_CALLS: contextvars.ContextVar[bool] = contextvars.ContextVar("constructor_calls", default=True)
#: while a call is written (``defining``): the functions defined inside a
#: test that its values use, by name, each as its own ``def`` (None: a
#: value written alone, where such a function has no place to be defined)
_DEFINED: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar("defined", default=None)
#: the imports those functions and classes need, by name: each literal of the
#: call is checked with all of them defined, whichever it uses
_DEFINED_IMPORTS: contextvars.ContextVar[dict[str, frozenset[str]] | None] = contextvars.ContextVar(
    "defined_imports", default=None
)
#: lambdas and test functions whose written source was checked against their
#: code where it was read, before the values of the variables they use were
#: put in: what that source makes has other code (a value where a variable
#: was; a module's method call compiles otherwise in an expression), and is
#: still the same function
_CHECKED: weakref.WeakSet[types.FunctionType] = weakref.WeakSet()
_STATELESS_BASES = (object, datetime.tzinfo)
_MAX_LENGTH = 4000


class NotLiteral(Exception):
    """The value cannot be written as source that evaluates back to it."""


@contextlib.contextmanager
def defining() -> Iterator[dict[str, str]]:
    """Write values that may use functions a test defined (``def indollars(x):
    ...`` passed as a callback): each is collected here as its own ``def``,
    for the caller to put before the lines that use it.  Nested, the outer
    collection is the one used."""
    found = _DEFINED.get()
    if found is not None:
        yield found
        return
    token = _DEFINED.set({})
    imports = _DEFINED_IMPORTS.set({})
    try:
        yield cast(dict[str, str], _DEFINED.get())
    finally:
        _DEFINED_IMPORTS.reset(imports)
        _DEFINED.reset(token)


def _define(defined: dict[str, str], name: str, text: str, imports: set[str] | frozenset[str]) -> bool:
    """Keep ``text`` as the definition of ``name`` with the ``imports`` it
    needs; False when another text already defines that name."""
    if defined.setdefault(name, text) != text:
        return False
    needs = _DEFINED_IMPORTS.get()
    if needs is not None:
        needs[name] = frozenset(imports)
    return True


class _NotACollection(NotLiteral):
    """Not a collection of the project's: its items are not a way to write it."""


def _either(refused: NotLiteral, value: Any) -> Literal:
    """``value`` as its items (``_by_contents``), or ``refused`` with why that failed too."""
    try:
        return _by_contents(value)
    except _NotACollection:
        raise refused from None
    except NotLiteral as also:
        raise NotLiteral(f"{refused}, and {also}") from None


@dataclass
class Literal:
    source: str
    #: import lines the source needs (``import math``, ``from pkg.mod import Point``)
    imports: set[str] = field(default_factory=set)


class _Omitted:
    """A parameter left out of the call, so its default applies (the mutant's
    default, when the mutant changed it).

    One object, recognised by identity: no ``__dict__`` (``shaped`` would
    take it for a plain object and rebuild a new one, which the call then
    passed on: ``Trie.iteritems(prefix=<_Omitted>)`` raised on pygtrie), and
    copies and pickles of it are itself.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "<omitted>"

    def __deepcopy__(self, memo: Any) -> _Omitted:
        return self

    def __copy__(self) -> _Omitted:
        return self

    def __reduce__(self) -> str:
        return "OMITTED"


OMITTED = _Omitted()


@dataclass(frozen=True)
class Built:
    """An object the search made by calling ``cls(**kwargs)``: written back as that call."""

    cls: type
    kwargs: tuple[tuple[str, Any], ...]

    def __repr__(self) -> str:
        return describe(self)

    def make(self, copy: Any) -> Any:
        return self.cls(**{k: copy(v) for k, v in self.kwargs if v is not OMITTED})


@dataclass(frozen=True)
class Bare:
    """The receiver of a constructor's ``__init__`` under search: a new,
    uninitialised instance, so that the call is the constructor's, run once,
    and is written as one (``Version(partial=True)``).  Built receivers ran
    ``__init__`` twice, the first time while the input was made, and their
    tests could not be written (semantic_version, 21 witnesses)."""

    cls: type

    def __repr__(self) -> str:
        return describe(self)

    def make(self, copy: Any) -> Any:
        return cast(Any, self.cls).__new__(self.cls)


def constructs_plainly(cls: type) -> bool:
    """Whether ``cls(...)`` is exactly ``cls.__new__(cls)`` then ``__init__(...)``:
    no ``__new__`` of its own that takes the arguments, no metaclass ``__call__``."""
    return cls.__new__ is object.__new__ and type(cls).__call__ is type.__call__  # type: ignore[comparison-overlap]


@dataclass(frozen=True)
class Shaped:
    """An instance given by its attributes: how instances seen in the tests (and
    variations of them) are held, so a test can write them back."""

    cls: type
    state: tuple[tuple[str, Any], ...]
    #: ``id`` of the instance it was taken from: a link back to it (a child
    #: node's parent) is written as its name, not built again
    origin: int = field(default=0, compare=False)

    def __repr__(self) -> str:
        return describe(self)

    def make(self, copy: Any) -> Any:
        obj = cast(Any, self.cls).__new__(self.cls)
        state = {k: copy(v) for k, v in self.state}
        if isinstance(obj, BaseException) and "args" in state:
            obj.args = state.pop("args")  # a descriptor of the type: __dict__ would not hold it
        obj.__dict__.update(state)
        return obj


@dataclass(frozen=True)
class OneShot:
    """An iterator argument, held as its items: every call gets a fresh iterator
    (deep copies of one shared iterator would share, or lose, its position)."""

    items: tuple[Any, ...]

    def make(self, copy: Any) -> Any:
        return iter(copy(list(self.items)))


@dataclass(frozen=True)
class Step:
    """One call a test made on an instance of the class that changed it
    (``trie['a'] = 1``, ``items.add(3)``): a way to reach a state."""

    method: str
    arguments: tuple[tuple[str, Any], ...]

    def source(self, name: str) -> Literal:
        """The step as a statement on the variable ``name``; raises ``NotLiteral``."""
        parts = {k: literal(v) for k, v in self.arguments if v is not OMITTED}
        imports: set[str] = set()
        for part in parts.values():
            imports |= part.imports
        values = [part.source for part in parts.values()]
        if self.method == "__setitem__" and len(values) == 2:
            return Literal(f"{name}[{values[0]}] = {values[1]}", imports)
        if self.method == "__delitem__" and len(values) == 1:
            return Literal(f"del {name}[{values[0]}]", imports)
        inner = ", ".join(f"{k}={part.source}" for k, part in parts.items())
        return Literal(f"{name}.{self.method}({inner})", imports)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={describe(v)}" for k, v in self.arguments if v is not OMITTED)
        return f".{self.method}({inner})"


@dataclass(frozen=True)
class Stepped:
    """A receiver taken further by calls the tests made on other instances
    of its class: a state no single test built (a trie with a value at the
    empty key, a tree after a removal), reached the way a caller reaches it."""

    base: Any
    steps: tuple[Step, ...]

    def __repr__(self) -> str:
        return describe(self)

    def make(self, copy: Any) -> Any:
        obj = copy(self.base)
        for step in self.steps:
            getattr(obj, step.method)(**{k: copy(v) for k, v in step.arguments if v is not OMITTED})
        return obj


#: generated iterators are drawn up to this many items
ONE_SHOT_ITEMS = 100


def settled(value: Any, depth: int = 0) -> Any:
    """One-shot iterators (also inside lists and tuples) as ``OneShot``; anything else unchanged."""
    if depth > 3:
        return value
    if type(value) in (list, tuple):
        return type(value)(settled(item, depth + 1) for item in value)
    try:
        # Hypothesis's own iterables (``PrettyIter``, drawn for an
        # ``Iterable[str]`` hint) return another object from ``iter``: held
        # so, they had no source (11 witnesses without a test)
        drawn = type(value).__module__.startswith("hypothesis.")
        if hasattr(value, "__next__") and (drawn or iter(value) is value):
            items = itertools.islice(value, ONE_SHOT_ITEMS)
            return OneShot(tuple(settled(item, depth + 1) for item in items))
    except Exception:  # noqa: BLE001 - not iterable after all
        pass
    return value


#: values the search holds in a rebuildable form (each has ``make(copy)``)
REBUILT = (Built, Bare, Shaped, OneShot, Stepped)


def _global_name(value: Any) -> Literal | None:
    """A sentinel or a constant written as the module global it is, or holds
    (``from pygtrie import _NONE_STEP``; ``from sqlparse.tokens import Name``
    and ``Name.Builtin``)."""
    found = global_path(value)
    if found is None:
        return None
    where, name, path = found
    return Literal(path, {f"from {where} import {name}"})


def python_classes(cls: type) -> bool:
    """Whether ``cls`` is Python classes all the way down (a tzinfo base
    holds no state): no state hidden in a C base such as a dict, a date or
    an exception.  A heap type is not enough: since Python 3.10 C types
    such as ``functools.partial`` are heap types too, and a partial made
    bare and given its ``__dict__`` failed (toolz's ``curry``, 11 tests
    dropped); a C type shows itself by a ``__new__`` or ``__init__`` of C."""
    for c in cls.__mro__:
        if c in _STATELESS_BASES:
            continue
        if not c.__flags__ & HEAPTYPE or any(
            isinstance(vars(c).get(name), (types.BuiltinFunctionType, types.WrapperDescriptorType))
            for name in ("__new__", "__init__")
        ):
            return False
    return True


def _held_as_itself(value: Any) -> bool:
    """A value that means something only as itself (``themselves``): written
    as the global that holds it, never rebuilt."""
    return is_sentinel(value) or is_constant(value) or is_factory_made(value)


def shaped(value: Any) -> Any:
    """``value`` as a ``Shaped`` if it is a plain instance (attributes in ``__dict__``)."""
    cls = type(value)
    if _held_as_itself(value) and _global_name(value) is not None:
        # a module's sentinel means something only as itself: rebuilt, it is a
        # value the caller gave (``sep is _UNSET`` fails, and ``sep.join`` raises);
        # a constant of the program too (``ttype is T.Keyword``)
        return value
    if isinstance(value, enum.Enum):
        # a member is itself, one of its class's few: made bare, ``Enum.__new__``
        # raised, and no input holding a member a test passed ever ran
        return value
    if (
        not isinstance(value, (*REBUILT, type))
        and isinstance(getattr(value, "__dict__", None), dict)
        and python_classes(cls)
        # an empty __slots__ (typing.Generic's) still leaves a __dict__ for the state
        and not slotted(cls)
    ):
        return Shaped(cls, tuple(vars(value).items()), id(value))
    if (
        isinstance(value, BaseException)
        and plain_exception(cls)
        and isinstance(getattr(value, "__dict__", None), dict)
    ):
        return Shaped(cls, (("args", value.args), *vars(value).items()), id(value))
    return value


def plain_exception(cls: type) -> bool:
    """An exception class of the program's whose state is its ``args`` and
    its attributes: its built-in bases keep nothing else (an ``OSError``
    keeps ``errno`` and ``filename``, a ``StopIteration`` its ``value``).

    Such an instance is held and written like a plain object, ``args``
    included (``obj.args = (...)``): its ``repr`` is a call with its
    ``args``, which its own ``__init__`` does not take (rfc3986's
    ``PasswordForbidden(uri)``: 13 tests not written).
    """
    if not issubclass(cls, BaseException) or cls.__module__ == "builtins" or slotted(cls):
        return False
    python = [c for c in cls.__mro__ if c.__module__ != "builtins"]
    if any(
        isinstance(vars(c).get(name), (types.BuiltinFunctionType, types.WrapperDescriptorType))
        for c in python
        for name in ("__new__", "__init__")
    ):
        return False
    return not any(
        isinstance(attribute, (types.MemberDescriptorType, types.GetSetDescriptorType))
        for c in cls.__mro__
        if c.__module__ == "builtins" and c not in (BaseException, object)
        for attribute in vars(c).values()
    )


#: the project's checkout (``project_root``): a path in it is written relative to the project
_CHECKOUT: list[str] = []


def project_root(root: str) -> None:
    """Where the project's checkout is, set once by the worker before the
    searches fork: a path under it in an input is written relative to the
    project's own code, not as the absolute path of this checkout."""
    _CHECKOUT[:] = [os.path.normpath(root)]


def _anchor(root: str) -> tuple[str, str] | None:
    """The project's top-level module a path is written relative to, and its
    directory: a package first, then a module, by name (not a test module)."""
    found: list[tuple[bool, str, str]] = []
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if "." in name or not isinstance(file, str) or TEST_MODULE.match(name):
            continue
        directory = os.path.dirname(os.path.abspath(file))
        if _inside(directory, root):
            found.append((not hasattr(module, "__path__"), name, directory))
    return min(found)[1:] if found else None


def _inside(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # another drive
        return False


def _project_path(text: str) -> Literal | None:
    """An absolute path in the checkout, as source that finds it from the
    project's package: ``os.path.normpath(os.path.join(os.path.dirname(
    pkg.__file__), '../tests/data/a.toml'))``.  A test that hard-codes this
    checkout's path fails in every other one."""
    if not _CHECKOUT or not os.path.isabs(text) or os.path.normpath(text) != text:
        return None
    root = _CHECKOUT[0]
    if not _inside(text, root) or (anchor := _anchor(root)) is None:
        return None
    name, directory = anchor
    relative = os.path.relpath(text, directory)
    return Literal(
        f"os.path.normpath(os.path.join(os.path.dirname({name}.__file__), {relative!r}))",
        {"import os", f"import {name}"},
    )


def describe(value: Any) -> str:
    """A short, readable form of an input value for the terminal report."""
    if isinstance(value, Built):
        shown = ", ".join(f"{k}={describe(v)}" for k, v in value.kwargs if v is not OMITTED)
        return f"{value.cls.__name__}({shown})"
    if isinstance(value, Bare):
        return f"<new {value.cls.__name__}>"
    if isinstance(value, Shaped):
        return f"<{value.cls.__name__} " + " ".join(f"{k}={describe(v)}" for k, v in value.state) + ">"
    if isinstance(value, OneShot):
        return f"iter({show(list(value.items))})"
    if isinstance(value, Stepped):
        return f"{describe(value.base)} after {''.join(repr(step) for step in value.steps)}"
    if isinstance(value, types.GeneratorType) and (made := generator_call(value)) is not None:
        # the call that made it, not its repr (an address, another on every run)
        given = [describe(v) for v in made.args] + [f"{k}={describe(v)}" for k, v in made.kwargs]
        return f"{made.function.__qualname__}({', '.join(given)})"
    if type(value) in (str, bytes) and (repeated := _repeated(value)) is not None:
        return repeated.source[1:-1]  # 'stuff' * 20000, not 'stuffstuffst...'
    return show(value)


#: plain objects one input may be written as (a tree's nodes), at most
MAX_OBJECTS = 12


def setup_lines(value: Any, name: str) -> tuple[list[str], set[str]]:
    """Source lines that bind ``name`` to ``value``; raises ``NotLiteral``
    (``_setup_lines``, with every part written by its own lines or literal,
    never as a constructor call that would make a shared node twice)."""
    token = _CONSTRUCTOR_CALLS.set(False)
    try:
        return _setup_lines(value, name)
    finally:
        _CONSTRUCTOR_CALLS.reset(token)


def _setup_lines(value: Any, name: str) -> tuple[list[str], set[str]]:
    """Source lines that bind ``name`` to ``value``; raises ``NotLiteral``.

    A plain object is made bare and given its attributes.  An attribute that
    is a plain object itself (a tree's child node, whose ``repr`` is no call)
    gets lines of its own first, named after the attribute; one met again (a
    link back to a parent) is written as its name.  intervaltree's witnesses
    on a ``Node`` got no test at all when only the outer object was written.
    A collection is written as its items instead, when they make it
    (``_by_contents``).
    """
    if isinstance(value, Stepped):
        base, needed = _setup_lines(value.base, name)
        for step in value.steps:
            made = step.source(name)
            base.append(made.source)
            needed |= made.imports
        return base, needed
    given = value  # a slotted instance's view cannot be made again: its items are read here
    if (written := _stream_lines(value, name)) is not None:
        return written, {"import io"}
    if isinstance(value, tuple) and tuple_made_otherwise(type(value)):
        return _tuple_lines(value, name)
    if not isinstance(value, Shaped):
        try:
            found = literal(value)
        except NotLiteral:
            view = _written_view(value)
            if view is None:
                raise
            value = view
        else:
            return [f"{name} = {found.source}"], found.imports
    try:
        # a collection reads best as its items (``Trie({'a': 1})``), when they make it
        found = _by_contents(given)
    except NotLiteral:
        pass
    else:
        return [f"{name} = {found.source}"], found.imports
    lines: list[str] = []
    imports: set[str] = set()
    try:
        _object_lines(value, name, lines, imports, {value.origin: name} if value.origin else {})
    except NotLiteral as refused:
        found = _either(refused, given)  # raises, with both reasons
    return lines, imports


def _tuple_lines(value: tuple[Any, ...], name: str) -> tuple[list[str], set[str]]:
    """A tuple of a class whose own ``__new__`` takes more than its items
    (rfc3986's ``ParseResult`` also takes a reference and an encoding), made
    from its items by ``tuple.__new__``, then given its attributes: its
    ``repr`` shows the fields alone, and the class called with them raises
    (14 witnesses without a test)."""
    cls = type(value)
    where = importable_name(cls)
    if where is None:
        raise NotLiteral(f"{cls.__qualname__} cannot be imported by name")
    items = literal(tuple(value))
    lines = [f"{name} = tuple.__new__({where[1]}, {items.source})"]
    imports = items.imports | ({where[0]} - {""})
    named = {id(value): name}
    for attribute, attribute_value in (getattr(value, "__dict__", None) or {}).items():
        if not attribute.isidentifier():
            raise NotLiteral(f"attribute {attribute!r} is not an identifier")
        source = _part_source(attribute_value, f"{name}_{attribute.strip('_')}", lines, imports, named)
        lines.append(f"{name}.{attribute} = {source}")
    return lines, imports


def _written_view(value: Any) -> Shaped | None:
    """A plain instance as a ``Shaped``, to write it down: its ``__dict__`` or,
    for a class with ``__slots__`` (intervaltree's ``Node``), its assigned
    slots, private ones by the mangled names code outside the class uses."""
    view = shaped(value)
    if isinstance(view, Shaped):
        return view
    cls = type(value)
    # an enum member is written by its name or not at all: made bare from its
    # attributes, the reason it could not be named was lost to "Enum.__new__
    # needs arguments"
    if isinstance(value, (*REBUILT, type, enum.Enum)) or not python_classes(cls):
        return None
    state = object_state(value)
    if state is None:
        return None
    return Shaped(cls, tuple((k, v) for k, v in state.items() if v is not UNSET), id(value))


def _object_lines(
    value: Shaped, name: str, lines: list[str], imports: set[str], named: dict[int, str]
) -> None:
    if len(named) > MAX_OBJECTS:
        raise NotLiteral(f"it holds more than {MAX_OBJECTS} objects")
    where = class_source(value.cls)
    imports |= where.imports
    cls = where.source
    try:
        # Cls() only when its signature says plainly that no argument is needed
        # (``*args, **kwargs`` often pass a required one on to a base class)
        required = any(
            p.default is p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            for p in inspect.signature(value.cls).parameters.values()
        )
    except (TypeError, ValueError):
        required = True
    # and only when it then makes one: every parameter of semantic_version's
    # ``Version`` has a default, yet ``Version()`` raises (20 tests dropped)
    made = None if required else _as_constructed(value.cls)
    if made is None and not _made_bare(value.cls):
        raise NotLiteral(f"{value.cls.__qualname__}.__new__ needs arguments, and its constructor too")
    # Cart() then its attributes reads like a test; __new__ only when the constructor needs arguments
    lines.append(f"{name} = {cls}.__new__({cls})" if made is None else f"{name} = {cls}()")
    made = made or {}
    # a class that refuses assignment (pyrsistent's immutable ``PClass``) is
    # given its state as the search gave it, past its own ``__setattr__``
    guarded = value.cls.__setattr__ not in (object.__setattr__, BaseException.__setattr__)  # type: ignore[comparison-overlap]
    for attribute, attribute_value in value.state:
        if attribute in made and _same_part(made[attribute], attribute_value):
            continue  # Cls() sets it so already
        if not attribute.isidentifier():
            raise NotLiteral(f"attribute {attribute!r} is not an identifier")
        source = _part_source(attribute_value, f"{name}_{attribute.strip('_')}", lines, imports, named)
        if guarded:
            lines.append(f"object.__setattr__({name}, {attribute!r}, {source})")
        else:
            lines.append(f"{name}.{attribute} = {source}")


def _made_bare(cls: type) -> bool:
    """Whether ``cls.__new__(cls)`` makes an instance: object's ``__new__``
    does, and one of the class's own that needs no argument but the class
    (pyrsistent's ``PythonPVector.__new__(cls, count, shift, root, tail)``
    does not: 9 tests failed on the original)."""
    if cls.__new__ is object.__new__:  # type: ignore[comparison-overlap]
        return True
    try:
        parameters = list(inspect.signature(cls.__new__).parameters.values())[1:]
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters)


def _as_constructed(cls: type) -> dict[str, Any] | None:
    """The state ``cls()`` gives an instance, to leave out of a written one
    what the constructor sets anyway: a function it defines for each
    instance (tinydb's ``Query()`` keeps a local ``notest``) has no name to
    import, and writing it again stopped the whole object being written.
    None when ``cls()`` fails: the object is made bare instead."""
    try:
        return object_state(cls()) or {}
    except Exception:  # noqa: BLE001 - a constructor that refuses no arguments
        return None


def _same_part(made: Any, seen: Any) -> bool:
    """Whether an attribute the constructor set is the one seen: equal in
    value, or a function of the same code with equal defaults and captures
    (``same_value``)."""
    try:
        return same_value(made, seen)
    except Exception:  # noqa: BLE001 - a comparison that raised: written out
        return False


def _part_source(value: Any, child: str, lines: list[str], imports: set[str], named: dict[int, str]) -> str:
    """Source for one part of an object: a literal, the name of an object
    written already (a link back), a plain object given lines of its own
    first (named ``child``), or a dict, list or tuple of those.

    A tree that keeps its nodes in a dict (treelib's ``Tree._nodes``, 75 of
    its witnesses without a test) is written node by node, then the dict
    of their names.
    """
    if id(value) in named:
        return named[id(value)]
    if bound_to_instance(value):
        return _method_part(value, child, lines, imports, named)
    if type(value) in (list, dict) and _holds_itself(value):
        return _cyclic_part(value, child, lines, imports, named)
    if (written := _stream_lines(value, _unused(child, named))) is not None:
        child = _unused(child, named)
        lines.extend(written)
        imports.add("import io")
        named[id(value)] = child
        return child
    try:
        found = literal(value)
    except NotLiteral:
        if type(value) in (dict, collections.OrderedDict, collections.defaultdict):
            items = [
                (literal(key), _part_source(item, f"{child}_{index}", lines, imports, named))
                for index, (key, item) in enumerate(value.items())
            ]
            for key, _ in items:
                imports |= key.imports
            shown = "{" + ", ".join(f"{key.source}: {item}" for key, item in items) + "}"
            if type(value) is dict:
                return shown
            # a state machine's states and events, its callbacks by event
            # (transitions: 37, then 41 witnesses without a test)
            imports.add("import collections")
            if type(value) is collections.OrderedDict:
                return f"collections.OrderedDict({shown})"
            factory = literal(value.default_factory)
            imports |= factory.imports
            return f"collections.defaultdict({factory.source}, {shown})"
        if type(value) is functools.partial:
            # a callback bound to arguments that are objects (a state machine's
            # ``partial(machine._process, trigger)``: 13 witnesses without a test)
            given = [_part_source(value.func, f"{child}_func", lines, imports, named)]
            given += [
                _part_source(a, f"{child}_{i}", lines, imports, named) for i, a in enumerate(value.args)
            ]
            given += [
                f"{key}={_part_source(item, f'{child}_{key}', lines, imports, named)}"
                for key, item in value.keywords.items()
            ]
            imports.add("import functools")
            return f"functools.partial({', '.join(given)})"
        if type(value) in (list, tuple):
            parts = [
                _part_source(item, f"{child}_{i}", lines, imports, named) for i, item in enumerate(value)
            ]
            return (
                f"[{', '.join(parts)}]"
                if type(value) is list
                else f"({', '.join(parts)}{',' * (len(parts) == 1)})"
            )
        if isinstance(value, types.GeneratorType):
            made = _generator_source(
                value, lambda part: Literal(_part_source(part, f"{child}_arg", lines, imports, named))
            )
            imports |= made.imports
            return made.source
        inner = _written_view(value)
        if inner is None:
            raise
        child = _unused(child, named)
        named[id(value)] = child
        _object_lines(inner, child, lines, imports, named)
        return child
    imports |= found.imports
    return found.source


def _generator_source(value: types.GeneratorType[Any, Any, Any], source: Callable[[Any], Literal]) -> Literal:
    """A generator not started yet, as the call that made it
    (``TokenList.flatten(statement)``), its arguments written by ``source``."""
    made = generator_call(value)
    if made is None:
        raise NotLiteral(f"a generator under way, or made by {value.__qualname__}, cannot be written")
    found = importable_name(made.function)
    if found is None:
        raise NotLiteral(f"{made.function.__qualname__} cannot be imported by name")
    given = [source(v) for v in made.args] + [source(v) for _, v in made.kwargs]
    imports = {found[0]} - {""}
    for part in given:
        imports |= part.imports
    names = [""] * len(made.args) + [f"{k}=" for k, _ in made.kwargs]
    inner = ", ".join(f"{name}{part.source}" for name, part in zip(names, given, strict=True))
    return Literal(f"{found[1]}({inner})", imports)


def _same_generator(back: Any, original: Any, depth: int) -> bool:
    """Two generators not started yet made by the same function from the same arguments."""
    theirs: GeneratorCall | None = generator_call(back)
    ours: GeneratorCall | None = generator_call(original)
    return (
        theirs is not None
        and ours is not None
        and theirs.function is ours.function
        and _same_written(list(theirs.args), list(ours.args), depth + 1)
        and _same_written(dict(theirs.kwargs), dict(ours.kwargs), depth + 1)
    )


def _holds_itself(value: list[Any] | dict[Any, Any]) -> bool:
    """Whether ``value`` leads back to itself through lists, dicts and tuples
    (the ring of ``[previous, next, item]`` nodes a linked list keeps)."""
    seen: set[int] = set()
    stack: list[Any] = list(value.values() if type(value) is dict else value)
    while stack:
        part = stack.pop()
        if part is value:
            return True
        if type(part) in (list, dict, tuple) and id(part) not in seen:
            seen.add(id(part))
            stack.extend(part.values() if type(part) is dict else part)
    return False


def _cyclic_part(
    value: list[Any] | dict[Any, Any], child: str, lines: list[str], imports: set[str], named: dict[int, str]
) -> str:
    """A list or dict that holds itself, written as an empty one given a
    name first, then filled: ``node = []`` ... ``node.extend([node, ...])``.

    Inline, it was written without end (jsonpatch's diff builder keeps its
    operations in such a ring: 7 witnesses whose writer failed with a
    RecursionError).
    """
    if len(named) > MAX_OBJECTS:
        raise NotLiteral(f"it holds more than {MAX_OBJECTS} objects")
    child = _unused(child, named)
    named[id(value)] = child
    if isinstance(value, list):
        lines.append(f"{child} = []")
        parts = [_part_source(item, f"{child}_{i}", lines, imports, named) for i, item in enumerate(value)]
        lines.append(f"{child}.extend([{', '.join(parts)}])")
        return child
    lines.append(f"{child} = {{}}")
    items = []
    for index, (key, item) in enumerate(value.items()):
        written = literal(key)
        imports |= written.imports
        items.append(f"{written.source}: {_part_source(item, f'{child}_{index}', lines, imports, named)}")
    lines.append(f"{child}.update({{{', '.join(items)}}})")
    return child


def _unused(name: str, named: dict[int, str]) -> str:
    """``name``, or with ``_`` added until no object written so far has it."""
    while name in named.values():
        name += "_"
    return name


def _method_part(method: Any, child: str, lines: list[str], imports: set[str], named: dict[int, str]) -> str:
    """A method bound to an instance, kept as an object's part (a writer's
    ``_write``, bound to the stream it writes to): its instance gets a line
    of its own and a name, so two methods of one stream (``_write`` and
    ``_flush``) stay bound to one stream.  xmltodict's ``XMLGenerator``
    arguments (11 witnesses) had no test while such a part had no source."""
    attribute = method_attribute(method)
    owner = method.__self__
    if id(owner) not in named:
        holder = _unused(f"{child}_self", named)
        source = _part_source(owner, holder, lines, imports, named)
        if source != holder:  # written as an expression: bound to its name here
            lines.append(f"{holder} = {source}")
            named[id(owner)] = holder
    return f"{named[id(owner)]}.{attribute}"


def bound_to_instance(value: Any) -> bool:
    """Whether ``value`` is a method bound to an instance (not to a class or
    a module): a Python one (``greeter.greet``) or a built-in one
    (``log.append``, a test's list collecting what is printed)."""
    owner = getattr(value, "__self__", None)
    bound = inspect.ismethod(value) or (inspect.isbuiltin(value) and owner is not None)
    return bound and not isinstance(owner, (type, types.ModuleType))


def method_attribute(method: Any) -> str:
    """The name a bound method is reached by on its instance; raises
    ``NotLiteral`` for one no code outside its class reaches so."""
    attribute = str(method.__name__)
    if not attribute.isidentifier() or (attribute.startswith("__") and not attribute.endswith("__")):
        raise NotLiteral(f"method {attribute!r} is not reached by its name")
    return attribute


def importable_name(obj: Any) -> tuple[str, str] | None:
    """(import line, name) for a module-level class or function, if importable as-is."""
    module = getattr(obj, "__module__", None)
    qualname = getattr(obj, "__qualname__", "")
    if not module or not qualname:
        return None
    if module == "builtins":
        return ("", qualname)
    top = qualname.split(".")[0]
    if "<" in qualname or getattr(sys.modules.get(module), top, None) is None:
        return None
    return (f"from {module} import {top}", qualname)


def class_source(cls: type) -> Literal:
    """A class by its name and the import that binds it; a class a test
    defined in its own body, while a test is being written (``defining``),
    by its name, its ``class`` statement written into the test
    (``_local_class``).  Raises ``NotLiteral`` with the reason otherwise."""
    found = importable_name(cls)
    if found is not None:
        return Literal(found[1], {found[0]} - {""})
    defined = _DEFINED.get()
    if defined is None or "<locals>" not in cls.__qualname__ or not _in_a_test_module(cls):
        raise NotLiteral(f"{cls.__qualname__} cannot be imported by name")
    return _local_class(cls, defined)


def _in_a_test_module(obj: Any) -> bool:
    """Whether ``obj`` was defined in a test module (pytest's ``python_files``)."""
    path = getattr(sys.modules.get(getattr(obj, "__module__", "") or ""), "__file__", None)
    return path is not None and why_test_file(pathlib.Path(path)) is not None


#: the class statements of classes tests defined in their own bodies, as
#: written for a regression test (text, imports, the test's other classes
#: its statement reads: ``_siblings``), or why one cannot be: each
#: is read and checked once, however many of its objects a search writes
#: (checked again for each, the transitions search lost a tenth of its witnesses)
_LOCAL_CLASSES: weakref.WeakKeyDictionary[type, tuple[str, frozenset[str], tuple[type, ...]] | NotLiteral] = (
    weakref.WeakKeyDictionary()
)


def _local_class(cls: type, defined: dict[str, str]) -> Literal:
    """A class defined inside a test, written as its own ``class`` statement
    (kept in ``defined``) and named where it is used.

    Tests pass objects of classes they define on the spot: a stand-in with
    one method, an object that plays a trick on the code under test (an
    expression evaluator's sandbox tests: 12 witnesses without a test).
    Its text must make the same class: the same attributes, each method of
    the same code, with the globals it reads imported by their names.  One
    that reads a variable of the test around it, or that the test changed
    after its statement ran, is refused, with the reason."""
    text, own, siblings = _known_class(cls)
    imports = set(own)
    for sibling in siblings:  # each defined before the statement that reads it
        imports |= _local_class(sibling, defined).imports
    if not _define(defined, cls.__name__, text, imports):
        raise NotLiteral(f"two classes named {cls.__name__!r} defined in tests")
    return Literal(cls.__name__, imports)


#: what every class statement gives a class, whatever its body
_CLASS_PARTS = frozenset({"__module__", "__qualname__", "__doc__", "__dict__", "__weakref__"})
_CLASS_PARTS |= {"__firstlineno__", "__static_attributes__", "__orig_bases__", "__annotations__"}
#: and what copying one of its objects leaves on it (``copyreg._slotnames``)
_CLASS_PARTS |= {"__slotnames__"}


def _statement(obj: type | types.FunctionType) -> tuple[str, ast.stmt | None]:
    """The dedented source of the statement a test wrote ``obj`` with, and
    that statement (None when the source holds more than one)."""
    try:
        text = textwrap.dedent(inspect.getsource(obj))
        tree = ast.parse(text)
    except (OSError, TypeError, SyntaxError, ValueError):
        raise NotLiteral(f"the source of {obj.__qualname__} cannot be read") from None
    return text, tree.body[0] if len(tree.body) == 1 else None


def _known_class(cls: type) -> tuple[str, frozenset[str], tuple[type, ...]]:
    """``_class_text`` of ``cls``, read and checked once (``_LOCAL_CLASSES``);
    raises its ``NotLiteral`` again for a class refused before."""
    known = _LOCAL_CLASSES.get(cls)
    if known is None:
        try:
            known = _class_text(cls)
        except NotLiteral as refused:
            known = refused
        _LOCAL_CLASSES[cls] = known
    if isinstance(known, NotLiteral):
        raise known
    return known


def _class_text(cls: type) -> tuple[str, frozenset[str], tuple[type, ...]]:
    """A test's own class as its statement, the imports it needs, and the
    classes the same test defined that it reads (``_siblings``)."""
    what = cls.__qualname__
    text, node = _statement(cls)
    if not isinstance(node, ast.ClassDef) or node.name != cls.__name__ or node.decorator_list:
        raise NotLiteral(f"{what} is not a plain class statement")
    namespace = vars(sys.modules[cls.__module__])
    imports: set[str] = set()
    for name in sorted({n.id for n in ast.walk(node) if isinstance(n, ast.Name)} & set(namespace)):
        value = namespace[name]
        if isinstance(value, types.ModuleType):
            imports.add(_module_import(name, value))
            continue
        where = importable_name(value)
        if where is not None and where[1] == name and not _in_a_test_module(value):
            imports |= {where[0]} - {""}
    siblings = _siblings(cls, node, namespace)
    texts: dict[str, str] = {}
    for sibling in siblings:
        try:
            imports |= _known_class(sibling)[1]
        except NotLiteral as refused:
            raise NotLiteral(f"{what} reads {sibling.__name__}: {refused}") from None
        texts |= _texts_of(sibling)
    texts[cls.__name__] = text
    try:
        made = _defined(texts, imports)
    except Exception:  # noqa: BLE001 - it reads a variable of the test, or a name no import gives
        raise NotLiteral(f"the class statement of {what} does not run on its own") from None
    twins = {id(sibling): made[sibling.__name__] for sibling in _all_siblings(cls, siblings)}
    if not _same_class(made[cls.__name__], cls, twins):
        raise NotLiteral(f"the class statement of {what} does not make the class the test used")
    return text, frozenset(imports), siblings


def _siblings(cls: type, node: ast.ClassDef, namespace: Mapping[str, Any]) -> tuple[type, ...]:
    """The classes the test defined beside ``cls`` that its statement reads
    as it runs: a base (``class Child(Base)``), a value (an enum's ``FOO =
    Foo``), a method's default value.  Each is found where ``cls`` holds it, by its name; a name read
    that is found neither there nor in the module is left to fail below.

    Defined alone, a class statement that reads another class of the same
    test raised NameError: a state machine library's nested enums, 68
    witnesses without a test."""
    read: set[str] = set()
    todo: list[ast.AST] = [*node.bases, *node.keywords, *node.body]
    while todo:  # what runs with the statement: not the bodies of its methods
        part = todo.pop()
        if isinstance(part, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            defaults = [*part.args.defaults, *(d for d in part.args.kw_defaults if d is not None)]
            todo += [*getattr(part, "decorator_list", ()), *defaults]
            continue
        if isinstance(part, ast.Name) and isinstance(part.ctx, ast.Load):
            read.add(part.id)
        todo += list(ast.iter_child_nodes(part))
    missing = read - set(namespace) - set(vars(builtins))
    held: list[Any] = [*cls.__bases__, *vars(cls).values()]
    for value in vars(cls).values():  # a method's default values are read as the statement runs
        function = getattr(value, "__func__", value)
        if isinstance(function, types.FunctionType):
            held += [*(function.__defaults__ or ()), *(function.__kwdefaults__ or {}).values()]
    if issubclass(cls, enum.Enum):
        held += [member.value for member in cls]
    found: dict[str, type] = {}
    for value in held:
        if (
            isinstance(value, type)
            and value.__name__ in missing
            and value is not cls
            and "<locals>" in value.__qualname__
            and value.__module__ == cls.__module__
        ):
            found.setdefault(value.__name__, value)
    return tuple(found.values())


def _texts_of(cls: type) -> dict[str, str]:
    """The statements of ``cls`` and of the classes it reads, in the order they must run."""
    known = _LOCAL_CLASSES.get(cls)
    if not isinstance(known, tuple):
        return {}
    texts: dict[str, str] = {}
    for sibling in known[2]:
        texts |= _texts_of(sibling)
    texts[cls.__name__] = known[0]
    return texts


def _all_siblings(cls: type, siblings: tuple[type, ...]) -> list[type]:
    found = list(siblings)
    for sibling in siblings:
        known = _LOCAL_CLASSES.get(sibling)
        if isinstance(known, tuple):
            found += _all_siblings(sibling, known[2])
    return found


def _same_class(made: type, cls: type, twins: Mapping[int, Any] | None = None) -> bool:
    """Whether ``made`` (written again) has the attributes of ``cls``, its
    methods of the same code, and the same bases; ``twins`` maps the test's
    own classes ``cls`` reads (by id) to those written again beside it."""
    twins = twins or {}

    def same(ours: Any, theirs: Any) -> bool:
        return theirs is twins.get(id(ours), ours) if isinstance(ours, type) else bool(ours == theirs)

    if not isinstance(made, type) or made.__name__ != cls.__name__:
        return False
    if len(made.__bases__) != len(cls.__bases__) or not all(map(same, cls.__bases__, made.__bases__)):
        return False
    if issubclass(cls, enum.Enum):
        before, again = _members(cls), _members(made)
        if len(before) != len(again) or not all(
            a[0] == b[0] and same(a[1], b[1]) for a, b in zip(before, again, strict=True)
        ):
            return False
    # an enum's own bookkeeping (``_member_map_``) holds its members: compared above
    ours = {k: v for k, v in vars(cls).items() if k not in _CLASS_PARTS and not _sunder(k)}
    theirs = {k: v for k, v in vars(made).items() if k not in _CLASS_PARTS and not _sunder(k)}
    if ours.keys() != theirs.keys():
        return False
    for name, value in ours.items():
        other = theirs[name]
        function = getattr(value, "__func__", getattr(value, "fget", value))
        again = getattr(other, "__func__", getattr(other, "fget", other))
        if isinstance(function, types.FunctionType):
            if not (isinstance(again, types.FunctionType) and _same_code(again.__code__, function.__code__)):
                return False
        elif isinstance(value, type) and id(value) in twins:
            if other is not twins[id(value)]:
                return False
        elif not (isinstance(value, enum.Enum) or same_value(value, other)):
            return False
    return True


def _members(cls: Any) -> list[tuple[str, Any]]:
    return [(member.name, member.value) for member in cls]


def _sunder(name: str) -> bool:
    return len(name) > 2 and name[0] == name[-1] == "_" and name[1] != "_"


def written_again(made: type, cls: type) -> bool:
    """Whether ``made`` is ``cls``, a test's own class, as a regression test
    defines it again (``_local_class``): their objects are compared by state."""
    return isinstance(_LOCAL_CLASSES.get(cls), tuple) and made.__name__ == cls.__name__ and made is not cls


def _wrapped_in_a_test_module(function: types.FunctionType) -> bool:
    """Whether ``function`` is a test module's, and its name there holds
    something else: the wrapper a decorator made of it (``@repeated(2) def
    double``).  Importing the name gives the wrapper, so the test defines
    the function itself, as it does a function defined inside a test."""
    if not _in_a_test_module(function):
        return False
    return getattr(sys.modules[function.__module__], function.__name__, None) is not function


#: a text shorter than this is written as it is, however it repeats
_REPEATED_FROM = 200


def _repeated(value: str | bytes) -> Literal | None:
    """A long text that repeats one short unit, as the product that makes it:
    ``'stuff' * 20000``, ``'ab' * 150 + 'a'``.

    Inputs that probe a length limit are such texts; written out, one was
    100,002 characters, and its witness had no test (an evaluator's
    "adding those two would make something too long", 5 witnesses)."""
    if len(value) < _REPEATED_FROM:
        return None
    period = _period(value)
    if period is None:
        return None
    count, rest = divmod(len(value), period)
    if count < 4:
        return None
    written = f"{value[:period]!r} * {count}"
    return Literal(f"({written} + {value[:rest]!r})" if rest else f"({written})")


#: the longest unit a repeated text is written as a product of
_UNIT_MOST = 40


def _period(value: str | bytes) -> int | None:
    """The smallest ``p`` up to ``_UNIT_MOST`` with ``value[i] == value[i - p]``
    for every ``i >= p``, or None.

    Each ``p`` is one comparison of two slices, done in C.  The prefix
    function of Knuth, Morris and Pratt, which finds any period, ran in
    Python over every character: a search on a Markdown parser whose tests
    pass documents of up to a million characters spent a third of its time
    there, in the ``repr`` of each input."""
    for p in range(1, min(_UNIT_MOST, len(value)) + 1):
        # the first hundred characters before the whole: each slice is a copy
        head = value[p : p + 100]
        if head == value[: len(head)] and value[p:] == value[:-p]:
            return p
    return None


def _float(value: float) -> Literal:
    if math.isnan(value):
        return Literal("float('nan')")
    if math.isinf(value):
        return Literal("float('inf')" if value > 0 else "-float('inf')")
    return Literal(repr(value))


def _join(parts: list[Literal], template: str) -> Literal:
    imports: set[str] = set()
    for part in parts:
        imports |= part.imports
    return Literal(template.format(", ".join(p.source for p in parts)), imports)


def _build(value: Any, depth: int) -> Literal:
    if depth > _MAX_DEPTH:
        raise NotLiteral("nested too deeply")
    if type(value) is str and (path := _project_path(value)) is not None:
        return path
    if type(value) in (pathlib.PosixPath, pathlib.WindowsPath) and (path := _project_path(str(value))):
        return Literal(f"pathlib.Path({path.source})", path.imports | {"import pathlib"})
    if type(value) in (str, bytes) and (repeated := _repeated(value)) is not None:
        return repeated
    if type(value) is int:
        return Literal(int_repr(value))
    if value is None or isinstance(value, (bool, int, str, bytes)) and type(value) in (bool, int, str, bytes):
        return Literal(repr(value))
    if type(value) is float:
        return _float(value)
    if type(value) is complex:
        real, imag = _float(value.real), _float(value.imag)
        return Literal(f"complex({real.source}, {imag.source})")
    if type(value) is list:
        return _join([_build(v, depth + 1) for v in value], "[{}]")
    if type(value) is tuple:
        parts = [_build(v, depth + 1) for v in value]
        return _join(parts, "({},)" if len(parts) == 1 else "({})")
    if isinstance(value, tuple) and isinstance(fields := getattr(type(value), "_fields", None), tuple):
        # a namedtuple by its fields: its repr shows them, but not how to
        # write them (portion's ``Atomic(lower=-inf, ...)``)
        name = importable_name(type(value))
        if name is None or len(fields) != len(value):
            raise NotLiteral(f"{type(value).__qualname__} cannot be imported by name")
        written = _join(
            [
                Literal(f"{k}={p.source}", p.imports)
                for k, p in zip(fields, (_build(v, depth + 1) for v in value), strict=True)
            ],
            name[1] + "({})",
        )
        return Literal(written.source, written.imports | ({name[0]} - {""}))
    if type(value) is collections.defaultdict and value.default_factory is not None:
        # its repr shows the factory as ``<class 'list'>``
        factory = _build(value.default_factory, depth + 1)
        contents = _build(dict(value), depth + 1)
        return Literal(
            f"collections.defaultdict({factory.source}, {contents.source})",
            factory.imports | contents.imports | {"import collections"},
        )
    if type(value) is collections.OrderedDict:
        # its repr is a list of pairs; a dict keeps their order as well
        contents = _build(dict(value), depth + 1)
        return Literal(
            f"collections.OrderedDict({contents.source})", contents.imports | {"import collections"}
        )
    if type(value) in (set, frozenset):
        try:
            items = sorted(value)
        except TypeError:
            items = sorted(value, key=repr)
        parts = [_build(v, depth + 1) for v in items]
        if type(value) is frozenset:
            return _join(parts, "frozenset({{{}}})" if parts else "frozenset()")
        return _join(parts, "{{{}}}" if parts else "set()")
    if type(value) is dict:
        imports: set[str] = set()
        items_src = []
        for k, v in value.items():
            key, val = _build(k, depth + 1), _build(v, depth + 1)
            imports |= key.imports | val.imports
            items_src.append(f"{key.source}: {val.source}")
        return Literal("{" + ", ".join(items_src) + "}", imports)
    if isinstance(value, OneShot):
        return _join([_build(list(value.items), depth + 1)], "iter({})")
    if type(value) is inspect.Signature:
        # its repr, ``<Signature (a, b=1)>``, is no expression (toolz's and
        # funcy's signature helpers: 17 witnesses without a test)
        parameters = _join([_build(p, depth + 1) for p in value.parameters.values()], "[{}]")
        parts = [parameters]
        if value.return_annotation is not value.empty:
            given = _build(value.return_annotation, depth + 1)
            parts.append(Literal(f"return_annotation={given.source}", given.imports))
        made = _join(parts, "inspect.Signature({})")
        return Literal(made.source, made.imports | {"import inspect"})
    if type(value) is inspect.Parameter:
        parts = [Literal(repr(value.name)), Literal(f"inspect.Parameter.{value.kind.name}")]
        for field_name in ("default", "annotation"):
            if (part := getattr(value, field_name)) is not value.empty:
                given = _build(part, depth + 1)
                parts.append(Literal(f"{field_name}={given.source}", given.imports))
        made = _join(parts, "inspect.Parameter({})")
        return Literal(made.source, made.imports | {"import inspect"})
    if type(value) is functools.partial:
        # its repr shows the function as ``<function f>``
        parts = [_build(value.func, depth + 1), *(_build(v, depth + 1) for v in value.args)]
        for keyword, item in value.keywords.items():
            given = _build(item, depth + 1)
            parts.append(Literal(f"{keyword}={given.source}", given.imports))
        made = _join(parts, "functools.partial({})")
        return Literal(made.source, made.imports | {"import functools"})
    if (lock := unlocked_lock(value)) is not None:
        # an object that guards its state with a lock holds one (a retry
        # library's objects: 7 witnesses without a test)
        return Literal(f"threading.{lock}()", {"import threading"})
    if type(value) is re.Match:
        return _match_source(value, depth)
    if type(value) is re.Pattern:
        return _pattern_source(value, depth)
    if (
        type(value) in (datetime.datetime, datetime.time)
        and value.tzinfo is not None
        and type(value.tzinfo) is not datetime.timezone
    ):
        return _zoned_source(value, depth)
    if type(value) in (io.StringIO, io.BytesIO):
        return _stream_source(value)
    if isinstance(value, ast.AST) and getattr(ast, type(value).__name__, None) is type(value):
        return _syntax_source(value, depth)
    if isinstance(value, types.GeneratorType):
        return _generator_source(value, lambda part: _build(part, depth + 1))
    if isinstance(value, Built):
        where = class_source(value.cls)
        args = [(k, _build(v, depth + 1)) for k, v in value.kwargs if v is not OMITTED]
        imports = set(where.imports)
        for _, arg in args:
            imports |= arg.imports
        return Literal(f"{where.source}(" + ", ".join(f"{k}={a.source}" for k, a in args) + ")", imports)
    if inspect.isfunction(value) and value.__name__ == "<lambda>":
        return _lambda_source(value)
    if isinstance(value, type) or inspect.isfunction(value) or inspect.isbuiltin(value):
        # a class or function, by its name (a lambda or a local one has none)
        found = importable_name(value)
        if (
            inspect.isfunction(value)
            and (found is None or _wrapped_in_a_test_module(value))
            and (defined := _DEFINED.get()) is not None
        ):
            return _local_function(value, defined)
        if found is None and isinstance(value, type):
            return class_source(value)
        if found is None:
            raise NotLiteral(f"{getattr(value, '__qualname__', value)!s} cannot be imported by name")
        return Literal(found[1], {found[0]} - {""})
    if isinstance(value, enum.Enum):
        name = importable_name(type(value))
        if name is not None:
            return _enum_source(value, name)
        if _DEFINED.get() is None or "<locals>" not in type(value).__qualname__:
            raise NotLiteral(f"enum {type(value).__qualname__} cannot be imported by name")
        where = class_source(type(value))  # an enum a test defined: its class statement
        member = _enum_source(value, ("", where.source))
        return Literal(member.source, member.imports | where.imports)
    if _held_as_itself(value) and type(value) is not object and (named := _global_name(value)) is not None:
        return named
    return _by_repr(value, depth)


def _match_source(value: re.Match[Any], depth: int) -> Literal:
    """A regex match as the call that makes it again:
    ``re.compile('(\\d+)', re.ASCII).match('12 ab', 0, 2)``.

    Its ``repr`` (``<re.Match object; span=(0, 2), match='12'>``) is no
    expression, and a converter handed a match (parse's, 9 witnesses) had
    no test.  A match keeps its pattern, string and bounds, not which of
    ``match``, ``fullmatch`` and ``search`` made it, so the first of those
    that finds the same groups at the same places is the one written."""
    pattern = _build(value.re, depth + 1)
    arguments = [_build(value.string, depth + 1)]
    if (value.pos, value.endpos) != (0, len(value.string)):
        arguments += [Literal(repr(value.pos)), Literal(repr(value.endpos))]
    for method in ("match", "fullmatch", "search"):
        again = getattr(value.re, method)(value.string, value.pos, value.endpos)
        if again is not None and again.regs == value.regs:
            # the pattern is no part of a format template: its ``{1,2}`` would be a field
            given = _join(arguments, "{}")
            return Literal(f"{pattern.source}.{method}({given.source})", given.imports | pattern.imports)
    raise NotLiteral("no match, fullmatch or search of its pattern finds the same groups")


def _stream_source(stream: io.StringIO | io.BytesIO) -> Literal:
    """An in-memory stream as the call that makes it: ``io.StringIO()``, or
    ``io.StringIO('<a/>')`` when it holds text and stands at its start.  A
    writer handed a stream (xmltodict's ``XMLGenerator(io.StringIO())``)
    had no test while the stream had no source.  One read or written part
    way has no expression that makes it so, and is refused."""
    if stream.closed:
        raise NotLiteral(f"a closed {type(stream).__name__}")
    held = stream.getvalue()
    if where := stream.tell():
        raise NotLiteral(f"{type(stream).__name__} stands {where} past its start: no call makes it so")
    return Literal(f"io.{type(stream).__name__}({repr(held) if held else ''})", {"import io"})


def _pattern_source(pattern: re.Pattern[Any], depth: int) -> Literal:
    """``re.compile(pattern, flags)`` from its parts: a pattern's ``repr``
    cuts a long one short (parse's expressions, three witnesses without a
    test), and the flags a pattern has without being given any are left
    out."""
    text = _build(pattern.pattern, depth + 1)
    try:
        implied = re.compile(pattern.pattern).flags
    except re.error:
        implied = re.UNICODE if isinstance(pattern.pattern, str) else 0
    if pattern.flags == implied:
        return Literal(f"re.compile({text.source})", text.imports | {"import re"})
    flags = _build(
        re.RegexFlag(pattern.flags & ~implied | (pattern.flags & implied & ~re.UNICODE)), depth + 1
    )
    return Literal(f"re.compile({text.source}, {flags.source})", text.imports | flags.imports | {"import re"})


def _syntax_source(node: ast.AST, depth: int) -> Literal:
    """A syntax tree node as source: the parse that makes it
    (``ast.parse('x + 1', mode='eval').body``) when parsing its own unparsed
    text gives it back, every position included; else its constructor, with
    every field and position it holds (``ast.Name(id='x', ctx=ast.Load(),
    lineno=1, col_offset=0, ...)``).

    Its ``repr`` (``<Expr value=<ast.Set object> lineno=1 ...>``) is no
    expression, so a witness that hands a node to an evaluator's or a code
    transformer's handler had no test (an expression evaluator: 33 of its
    111 witnesses).  Positions count: a node parsed from ``1+2`` is not the
    one ``ast.unparse`` writes, ``1 + 2``, and a message may quote a column.
    """
    if (again := _parsed_again(node)) is not None:
        return again
    return _syntax_part(node, depth)


def _syntax_part(value: Any, depth: int) -> Literal:
    """A node by its constructor, the nodes inside it likewise (one form for the whole tree)."""
    if depth > _MAX_DEPTH:
        raise NotLiteral("nested too deeply")
    if type(value) is list:
        return _join([_syntax_part(v, depth + 1) for v in value], "[{}]")
    if not isinstance(value, ast.AST):
        return _build(value, depth)
    parts = []
    held = vars(value)
    for name in (*type(value)._fields, *type(value)._attributes):
        if name in held:
            given = _syntax_part(held[name], depth + 1)
            parts.append(Literal(f"{name}={given.source}", given.imports))
    made = _join(parts, f"ast.{type(value).__name__}({{}})")
    return Literal(made.source, made.imports | {"import ast"})


def _parsed_again(node: ast.AST) -> Literal | None:
    """``ast.parse(...)`` of the node's unparsed text, picked down to the node, or
    None when that text does not parse back to the very same node."""
    try:
        text = ast.unparse(node)
    except Exception:  # noqa: BLE001 - a node unparse cannot write
        return None
    if isinstance(node, ast.Module):
        how, pick = "", ""
    elif isinstance(node, ast.stmt):
        how, pick = "", ".body[0]"
    elif isinstance(node, ast.Expression):
        how, pick = ", mode='eval'", ""
    elif isinstance(node, ast.expr):
        how, pick = ", mode='eval'", ".body"
    else:
        return None
    source = f"ast.parse({text!r}{how}){pick}"
    try:
        parsed = eval(source, {"ast": ast})  # noqa: S307 - our own parse of unparsed text
    except Exception:  # noqa: BLE001 - more than one statement, or text that does not parse
        return None
    if ast.dump(parsed, include_attributes=True) != ast.dump(node, include_attributes=True):
        return None
    return Literal(source, {"import ast"})


def _zoned_source(value: datetime.datetime | datetime.time, depth: int) -> Literal:
    """A date-time with a time zone of the project's own class (parse's
    ``FixedTzOffset``, whose ``repr`` is no expression) as its fields and
    that zone written as any object is: four witnesses had no test."""
    fields: list[int] = [value.hour, value.minute, value.second, value.microsecond]
    if isinstance(value, datetime.datetime):
        fields[:0] = [value.year, value.month, value.day]
    zone = _build(value.tzinfo, depth + 1)
    fold = ", fold=1" if value.fold else ""
    made = f"datetime.{type(value).__name__}({', '.join(map(str, fields))}, tzinfo={zone.source}{fold})"
    return Literal(made, zone.imports | {"import datetime"})


def _stream_lines(value: Any, name: str) -> list[str] | None:
    """An in-memory stream written to its end, as the lines that write it so
    (``out = io.StringIO()``, ``out.write('<a/>')``): a writer's output
    stream, which ``_stream_source`` cannot make in one expression, stands
    there.  None for any other value."""
    if type(value) not in (io.StringIO, io.BytesIO) or value.closed:
        return None
    held, where = value.getvalue(), value.tell()
    if not held or not where:
        return None
    if where != len(held):
        # read part way (a loader given a stream a header was read from)
        return [f"{name} = io.{type(value).__name__}({held!r})", f"{name}.seek({where})"]
    return [f"{name} = io.{type(value).__name__}()", f"{name}.write({held!r})"]


def stream_lines(value: Any, name: str) -> tuple[list[str], set[str]] | None:
    """The lines that make an in-memory stream that stands past its start (no
    one expression makes it), and their import; None for any other value."""
    lines = _stream_lines(value, name)
    return None if lines is None else (lines, {"import io"})


def _enum_source(value: enum.Enum, name: tuple[str, str]) -> Literal:
    """A member by its name; a combination of flags (``re.IGNORECASE |
    re.DOTALL``, whose name is ``'IGNORECASE|DOTALL'`` on 3.11 and None on
    3.10) as its single-bit members joined by ``|``, and one no members
    make (``RegexFlag(0)``) by its value.  parse's parsers keep such flags:
    33 witnesses had no test because ``RegexFlag.IGNORECASE|DOTALL`` is no
    name.  Members their module exports by name are written as a reader
    knows them: ``re.IGNORECASE``, not ``RegexFlag.IGNORECASE``."""
    cls = type(value)
    imports = {name[0]} - {""}
    parts: list[str] | None
    if not isinstance(value, enum.Flag) or (value.name is not None and value.name in cls.__members__):
        parts = [str(value.name)]
    else:
        bits = int(value.value)
        members = [
            member
            for member in cls.__members__.values()
            if (v := int(member.value)) > 0 and v & (v - 1) == 0 and bits & v == v
        ]
        parts = list(dict.fromkeys(member.name for member in members))  # an alias once
        if not parts or sum({int(m.value) for m in members}) != bits:
            return Literal(f"{name[1]}({bits!r})", imports)
    home = sys.modules.get(cls.__module__)
    if "." not in cls.__module__ and all(getattr(home, part, None) is cls[part] for part in parts):
        return Literal(" | ".join(f"{cls.__module__}.{part}" for part in parts), {f"import {cls.__module__}"})
    return Literal(" | ".join(f"{name[1]}.{part}" for part in parts), imports)


def _local_function(function: types.FunctionType, defined: dict[str, str]) -> Literal:
    """A function defined inside a test, written as its own ``def`` (kept in
    ``defined``, see ``defining``) and named where it is used.

    toolz's tests pass local functions to the functions under test
    (``diff(..., key=indollars)``, ``excepts(..., getzero)``), and 16
    witnesses had no test: such a function has no name to import.  Its
    text, at the indentation of a test's body (a docstring keeps its own),
    must compile to its code, with the globals it reads imported by their
    names and the variables it reads from the test around it as cells;
    then each of those variables is written as its value, as a lambda's
    are.  A function a decorator was given is its ``def`` without the
    decorator, unless the decorator left attributes on it."""
    what = function.__qualname__
    text, node = _statement(function)
    if isinstance(node, ast.FunctionDef) and node.decorator_list and not vars(function):
        # the function a decorator was given (funcy's ``@autocurry def f``:
        # the search holds ``f`` itself), which its ``def`` alone makes
        text = "".join(text.splitlines(keepends=True)[node.lineno - 1 :])
        node = ast.parse(text).body[0]
    if not isinstance(node, ast.FunctionDef) or node.decorator_list or node.name != function.__name__:
        raise NotLiteral(f"{what} is not a plain def")
    imports: set[str] = set()
    for name, value in inspect.getclosurevars(function).globals.items():
        if isinstance(value, types.ModuleType):
            imports.add(_module_import(name, value))
            continue
        where = importable_name(value)
        if where is None or where[1] != name:
            raise NotLiteral(f"{what} uses {name!r}, which cannot be imported by name")
        imports |= {where[0]} - {""}
    try:
        made = _defined({function.__name__: text}, imports, function.__code__.co_freevars)[function.__name__]
    except Exception:  # noqa: BLE001
        raise NotLiteral(f"the source of {what} does not compile") from None
    if not (
        inspect.isfunction(made)
        and _same_code(made.__code__, function.__code__)
        and _is_default(made.__defaults__, function.__defaults__)
    ):
        raise NotLiteral(f"the source of {what} does not compile to its code")
    text = _cells_written(text, node, function, imports)
    name = _defined_as(defined, function, text, imports)
    _CHECKED.add(function)
    return Literal(name, imports)


#: names a test's function may be given beside its own, when another of the
#: tests' functions has its name (``validate_value``, ``validate_value_2``, ...)
_MAX_RENAMED = 9


def _defined_as(defined: dict[str, str], function: types.FunctionType, text: str, imports: set[str]) -> str:
    """The name ``text`` (the ``def`` of ``function``) is kept under in ``defined``:
    its own, or, when another function of the tests has that name, the
    first of ``name_2``, ``name_3`` ... that is free or holds this very text.

    Two tests of a validation library each define their own
    ``validate_value``, and a schema built in one holds both: 16 witnesses
    had no test.  A function that reads its own name (a recursive one)
    keeps it: renamed, it would call the other."""
    name = function.__name__
    if _define(defined, name, text, imports):
        return name
    code = function.__code__
    # its own ``def`` line: the first at a line's start (decorators come before it)
    head = re.compile(rf"^([ \t]*(?:async[ \t]+)?def[ \t]+){re.escape(name)}\b", re.MULTILINE)
    if name not in code.co_names and name not in code.co_freevars and head.search(text):
        for number in range(2, _MAX_RENAMED + 2):
            other = f"{name}_{number}"
            if _define(defined, other, head.sub(rf"\g<1>{other}", text, count=1), imports):
                return other
    raise NotLiteral(f"two functions named {name!r} defined in tests")


def _defined(texts: dict[str, str], imports: set[str], cells: tuple[str, ...] = ()) -> dict[str, Any]:
    """The functions ``texts`` define, each made as a test's body makes it:
    inside a function, four spaces in, under the test file's imports (from
    Python 3.11 ``math.floor(x)`` compiles otherwise where ``math`` was
    bound by an import), with ``cells`` as variables of the one around."""
    around = "".join(f"    {name} = None\n" for name in cells)
    around += "".join(textwrap.indent(text.rstrip() + "\n", "    ") for text in texts.values())
    whole = (
        "".join(f"{line}\n" for line in sorted(imports))
        + "def _around():\n"
        + around
        + "    return locals()\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(whole, "<def>", "exec"), namespace)  # noqa: S102 - defines functions, calls none of them
    made: dict[str, Any] = namespace["_around"]()
    return made


def _cells_written(text: str, node: ast.FunctionDef, function: types.FunctionType, imports: set[str]) -> str:
    """``text`` with each variable the function reads from around it
    replaced by its value written as source (``conversions[item['cur']]``
    becomes ``{'dollar': 1, 'yen': 0.01}[item['cur']]``)."""
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or (), strict=True))
    replacements: list[tuple[ast.Name, str]] = []
    for found in ast.walk(node):
        if not isinstance(found, ast.Name) or found.id not in cells:
            continue
        if found.id == function.__name__ and _holds(cells[found.id], function):
            continue  # it calls itself: its ``def`` binds the name it reads (written, it recursed for ever)
        if not isinstance(found.ctx, ast.Load):
            raise NotLiteral(f"{function.__qualname__} assigns {found.id!r} of the function around it")
        try:
            written = literal(cells[found.id].cell_contents)
        except ValueError:
            raise NotLiteral(f"{function.__qualname__}'s variable {found.id!r} has no value yet") from None
        except NotLiteral as e:
            raise NotLiteral(f"{function.__qualname__} uses {found.id!r}: {e}") from None
        imports |= written.imports
        replacements.append((found, _atom(written.source)))
    return _substituted(text, replacements)


def _holds(cell: types.CellType, value: Any) -> bool:
    try:
        return cell.cell_contents is value
    except ValueError:  # empty
        return False


def _lambda_source(function: types.FunctionType) -> Literal:
    """A lambda as its own source (``lambda v: v * 2``): a test's callback
    has no name to import, and its witnesses had no regression test.

    A lambda that uses variables around it (``lambda node: node.name in
    names``, anytree's filters) is written with each variable's value in
    its place, when that value can be written itself: ``lambda node:
    node.name in ['a', 'b']``.  A module it uses keeps its name and gets its
    import; a builtin stays as it is.  The lambda's own text must compile,
    with the same variables around it, to its code, so the source is the
    one that made it."""
    code = function.__code__
    if function.__kwdefaults__:
        raise NotLiteral("a lambda with keyword-only defaults cannot be written as source")
    try:
        file = inspect.getsourcefile(function)
        text = "".join(linecache.getlines(file)) if file else ""
        tree = ast.parse(text)
    except (OSError, TypeError, SyntaxError, ValueError):
        raise NotLiteral("a lambda whose source cannot be read") from None
    parameters = list(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Lambda)
        and node.lineno == code.co_firstlineno
        and [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)] == parameters
    ]
    sources = {segment for node in found if (segment := ast.get_source_segment(text, node)) is not None}
    # two on one line with the same parameters: the one that compiles to this code
    same = [source for source in sorted(sources) if "\n" not in source and _compiles_to(source, function)]
    if len(same) != 1:
        raise NotLiteral("a lambda that cannot be told apart from the others on its line")
    _CHECKED.add(function)
    return _with_values(same[0], function)


def _with_values(source: str, function: types.FunctionType) -> Literal:
    """``source`` (a lambda's) with each variable it reads from around it
    replaced by its value written as source (see ``_lambda_source``)."""
    code = function.__code__
    cells = dict(zip(code.co_freevars, function.__closure__ or (), strict=True))
    replacements: list[tuple[ast.Name, str]] = []
    imports: set[str] = set()
    for node in _free_names(source):
        name = node.id
        if name in cells:
            try:
                value = cells[name].cell_contents
            except ValueError:
                raise NotLiteral(f"a lambda whose variable {name!r} has no value yet") from None
        elif name in function.__globals__:
            value = function.__globals__[name]
        elif hasattr(builtins, name):
            continue
        else:
            raise NotLiteral(f"a lambda that uses {name!r}, which is not defined")
        if isinstance(value, types.ModuleType) and value.__name__ != "__main__":
            imports.add(_module_import(name, value))
            continue
        try:
            written = literal(value)
        except NotLiteral as e:
            raise NotLiteral(f"a lambda that uses {name!r}: {e}") from None
        imports |= written.imports
        replacements.append((node, _atom(written.source)))
    return Literal(_substituted(source, replacements), imports)


def _module_import(name: str, module: types.ModuleType) -> str:
    """The import line that binds ``module`` to ``name``."""
    return f"import {module.__name__}" + ("" if module.__name__ == name else f" as {name}")


def _substituted(text: str, replacements: list[tuple[ast.Name, str]]) -> str:
    """``text`` with each name node (parsed from it) replaced by its source;
    positions are UTF-8 byte offsets within the node's line."""
    lines = text.splitlines(keepends=True)
    spans = [
        (node.lineno - 1, node.col_offset, cast(int, node.end_col_offset), value)
        for node, value in replacements
    ]
    for row, begin, end, value in sorted(spans, reverse=True):
        encoded = lines[row].encode()
        lines[row] = (encoded[:begin] + value.encode() + encoded[end:]).decode()
    return "".join(lines)


def _free_names(source: str) -> list[ast.Name]:
    """Where ``source`` (one lambda) reads a name that nothing in it binds:
    not its parameters, nor an inner lambda's, nor a comprehension's targets."""
    tree = ast.parse(source, mode="eval")
    bound = {a.arg for node in ast.walk(tree) if isinstance(node, ast.arguments) for a in _all_args(node)}
    bound |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    names = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    return [n for n in names if n.id not in bound]


def _all_args(arguments: ast.arguments) -> list[ast.arg]:
    extra = [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, *extra]


def _atom(source: str) -> str:
    """``source`` as it may stand where a name stood: in brackets unless it
    is one piece already (``-1 ** 2`` is not ``(-1) ** 2``)."""
    try:
        node = ast.parse(source, mode="eval").body
    except SyntaxError:
        return f"({source})"
    whole = (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.List, ast.Dict, ast.Set)
    if isinstance(node, whole) or (isinstance(node, ast.Constant) and not source.startswith("-")):
        return source
    return f"({source})"


def _compiles_to(source: str, function: types.FunctionType) -> bool:
    """Whether the lambda ``source`` compiles to ``function``'s code, with
    the same variables around it (``co_freevars``) as cells of a function,
    and the modules it uses imported: from Python 3.11, ``re.sub(...)``
    compiles otherwise when ``re`` was bound by an import."""
    code = function.__code__
    modules = {
        _module_import(name, value)
        for name in code.co_names
        if isinstance(value := function.__globals__.get(name), types.ModuleType)
    }
    try:
        made = _defined({"_made": f"_made = {source}"}, modules, code.co_freevars)["_made"]
    except Exception:  # noqa: BLE001 - a lambda's own source, not called
        return False
    return inspect.isfunction(made) and _same_code(made.__code__, code)


def _by_repr(value: Any, depth: int = 0) -> Literal:
    """Objects whose ``repr`` is a constructor call of an importable class;
    one whose ``repr`` is no expression at all (``<Literal "x">``) by its
    constructor (``_by_constructor``)."""
    cls = type(value)
    name = importable_name(cls)
    if name is None:
        raise NotLiteral(f"{cls.__qualname__} cannot be imported by name")
    try:
        source = repr(value)
    except Exception as e:  # noqa: BLE001
        raise NotLiteral(f"repr() of {cls.__qualname__} failed ({type(e).__name__})") from None
    source = _unbracketed(source, cls.__name__)
    if _CONSTRUCTOR_CALLS.get():
        try:
            compile(source, "<repr>", "eval")
        except (SyntaxError, ValueError):
            return _by_constructor(value, name, depth, source)
    module = cls.__module__
    if source.startswith(f"{module}."):
        # datetime.date(2020, 1, 2): the repr names the module, not the class
        return Literal(
            source, {f"import {module.split('.')[0]}"} if "." not in module else {f"import {module}"}
        )
    return Literal(source, ({name[0]} | _neighbours(source, module, name[1])) - {""})


def _unbracketed(source: str, name: str) -> str:
    """``Specifier('>=1')`` for a ``repr`` of ``<Specifier('>=1')>``: a
    constructor call in angle brackets, as packaging's versions, specifiers
    and requirements show themselves (4 witnesses without a test); any
    other ``repr`` as it is.  Whether the call makes an equal object is
    checked where every literal is, by evaluating it."""
    if not (source.startswith(f"<{name}(") and source.endswith(")>")):
        return source
    inner = source[1:-1]
    try:
        tree = ast.parse(inner, mode="eval").body
    except (SyntaxError, ValueError):
        return source
    called = isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name) and tree.func.id == name
    return inner if called else source


def _neighbours(source: str, module: str, own: str) -> set[str]:
    """Imports for the other names of ``module`` that a ``repr`` uses:
    semantic_version's ``AllOf(Range('<', Version('0.1.2')))`` shows three
    classes of one module, and with only ``AllOf`` imported the written
    value failed to evaluate (10 witnesses without a test).  What the
    names are is checked where every literal is, by evaluating it."""
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError):
        return set()
    home = sys.modules.get(module)
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name) or node.id == own or hasattr(builtins, node.id):
            continue
        # by the module's name for it: pyrsistent's ``pvector([1])`` is
        # ``python_pvector`` bound to another name
        if getattr(home, node.id, None) is not None and not node.id.startswith("__"):
            found.add(f"from {module} import {node.id}")
    return found


def _by_constructor(value: Any, name: tuple[str, str], depth: int, shown: str) -> Literal:
    """An object written as a call of its class's constructor, each
    parameter given the attribute of its name (``self.literal = literal``):
    ``Literal(literal='x')``, ``Sequence(Literal(literal='a'), name='s')``.

    parsimonious's expressions show themselves as ``<Literal "x">``, and
    their witnesses had no test.  A parameter left at its default is left
    out, one gathering positional arguments (``*members``) is given the
    items of its attribute, and one with no attribute of its name and no
    default stops the form.  The call is kept only if what it makes equals
    the object by the class's own ``==`` (a test's assert compares so; a
    class without one equals nothing else) and holds no object twice, and,
    as every literal, it is evaluated back and compared whole."""
    cls = type(value)
    state = object_state(value)
    try:
        parameters = list(inspect.signature(cls).parameters.values())
    except (TypeError, ValueError):
        parameters = None
    if state is None or parameters is None or _shares_an_object(value):
        # no call to make it (or one would make a shared part twice): as it was shown
        return Literal(shown)
    # before a *args, a parameter can only be given by position
    rest = next((i for i, p in enumerate(parameters) if p.kind == p.VAR_POSITIONAL), -1)
    leading: list[Literal] = []
    keywords: list[Literal] = []
    for index, parameter in enumerate(parameters):
        held = next((f for f in (parameter.name, f"_{parameter.name}") if f in state), None)
        if parameter.kind == parameter.VAR_KEYWORD or (
            held is None and parameter.kind == parameter.VAR_POSITIONAL
        ):
            continue
        if held is None:
            if parameter.default is parameter.empty or index < rest:
                return Literal(shown)  # a parameter it does not keep by name: no call to make it
            continue
        part = state[held]
        if parameter.kind == parameter.VAR_POSITIONAL:
            if not isinstance(part, (tuple, list)):
                raise NotLiteral(f"{cls.__qualname__}'s *{parameter.name} is held as no sequence")
            leading += [_build(item, depth + 1) for item in part]
        elif index < rest or parameter.kind == parameter.POSITIONAL_ONLY:
            leading.append(_build(part, depth + 1))  # before *args: only by position
        elif parameter.default is parameter.empty or not _is_default(part, parameter.default):
            written = _build(part, depth + 1)
            keywords.append(Literal(f"{parameter.name}={written.source}", written.imports))
    if any(p.kind == p.VAR_KEYWORD for p in parameters):
        # **kwargs passed on to a base class's constructor (parsimonious's
        # ``Compound(*members, **kwargs)`` takes ``name`` so); one a base
        # needs without a default, the class gives it itself
        named = {p.name for p in parameters}
        for parameter in _base_parameters(cls):
            if (
                parameter.name in state
                and parameter.name not in named
                and parameter.default is not parameter.empty
            ):
                named.add(parameter.name)
                part = state[parameter.name]
                if not _is_default(part, parameter.default):
                    written = _build(part, depth + 1)
                    keywords.append(Literal(f"{parameter.name}={written.source}", written.imports))
    call = _join([*leading, *keywords], name[1] + "({})")
    written = Literal(call.source, call.imports | ({name[0]} - {""}))
    try:
        # by its class's own ==, as a test's assert compares; a class without
        # one equals no other object (pyrsistent's ``_PField``, 15 arguments
        # without a test): it is made the same when its state is, and a pin
        # on it is refused where pins are written (``compared``)
        made = _evaluated(written, value)
        same = bool(made == value) or _same_written(made, value)
    except Exception:  # noqa: BLE001 - a call that fails, or an == that raises
        same = False
    return written if same else Literal(shown)


def compared(value: Any) -> Literal:
    """``value`` as source that a test's ``assert result == <source>`` holds
    for: ``literal``, and Python's own ``==`` between what the source makes
    and ``value``.  A class without ``__eq__`` (pyrsistent's ``_PField``) is
    written by its state as an argument, but equals no new object, also
    inside a dict or a list."""
    written = literal(value)
    try:
        same = bool(_evaluated(written, value) == value)
    except Exception:  # noqa: BLE001 - an == that raises
        same = False
    if not same:
        raise NotLiteral(f"a {type(value).__qualname__} written out does not == the one seen")
    return written


def _base_parameters(cls: type) -> list[inspect.Parameter]:
    """The named parameters of the constructors of ``cls``'s bases."""
    found = []
    for base in cls.__mro__[1:]:
        init = vars(base).get("__init__")
        if not inspect.isfunction(init):
            continue
        try:
            found += [
                p
                for p in list(inspect.signature(init).parameters.values())[1:]
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
            ]
        except (TypeError, ValueError):
            continue
    return found


_SCALARS = (int, float, complex, str, bytes, bool, type(None), tuple)


def _shares_an_object(value: Any) -> bool:
    """Whether one object is met twice below ``value`` (its state and the
    items of its containers): a call written part by part would make it twice."""
    seen: set[int] = set()
    todo = [(value, 0)]
    while todo:
        part, depth = todo.pop()
        if isinstance(part, _SCALARS) and not isinstance(part, tuple):
            continue
        if not isinstance(part, tuple):
            if id(part) in seen:
                return True
            seen.add(id(part))
        if depth > _MAX_DEPTH:
            continue
        if isinstance(part, (list, tuple, set, frozenset)):
            todo += [(item, depth + 1) for item in part]
        elif isinstance(part, dict):
            todo += [(item, depth + 1) for pair in part.items() for item in pair]
        elif (state := object_state(part)) is not None:
            todo += [(item, depth + 1) for item in state.values()]
    return False


def _is_default(value: Any, default: Any) -> bool:
    try:
        return same_value(value, default)
    except Exception:  # noqa: BLE001 - a comparison that raised: written out
        return False


def _same_code(a: types.CodeType, b: types.CodeType) -> bool:
    return (a.co_code, a.co_names, a.co_varnames, a.co_argcount) == (
        b.co_code,
        b.co_names,
        b.co_varnames,
        b.co_argcount,
    ) and [c for c in a.co_consts if not isinstance(c, types.CodeType)] == [
        c for c in b.co_consts if not isinstance(c, types.CodeType)
    ]


def _evaluated(built: Literal, value: Any) -> Any:
    """What ``built`` evaluates to; raises ``NotLiteral`` when it is too long or fails."""
    if len(built.source) > _MAX_LENGTH:
        raise NotLiteral(f"its source would be {len(built.source)} characters long")
    namespace: dict[str, Any] = {}
    try:
        for line in sorted(built.imports):
            exec(line, namespace)  # noqa: S102 - our own import lines
        # a test's own functions and classes (``_local_function``), defined as
        # the test defines them, under the imports each needs: one this value
        # does not use still runs (a local enum's ``enum.Enum``; checked with
        # this value's imports alone, transitions' ``False`` "did not evaluate
        # back", and 50 witnesses lost their test)
        defined = _DEFINED.get() or {}
        needs = _DEFINED_IMPORTS.get() or {}
        needed = set(built.imports).union(*(needs.get(name, ()) for name in defined))
        namespace.update(_defined(defined, needed))
        return eval(built.source, namespace)  # noqa: S307 - checking our own literal
    except Exception as e:  # noqa: BLE001
        raise NotLiteral(
            f"repr of {type(value).__qualname__} does not evaluate back ({type(e).__name__})"
        ) from None


def _by_contents(value: Any) -> Literal:
    """A collection of a class of the project's written as its own constructor
    given its contents: ``Trie({'a': 1, 'ab': 2})``, ``OrderedSet([3, 1])``.

    A trie, a tree or a linked container holds more objects than a test can
    list attribute by attribute (pygtrie's tries, seven witnesses without a
    test), and its ``repr`` is seldom a call.  Its items are what a reader
    knows it by.  The form is kept only when the object it makes holds the
    same items, in the same order, and the same state (every attribute and
    slot, compared as the search compares), so a constructor that sorts,
    drops or re-links is caught here and the test is not written.
    """
    cls = value.cls if isinstance(value, Shaped) else type(value)
    if (
        issubclass(cls, (*REBUILT, Iterator))
        or not issubclass(cls, Collection)
        or not cls.__flags__ & HEAPTYPE
        or (where := importable_name(cls)) is None
    ):
        raise _NotACollection(f"{cls.__qualname__} is not a collection a test can build from its items")
    try:
        obj = value.make(lambda v: v) if isinstance(value, Shaped) else value
        contents: Any = dict(obj.items()) if isinstance(obj, Mapping) else list(obj)
    except Exception as e:  # noqa: BLE001 - its own iteration failed
        raise NotLiteral(f"its items cannot be read ({type(e).__name__})") from None
    inner = _build(contents, 1)
    built = Literal(f"{where[1]}({inner.source})", inner.imports | ({where[0]} - {""}))
    back = _evaluated(built, obj)
    state, theirs = object_state(obj), object_state(back)
    if not same_value(back, obj) or (
        state is not None
        and (
            theirs is None
            or list(state) != list(theirs)
            or not all(same_value(v, theirs[k]) for k, v in state.items())
        )
    ):
        raise NotLiteral(f"{where[1]}(its items) does not make the same {cls.__qualname__}")
    return built


def literal(value: Any) -> Literal:
    """``value`` as source; raises ``NotLiteral`` unless it evaluates back to an equal value."""
    try:
        return _literal(value)
    except NotLiteral as refused:
        return _either(refused, value)


def _literal(value: Any) -> Literal:
    built = _build(value, 0)
    back = _evaluated(built, value)
    if isinstance(value, OneShot):
        return built  # an iterator never equals another: the items were checked on the way
    original = value.make(lambda v: v) if isinstance(value, Built) else value
    if inspect.isfunction(original) and inspect.isfunction(back):
        same = original in _CHECKED or _same_code(back.__code__, original.__code__)
        if same and back.__defaults__ == original.__defaults__:
            return built  # a function equals only itself: the same code is the same lambda
        if original.__name__ != "<lambda>":
            # ``functools.wraps`` gives a wrapper its function's name (hashids' ``_deprecated``)
            raise NotLiteral(
                f"{built.source} names another function than this one, a wrapper that took its name"
            )
        raise NotLiteral("the lambda's source does not compile to its code")
    if not _same_written(back, original):
        raise NotLiteral(f"repr of {type(original).__qualname__} does not round-trip")
    return built


def _same_written(back: Any, original: Any, depth: int = 0) -> bool:
    """``same_value``, but a function inside a list, tuple, dict or an
    object without ``__eq__`` is the same when its code and defaults are,
    or when its written source was checked (``_CHECKED``): a written lambda
    is a new function object, and toolz's ``(0, lambda ...)`` signature
    tuples (12 witnesses) were refused as not round-tripping."""
    if depth > _MAX_DEPTH:
        return same_value(back, original)
    if inspect.isfunction(back) and inspect.isfunction(original):
        same = original in _CHECKED or _same_code(back.__code__, original.__code__)
        return same and back.__defaults__ == original.__defaults__
    if isinstance(back, type) and isinstance(original, type) and written_again(back, original):
        return True  # checked as it was written (``_same_class``)
    if type(back) is not type(original):
        if written_again(type(back), type(original)) and isinstance(original, enum.Enum):
            # a member's value may be another class the test defined (a nested
            # state machine's ``FOO = Foo``): defined again too
            return back.name == original.name and _same_written(back.value, original.value, depth + 1)
        if written_again(type(back), type(original)):
            # a test's own class, defined again by the regression test: the same state
            theirs, ours = object_state(back), object_state(original)
            return (
                theirs is not None
                and ours is not None
                and list(theirs) == list(ours)
                and all(_same_written(theirs[k], ours[k], depth + 1) for k in ours)
            )
        return same_value(back, original)
    if type(back) is dict:
        return list(back) == list(original) and all(
            _same_written(back[k], original[k], depth + 1) for k in back
        )
    if type(back) in (list, tuple):
        return len(back) == len(original) and all(
            _same_written(a, b, depth + 1) for a, b in zip(back, original, strict=True)
        )
    if type(back) is types.GeneratorType:
        return _same_generator(back, original, depth)
    if type(back) is re.Match:
        # no ``==`` of its own: the same pattern, string, bounds and groups
        return _match_key(back) == _match_key(original)
    if (
        type(back).__eq__ is object.__eq__  # type: ignore[comparison-overlap]
        and (theirs := object_state(back)) is not None
        and (ours := object_state(original)) is not None
    ):
        # a class without ``__eq__`` written by its constructor (pyrsistent's
        # ``_PField``): the same state, its functions by their written source
        return list(theirs) == list(ours) and all(_same_written(theirs[k], ours[k], depth + 1) for k in ours)
    return same_value(back, original)


def _match_key(match: re.Match[Any]) -> tuple[Any, ...]:
    return (match.re, match.string, match.pos, match.endpos, match.regs)


def describe_call(target_name: str, arguments: dict[str, Any], then: Sequence[Any] = ()) -> str:
    """An input as the call a reader would write (``bulk_discount(qty=10)``);
    a constructor's, on a new instance, as the class's (``Version(major=1)``);
    with ``then`` (``strategies.Then``s), the calls of what it returns after
    it (``retry(times=2)(f=job)``)."""
    called = "".join("(" + ", ".join(f"{k}={describe(v)}" for k, v in step.arguments) + ")" for step in then)
    owner, _, name = target_name.rpartition(".")
    if name == "__init__" and any(isinstance(v, Bare) for v in arguments.values()):
        target_name = owner
        arguments = {k: v for k, v in arguments.items() if not isinstance(v, Bare)}
    inner = ", ".join(f"{k}={describe(v)}" for k, v in arguments.items() if v is not OMITTED)
    return f"{target_name}({inner}){called}"
