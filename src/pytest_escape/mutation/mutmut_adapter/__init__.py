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

import importlib.metadata

from mutmut.mutation.trampoline import set_mutant_under_test

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


__all__ = ["FORCED_FAILURE", "MUTMUT_VERSION", "activate"]
