"""Compiling a mutant's copy of its function, to the very code the module's
own compilation would give it.

A child runs one mutant: its function's code object is swapped for the
copy's (``mutation.switch``).  That code must be what compiling the module
with the mutant in it gives: the same line numbers, ``__future__`` flags,
class (``super()``, private names) and bytecode.  Compiling the whole module
gives that, and cost a child more than its tests on long modules; compiling
the copy alone, inside the little of the module its compilation reads, gives
it in a fraction of the time, and is checked to, function by function.
"""

from __future__ import annotations
import __future__

import functools
import operator
import symtable
from dataclasses import dataclass
from types import CodeType
from typing import Any

from .types import FunctionCopies


class NotSwitchable(Exception):
    """The function's mutants cannot be switched on; the message says why (one line)."""


def _latest(consts: tuple[Any, ...], name: str, line: int) -> CodeType:
    """The code object named ``name`` defined last at or before ``line`` (a
    property's setter shares its getter's name; each starts at its decorator).
    A generic class or function (``class Box[T]:``, Python 3.12+) is compiled
    inside a code object of its own that holds its type parameters."""
    codes = [c for c in consts if isinstance(c, CodeType)]
    generic = f"<generic parameters of {name}>"
    codes += [c for g in codes if g.co_name == generic for c in g.co_consts if isinstance(c, CodeType)]
    found = [c for c in codes if c.co_name == name and c.co_firstlineno <= line]
    if not found:
        raise NotSwitchable(f"its copy did not compile to a function named {name}")
    return max(found, key=lambda c: c.co_firstlineno)


def compile_copy(
    function: FunctionCopies, mutant: str, filename: str, source: str, last_line: str = ""
) -> CodeType:
    """The code object of ``mutant``'s copy of ``function`` ("" for the unchanged
    copy), with ``last_line`` added to its body if given.

    The copy must compile to exactly the code the module's own compilation
    would give it: the same line numbers, ``__future__`` imports and class,
    and the same bytecode (CPython 3.11+ compiles ``click.echo(...)`` as an
    attribute load, not a method call, when ``click`` is a name the module
    imports).  Compiled inside the whole module's text, it is; but a child
    then compiles the whole module to run one mutant, which was 27 % of the
    children's CPU on semver's 700-line module.  So the copy is compiled
    alone, with just that context around it (``_alone``), whenever the
    unchanged function compiled the same way gives code equal to the
    module's (``_alone_holds``, checked once per function); otherwise inside
    the module, as before.
    """
    if mutant not in function.changes:
        # the unchanged copy is the module itself: compiled once for all its functions
        return _in_module(function, _compiled(source, filename))
    text = function.copy(mutant, rename=function.name)
    if not text.endswith("\n"):
        text += "\n"
    if last_line:
        text += f"{function.body_indent}{last_line}\n"
    if compiled_alone(function, filename, source):
        code = _compile_alone(_place(function, filename, source), text)
        if code is not None:
            return code
    lines = source.splitlines(keepends=True)
    start = function.first_line - 1
    end = start + len(function.text.splitlines())
    module_code = compile("".join([*lines[:start], text, *lines[end:]]), filename, "exec", dont_inherit=True)
    return _in_module(function, module_code)


def _in_module(function: FunctionCopies, module_code: CodeType) -> CodeType:
    """The function's code object among a compiled module's constants."""
    return _found(module_code, function.name, function.class_name, function.first_line)


def _found(module_code: CodeType, name: str, class_name: str | None, line: int) -> CodeType:
    """Function ``name`` (of class ``class_name``) defined by ``line`` in a compiled module."""
    consts = module_code.co_consts
    if class_name is not None:
        consts = _latest(consts, class_name, line).co_consts
    return _latest(consts, name, line)


@functools.lru_cache(maxsize=16)
def _compiled(source: str, filename: str) -> CodeType:
    return compile(source, filename, "exec", dont_inherit=True)


#: every ``__future__`` feature's compiler flag (a module's code carries those it imports)
_FUTURE_FLAGS = functools.reduce(
    operator.or_, (getattr(__future__, name).compiler_flag for name in __future__.all_feature_names)
)


@dataclass(frozen=True)
class _Place:
    """Where a function is defined: what compiling a copy of it alone needs."""

    name: str
    #: its ``def`` line, and the line its code starts at (its first decorator's)
    first_line: int
    code_line: int
    class_name: str | None
    filename: str
    source: str


def _place(function: FunctionCopies, filename: str, source: str) -> _Place:
    reference = _in_module(function, _compiled(source, filename))
    return _Place(
        function.name, function.first_line, reference.co_firstlineno, function.class_name, filename, source
    )


def compiled_alone(function: FunctionCopies, filename: str, source: str) -> bool:
    """``function``'s copies are compiled alone, not inside the whole module:
    compiled so, its unchanged text gives the module's very code (``_alone_holds``)."""
    return _alone_holds(_place(function, filename, source), function.copy("", rename=function.name))


@functools.lru_cache(maxsize=16)
def _imported(source: str, filename: str) -> tuple[str, ...]:
    """The names a module binds by an import at its top level (the compiler
    looks them up in the module's symbol table: ``is_import_originated``)."""
    table = symtable.symtable(source, filename, "exec")
    return tuple(sorted(symbol.get_name() for symbol in table.get_symbols() if symbol.is_imported()))


def _alone(place: _Place, text: str) -> str | None:
    """A source holding only ``text`` (a copy of the function, from its
    ``def`` line) at the function's own lines, with what its compilation
    reads of the module around it: the names imported at the top level
    (line 1), the class header of a method (the line just before), and a
    decorator where its first one is (a decorated function's code starts
    there).  None: no room above it, or an indented function outside a class
    (mutmut mutates none)."""
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    if indent and place.class_name is None:
        return None
    header = f"class {place.class_name}:\n" if place.class_name is not None else ""
    names = _imported(place.source, place.filename)
    head = f"import {', '.join(names)}\n" if names else ""
    decorated = place.first_line - place.code_line
    blank = place.code_line - 1 - bool(head) - bool(header)
    if blank < 0 or decorated < 0:
        return None
    decorator = f"{indent}@_\n" + "\n" * (decorated - 1) if decorated else ""
    return head + "\n" * blank + header + decorator + text


def _compile_alone(place: _Place, text: str) -> CodeType | None:
    alone = _alone(place, text)
    if alone is None:
        return None
    flags = _compiled(place.source, place.filename).co_flags & _FUTURE_FLAGS
    try:
        module_code = compile(alone, place.filename, "exec", flags=flags, dont_inherit=True)
        return _found(module_code, place.name, place.class_name, place.first_line)
    except (SyntaxError, NotSwitchable):
        return None


@functools.lru_cache(maxsize=4096)
def _alone_holds(place: _Place, unchanged: str) -> bool:
    """The unchanged function compiled alone equals (bytecode, constants and
    nested code, names, flags, line table) its code in the module's own
    compilation: the context ``_alone`` gives it is all its compilation reads.
    Where it is not (a generic class's type parameter, a free variable a
    plain class header cannot give), they differ, and its copies are
    compiled in the whole module."""
    if not unchanged.endswith("\n"):
        unchanged += "\n"
    alone = _compile_alone(place, unchanged)
    reference = _found(
        _compiled(place.source, place.filename), place.name, place.class_name, place.first_line
    )
    return alone is not None and alone == reference
