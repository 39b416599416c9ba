"""Load the target modules from the text the run was planned on, and switch
the live mutant on in each one as it loads.

A ``sys.meta_path`` finder placed before every other finder answers for the
target modules only, with a loader that compiles that text under the
original file name (``__file__`` and relative data files keep working), and
then hands the module to ``on_load``: a module a test imports or reloads
after a mutant was switched on runs that mutant too.  Everything else is
left to Python's normal machinery.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from types import CodeType, ModuleType

#: called with each module the hook has just loaded
OnLoad = Callable[[ModuleType], None]


class _MutatedSourceLoader(importlib.machinery.SourceFileLoader):
    """Loads one module from the planned text; never reads or writes bytecode caches."""

    def __init__(self, fullname: str, path: str, code: str, on_load: OnLoad | None) -> None:
        super().__init__(fullname, path)
        self._code = code
        self._on_load = on_load

    def exec_module(self, module: ModuleType) -> None:
        super().exec_module(module)
        if self._on_load is not None:
            self._on_load(module)

    def get_source(self, fullname: str) -> str:
        return self._code

    def get_code(self, fullname: str) -> CodeType:
        return compile(self._code, self.path, "exec", dont_inherit=True)


class MutantFinder(importlib.abc.MetaPathFinder):
    """Finds the target modules in memory; ``code_by_module`` maps name -> (path, code)."""

    def __init__(self, code_by_module: Mapping[str, tuple[str, str]], on_load: OnLoad | None = None) -> None:
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
        filename, code = entry
        is_package = os.path.basename(filename) == "__init__.py"
        return importlib.util.spec_from_file_location(
            fullname,
            filename,
            loader=_MutatedSourceLoader(fullname, filename, code, self._on_load),
            submodule_search_locations=[os.path.dirname(filename)] if is_package else None,
        )

    def served_by_us(self, module: ModuleType) -> bool:
        return isinstance(getattr(module, "__loader__", None), _MutatedSourceLoader)


def install(code_by_module: Mapping[str, tuple[str, str]], on_load: OnLoad | None = None) -> MutantFinder:
    """Serve ``code_by_module`` (name -> (path, code)); ``on_load(module)`` after each load."""
    finder = MutantFinder(code_by_module, on_load)
    sys.meta_path.insert(0, finder)
    return finder
