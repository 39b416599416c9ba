"""Planting faults: mutmut's operators behind one adapter, and the import hook
that serves mutated modules from memory."""

from .mutmut_adapter import (
    FORCED_FAILURE,
    FORCED_FAILURE_EXCEPTION,
    MUTMUT_VERSION,
    activate,
    mutate_module,
)
from .types import MutantSpec, MutatedModule, Span

__all__ = [
    "FORCED_FAILURE",
    "FORCED_FAILURE_EXCEPTION",
    "MUTMUT_VERSION",
    "MutantSpec",
    "MutatedModule",
    "Span",
    "activate",
    "mutate_module",
]
