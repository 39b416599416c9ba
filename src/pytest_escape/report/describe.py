"""What every report says the same way: scores, witness sentences, and the
per-module summary (its mutants, functions and the tests that call it home).

Each format renders these its own way; none of them works the numbers out
again, so the terminal, Markdown, HTML, SARIF and JUnit reports cannot
disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import (
    CONFIRMING_ONLY,
    LABELS,
    PSEUDO_TESTED,
    SURVIVED,
    WITNESSED,
    FunctionResult,
    LeftOut,
    MutantResult,
    PropertyResult,
    Results,
    SmellInfo,
    Tally,
    TestInfo,
    Witness,
)
from ..oracle.verdicts import NOT_FLAGGED
from ..wording import operator_words, percent, plural, some_names

#: Stryker's default score bands: at least HIGH is good, at least LOW fair, below poor
HIGH, LOW = 80.0, 60.0


def score_band(value: float | None) -> str | None:
    """``good``, ``fair`` or ``poor`` (None when nothing was measured), for colours and bars."""
    if value is None:
        return None
    return "good" if value >= HIGH else "fair" if value >= LOW else "poor"


def score_text(value: float | None) -> str:
    """``87.5%``; ``n/a`` when nothing was measured (never a made-up 100 %)."""
    return "n/a" if value is None else percent(value)


def in_report_order(survivors: list[MutantResult]) -> list[MutantResult]:
    """Survivors as listed: those witnessed only outside what the tests ever
    passed come last, since no caller may see their difference."""
    return sorted(survivors, key=lambda m: m.witness is not None and m.witness.outside is not None)


def property_where(p: PropertyResult) -> str:
    """`` (seen only outside what your tests ever passed: alphabet is empty)``, or ""."""
    return f" (seen only outside what your tests ever passed: {p.outside})" if p.outside else ""


def witness_sentence(witness: Witness) -> str:
    """``witnessed: f(x=10) returns 1; the mutant returns 0``, or the verdict and its reason."""
    if witness.verdict == WITNESSED and witness.input and witness.mutant:
        where = f" outside what your tests ever passed ({witness.outside})" if witness.outside else ""
        return f"{witness.verdict}{where}: {witness.input} {witness.original}; the mutant {witness.mutant}"
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
        """Tests with a verdict, and those judged but not flagged for want of evidence."""
        return [t for t in self.tests if t.verdict is not None or (t.reason or "").startswith(NOT_FLAGGED)]

    def label_counts(self) -> str:
        """``2 tested, 1 pseudo-tested`` in LABELS order."""
        counts = Counter(f.label for f in self.functions)
        return ", ".join(f"{counts[label]} {label}" for label in LABELS if counts[label])


def module_summaries(results: Results) -> list[ModuleSummary]:
    """Every module with mutants or target functions, sorted by name.

    A test is listed under the module of the first target function it
    executes, so each test appears once however many modules it touches.
    """
    files = {f.module: f.path for f in results.files}
    mutants = results.by_module()
    module_of = {f.qualname: f.module for f in results.functions}
    # a file with nothing to mutate (an empty __init__.py) would only add a row of zeros
    names = sorted({name for name, found in mutants.items() if found} | set(module_of.values()))
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


def diff_text(mutant: MutantResult) -> list[str]:
    """``- old`` and ``+ new``: the changed line, shown the same in every format."""
    old, new = mutant.diff_lines()
    return [f"- {old}", f"+ {new}"]


def mutant_place(mutant: MutantResult) -> str:
    """``Cart.add #3 (src/shop/cart.py:8): an operator swapped``: a mutant's
    headline in every report a person reads."""
    return f"{mutant.name} ({mutant.file}:{mutant.line}): {operator_words(mutant.operator)}"


def survivor_text(mutant: MutantResult) -> list[str]:
    """A survivor as plain lines for a CI annotation or a failure body: where it
    is, the change, what the witness search found and the test that kills it."""
    lines = [f"{mutant_place(mutant)}, survived", *diff_text(mutant)]
    if mutant.witness is not None:
        lines.append(witness_sentence(mutant.witness))
        if mutant.witness.test:
            lines.append("regression test (passes on the original, fails on the mutant):")
            lines.extend(mutant.witness.test.rstrip("\n").splitlines())
        elif mutant.witness.test_dropped:
            lines.append(f"no regression test: {mutant.witness.test_dropped}")
    return lines


def smell_text(smell: SmellInfo) -> str:
    """``no assertion (line 17): no assert ...``: one smell of a flagged test."""
    return f"{smell.tag} (line {smell.line}): {smell.detail}"


def survivors(results: Results) -> list[MutantResult]:
    return [m for m in results.mutants if m.status == SURVIVED]


def pseudo_tested(results: Results) -> list[FunctionResult]:
    return [f for f in results.functions if f.label == PSEUDO_TESTED]


@dataclass(frozen=True)
class TestGroup:
    """The flagged cases of one test function: a parametrized test's cases
    usually share one reason, and are read as one finding."""

    __test__ = False  # a name pytest would otherwise try to collect

    #: the first flagged case: its reason and smells stand for the group
    first: TestInfo
    cases: int

    @property
    def title(self) -> str:
        """``tests/t.py::test_x[1]``, or ``tests/t.py::test_x (12 parametrized cases)``;
        the reason shown is the first case's, and names its call."""
        if self.cases == 1:
            return self.first.id
        return f"{self.first.id.partition('[')[0]} ({self.cases} parametrized cases)"


def grouped(tests: Iterable[TestInfo]) -> list[TestGroup]:
    """Flagged tests with their parametrized cases together, in first-seen order."""
    groups: dict[str, list[TestInfo]] = {}
    for t in tests:
        groups.setdefault(t.id.partition("[")[0], []).append(t)
    return [TestGroup(cases[0], len(cases)) for cases in groups.values()]


def confirming_only(results: Results) -> list[TestInfo]:
    """Every flagged test, including one that executes no target function
    (which ``module_summaries`` has no module to list under)."""
    return [t for t in results.tests if t.verdict == CONFIRMING_ONLY]


def function_warnings(left_out: Iterable[LeftOut]) -> list[str]:
    """One warning per reason functions get no mutant, with their count and names."""
    groups: dict[str, list[str]] = {}
    for entry in left_out:
        if entry.kind == "function" and entry.function is not None:
            groups.setdefault(entry.reason, []).append(f"{entry.path}::{entry.function}")
    return [
        f"not mutated: {plural(len(names), 'function')} ({reason}): {some_names(names)}"
        for reason, names in groups.items()
    ]


def reach_sentence(results: Results) -> str:
    """How much of the code is under test, and how much is not mutated: the
    score describes the first part only, so every report says both."""
    functions = {(f.module, f.name) for f in results.functions}
    line = f"under test: {plural(len(results.files), 'file')}, {plural(len(functions), 'function')}"
    kinds = Counter(entry.kind for entry in results.left_out)
    if kinds:
        parts = [plural(kinds[k], k) for k in ("directory", "file", "function") if kinds[k]]
        line += f"; not mutated: {', '.join(parts)} (each named in the warnings, with the reason)"
    return line
