"""Which tests a mutant is run against: the ones that executed its statement."""

from __future__ import annotations

from pathlib import Path

from ..coverage_map import Baseline
from ..mutation import MutantSpec


def covering_tests(spec: MutantSpec, path: Path, baseline: Baseline) -> list[str]:
    """Tests that executed the mutated statement, fastest first.

    A mutant in a ``def`` line (a default value) runs at import time, under no
    test; the tests that executed the function's body are the ones that see it.
    """
    if spec.in_signature:
        lines: range | list[int] = range(spec.function_span.start_line + 1, spec.function_span.end_line + 1)
    else:
        lines = [spec.statement.start_line]
    tests = baseline.tests_on_lines(path, lines)
    order = {t: i for i, t in enumerate(baseline.tests)}
    return sorted(tests, key=lambda t: (baseline.durations.get(t, 0.0), order.get(t, 0)))
