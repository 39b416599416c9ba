"""What every report says the same way: scores, witness sentences, and the
per-module summary (its mutants, functions and the tests that call it home).

Each format renders these its own way; none of them works the numbers out
again, so the terminal, Markdown, HTML, SARIF and JUnit reports cannot
disagree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..model import (
    CONFIRMING_ONLY,
    LABELS,
    PSEUDO_TESTED,
    SURVIVED,
    WITNESSED,
    FunctionResult,
    MutantResult,
    Results,
    Tally,
    TestInfo,
    Witness,
)


def score_text(value: float | None) -> str:
    """``87.5%``; ``n/a`` when nothing was measured (never a made-up 100 %)."""
    return "n/a" if value is None else f"{value:.1f}%"


def witness_sentence(witness: Witness) -> str:
    """``witnessed: f(x=10) returns 1; the mutant returns 0``, or the verdict and its reason."""
    if witness.verdict == WITNESSED and witness.input and witness.mutant:
        return f"{witness.verdict}: {witness.input} {witness.original}; the mutant {witness.mutant}"
    return f"{witness.verdict}: {witness.reason}" if witness.reason else witness.verdict


@dataclass
class ModuleSummary:
    """One row of the per-module table, with the findings listed under it."""

    module: str
    #: its file, relative to the project root ("" when no mutant or function names one)
    file: str
    tally: Tally
    mutants: list[MutantResult]
    functions: list[FunctionResult]
    #: tests whose first executed target function lives here
    tests: list[TestInfo] = field(default_factory=list)

    @property
    def survivors(self) -> list[MutantResult]:
        return [m for m in self.mutants if m.status == SURVIVED]

    @property
    def pseudo_tested(self) -> list[FunctionResult]:
        return [f for f in self.functions if f.label == PSEUDO_TESTED]

    @property
    def confirming_only(self) -> list[TestInfo]:
        return [t for t in self.tests if t.verdict == CONFIRMING_ONLY]

    @property
    def judged_tests(self) -> list[TestInfo]:
        return [t for t in self.tests if t.verdict is not None]

    def label_counts(self) -> str:
        """``2 tested, 1 pseudo-tested`` in LABELS order."""
        counts = Counter(f.label for f in self.functions)
        return ", ".join(f"{counts[label]} {label}" for label in LABELS if counts[label])


def module_summaries(results: Results) -> list[ModuleSummary]:
    """Every module with mutants or functions, sorted by name.

    A test is listed under the module of the first target function it
    executes, so each test appears once however many modules it touches.
    """
    files = {f.module: f.path for f in results.files}
    mutants = results.by_module()
    module_of = {f.qualname: f.module for f in results.functions}
    names = sorted(set(mutants) | set(module_of.values()))
    summaries = {
        name: ModuleSummary(
            module=name,
            file=files.get(name, ""),
            tally=Tally.of(mutants.get(name, [])),
            mutants=mutants.get(name, []),
            functions=[f for f in results.functions if f.module == name],
        )
        for name in names
    }
    for test in results.tests:
        home = module_of.get(test.functions[0]) if test.functions else None
        if home in summaries:
            summaries[home].tests.append(test)
    return list(summaries.values())
