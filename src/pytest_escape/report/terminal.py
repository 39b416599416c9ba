"""The per-module table and the list of surviving mutants, as plain text lines."""

from __future__ import annotations

from collections import Counter

from ..model import (
    CONFIRMING_ONLY,
    LABELS,
    PSEUDO_TESTED,
    SURVIVED,
    VERDICTS,
    WITNESSED,
    MutantResult,
    Results,
    Tally,
    Witness,
)

DEFAULT_SURVIVOR_LIMIT = 10
#: findings listed per module and kind before "... and N more"
DEFAULT_FINDING_LIMIT = 10


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def _row(name: str, tally: Tally, width: int) -> str:
    counts = (tally.total, tally.killed, tally.survived, tally.timeout, tally.no_coverage, tally.error)
    return f"{name:<{width}} " + " ".join(f"{c:>8}" for c in counts) + f" {_score(tally.score):>7}"


def render_table(results: Results) -> list[str]:
    modules = results.by_module()
    width = max([len("Module"), len("TOTAL"), *(len(m) for m in modules)])
    header = (
        f"{'Module':<{width}} "
        + " ".join(f"{h:>8}" for h in ("Mutants", "Killed", "Survived", "Timeout", "NoCov", "Error"))
        + f" {'Score':>7}"
    )
    lines = [header, "-" * len(header)]
    for name in sorted(modules):
        lines.append(_row(name, Tally.of(modules[name]), width))
    lines.append("-" * len(header))
    lines.append(_row("TOTAL", results.tally(), width))
    return lines


def describe_witness(witness: Witness) -> list[str]:
    """The witness search's verdict, the input, and the verified test, indented under a survivor."""
    if witness.verdict == WITNESSED:
        lines = [f"    witnessed: {witness.input} {witness.original}; the mutant {witness.mutant}"]
        if witness.test:
            lines.append("    regression test (passes on the original, fails on the mutant):")
            lines.extend(f"        {line}".rstrip() for line in witness.test.splitlines())
        elif witness.test_dropped:
            lines.append(f"    no regression test: {witness.test_dropped}")
        return lines
    return [f"    {witness.verdict}: {witness.reason}"]


def describe_survivor(mutant: MutantResult) -> list[str]:
    old, new = mutant.diff_lines()
    lines = [
        f"{mutant.file}:{mutant.line}: {mutant.operator} in {mutant.function} ({mutant.id})",
        f"    - {old}",
        f"    + {new}",
    ]
    if mutant.witness is not None:
        lines.extend(describe_witness(mutant.witness))
    return lines


def witness_summary(survivors: list[MutantResult]) -> str | None:
    """``witnesses: 3 witnessed (3 verified tests), 1 likely equivalent``, or None if none searched."""
    found = [m.witness for m in survivors if m.witness is not None]
    if not found:
        return None
    counts = Counter(w.verdict for w in found)
    parts = []
    for verdict in VERDICTS:
        if counts[verdict]:
            part = f"{counts[verdict]} {verdict}"
            if verdict == WITNESSED:
                part += f" ({sum(1 for w in found if w.test)} verified regression tests)"
            parts.append(part)
    return "witnesses: " + ", ".join(parts)


def render_findings(results: Results, verbosity: int = 0) -> list[str]:
    """Per module: its functions' labels, its pseudo-tested functions and the
    confirming-only tests that run it (each under the module of the first
    target function it executes), with the reasons and the smells."""
    if not results.functions:
        return []
    limit = None if verbosity > 0 else DEFAULT_FINDING_LIMIT
    lines = ["", "Pseudo-tested functions and confirming-only tests:"]
    module_of = {f.qualname: f.module for f in results.functions}
    home = {t.id: module_of.get(t.functions[0]) for t in results.tests if t.functions}
    for module in sorted(set(module_of.values())):
        functions = [f for f in results.functions if f.module == module]
        tests = [t for t in results.tests if home.get(t.id) == module]
        counts = Counter(f.label for f in functions)
        labels = ", ".join(f"{counts[label]} {label}" for label in LABELS if counts[label])
        flagged = [t for t in tests if t.verdict == CONFIRMING_ONLY]
        judged = [t for t in tests if t.verdict is not None]
        lines.append(
            f"{module}: {len(functions)} functions ({labels}); "
            f"{len(flagged)} of {len(judged)} tests confirming-only"
        )
        pseudo = [f for f in functions if f.label == PSEUDO_TESTED]
        for f in pseudo[:limit]:
            lines.append(f"  pseudo-tested {f.name} ({f.file}:{f.line}): {f.reason}")
        for t in flagged[:limit]:
            lines.append(f"  confirming-only {t.id}: {t.reason}")
            lines.extend(f"      {s.tag} (line {s.line}): {s.detail}" for s in t.smells)
        hidden = len(pseudo) + len(flagged) - len(pseudo[:limit]) - len(flagged[:limit])
        if hidden:
            lines.append(f"  ... and {hidden} more (use -v to list all)")
    return lines


def render_terminal(results: Results, verbosity: int = 0) -> list[str]:
    lines = render_table(results)
    lines.extend(render_findings(results, verbosity))
    survivors = [m for m in results.mutants if m.status == SURVIVED]
    if survivors:
        limit = None if verbosity > 0 else DEFAULT_SURVIVOR_LIMIT
        shown = survivors if limit is None else survivors[:limit]
        lines.append("")
        lines.append(f"Surviving mutants ({len(survivors)}):")
        for mutant in shown:
            lines.extend(describe_survivor(mutant))
        if len(shown) < len(survivors):
            lines.append(f"... and {len(survivors) - len(shown)} more (use -v to list all)")
        summary = witness_summary(survivors)
        if summary:
            lines.append(summary)
    for test, reason in results.excluded_tests.items():
        lines.append(f"warning: excluded {test}: {reason}")
    for warning in results.warnings:
        lines.append(f"warning: {warning}")
    tally = results.tally()
    lines.append("")
    without = (
        f"; {_score(tally.score_without_equivalent)} without the {tally.equivalent} likely equivalent"
        if tally.equivalent
        else ""
    )
    lines.append(
        f"mutation score {_score(tally.score)} (covered {_score(tally.covered_score)}{without}): "
        f"{tally.detected} detected of {tally.total} mutants in {results.duration:.1f} s"
    )
    return lines
