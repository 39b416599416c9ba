"""Which tests a mutant is run against, in which order."""

from __future__ import annotations

from pathlib import Path

from ..coverage_map import Baseline
from ..mutation import MutantSpec


def covering_tests(spec: MutantSpec, path: Path, baseline: Baseline) -> list[str]:
    """The tests that executed the mutated statement, then the function's other tests.

    Line coverage alone is order-dependent: a line that fills a module-level
    cache runs only under whichever test called the function first (isodate's
    regex cache; with parametrize over a ``set`` that test changes with the
    hash seed, and so did verdicts).  In a child the cache starts empty, so
    every test of the function can meet the mutant; a mutant survives only if
    none of them notices.  Line tests go first because they kill soonest (each group cheapest first), and
    a mutant on a line no test executes has no coverage: nothing is run.

    A mutant in a ``def`` line (a default value) runs at import time, under
    no test; the tests that executed the function's body are its tests.
    """
    body = range(spec.function_span.start_line + 1, spec.function_span.end_line + 1)
    if spec.in_signature:
        line_tests = baseline.tests_on_lines(path, body)
    else:
        line_tests = baseline.tests_on_lines(path, [spec.statement.start_line])
    if not line_tests:
        return []
    others = baseline.tests_on_lines(path, body) - line_tests
    return baseline.cheapest_first(line_tests) + baseline.cheapest_first(others)


#: the most tests a mutant on a line coverage saw no test run is run against
UNSEEN_TESTS = 10


def unseen_tests(spec: MutantSpec, path: Path, baseline: Baseline) -> list[str]:
    """For a mutant on a line coverage saw no test execute: the passing
    tests coverage could not see through (``Baseline.blind``: they change
    the trace or profile function, or failed under coverage), those that
    visibly ran its function first,
    then its file's code, then the rest, each cheapest first; at most
    ``UNSEEN_TESTS``.

    One of them may have run the line where coverage could not look; a
    mutant that one of them kills was reached, and one that none kills
    keeps "no coverage", saying which ran (``worker``).
    """
    blind = {t for t in baseline.blind if t in baseline.passed}
    if not blind:
        return []
    body = range(spec.function_span.start_line + 1, spec.function_span.end_line + 1)
    in_function = baseline.tests_on_lines(path, body) & blind
    in_file = set().union(*baseline.lines.get(path, {}).values()) & blind - in_function
    rest = blind - in_function - in_file
    ordered = [*baseline.cheapest_first(in_function), *baseline.cheapest_first(in_file)]
    return [*ordered, *baseline.cheapest_first(rest)][:UNSEEN_TESTS]
