"""Planting faults: mutmut's operators behind one adapter (``mutmut_adapter``),
a text layout of the mutant schemata, and the import hook that serves mutated
modules from memory.

Importing this package is cheap; mutant generation (libcst) lives in
``mutmut_adapter.generate`` and is imported only where mutants are made.
"""

from .types import MutantSpec, MutatedModule, Span

__all__ = ["MutantSpec", "MutatedModule", "Span"]
