"""What a mutant's outcome depends on, as one hash per mutant: the cache's key
(and, coarser, what a function's property checks depend on).

An outcome can change when the mutated function changes, when code it calls
in the same module changes, when the module's own statements outside
functions change (constants, imports, class attributes), when the tests run
against it or the conftest files they use change, or when the options, the
pytest configuration or the tool change.  Each of those goes into the key;
anything else (another function, another module's tests) does not, so an
edit re-runs only the mutants it can affect.

What the key cannot see is documented as a limit (docs/how-it-works.md):
code in *other* modules the function calls, installed packages, data files
the tests read.  ``--escape-no-cache`` is the way out.
"""

from __future__ import annotations

import ast
import hashlib
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from .mutation import MutantSpec
from .nodeids import normalized

#: bump when what goes into a key changes, or how a mutant runs, so old rows are
#: never matched (2: served modules keep the file's line numbers, the worker
#: keeps pytest's cacheprovider, decorated functions are switched by code object;
#: 3: every function is, with its mutated defaults, and modules load as they are)
KEY_VERSION = 3


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


@dataclass
class _ModuleFacts:
    """One target file, read once: its functions' text and the module's skeleton."""

    #: qualname (``f`` or ``Class.f``) -> the function's source, decorators included
    sources: dict[str, str] = field(default_factory=dict)
    #: qualname -> names it mentions (calls, attributes), for its callees
    mentions: dict[str, set[str]] = field(default_factory=dict)
    #: a hash of everything in the module that is not a function body
    skeleton: str = ""


def _is_test(name: str) -> bool:
    return name.startswith("test")


def _module_facts(text: str, pull: Callable[[str], bool] = lambda name: True) -> _ModuleFacts:
    """Split a file into the functions ``pull`` picks (by name) and the rest, its skeleton."""
    facts = _ModuleFacts()
    try:
        tree = ast.parse(text)
    except SyntaxError:
        # the mutation stage refuses such a file before any key is asked for
        facts.skeleton = _digest(text)
        return facts
    lines = text.splitlines(keepends=True)

    def visit(body: list[ast.stmt], prefix: str) -> list[ast.stmt]:
        kept: list[ast.stmt] = []
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and pull(node.name):
                name = prefix + node.name
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                facts.sources[name] = "".join(lines[first - 1 : node.end_lineno])
                facts.mentions[name] = {
                    n.id if isinstance(n, ast.Name) else n.attr
                    for n in ast.walk(node)
                    if isinstance(n, ast.Name | ast.Attribute)
                }
            elif isinstance(node, ast.ClassDef):
                node.body = visit(node.body, f"{prefix}{node.name}.") or [ast.Pass()]
                kept.append(node)
            else:
                kept.append(node)
        return kept

    skeleton = ast.Module(body=visit(tree.body, ""), type_ignores=[])
    # ast.dump leaves out line numbers: adding a function or a blank line elsewhere changes nothing
    facts.skeleton = _digest(ast.dump(skeleton))
    return facts


def _function_text(facts: _ModuleFacts, function: str) -> str:
    """The function's source and that of every same-module function it reaches by name.

    Matching by simple name over-approximates (``self.save`` matches every
    ``save`` in the module): a needless re-run, never a stale verdict.
    """
    by_simple: dict[str, list[str]] = {}
    for name in facts.sources:
        by_simple.setdefault(name.rpartition(".")[2], []).append(name)
    seen = {function}
    todo = [function]
    while todo:
        for mentioned in facts.mentions.get(todo.pop(), ()):
            for callee in by_simple.get(mentioned, ()):
                if callee not in seen:
                    seen.add(callee)
                    todo.append(callee)
    return "\0".join(f"{name}\0{facts.sources.get(name, '')}" for name in sorted(seen))


def pytest_settings(inipath: Path | None) -> str:
    """The text of pytest's configuration, which can change any outcome (addopts,
    filterwarnings, markers).  Of a pyproject.toml only the ``[tool.pytest...]``
    tables count: a new gate threshold or a version bump re-runs nothing."""
    if inipath is None:
        return ""
    try:
        if inipath.name != "pyproject.toml":
            return inipath.read_text(encoding="utf-8", errors="replace")
        with inipath.open("rb") as f:
            return json.dumps(tomllib.load(f).get("tool", {}).get("pytest", {}), sort_keys=True, default=str)
    except (OSError, tomllib.TOMLDecodeError):
        return ""


