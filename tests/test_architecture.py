"""The shape of the code, checked: no import cycles, and a typed wire between processes.

Cycles were once broken by imports inside functions (config <-> shards,
runner -> plugin -> session -> runner): they hide a knot the next change
trips over.  Imports inside functions count here as much as those at the top.
"""

from __future__ import annotations

import ast
import dataclasses
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest_escape
from pytest_escape.execution.protocol import (
    EVENT_TYPES,
    PropertiesPlanned,
    PropertyFound,
    SecondChance,
    TestRun,
    WorkerPlan,
)

#: what forked children stream or send to the worker
CHILD_MESSAGES = [TestRun, SecondChance, PropertiesPlanned, PropertyFound]

PACKAGE = Path(pytest_escape.__file__).parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, anywhere in its body."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in files}
    for name, path in files.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    graph[name].add(sub if sub in files else target)
            elif isinstance(node, ast.Import):
                graph[name].update(a.name for a in node.names if a.name in files)
        graph[name] = {m for m in graph[name] if m in files and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_checker_sees_a_cycle_hidden_in_a_function() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_no_module_imports_itself_round_a_loop() -> None:
    graph = import_graph()
    assert "pytest_escape.session" in graph["pytest_escape.plugin"]  # lazy imports are seen
    assert cycles(graph) == []


def hints_reachable(root: type[Any]) -> list[tuple[str, Any]]:
    """Every (class.field, type) reachable from ``root`` through dataclass fields."""
    seen: set[type[Any]] = set()
    found: list[tuple[str, Any]] = []

    def walk(tp: Any, where: str) -> None:
        found.append((where, tp))
        for arg in typing.get_args(tp):
            walk(arg, where)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp) and tp not in seen:
            seen.add(tp)
            for name, hint in typing.get_type_hints(tp).items():
                if name in {f.name for f in dataclasses.fields(tp)}:
                    walk(hint, f"{tp.__name__}.{name}")

    walk(root, root.__name__)
    return found


def test_nothing_on_the_worker_wire_is_untyped() -> None:
    for root in [WorkerPlan, *EVENT_TYPES.values(), *CHILD_MESSAGES]:
        untyped = [where for where, tp in hints_reachable(root) if tp is Any]
        assert untyped == [], f"{root.__name__} carries Any at {untyped}"


def test_hypothesis_is_imported_only_by_a_stage_that_searches() -> None:
    """The main process and the worker import Hypothesis (a tenth of a second
    or more) only when a witness search or a property check runs: a run whose
    budgets are 0, or whose mutants are all killed, never needs it."""
    modules = ["pytest_escape.plugin", "pytest_escape.session", "pytest_escape.execution.worker"]
    code = (
        f"import sys\nfor m in {modules!r}: __import__(m)\n"
        "print(sorted(m for m in sys.modules if m.partition('.')[0] == 'hypothesis'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout
    # and the stages that search do import it: the check above would notice nothing otherwise
    code = "import sys, pytest_escape.execution.witnesses; print('hypothesis' in sys.modules)"
    searching = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert searching.stdout.strip() == "True"
