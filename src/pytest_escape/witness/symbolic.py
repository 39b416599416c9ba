"""The optional second stage: CrossHair's symbolic search on what Hypothesis left.

Hypothesis samples; CrossHair solves.  A survivor that no sampled input
separated (``x * 3 == 4000000002``) may still have a witness CrossHair can
compute, and if CrossHair exhausts every path of both versions without a
difference, the mutant is *proven* equivalent (within CrossHair's model of
Python).  Imported only with ``--escape-witness-backend crosshair``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class SymbolicResult:
    #: the separating input, as CrossHair's reprs by parameter name
    arguments: dict[str, str] | None
    #: every path of both versions was explored, and none differed
    exhausted: bool
    error: str | None = None


def diff(original: Callable[..., Any], mutant: Callable[..., Any], seconds: float) -> SymbolicResult:
    """Search, for about ``seconds``, an input on which the two functions differ."""
    import crosshair.core_and_libs  # noqa: F401 - loads CrossHair's patches; needed before any analysis
    from crosshair.diff_behavior import diff_behavior
    from crosshair.fnutil import FunctionInfo
    from crosshair.options import DEFAULT_OPTIONS, AnalysisOptionSet
    from crosshair.tracers import COMPOSITE_TRACER

    options = DEFAULT_OPTIONS.overlay(
        AnalysisOptionSet(per_condition_timeout=seconds, per_path_timeout=max(seconds / 4, 0.5))
    )
    options.stats = Counter()
    with COMPOSITE_TRACER:
        found = diff_behavior(FunctionInfo.from_fn(original), FunctionInfo.from_fn(mutant), options)
    if isinstance(found, str):
        return SymbolicResult(None, False, error=found.splitlines()[0] if found else "failed")
    if found:
        return SymbolicResult(dict(found[0].args), False)
    return SymbolicResult(None, options.stats["exhaustion"] > 0)
