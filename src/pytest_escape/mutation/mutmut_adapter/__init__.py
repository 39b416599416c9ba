"""The adapter around mutmut: the only place in pytest-escape that imports it.

mutmut's internals are not a stable API.  Everything we take from it (its
libcst operators, its pragma handling, its trampoline runtime and its mutant
naming) passes through this package, and ``tests/test_mutmut_adapter.py`` pins
the exact output for a fixed input, so an upgrade that changes any of it fails
our tests instead of silently changing users' results.

Two halves, because their costs differ: this module is the runtime switch
that mutated code needs (cheap to import, used in every mutant's process);
``generate`` plants mutants with libcst (0.8 s to import, used only in the
background processes that generate them).
"""

from __future__ import annotations

import functools
import importlib.metadata
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import CodeType
from typing import Any

from mutmut.mutation.trampoline import set_mutant_under_test
from mutmut.mutation.trampoline_templates import CLASS_NAME_SEPARATOR

MUTMUT_VERSION = "3.8.1"

#: The mutant name that makes every trampoline raise: proves mutated code is reached.
FORCED_FAILURE = "fail"

_installed = importlib.metadata.version("mutmut")
if _installed != MUTMUT_VERSION:
    raise ImportError(
        f"pytest-escape needs mutmut {MUTMUT_VERSION} exactly, found {_installed}; "
        f"run: pip install mutmut=={MUTMUT_VERSION}"
    )


def activate(mutant_id: str | None) -> None:
    """Make ``mutant_id`` the live mutant in this process (``None``/"" = original)."""
    set_mutant_under_test(mutant_id or "")


def _mangled(qualname: str) -> str:
    # mutmut's mangle_function_name, for the two forms it produces
    owner, _, name = qualname.rpartition(".")
    return f"x{CLASS_NAME_SEPARATOR}{owner}{CLASS_NAME_SEPARATOR}{name}" if owner else f"x_{name}"


def _mutants_dict(module: str, qualname: str) -> dict[str, Any]:
    table = getattr(sys.modules[module], f"mutants_{_mangled(qualname)}__mutmut", None)
    if not isinstance(table, dict):
        raise LookupError(f"{module}.{qualname} has no mutants loaded")
    return table


def _code(function: Any) -> CodeType:
    code = getattr(getattr(function, "__func__", function), "__code__", None)
    if not isinstance(code, CodeType):
        raise LookupError(f"{function!r} has no code object")
    return code


def original_function(module: str, qualname: str) -> Any:
    """The original (unmutated) copy of ``qualname``, callable without the trampoline."""
    return _mutants_dict(module, qualname)["_mutmut_orig"]


def mutant_function(mutant_id: str, qualname: str) -> Any:
    """One mutant's copy of the function, callable without the trampoline."""
    module, _, name = mutant_id.rpartition(".")
    return _mutants_dict(module, qualname)[name]


def original_code(module: str, qualname: str) -> CodeType:
    """The code object of the original (unmutated) ``qualname``, as loaded."""
    return _code(_mutants_dict(module, qualname)["_mutmut_orig"])


def mutant_code(mutant_id: str, qualname: str) -> CodeType:
    """The code object of one mutant: its first line is the first line of the
    function's copy (decorators included), laid out like the original."""
    module, _, name = mutant_id.rpartition(".")
    return _code(_mutants_dict(module, qualname)[name])


@contextmanager
def recording_calls(module: str, qualname: str, record: Callable[[dict[str, Any]], None]) -> Iterator[None]:
    """Call ``record(arguments by name)`` for every call that reaches the original.

    The trampoline looks the original up in the mutants dict on every call,
    so swapping the entry sees calls made through any reference to the
    function, including ``from module import f`` taken before.
    """
    table = _mutants_dict(module, qualname)
    original = table["_mutmut_orig"]
    signature = inspect.signature(original)

    @functools.wraps(original)
    def spy(*args: Any, **kwargs: Any) -> Any:
        try:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            record(dict(bound.arguments))
        except Exception:  # noqa: BLE001 - a call we cannot record is just not recorded
            pass
        return original(*args, **kwargs)

    table["_mutmut_orig"] = spy
    try:
        yield
    finally:
        table["_mutmut_orig"] = original


__all__ = [
    "FORCED_FAILURE",
    "MUTMUT_VERSION",
    "activate",
    "mutant_code",
    "mutant_function",
    "original_code",
    "original_function",
    "recording_calls",
]
