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
statements, the methods they call (``Registry(...)``'s ``__init__``,
``registry.add(...)`` for a top-level ``registry = Registry()``,
``Registry.default()``), and what those call in turn, by name or on
``self``.  A function called only
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


@dataclass
class _Module:
    """What a module's source defines, by the names a call can reach them by."""

    #: plain functions by name, methods by ``Class.method``
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]
    classes: dict[str, ast.ClassDef]
    #: top-level names bound to a new instance of one of its classes (``registry = Registry()``)
    instances: dict[str, str]

    @classmethod
    def of(cls, tree: ast.Module) -> _Module:
        functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        classes: dict[str, ast.ClassDef] = {}
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[node.name] = node
            elif isinstance(node, ast.ClassDef):
                classes[node.name] = node
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        functions[f"{node.name}.{item.name}"] = item
        module = cls(functions, classes, {})
        for node in tree.body:
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            if (made := module._made(value)) is not None:
                module.instances.update((t.id, made) for t in targets if isinstance(t, ast.Name))
        return module

    def _made(self, value: ast.expr) -> str | None:
        """The module class ``value`` makes an instance of (``Registry()``), if any."""
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in self.classes:
            return value.func.id
        return None

    def method(self, cls: str, name: str, seen: frozenset[str] = frozenset()) -> str | None:
        """``cls.name`` as the module defines it: on the class, or on one of
        its bases that the module defines (by name)."""
        if f"{cls}.{name}" in self.functions:
            return f"{cls}.{name}"
        for base in self.classes[cls].bases:
            if isinstance(base, ast.Name) and base.id in self.classes and base.id not in seen:
                if (found := self.method(base.id, name, seen | {cls})) is not None:
                    return found
        return None

    def callee(self, call: ast.Call, owner: str | None) -> str | None:
        """The module's function or method ``call`` runs: ``f(...)``,
        ``Cls(...)`` (its ``__init__``), ``Cls.m(...)``, ``obj.m(...)`` for a
        top-level ``obj = Cls(...)``, and ``self.m(...)`` in ``owner``'s methods."""
        func = call.func
        if isinstance(func, ast.Name):
            if func.id in self.classes:
                return self.method(func.id, "__init__")
            return func.id if func.id in self.functions else None
        if not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Name):
            return None
        held = func.value.id
        cls = (
            held
            if held in self.classes
            else self.instances.get(held)
            if held in self.instances
            else owner
            if held in ("self", "cls")
            else None
        )
        return self.method(cls, func.attr) if cls is not None else None


def _called(nodes: Iterable[ast.AST], module: _Module, owner: str | None = None) -> set[str]:
    """The module's functions and methods these nodes call as they run (by
    ``_Module.callee``): not inside a ``lambda`` or a nested ``def``, whose
    bodies run later."""
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
        if isinstance(node, ast.Call) and (callee := module.callee(node, owner)) is not None:
            found.add(callee)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _run_by_def(node: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.expr]:
    """What a ``def`` statement itself evaluates: decorators and defaults."""
    defaults = node.args.defaults + [d for d in node.args.kw_defaults if d is not None]
    return [*node.decorator_list, *defaults]


def _closed(called: set[str], module: _Module) -> set[str]:
    """``called`` and every function and method of the module their bodies call."""
    reached, todo = set(called), list(called)
    while todo:
        name = todo.pop()
        owner = name.rpartition(".")[0] or None
        body = ast.iter_child_nodes(module.functions[name])
        for found in _called(body, module, owner) - reached:
            reached.add(found)
            todo.append(found)
    return reached


def import_time(source: str) -> ImportTime:
    """Which of the module's functions and methods run while it is imported."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ImportTime()
    module = _Module.of(tree)
    again = _called([n for n in tree.body if _runs_again(n)], module)
    once: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            once |= _called(_run_by_def(node), module)
        elif isinstance(node, ast.ClassDef):
            once |= _called([*node.decorator_list, *node.bases, *node.keywords, *node.body], module)
    rerun = _closed(again, module)
    return ImportTime(frozenset(rerun), frozenset(_closed(once, module) - rerun))


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
