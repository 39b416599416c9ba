"""Serve mutated modules from memory, so the user's files are never written.

A ``sys.meta_path`` finder placed before every other finder answers for the
target modules only, with a loader that compiles the trampolined code under the
original file name (``__file__`` and relative data files keep working).
Everything else is left to Python's normal machinery.
"""

from __future__ import annotations

import ast
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from types import CodeType, ModuleType

#: called with each module the hook has just loaded
OnLoad = Callable[[ModuleType], None]
#: a module served from memory: its file, its code, and the file's line of each line of code
Served = tuple[str, str] | tuple[str, str, Sequence[int]]


def compile_served(code: str, path: str, line_map: Sequence[int] = ()) -> CodeType:
    """``code`` compiled under ``path``, every line numbered as the line of the
    original file it stands for (``line_map``; empty: as it is).

    The served module has more lines than the file (trampolines, copies), but
    tracebacks, ``inspect.getsource`` and instrumenting decorators read the
    file on disk by a code object's line numbers: they must be the file's.
    """
    if not line_map:
        return compile(code, path, "exec", dont_inherit=True)
    tree = ast.parse(code, path)
    last = len(line_map)
    for node in ast.walk(tree):
        lineno = getattr(node, "lineno", None)
        if lineno is not None:
            node.lineno = line_map[min(lineno, last) - 1]  # type: ignore[attr-defined]
            end = getattr(node, "end_lineno", None)
            node.end_lineno = line_map[min(end, last) - 1] if end is not None else None  # type: ignore[attr-defined]
            if node.end_lineno is not None and node.end_lineno < node.lineno:  # type: ignore[attr-defined]
                node.end_lineno = node.lineno  # type: ignore[attr-defined]
    return compile(tree, path, "exec", dont_inherit=True)


class _MutatedSourceLoader(importlib.machinery.SourceFileLoader):
    """Loads one module's mutated code; never reads or writes bytecode caches."""

    def __init__(
        self, fullname: str, path: str, code: str, on_load: OnLoad | None, line_map: Sequence[int] = ()
    ) -> None:
        super().__init__(fullname, path)
        self._code = code
        self._on_load = on_load
        self._line_map = tuple(line_map)

    def exec_module(self, module: ModuleType) -> None:
        super().exec_module(module)
        if self._on_load is not None:
            self._on_load(module)

    def get_source(self, fullname: str) -> str:
        if self._line_map:
            # its code objects carry the file's line numbers: the file's text is their source
            with open(self.path, encoding="utf-8", errors="replace") as f:
                return f.read()
        return self._code

    def get_code(self, fullname: str) -> CodeType:
        return compile_served(self._code, self.path, self._line_map)


class MutantFinder(importlib.abc.MetaPathFinder):
    """Finds the target modules in memory; ``code_by_module`` maps name -> (path, code)
    or (path, code, line map)."""

    def __init__(self, code_by_module: Mapping[str, Served], on_load: OnLoad | None = None) -> None:
        self._code_by_module = dict(code_by_module)
        self._on_load = on_load

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        entry = self._code_by_module.get(fullname)
        if entry is None:
            return None
        filename, code, *rest = entry
        is_package = os.path.basename(filename) == "__init__.py"
        return importlib.util.spec_from_file_location(
            fullname,
            filename,
            loader=_MutatedSourceLoader(fullname, filename, code, self._on_load, rest[0] if rest else ()),
            submodule_search_locations=[os.path.dirname(filename)] if is_package else None,
        )

    def served_by_us(self, module: ModuleType) -> bool:
        return isinstance(getattr(module, "__loader__", None), _MutatedSourceLoader)


def install(code_by_module: Mapping[str, Served], on_load: OnLoad | None = None) -> MutantFinder:
    """Serve ``code_by_module`` (name -> (path, code[, line map])); ``on_load(module)`` after each load."""
    finder = MutantFinder(code_by_module, on_load)
    sys.meta_path.insert(0, finder)
    return finder
