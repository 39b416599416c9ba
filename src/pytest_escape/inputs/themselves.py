"""Values an input holds that are passed as themselves, never copied.

Every call of the search runs on fresh copies of its input.  Some values
mean something only as the one object they are, and a copy is another
value to the code under test:

- a module's **sentinel**: ``absent = object()``, ``_MISSING = _Missing()``;
  ``if query is absent`` is false for a copy (furl: 43 of 52 witnesses were
  a copied sentinel passed as ``query``, which the original itself refused);
- a **constant of the program**: a hashable value object a module holds as
  a global, or one such a constant holds.  A parser's token types are
  interned (``ttype is T.Keyword``), and ``Token.Name.Builtin`` is made
  once, the first time it is asked for.  A copy is equal and never the
  same: a tokenizer's 250 survivors were "unexplorable", every recorded
  call having failed to be copied, and had they been copied no ``is``
  would have held.

- an object of a **class a function made** (``make_sentinel('_MISSING')``
  makes a class and its one instance on each call), held by a module of
  the program: no code outside can name its class, so nothing compares it
  but by ``is``, and a copy is a marker no code knows (a list holding one
  in place of a freed item read as live, and the branch for freed items
  was "not reached by the search").

A constant is kept only if its class hashes it by value: by the convention
``__hash__`` states, its state does not change, so the original and the
mutant can share it.  An object hashed by identity may be a registry or a
cache that a call changes, and is copied as before.
"""

from __future__ import annotations

import enum
import re
import sys
import types
from collections.abc import Iterator
from typing import Any

from .compare import HEAPTYPE, slotted

#: a test module's name by pytest's default ``python_files``, or a conftest
TEST_MODULE = re.compile(r"^(test_.*|.*_test|conftest)$")
#: how far into a constant's attributes more constants are looked for, and
#: how many are kept in all (a token tree holds a few hundred)
DEPTH = 4
MOST = 5000


def is_sentinel(value: Any) -> bool:
    """A value that means something only as itself: a bare ``object()``, or a
    stateless instance of a class made by a class statement (``_Missing()``)."""
    kind = type(value)
    try:
        return kind is object or bool(
            kind.__flags__ & HEAPTYPE
            and not isinstance(value, (type, types.ModuleType, types.FunctionType, types.MethodType))
            # no state at all: an empty __dict__, or none and only empty __slots__
            # (pygtrie's ``_NONE_STEP = _NoneStep()``)
            and getattr(value, "__dict__", {}) == {}
            and not slotted(kind)
        )
    except Exception:  # noqa: BLE001 - a proxy (werkzeug's LocalProxy) raises on any look
        return False


def is_factory_made(value: Any) -> bool:
    """An instance of a class made inside a function (``<locals>`` in its
    name): not a class, function, module or exception itself."""
    kind = type(value)
    try:
        return bool(
            kind.__flags__ & HEAPTYPE
            and "<locals>" in kind.__qualname__
            and not isinstance(value, (type, types.ModuleType, types.FunctionType, types.MethodType))
            and not isinstance(value, BaseException)
        )
    except Exception:  # noqa: BLE001 - a proxy raises on any look
        return False


def is_constant(value: Any) -> bool:
    """An instance of a class of the program that hashes it by value (a
    tuple subclass, a frozen dataclass, a class with its own ``__hash__``).

    Built-in values are left out (a copy of an int or a str is the same
    value, and a list may be changed), and so are what ``copy`` already
    passes as themselves: classes, modules, functions, enum members."""
    kind = type(value)
    try:
        if not kind.__flags__ & HEAPTYPE or isinstance(
            value, (type, types.ModuleType, types.FunctionType, types.MethodType, enum.Enum)
        ):
            return False
        hasher = getattr(kind, "__hash__", None)
        if hasher is None or hasher is object.__hash__:
            return False
        hash(value)
    except Exception:  # noqa: BLE001 - unhashable after all (a tuple holding a list), or a proxy
        return False
    return True


