"""From the plan, the cache's outcomes and the worker's events to a finished ``Results``.

Pure, and the only place verdicts meet records: each mutant's blank record
(``plan.blank_mutant``) is copied with its verdict and witness, each function's
with its extreme mutant's, the property findings are placed in their files,
and the oracle (labels, test verdicts, smells) runs once, at the end.  Nothing
changes a ``Results`` after ``assemble`` returns it: reports, the gate and
the cache only read it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .execution.protocol import Verdict
from .model import (
    EXTREME,
    PROPERTIES,
    Evidence,
    FunctionResult,
    Kill,
    MutantResult,
    PropertyResult,
    Results,
    Witness,
)
from .oracle.verdicts import assess, unmapped_tests_warning


def with_verdict(
    blank: MutantResult, verdict: Verdict | None, witness: Witness | None = None
) -> MutantResult:
    """A mutant's record with its verdict (from the worker or the cache) and witness."""
    if verdict is None:
        return dataclasses.replace(blank, witness=witness)
    return dataclasses.replace(
        blank,
        status=verdict.status,
        killed_by=verdict.killed_by,
        status_reason=verdict.reason,
        tests_run=verdict.tests_run,
        duration=verdict.duration,
        kills=[Kill(k.test, k.exception, k.line) for k in verdict.kills],
        passed_by=list(verdict.passed),
        witness=witness,
    )


def _extreme_verdict(
    blank: MutantResult | None, outcomes: Mapping[str, Verdict], order: Mapping[str, int]
) -> MutantResult | None:
    return None if blank is None else _in_order(with_verdict(blank, outcomes.get(blank.id)), order)


def _in_order(mutant: MutantResult, order: Mapping[str, int]) -> MutantResult:
    return dataclasses.replace(
        mutant, passed_by=sorted(mutant.passed_by, key=lambda t: (order.get(t, len(order)), t))
    )


def place_properties(
    found: Sequence[PropertyResult], functions: Sequence[FunctionResult]
) -> list[PropertyResult]:
    """The property results, placed in their functions' files, in report order."""
    where = {(f.module, f.name): f for f in functions}
    results = []
    for result in found:
        function = where[(result.module, result.function)]
        results.append(dataclasses.replace(result, file=function.file, line=function.line))
    order = {p: i for i, p in enumerate(PROPERTIES)}
    return sorted(results, key=lambda r: (r.module, r.line, r.function, order.get(r.property, 99)))


@dataclass
class RunFacts:
    """What the run learnt besides verdicts."""

    #: nodeid -> why it was left out of mutant runs (its self-check failed)
    excluded_tests: dict[str, str] = field(default_factory=dict)
    #: nodeid -> the proof that it only confirms (``execution.evidence``)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    executed: int = 0
    from_cache: int = 0
    duration: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


def assemble(
    skeleton: Results,
    outcomes: Mapping[str, Verdict],
    witnesses: Mapping[str, Witness],
    properties: Sequence[PropertyResult],
    facts: RunFacts,
    test_sources: Mapping[str, str],
) -> Results:
    """The finished results.  ``skeleton`` holds the blank records (``plan``);
    ``test_sources`` the text of each test file, for the oracle's smells."""
    # the tests a mutant met, in source order: the order they ran in follows
    # each test's lines run, which a project's own hash(None) can change
    order = {t.id: i for i, t in enumerate(skeleton.tests)}
    mutants = [
        _in_order(with_verdict(m, outcomes.get(m.id), witnesses.get(m.id)), order) for m in skeleton.mutants
    ]
    functions = [
        dataclasses.replace(
            f,
            extreme=_extreme_verdict(f.extreme, outcomes, order),
            second_extreme=_extreme_verdict(f.second_extreme, outcomes, order),
        )
        for f in skeleton.functions
    ]
    results = dataclasses.replace(
        skeleton,
        mutants=mutants,
        functions=functions,
        tests=[dataclasses.replace(t, evidence=facts.evidence.get(t.id, t.evidence)) for t in skeleton.tests],
        properties=place_properties(properties, functions),
        excluded_tests={**skeleton.excluded_tests, **facts.excluded_tests},
        warnings=[*skeleton.warnings, *facts.warnings],
        executed=facts.executed,
        from_cache=facts.from_cache,
        duration=facts.duration,
        timings={k: round(v, 3) for k, v in facts.timings.items()},
    )
    assess(results, dict(test_sources))
    # a shard runs some of the functions: its merge names the tests that run none
    if results.shard is None and (unmapped := unmapped_tests_warning(results)) is not None:
        results.warnings.append(unmapped)
    return results


def regular(mutants: Sequence[MutantResult]) -> list[MutantResult]:
    """The mutants a score counts (extreme ones are about functions)."""
    return [m for m in mutants if m.operator != EXTREME]
