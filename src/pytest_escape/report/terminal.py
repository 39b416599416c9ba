"""The terminal report: the per-module table, the findings and the survivors.

Lines are lists of (text, style) pieces so pytest's terminal writer can colour
them when it colours its own output (``--color``), and the same lines print
as plain text (``render_terminal``) for logs and ``pytest-escape report``.

How much is shown follows pytest's verbosity: ``-qq`` the score sentence,
``-q`` the table too, the default adds findings, survivors and violated
properties (ten of each),
``-v`` lifts the caps and ``-vv`` also lists every detected mutant.
"""

from __future__ import annotations

from collections import Counter

from ..model import (
    DETECTED_STATUSES,
    HELD,
    NOT_CHECKED,
    PROPERTY_FINDINGS,
    SURVIVED,
    VERDICTS,
    VIOLATED,
    WITNESSED,
    MutantResult,
    PropertyResult,
    Results,
    Tally,
    Witness,
)
from ..wording import plural
from .describe import (
    ModuleSummary,
    grouped,
    in_report_order,
    module_summaries,
    mutant_place,
    property_where,
    reach_sentence,
    score_band,
    score_text,
    witness_sentence,
)

DEFAULT_SURVIVOR_LIMIT = 10
#: findings listed per module and kind before "... and N more"
DEFAULT_FINDING_LIMIT = 10
#: the colour of each score band (describe.score_band); an unmeasured score is red
BAND_COLOURS = {"good": "green", "fair": "yellow", "poor": "red", None: "red"}

#: a piece of a line and its style: None, or a pytest markup name ("red", "green", "bold", ...)
Piece = tuple[str, str | None]
Line = list[Piece]


def _plain(text: str) -> Line:
    return [(text, None)]


def _styled(text: str, style: str | None) -> Line:
    return [(text, style)]


def score_style(value: float | None) -> str:
    return BAND_COLOURS[score_band(value)]


def _row(name: str, tally: Tally, width: int) -> Line:
    counts = (tally.total, tally.killed, tally.survived, tally.timeout, tally.no_coverage, tally.error)
    cells = f"{name:<{width}} " + " ".join(f"{c:>8}" for c in counts)
    return [(cells, None), (f" {score_text(tally.score):>7}", score_style(tally.score))]


def styled_table(results: Results, summaries: list[ModuleSummary]) -> list[Line]:
    width = max([len("Module"), len("TOTAL"), *(len(s.module) for s in summaries)])
    header = (
        f"{'Module':<{width}} "
        + " ".join(f"{h:>8}" for h in ("Mutants", "Killed", "Survived", "Timeout", "NoCov", "Error"))
        + f" {'Score':>7}"
    )
    rule = _plain("-" * len(header))
    lines = [_styled(header, "bold"), rule]
    lines.extend(_row(s.module, s.tally, width) for s in summaries)
    return [*lines, rule, _row("TOTAL", results.tally(), width)]


def describe_witness(witness: Witness) -> list[Line]:
    """The witness search's verdict, the input, and the verified test, indented under a survivor."""
    style = "yellow" if witness.verdict == WITNESSED else None
    lines = [_styled(f"    {witness_sentence(witness)}", style)]
    if witness.verdict == WITNESSED:
        if witness.test:
            lines.append(_plain("    regression test (passes on the original, fails on the mutant):"))
            lines.extend(_plain(f"        {line}".rstrip()) for line in witness.test.splitlines())
        elif witness.test_dropped:
            lines.append(_plain(f"    no regression test: {witness.test_dropped}"))
    return lines