def _program_modules(module: str) -> list[types.ModuleType]:
    """The module, the modules it holds as globals (``from pkg import tokens
    as T``), and the loaded modules of its top-level package; never the
    standard library's."""
    here = sys.modules.get(module)
    if here is None:
        return []
    top = module.partition(".")[0]
    found = {module: here}
    for name, loaded in list(sys.modules.items()):
        if (name == top or name.startswith(top + ".")) and isinstance(loaded, types.ModuleType):
            found.setdefault(name, loaded)
    for held in list(vars(here).values()):
        if isinstance(held, types.ModuleType):
            found.setdefault(held.__name__, held)
    return [m for name, m in sorted(found.items()) if _the_program_s(name)]


def _the_program_s(name: str) -> bool:
    """Whether module ``name`` may be the program's: not the standard library's."""
    stdlib: frozenset[str] = getattr(sys, "stdlib_module_names", frozenset())
    return name.partition(".")[0] not in stdlib | {"builtins"}


def _holders(module: str) -> list[types.ModuleType]:
    """The loaded modules that may hold a global made by a factory of
    ``module``: its own package's first, then the others, test modules
    (pytest's default names) last; never the standard library's."""
    top = module.partition(".")[0]

    def rank(name: str) -> tuple[bool, bool, str]:
        test = TEST_MODULE.match(name.rpartition(".")[2]) is not None
        return (name.partition(".")[0] != top, test, name)

    loaded = [
        (name, m)
        for name, m in list(sys.modules.items())
        if isinstance(m, types.ModuleType) and _the_program_s(name)
    ]
    return [m for name, m in sorted(loaded, key=lambda item: rank(item[0]))]


def _attributes(value: Any) -> Iterator[Any]:
    held = getattr(value, "__dict__", None)
    if isinstance(held, dict):
        yield from list(held.values())


def constants(module: str) -> dict[int, Any]:
    """The program's constants ``module`` may meet, by id: the globals of
    its modules (``_program_modules``) that are constants, those a global
    tuple or frozenset holds, and the constants they hold as attributes
    (``Token.Name.Builtin``), to ``DEPTH``."""
    found: dict[int, Any] = {}
    level: list[Any] = []
    for held in (g for m in _program_modules(module) for g in list(vars(m).values())):
        if type(held) in (tuple, frozenset):
            level += [item for item in held if is_constant(item)]
        elif is_constant(held):
            level.append(held)
    for _ in range(DEPTH):
        more: list[Any] = []
        for value in level:
            if id(value) in found or len(found) >= MOST:
                continue
            found[id(value)] = value
            more += [a for a in _attributes(value) if id(a) not in found and is_constant(a)]
        level = more
    return found


def kept_as_themselves(module: str) -> dict[int, Any]:
    """What a copy of an input made for code of ``module`` keeps as itself,
    by id (a ``copy.deepcopy`` memo): the module's sentinels and the
    program's constants."""
    namespace = vars(sys.modules[module]) if module in sys.modules else {}
    kept = {id(value): value for value in list(namespace.values()) if is_sentinel(value)}
    for held in (g for m in _program_modules(module) for g in list(vars(m).values())):
        if is_factory_made(held):
            kept[id(held)] = held
    kept.update(constants(module))
    return kept


def global_path(value: Any) -> tuple[str, str, str] | None:
    """Where ``value`` is a global, or an attribute of a global constant, of
    the module its class was defined in: ``(module, global, path)``, the
    path being the expression from that global (``Name.Builtin``).  None if
    it is neither."""
    where = type(value).__module__
    module = sys.modules.get(where)
    if module is None:
        return None
    names = sorted((name, held) for name, held in list(vars(module).items()) if name.isidentifier())
    for name, held in names:
        if held is value:
            return where, name, name
    if is_factory_made(value):
        # made by a factory of one module, kept by the module that called it
        # (``_MISSING = make_sentinel()`` in each module of a package)
        for other in _holders(where):
            for name, held in sorted(vars(other).items(), key=lambda item: str(item[0])):
                if held is value and isinstance(name, str) and name.isidentifier():
                    return other.__name__, name, name
    for name, held in names:
        if is_constant(held):
            for attribute, inner in sorted(getattr(held, "__dict__", {}).items()):
                if inner is value and attribute.isidentifier():
                    return where, name, f"{name}.{attribute}"
    return None
