"""Code that runs only while its module is imported, and running it again.

A module that builds its tables by calling its own functions at its top
level (inflection's ``_irregular('person', 'people')``, a registry filled by
``register(...)`` calls) runs those functions once, when the tests import
it, before any test starts.  No test's coverage holds their lines, so their
mutants had "no coverage" ("no test executes line 116": 169 of inflection's
397 mutants), although every test of ``pluralize`` reads what they built.

Such a mutant is run by running the module's top level again in the child,
after its code is switched on: every statement of it except the ``def``,
``class`` and import statements, whose names stay bound to the objects the
tests already hold.  The tables are built again, by the mutant, into the
module's own namespace, where the functions that read them look.

What runs again is only what ``rerun`` compiles, and what it calls is
found here, from the source: the module's functions called by those
statements, and the functions those call by name.  A function called only
from a decorator, a class body or a default value ran once, at import, and
is not run again (``ImportTime.once``): its mutants are said to be so.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from types import CodeType

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_IMPORTS = (ast.Import, ast.ImportFrom)


@dataclass(frozen=True)
class ImportTime:
    """A module's functions that run while it is imported."""

    #: called by the top level that ``rerun`` runs again (or by one of those, by name)
    rerun: frozenset[str] = frozenset()
    #: called only by decorators, class bodies and default values, which run once
    once: frozenset[str] = frozenset()


def _is_main_guard(node: ast.stmt) -> bool:
    """``if __name__ == "__main__":``, which never runs when imported."""
    test = node.test if isinstance(node, ast.If) else None
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


def _runs_again(node: ast.stmt) -> bool:
    return not isinstance(node, (*_DEFINITIONS, *_IMPORTS)) and not _is_main_guard(node)


def _called(nodes: Iterable[ast.AST], functions: set[str]) -> set[str]:
    """The module's functions these nodes call by name as they run: not
    inside a ``lambda`` or a nested ``def``, whose bodies run later."""
    found: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Lambda):
            stack.extend(node.args.defaults + [d for d in node.args.kw_defaults if d is not None])
            continue
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend(_run_by_def(node))
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions:
            found.add(node.func.id)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _run_by_def(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    """What a ``def`` statement itself evaluates: decorators and defaults."""
    defaults = node.args.defaults + [d for d in node.args.kw_defaults if d is not None]
    return [*node.decorator_list, *defaults]


def _closed(called: set[str], bodies: dict[str, ast.AST]) -> set[str]:
    """``called`` and every module function their bodies call by name."""
    reached, todo = set(called), list(called)
    while todo:
        for name in _called(ast.iter_child_nodes(bodies[todo.pop()]), set(bodies)) - reached:
            reached.add(name)
            todo.append(name)
    return reached


def import_time(source: str) -> ImportTime:
    """Which of the module's top-level functions run while it is imported."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ImportTime()
    bodies: dict[str, ast.AST] = {
        node.name: node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    names = set(bodies)
    again = _called([n for n in tree.body if _runs_again(n)], names)
    once: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            once |= _called(_run_by_def(node), names)
        elif isinstance(node, ast.ClassDef):
            once |= _called([*node.decorator_list, *node.bases, *node.keywords, *node.body], names)
    rerun = _closed(again, bodies)
    return ImportTime(frozenset(rerun), frozenset(_closed(once, bodies) - rerun))


def top_level(source: str, filename: str) -> CodeType:
    """The module's top level that runs again: every statement but ``def``,
    ``class``, imports and the ``__main__`` guard, at its own line numbers
    (a traceback through it names the module's own lines)."""
    tree = ast.parse(source, filename)
    kept = ast.Module(body=[n for n in tree.body if _runs_again(n)], type_ignores=[])
    flags = 0
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            for alias in node.names:
                feature = getattr(__import__("__future__"), alias.name, None)
                flags |= getattr(feature, "compiler_flag", 0)
    code: CodeType = compile(kept, filename, "exec", flags=flags, dont_inherit=True)
    return code