def _conftests(test_file: Path, rootdir: Path) -> list[Path]:
    """The conftest.py files pytest loads for a test file: its directory and every parent up to rootdir."""
    found = []
    directory = test_file.parent
    while True:
        candidate = directory / "conftest.py"
        if candidate.is_file():
            found.append(candidate)
        if directory == rootdir or directory.parent == directory or rootdir not in directory.parents:
            break
        directory = directory.parent
    return found


class KeyMaker:
    """Builds the key of each mutant of one run; reads every file at most once."""

    def __init__(
        self,
        rootdir: Path,
        run_context: dict[str, Any],
        test_files: dict[str, str],
        versions: Iterable[str],
    ) -> None:
        self._rootdir = rootdir
        self._test_files = test_files
        self._modules: dict[Path, _ModuleFacts] = {}
        self._file_hashes: dict[Path, str] = {}
        self._test_hashes: dict[str, str] = {}
        #: (file, function) -> the hash of its text, its callees' and its module's skeleton
        self._functions: dict[tuple[Path, str], str] = {}
        self._all_conftests: list[str] | None = None
        self._global = _digest(
            str(KEY_VERSION),
            *versions,
            f"{sys.version_info.major}.{sys.version_info.minor}",
            json.dumps(run_context, sort_keys=True, default=str),
        )

    def _file_hash(self, path: Path) -> str:
        if path not in self._file_hashes:
            try:
                self._file_hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self._file_hashes[path] = "unreadable"
        return self._file_hashes[path]

    def _test_file(self, path: Path) -> _ModuleFacts:
        if path not in self._modules:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = ""
            self._modules[path] = _module_facts(text, pull=_is_test)
        return self._modules[path]

    def test_key(self, test: str) -> str:
        """A test's identity and the text it runs with: its own function, the rest
        of its file (helpers, fixtures, imports) and the conftest files above it.

        Adding a test to a file, or editing another test in it, leaves this key
        alone; editing a helper or fixture in the file changes every test's.
        """
        if test not in self._test_hashes:
            # the same test in every process: parametrize over a set numbers its cases anew each run
            parts = [self._global, normalized(test)]
            if test in self._test_files:
                file = Path(self._test_files[test])
                facts = self._test_file(file)
                # "tests/test_a.py::TestC::test_x[1-2]" -> "TestC.test_x"
                qualname = ".".join(test.split("::")[1:]).partition("[")[0]
                own = facts.sources.get(qualname)
                # a test we cannot find by name (generated, doctest): the whole file
                parts += [facts.skeleton, own] if own is not None else [self._file_hash(file)]
                parts += [f"{p}\0{self._file_hash(p)}" for p in _conftests(file, self._rootdir)]
            self._test_hashes[test] = _digest(*parts)
        return self._test_hashes[test]

    def mutant_key(self, spec: MutantSpec, path: Path, text: str, tests: Iterable[str]) -> str:
        if (path, spec.function) not in self._functions:
            if path not in self._modules:
                self._modules[path] = _module_facts(text)
            facts = self._modules[path]
            self._functions[path, spec.function] = _digest(
                facts.skeleton, _function_text(facts, spec.function)
            )
        return _digest(
            self._global,
            spec.id,
            spec.operator,
            spec.original,
            spec.replacement,
            "\n".join(spec.before),
            "\n".join(spec.after),
            self._functions[path, spec.function],
            *sorted(self.test_key(t) for t in set(tests)),
        )

    def property_key(self, module: str, text: str, function: str, tests: Iterable[str], options: str) -> str:
        """What one function's property checks depend on.

        Coarser than a mutant's key: the whole module's text (a check pairs
        the function with a sibling for round trips, and runs what it calls);
        the tests that record its arguments; every conftest, since one may
        register a strategy the checks draw from; and the checks' options.
        """
        return _digest(
            self._global,
            "properties",
            options,
            module,
            function,
            _digest(text),
            *sorted(self.test_key(t) for t in set(tests)),
            *self._conftest_hashes(),
        )

    def _conftest_hashes(self) -> list[str]:
        if self._all_conftests is None:
            found: set[Path] = set()
            for file in set(self._test_files.values()):
                found.update(_conftests(Path(file), self._rootdir))
            self._all_conftests = [f"{p}\0{self._file_hash(p)}" for p in sorted(found)]
        return self._all_conftests