def describe_survivor(mutant: MutantResult) -> list[Line]:
    old, new = mutant.diff_lines()
    lines = [
        _styled(mutant_place(mutant), "bold"),
        _styled(f"    - {old}", "red"),
        _styled(f"    + {new}", "green"),
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


def styled_findings(summaries: list[ModuleSummary], limit: int | None) -> list[Line]:
    """Per module: its functions' labels, its pseudo-tested functions and the
    confirming-only tests that call it home, with the reasons and the smells."""
    if not any(s.functions for s in summaries):
        return []
    lines = [_plain(""), _styled("Pseudo-tested functions and confirming-only tests:", "bold")]
    for s in summaries:
        if not s.functions:
            continue
        pseudo, flagged = s.pseudo_tested, s.confirming_only
        lines.append(
            _plain(
                f"{s.module}: {plural(len(s.functions), 'function')} ({s.label_counts()}); "
                f"{len(flagged)} of {plural(len(s.judged_tests), 'test')} confirming-only"
            )
        )
        for f in pseudo[:limit]:
            lines.append(
                [("  pseudo-tested ", "yellow"), (f"{f.name} ({f.file}:{f.line}): {f.reason}", None)]
            )
        groups = grouped(flagged)
        for g in groups[:limit]:
            lines.append([("  confirming-only ", "yellow"), (f"{g.title}: {g.first.reason}", None)])
            lines.extend(_plain(f"      {x.tag} (line {x.line}): {x.detail}") for x in g.first.smells)
        hidden = len(pseudo) + len(groups) - len(pseudo[:limit]) - len(groups[:limit])
        if hidden:
            lines.append(_plain(f"  ... and {hidden} more (use -v to list all)"))
    return lines


def property_summary(results: Results) -> str:
    """``properties: 2 violated (2 verified regression tests), 14 held, 1 not checked``."""
    counts = Counter(p.outcome for p in results.properties)
    tests = sum(1 for p in results.violations() if p.test)
    parts = (
        [f"{counts[VIOLATED]} violated ({plural(tests, 'verified regression test')})"]
        if counts[VIOLATED]
        else []
    )
    parts += [f"{counts[o]} {o}" for o in (HELD, NOT_CHECKED) if counts[o]]
    return "properties: " + ", ".join(parts)


def styled_properties(results: Results, limit: int | None) -> list[Line]:
    """Violated properties per module (observations, not gate failures unless asked),
    and at ``-v`` the ones that could not be checked, with why."""
    if not results.properties:
        return []
    gating = PROPERTY_FINDINGS in results.fail_on
    note = "failing the gate: --escape-fail-on properties" if gating else "observations, not gate failures"
    lines = [_plain(""), _styled(f"Property findings ({note}):", "bold")]
    modules: dict[str, list[PropertyResult]] = {}
    for p in results.properties:
        modules.setdefault(p.module, []).append(p)
    for module, found in modules.items():
        counts = Counter(p.outcome for p in found)
        functions = len({p.function for p in found})
        lines.append(
            _plain(
                f"{module}: {plural(functions, 'function')} checked; {counts[VIOLATED]} violated, "
                f"{counts[HELD]} held, {counts[NOT_CHECKED]} not checked"
            )
        )
        violated = sorted((p for p in found if p.outcome == VIOLATED), key=lambda p: p.outside is not None)
        for p in violated[:limit]:
            said = f"{p.function} ({p.file}:{p.line}): {p.input}: {p.observed}; expected {p.reason}"
            style = "red" if gating and not p.outside else "yellow"
            lines.append([(f"  {p.property} ", style), (said + property_where(p), None)])
            if p.test_name:
                lines.append(_plain(f"      regression test {p.test_name} (xfail, strict)"))
                if limit is None and p.test:
                    # -v: the test itself, as a survivor's is shown
                    lines.extend(
                        _plain(f"        {line}" if line else "") for line in p.test.rstrip().splitlines()
                    )
            elif p.test_dropped:
                lines.append(_plain(f"      no regression test: {p.test_dropped}"))
        if limit is not None and len(violated) > limit:
            lines.append(_plain(f"  ... and {len(violated) - limit} more (use -v to list all)"))
        if limit is None:
            for p in found:
                if p.outcome == NOT_CHECKED:
                    lines.append(_plain(f"  not checked {p.property} of {p.function}: {p.reason}"))
    lines.append(_plain(property_summary(results)))
    return lines


def styled_survivors(results: Results, limit: int | None) -> list[Line]:
    survivors = in_report_order([m for m in results.mutants if m.status == SURVIVED])
    if not survivors:
        return []
    shown = survivors if limit is None else survivors[:limit]
    lines = [_plain(""), _styled(f"Surviving mutants ({len(survivors)}):", "red")]
    for mutant in shown:
        lines.extend(describe_survivor(mutant))
    if len(shown) < len(survivors):
        lines.append(_plain(f"... and {len(survivors) - len(shown)} more (use -v to list all)"))
    summary = witness_summary(survivors)
    if summary:
        lines.append(_plain(summary))
    return lines


def styled_detected(results: Results) -> list[Line]:
    """Every killed or timed-out mutant and what caught it (``-vv``)."""
    detected = [m for m in results.mutants if m.status in DETECTED_STATUSES]
    if not detected:
        return []
    lines = [_plain(""), _styled(f"Detected mutants ({len(detected)}):", "green")]
    for m in detected:
        by = f"killed by {m.killed_by}" if m.killed_by else m.status
        lines.append(_plain(f"{mutant_place(m)}: {by}"))
    return lines


def score_sentence(results: Results) -> Line:
    tally = results.tally()
    without = (
        f"; {score_text(tally.score_without_equivalent)} without the {tally.equivalent} proven equivalent"
        if tally.equivalent
        else ""
    )
    return [
        ("mutation score ", None),
        (score_text(tally.score), score_style(tally.score)),
        (
            f" (covered {score_text(tally.covered_score)}{without}): "
            f"{tally.detected} detected of {plural(tally.total, 'mutant')} in {results.duration:.1f} s",
            None,
        ),
    ]


def styled_terminal(results: Results, verbosity: int = 0) -> list[Line]:
    """The whole report at pytest's verbosity (-2 .. 2)."""
    lines: list[Line] = []
    if verbosity >= -1:
        summaries = module_summaries(results)
        lines.extend(styled_table(results, summaries))
        if verbosity >= 0:
            limit = None if verbosity > 0 else DEFAULT_FINDING_LIMIT
            lines.extend(styled_findings(summaries, limit))
            lines.extend(styled_survivors(results, None if verbosity > 0 else DEFAULT_SURVIVOR_LIMIT))
            lines.extend(styled_properties(results, None if verbosity > 0 else DEFAULT_FINDING_LIMIT))
            if verbosity >= 2:
                lines.extend(styled_detected(results))
            lines.extend(_plain(f"warning: excluded {t}: {why}") for t, why in results.excluded_tests.items())
        if verbosity >= 0:
            lines.append(_plain(reach_sentence(results)))
        lines.extend(_styled(f"warning: {w}", "yellow") for w in results.warnings)
        lines.append(_plain(""))
    lines.append(score_sentence(results))
    return lines


def plain(line: Line) -> str:
    return "".join(text for text, _ in line)


def render_terminal(results: Results, verbosity: int = 0) -> list[str]:
    """The report as plain text lines."""
    return [plain(line) for line in styled_terminal(results, verbosity)]
